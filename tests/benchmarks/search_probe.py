"""Search and possible duplicates on one database (run by search.py).

    python tests/benchmarks/search_probe.py DATABASE_URL REPEATS   -> one JSON line of figures

Each search is the manager's queue page (rendered whole, never kept) and the API list, for what a
manager types: a company's name, its registration number, a founder's words, and one broad word found
in about one application in twenty. Then the duplicate check of a new application: its fingerprint
written and its possible duplicates found, in a transaction rolled back after each try."""
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
NAMED = 1234       # an application whose name and number exist at every size (fund 1's 1234th)


def median_ms(action, repeats: int) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)


def main(url: str, repeats: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp())
    from sqlalchemy import event, select
    from sqlalchemy.engine import Engine

    from fundapp import create_app
    from fundapp.applications import duplicates
    from fundapp.applications.models import Application
    from fundapp.auth.models import User
    from fundapp.auth.tokens import create_token
    from fundapp.extensions import db
    from fundapp.funds.models import Fund
    from fundapp.portfolio.models import Company
    from tests.conftest import sign_in

    # no worker beside the measures (its schedule would take the write lock while a check waits)
    app = create_app({"RATELIMIT_ENABLED": False, "CACHE_TYPE": "NullCache", "JOB_QUEUE": "manual"})
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == "manager.kenya@fundapp.example"))
        first = db.session.scalar(select(Application.id).where(Application.fund_id == 1).order_by(Application.id))
        application, company = db.session.execute(
            select(Application, Company).join(Company, Company.id == Application.company_id)
            .where(Application.id == first + NAMED)).one()
        words = application.team.split(",")[0]             # a founder's name as the application gives it
        _token, secret = create_token(manager, "benchmark")
        db.session.commit()
        client = app.test_client()
        sign_in(client, manager)
        searches = {"name": company.name, "registration": company.registration_number.lower().replace("-", " "),
                    "founder_words": f"{words} {application.pitch.split()[-1]}", "broad": "farmers"}
        texts = (application.pitch, application.problem)
        founder_id = db.session.scalar(select(User.id).where(User.account_type == "founder").limit(1))
    counter = {"n": 0}
    event.listen(Engine, "before_cursor_execute", lambda *args: counter.__setitem__("n", counter["n"] + 1))
    results = {}
    api = app.test_client()
    for name, typed in searches.items():
        for kind, path, headers, who in (
                ("queue", f"/funds/1/applications?q={quote(typed)}", {}, client),
                ("api", f"/api/v1/funds/1/applications?q={quote(typed)}", {"Authorization": f"Bearer {secret}"},
                 api)):
            for _ in range(3):
                response = who.get(path, headers=headers)
                assert response.status_code == 200, (name, kind, response.status_code)
            counter["n"] = 0
            response = who.get(path, headers=headers)
            queries, found = counter["n"], len(response.json) if kind == "api" else None
            ask = lambda who=who, path=path, headers=headers: who.get(path, headers=headers)  # noqa: E731
            results[f"{kind}_{name}"] = {"median_ms": median_ms(ask, repeats),
                                         "queries": queries, "typed": typed, "found_on_page": found}

    def check_new_application():
        with app.app_context():
            newcomer = Company(name="Newcomer", country="KE", sector="ai", owner_id=founder_id,
                               registration_number="NEW-1")
            db.session.add(newcomer)
            db.session.flush()
            fresh = Application(fund_id=1, company_id=newcomer.id, founder_id=founder_id, state="submitted",
                                pitch=texts[0], problem=texts[1] + " Again.")
            db.session.add(fresh)
            db.session.flush()                                   # the fingerprint and index rows written
            found = duplicates.find([fresh.id], select(Fund.id))
            db.session.rollback()
            assert found, "the copied application is found"

    check_new_application()
    counter["n"] = 0
    check_new_application()
    queries = counter["n"]
    results["duplicates_new_application"] = {"median_ms": median_ms(check_new_application, repeats),
                                             "queries": queries}
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
