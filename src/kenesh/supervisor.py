"""Keep one child process running beside the server, and stop it with the server.

``kenesh serve`` runs the background worker this way: if the worker exits (a crash, a
kill, a memory limit), it is started again after a pause that grows with each quick
failure; when the server stops, by Ctrl+C, SIGTERM or a crash, the worker stops too.
On Linux the worker also asks the kernel to end it if the server dies without a word
(SIGKILL), so it is never left orphaned. Imports nothing from Django.
"""

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
# A child that ran at least this long before exiting is restarted at once.
HEALTHY_RUN_SECONDS = 30
MAX_PAUSE_SECONDS = 30


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (a SIGKILLed server
    runs no cleanup of its own); elsewhere the worker's periodic parent check does it."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


class Supervisor:
    """Run ``command``; restart it whenever it exits, until ``stop()``."""

    def __init__(
        self, command: list[str], *, env: dict[str, str] | None = None, name: str = "worker"
    ):
        self.command = command
        self.env = env
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name=f"{name}-supervisor", daemon=True)

    def start(self) -> "Supervisor":
        self._spawn()
        self._thread.start()
        return self

    def _spawn(self) -> None:
        self._started = time.monotonic()
        self.process = subprocess.Popen(self.command, env=self.env)

    def _watch(self) -> None:
        pause = 1.0
        while not self._stopping.is_set():
            assert self.process is not None  # start() spawned it before this thread ran
            code = self.process.wait()
            if self._stopping.is_set():
                return
            ran = time.monotonic() - self._started
            pause = 1.0 if ran >= HEALTHY_RUN_SECONDS else min(pause * 2, MAX_PAUSE_SECONDS)
            print(
                f"The {self.name} stopped (exit code {code}); starting it again in {pause:.0f} s.",
                file=sys.stderr,
                flush=True,
            )
            if self._stopping.wait(pause):
                return
            self.restarts += 1
            self._spawn()

    def stop(self, timeout: float = 10) -> None:
        """Stop the child and stop restarting it."""
        self._stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
