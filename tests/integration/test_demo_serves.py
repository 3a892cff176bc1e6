"""`flask --app wsgi demo` migrates, seeds, prints the logins and serves, as a new user runs it; run again
on the seeded database it serves without holding the database's write lock."""
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serving(env: dict, check) -> str:
    """Run the demo command until its sign-in page answers, then check(port); what it printed."""
    port = free_port()
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "demo", "--port", str(port)]
    with subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as server:
        try:
            deadline, page = time.monotonic() + 60, None
            while time.monotonic() < deadline and page is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                        page = response.read().decode()
                except OSError:
                    time.sleep(0.5)
            assert page is not None and "Sign in" in page
            check(port)
        finally:
            server.terminate()
            output = server.communicate(timeout=20)[0]
    return output


def test_demo_command_serves_the_sign_in_page(tmp_path):
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "FUNDAPP_ENV": "development",
           "REPORTS_DIR": str(tmp_path / "reports")}
    env.pop("DATABASE_URL", None)
    output = serving(env, lambda port: None)
    assert "admin@fundapp.example" in output and "openai.senegal@fundapp.example" in output
    database = tmp_path / "instance" / "fundapp.db"
    assert database.exists()

    def write_meanwhile(_port):
        # another writer gets the write lock at once: the command holds no transaction while it serves
        connection = sqlite3.connect(database, timeout=2, isolation_level=None)
        try:
            start = time.monotonic()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            assert time.monotonic() - start < 1
        finally:
            connection.close()
    output = serving(env, write_meanwhile)
    assert "already holds data" in output
