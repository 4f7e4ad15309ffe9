"""The `kenesh` command as a new user runs it."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def kenesh(*args, env=None, **kwargs):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KENESH_", "DJANGO_"))}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kenesh.cli", *args], env=clean, text=True, capture_output=True,
        timeout=300, **kwargs,
    )  # fmt: skip


def test_demo_prepares_a_fresh_data_directory(tmp_path):
    result = kenesh("demo", "--no-serve", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Loaded 55 fictional people" in result.stdout
    for username in ("admin", "staff", "mentor", "expert", "young", "donor"):
        assert f"  {username}" in result.stdout
    assert (tmp_path / "kenesh.sqlite3").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    # The database and the uploads (the demo's CVs) are the platform user's alone.
    assert (tmp_path / "kenesh.sqlite3").stat().st_mode & 0o077 == 0
    media = tmp_path / "media"
    assert media.stat().st_mode & 0o077 == 0
    assert all(f.stat().st_mode & 0o077 == 0 for f in media.rglob("*"))
    again = kenesh("demo", "--no-serve", "--data-dir", str(tmp_path))
    assert "already loaded" in again.stdout


def test_demo_rejects_a_bad_scale(tmp_path):
    result = kenesh("demo", "--no-serve", "--scale", "0", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "--scale" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_health(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.3)


def children(pid: int) -> set[int]:
    """Child processes of ``pid``, whichever of its threads started them."""
    found = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found |= {int(child) for child in f.read().split()}
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_serve_supervises_its_worker_and_reports_it(tmp_path):
    """The worker is restarted when it dies, /healthz says how it stands, and stopping
    the server stops the worker: nothing is left orphaned."""
    assert kenesh("manage", "--data-dir", str(tmp_path), "migrate", "-v", "0").returncode == 0
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KENESH_", "DJANGO_"))}
    command = ["serve", "--port", str(port), "--data-dir", str(tmp_path)]
    process = subprocess.Popen(
        [sys.executable, "-m", "kenesh.cli", *command],
        env=clean,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, body = wait_for(
            lambda: (h := get_health(port)) and h[1].get("status") == "ok" and h,
            60,
            "a healthy server with its worker",
        )
        assert status == 200 and body["database"] == "sqlite"
        assert body["worker"]["alive"] == 1 and body["worker"]["waiting"] == 0
        (first,) = children(process.pid)
        os.kill(first, signal.SIGKILL)
        second = wait_for(
            lambda: [c for c in children(process.pid) if c != first and alive(c)],
            30,
            "the worker to be started again",
        )[0]
        wait_for(lambda: get_health(port)[1]["worker"]["alive"] >= 1, 30, "a new heartbeat")
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        wait_for(lambda: not alive(second), 10, "the worker to stop with the server")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_manage_runs_django_commands(tmp_path):
    result = kenesh("manage", "--data-dir", str(tmp_path), "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
