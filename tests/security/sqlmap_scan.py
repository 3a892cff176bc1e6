"""sqlmap (Debian's package) against the login form, the queue's filters and the API's list
parameters of a server on loopback holding the demo data. Exits 1 if sqlmap finds any injection.

    python tests/security/sqlmap_scan.py
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.serving import gunicorn, stop  # noqa: E402

BENCHMARKS = ROOT / "tests" / "benchmarks"
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def main() -> int:
    sqlmap = shutil.which("sqlmap")
    if sqlmap is None:
        print("sqlmap is not installed: apt-get install sqlmap")
        return 1
    work = Path(tempfile.mkdtemp())
    env = {**os.environ, "INSTANCE_PATH": str(work / "instance"), "FUNDAPP_ENV": "development",
           "SECRET_KEY": "sqlmap-scan-" + "s" * 40, "SEAL_KEY": "sqlmap-seal-key", "RATELIMIT_ENABLED": "0", "REPORTS_DIR": str(work / "reports"),
           "UPLOAD_DIR": str(work / "uploads"), "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCHMARKS}"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    subprocess.run([*FLASK, "demo", "--no-serve"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    token = subprocess.run([*FLASK, "create-token", "manager.kenya@fundapp.example"], cwd=ROOT, env=env,
                           check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    cookie = subprocess.run([sys.executable, str(BENCHMARKS / "session_cookie.py"), "manager.kenya@fundapp.example"],
                            cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()
    server, base = gunicorn(env, workers=4)
    targets = {
        "login form": ["-u", f"{base}/login", "--data", "email=manager%40example.org&password=secret",
                       "--csrf-token", "csrf_token", "--csrf-url", f"{base}/login"],
        "queue filters": ["-u", f"{base}/funds/1/applications?state=in_review&sector=ai&region=Nairobi"
                          "&sort=normalized&min_score=10&page=1", "--cookie", cookie, "--threads", "4"],
        "API list": ["-u", f"{base}/api/v1/funds/1/applications?state=in_review&sort=normalized&page=1"
                     "&per_page=50", "--headers", f"Authorization: Bearer {token}", "--threads", "4"],
    }
    found = []
    try:
        for name, arguments in targets.items():
            output = subprocess.run(
                [sqlmap, *arguments, "--batch", "--level", "2", "--risk", "1", "--flush-session",
                 "--disable-coloring", "--output-dir", str(work / "sqlmap")],
                capture_output=True, text=True, timeout=1200).stdout
            injectable = re.findall(r"parameter '([^']+)' (?:is|appears to be) .*injectable", output)
            clean = "do not appear to be injectable" in output
            print(f"{name}: {'INJECTABLE ' + ', '.join(injectable) if injectable else 'no injection found'}"
                  f"{'' if clean or injectable else ' (sqlmap did not finish its tests: see below)'}")
            if injectable or not clean:
                found.append(name)
                print(output[-3000:])
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
