"""The `kenesh` command as a new user runs it."""

import json
import os
import socket
import subprocess
import sys
import time
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


def test_serve_answers_healthz(tmp_path):
    assert kenesh("demo", "--no-serve", "--data-dir", str(tmp_path)).returncode == 0
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KENESH_", "DJANGO_"))}
    command = ["serve", "--port", str(port), "--data-dir", str(tmp_path)]
    process = subprocess.Popen(
        [sys.executable, "-m", "kenesh.cli", *command],
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.load(r)
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert body == {"status": "ok", "database": "sqlite"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_manage_runs_django_commands(tmp_path):
    result = kenesh("manage", "--data-dir", str(tmp_path), "check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
