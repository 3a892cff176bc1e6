"""fundapp served by gunicorn on loopback, for the tests and scripts that need a real server (a killed
server, load, sqlmap)."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310  (loopback only)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not answer")


def gunicorn(env: dict, app: str = "wsgi:app", workers: int = 2) -> tuple[subprocess.Popen, str]:
    """A gunicorn server in its own process group, answering; (the process, its base URL)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base)
    return server, base


def stop(server: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    """Signal the whole process group (master and workers) and wait for the master."""
    if server.poll() is None:
        os.killpg(server.pid, how)
    server.wait(20)
