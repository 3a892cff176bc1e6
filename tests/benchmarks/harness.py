"""The parts of the benchmark run: databases generated at scale, the report's overhead and memory,
gunicorn throughput against a bare page, and 50 founders submitting at once."""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from tests.serving import gunicorn, stop  # noqa: E402

PYTHON = sys.executable
FLASK = [PYTHON, "-m", "flask", "--app", "wsgi"]


def arguments(*extra) -> argparse.ArgumentParser:
    """The options every benchmark takes: its two sizes, the data's seed, how many times each figure is
    measured, and where the databases are kept; extra is (name, default, help) for more."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--data", type=Path, default=ROOT / ".benchmarks", help="Where the databases are kept.")
    for name, default, description in extra:
        parser.add_argument(name, default=default, help=description)
    return parser


def child_json(script: str, *args) -> dict:
    """The JSON object a benchmark script prints last, run in a child process for a clean memory."""
    output = subprocess.run([PYTHON, str(HERE / script), *map(str, args)], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={**os.environ, "FUNDAPP_ENV": "development"})
    return json.loads(output.stdout.strip().splitlines()[-1])


def build_database(data: Path, applications: int, seed: int) -> dict:
    """A SQLite database filled by generate-data, reused when already built for that size and seed."""
    instance = (data / f"{applications}-{seed}-{_schema()}").resolve()
    database = instance / "fundapp.db"
    seconds = None
    if not database.exists():
        shutil.rmtree(instance, ignore_errors=True)
        instance.mkdir(parents=True)
        env = {**os.environ, "INSTANCE_PATH": str(instance), "REPORTS_DIR": str(instance / "reports"),
               "FUNDAPP_ENV": "development"}
        env.pop("DATABASE_URL", None)
        started = time.monotonic()
        subprocess.run([*FLASK, "generate-data", "--applications", str(applications), "--seed", str(seed)],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        seconds = round(time.monotonic() - started, 1)
    return {"database": database, "instance": instance, "seconds": seconds}


def build_postgres(server: str, applications: int, seed: int) -> str:
    """A PostgreSQL database filled by generate-data (server is a URL without the database's name),
    reused when already built for that size, seed and schema."""
    import psycopg
    name = f"bench_{applications}_{seed}_{_schema()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    if not exists:
        env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": tempfile.mkdtemp(),
               "FUNDAPP_ENV": "development"}
        subprocess.run([*FLASK, "generate-data", "--applications", str(applications), "--seed", str(seed)],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return url


def _schema() -> str:
    """The migrations' head: a database built before it is built again."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def report_figures(database: Path, runs: int = 3) -> dict:
    """The quarterly report of the largest fund, each time in a fresh child process: its own overhead
    over reportlab's document build (the median of the runs, each run's given too), and the children's
    peak memory."""
    samples = []
    for _run in range(runs):
        output = subprocess.run([PYTHON, str(HERE / "report.py"), str(database)], cwd=ROOT,
                                capture_output=True, text=True, check=True,
                                env={**os.environ, "FUNDAPP_ENV": "development"})
        samples.append(json.loads(output.stdout.strip().splitlines()[-1]))
    middle = sorted(samples, key=lambda sample: sample["report_overhead_ratio"])[len(samples) // 2]
    return {**middle, "report_overhead_ratios": [sample["report_overhead_ratio"] for sample in samples],
            "report_peak_rss_mb": max(sample["report_peak_rss_mb"] for sample in samples)}


def _wrk(url: str, seconds: int, cookie: str = "") -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed = int(errors[1]) if errors else 0
    failed += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return {"rps": rate, "errors": failed}


def throughput(database: Path, seconds: int = 10) -> dict:
    """Requests per second on the queue page against a bare page rendering the same base template
    without the database, both under gunicorn with 2 workers and wrk with 16 connections; and the
    queue rendered on every request (no page kept), as after every change to the fund."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    instance = Path(tempfile.mkdtemp())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "INSTANCE_PATH": str(instance),
           "FUNDAPP_ENV": "development", "SECRET_KEY": "benchmark-secret-key-" + "x" * 32, "SEAL_KEY": "benchmark-seal-key",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}", "RATELIMIT_ENABLED": "0"}
    cookie = subprocess.run([PYTHON, str(HERE / "session_cookie.py"), "manager.kenya@fundapp.example"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True).stdout.strip()
    queue_url = "/funds/1/applications?state=in_review&sort=normalized&per_page=50"
    server, base = gunicorn(env, "floor:app")
    try:
        queue = _wrk(base + queue_url, seconds, cookie)
        floor = _wrk(base + "/floor", seconds)
    finally:
        stop(server)
    server, base = gunicorn({**env, "CACHE_TYPE": "NullCache"}, "floor:app")
    try:
        rendered = _wrk(base + queue_url, seconds, cookie)
    finally:
        stop(server)
    return {"throughput_vs_floor": round(queue["rps"] / floor["rps"], 3), "queue_rps": queue["rps"],
            "floor_rps": floor["rps"], "throughput_errors": queue["errors"] + floor["errors"],
            "queue_rendered_rps": rendered["rps"],
            "rendered_throughput_vs_floor": round(rendered["rps"] / floor["rps"], 3)}


def _rush(base: str, plan: list[dict]) -> list[int]:
    """Every founder submits at the same moment (a barrier); the HTTP status each one got."""
    answers: list[int] = []
    barrier = threading.Barrier(len(plan))

    def submit(application_id: int, token: str) -> None:
        request = urllib.request.Request(  # noqa: S310  (loopback http only)
            f"{base}/api/v1/applications/{application_id}/submit", method="POST", data=b"{}",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310  (loopback)
                answers.append(response.status)
        except urllib.error.HTTPError as error:
            answers.append(error.code)
        except OSError:
            answers.append(0)
    threads = [threading.Thread(target=submit, args=(item["application_id"], item["token"])) for item in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return answers


def concurrent_submissions(founders: int = 50) -> dict:
    """50 founders submit their applications at the same moment through the API, on SQLite (the
    default configuration) and on PostgreSQL: failed answers and submissions lost."""
    results = {}
    targets = {"sqlite": None, "postgresql": os.environ.get("BENCHMARK_POSTGRES",
                                                            "postgresql://postgres@127.0.0.1:5432/test")}
    for name, url in targets.items():
        instance = Path(tempfile.mkdtemp())
        env = {**os.environ, "INSTANCE_PATH": str(instance), "FUNDAPP_ENV": "development",
               "SECRET_KEY": "benchmark-secret-key-" + "x" * 32, "SEAL_KEY": "benchmark-seal-key", "RATELIMIT_ENABLED": "0",
               "UPLOAD_DIR": str(instance / "uploads"), "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}"}
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        prepared = subprocess.run([PYTHON, str(HERE / "submissions.py"), "prepare", str(founders)], cwd=ROOT,
                                  env=env, capture_output=True, text=True, check=True)
        plan = json.loads(prepared.stdout.strip().splitlines()[-1])
        server, base = gunicorn(env, "wsgi:app", workers=4)
        try:
            answers = _rush(base, plan)
        finally:
            stop(server)
        checked = subprocess.run([PYTHON, str(HERE / "submissions.py"), "check", json.dumps(
            [item["application_id"] for item in plan])], cwd=ROOT, env=env, capture_output=True, text=True,
            check=True)
        submitted = json.loads(checked.stdout.strip().splitlines()[-1])["submitted"]
        failed = sum(1 for status in answers if not 200 <= status < 300)
        results[name] = {"failed": failed, "lost": len(plan) - submitted, "answers": len(answers)}
        shutil.rmtree(instance, ignore_errors=True)
    return {"failed_submissions": sum(r["failed"] for r in results.values()),
            "lost_submissions": sum(r["lost"] for r in results.values()), "submissions_by_database": results}


def _worker_rss_kb(server) -> int:
    """Total resident memory of the gunicorn workers (the master's children)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status)[1])
    return total


def soak(database: Path, requests: int = 20_000) -> dict:
    """At least 20,000 requests on the API list and the queue against gunicorn (2 workers): the
    workers' memory after them against after a warm-up."""
    instance = Path(tempfile.mkdtemp())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "INSTANCE_PATH": str(instance),
           "FUNDAPP_ENV": "development", "SECRET_KEY": "benchmark-secret-key-" + "x" * 32, "SEAL_KEY": "benchmark-seal-key",
           "PYTHONPATH": f"{ROOT}{os.pathsep}{HERE}"}
    cookie = subprocess.run([PYTHON, str(HERE / "session_cookie.py"), "manager.kenya@fundapp.example"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=True).stdout.strip()
    server, base = gunicorn(env, "wsgi:app")
    url = base + "/funds/1/applications?state=in_review&sort=normalized&per_page=50"
    try:
        warm = _wrk(url, 5, cookie)
        before = _worker_rss_kb(server)
        seconds = max(5, int(requests * 1.3 / max(warm["rps"], 1)) + 2)
        run = _wrk(url, seconds, cookie)
        after = _worker_rss_kb(server)
    finally:
        stop(server)
    return {"soak_requests": int(run["rps"] * seconds), "soak_errors": run["errors"],
            "soak_rss_growth": round(after / before - 1, 4), "soak_rss_mb": [round(before / 1024, 1),
                                                                               round(after / 1024, 1)]}
