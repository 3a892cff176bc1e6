"""Median latency and SQL query count of fundapp's heaviest pages on one database (run by run.py).

    python tests/benchmarks/pages.py DATABASE REPEATS    -> one JSON line {page: {median_ms, queries}}
"""
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


# name -> (who asks, path with {reviewed} and {ministry} filled in from the data)
PAGES = {
    "queue": ("manager", "/funds/1/applications?state=in_review&sort=normalized&per_page=50", {}),
    "api_list": ("api", "/api/v1/funds/1/applications?state=in_review&sort=normalized&per_page=50", {}),
    "application": ("manager", "/funds/1/applications/{reviewed}", {}),
    "dashboard": ("manager", "/funds/1", {}),
    "jobs": ("manager", "/funds/1/jobs", {}),
    "statement": ("partner", "/funds/1/partners/{ministry}/statement", {}),
}


def main(database: str, repeats: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(database).resolve()}"
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp())
    from sqlalchemy import event, select
    from sqlalchemy.engine import Engine

    from fundapp import create_app
    from fundapp.applications.models import Application
    from fundapp.auth.models import User
    from fundapp.auth.tokens import create_token
    from fundapp.extensions import db
    from fundapp.funds.models import Partner
    from tests.conftest import sign_in

    # Pages as rendered: a page kept whole (fundapp.web.pages) would measure the cache, not the page.
    app = create_app({"RATELIMIT_ENABLED": False, "CACHE_TYPE": "NullCache"})
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == "manager.kenya@fundapp.example"))
        partner = db.session.scalar(select(User).where(User.email == "government.kenya@fundapp.example"))
        ministry = db.session.scalar(select(Partner.id).where(Partner.fund_id == 1, Partner.kind == "government"))
        reviewed = db.session.scalar(select(Application.id).where(
            Application.fund_id == 1, Application.state == "in_review", Application.review_count > 0)
            .order_by(Application.id.desc()))
        _token, secret = create_token(manager, "benchmark")
        db.session.commit()
        # signed in as each would be (the manager with its second factor set up), once per page below
        signed_in = {"manager": manager, "partner": partner}
        clients = {}
        for name, (who, _path, _headers) in PAGES.items():
            clients[name] = app.test_client()
            if who in signed_in:
                sign_in(clients[name], signed_in[who])
    pages = {name: (who, path.format(reviewed=reviewed, ministry=ministry),
                    {"Authorization": f"Bearer {secret}"} if who == "api" else {})
             for name, (who, path, _headers) in PAGES.items()}
    counter = {"n": 0}
    event.listen(Engine, "before_cursor_execute", lambda *args: counter.__setitem__("n", counter["n"] + 1))
    results = {}
    for name, (_who, path, headers) in pages.items():
        client = clients[name]
        for _ in range(3):                                        # warm caches and connections
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (name, response.status_code)
        counter["n"] = 0
        client.get(path, headers=headers)
        queries = counter["n"]
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(path, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = {"median_ms": round(statistics.median(timings), 2), "queries": queries}
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
