"""The product with its mail server down, then back: request times and catch-up, outside the test run.

    python tests/benchmarks/mail_outage.py [--requests 100]

Serves fundapp with gunicorn (2 workers) and one `flask --app wsgi worker` on RQ over the local Redis,
on a fresh SQLite database. Founders ask for password resets (each writes a message to the outbox):
first with the mail server up (aiosmtpd), then with it silent (it accepts connections and never
answers, the worst case: each try waits out the timeout), then the server comes back. Prints request
times in each phase, and how many messages arrived, how long after the server returned, and whether
any arrived twice. The last line is one JSON object with every figure.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.mailbox import Mailbox  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(folder: Path, mail_port: int) -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'fundapp.db'}", "INSTANCE_PATH": str(folder),
            "FUNDAPP_ENV": "development", "RATELIMIT_ENABLED": "0", "REDIS_URL": "redis://127.0.0.1:6379/14",
            "JOB_QUEUE": "redis", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port),
            "WORKER_INTERVAL": "5", "CACHE_TYPE": "NullCache"}


def create_founders(env: dict, count: int) -> None:
    script = (
        "from fundapp import create_app\nfrom fundapp.auth import services\nfrom fundapp.extensions import db\n"
        "app = create_app({'PASSWORD_HASH': {'time_cost': 1, 'memory_cost': 8, 'parallelism': 1}})\n"
        "with app.app_context():\n"
        f"    for n in range({count}):\n"
        "        services.register_founder(f'f{n}@example.org', f'Founder {n}', 'a long demo password 2026',"
        " 'en', confirmed=True)\n"
        "    db.session.commit()\n")
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def ask_resets(base: str, addresses: list[str]) -> list[float]:
    """Each address asks for a password reset; the time of each request, in ms."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/password/forgot").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    timings = []
    for address in addresses:
        data = urllib.parse.urlencode({"email": address, "csrf_token": token.group(1)}).encode()
        started = time.perf_counter()
        answer = opener.open(base + "/password/forgot", data=data)
        answer.read()
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status == 200
    return timings


def summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {"median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1), "max_ms": round(ordered[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    count = parser.parse_args().requests
    from redis import Redis
    Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
    folder = Path(tempfile.mkdtemp(prefix="fundapp-outage-"))
    mail_port, web_port = free_port(), free_port()
    env = environment(folder, mail_port)
    create_founders(env, 2 * count)
    box = Mailbox()
    server = Controller(box, hostname="127.0.0.1", port=mail_port)
    server.start()
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{web_port}",
                            "wsgi:app"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{web_port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health")  # noqa: S310  (loopback)
                break
            except OSError:
                time.sleep(0.2)
        up = ask_resets(base, [f"f{n}@example.org" for n in range(count)])
        deadline = time.monotonic() + 60
        while len(box.messages) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        delivered_up = len(box.messages)
        server.stop()
        silent = socket.socket()
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind(("127.0.0.1", mail_port))
        silent.listen(200)                   # connections accepted by the system, never answered
        down = ask_resets(base, [f"f{n}@example.org" for n in range(count, 2 * count)])
        time.sleep(15)                       # the worker meets the silent server and pauses
        silent.close()
        back = Mailbox()
        server = Controller(back, hostname="127.0.0.1", port=mail_port)
        server.start()
        returned = time.monotonic()
        deadline = returned + 300
        while len(back.messages) < count and time.monotonic() < deadline:
            time.sleep(0.5)
        caught_up = time.monotonic() - returned
        time.sleep(10)                       # a few more rounds: nothing arrives twice
        ids = [message["Message-ID"] for message in back.messages]
    finally:
        web.terminate()
        worker.terminate()
        web.wait(10)
        worker.wait(10)
        server.stop()
    figures = {"requests": count, "mail_up": summary(up), "mail_down": summary(down),
               "delivered_while_up": delivered_up, "delivered_after_return": len(back.messages),
               "seconds_to_catch_up": round(caught_up, 1), "sent_twice": len(ids) - len(set(ids))}
    print(f"mail server up:     {figures['mail_up']}")
    print(f"mail server silent: {figures['mail_down']}")
    print(f"after it returned: {len(back.messages)} of {count} delivered in {caught_up:.1f} s, "
          f"{figures['sent_twice']} twice")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
