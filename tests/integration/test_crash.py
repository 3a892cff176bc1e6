"""The server killed with SIGKILL in the middle of a burst of submissions and payments: every write it
acknowledged is there afterwards, nothing is half-written, and the ledger still reconciles — on
SQLite and on PostgreSQL (whichever the suite runs on)."""
import http.client
import os
import signal
import threading
import time
import urllib.request
from datetime import date

from sqlalchemy import func, select

from fundapp.applications import services
from fundapp.applications.models import Application, StateChange
from fundapp.auth.models import User
from fundapp.auth.tokens import create_token
from fundapp.columns import utcnow
from fundapp.funds.models import Fund
from fundapp.ledger import statements
from fundapp.ledger.models import Payment
from fundapp.money import to_major
from fundapp.portfolio.services import register_company
from fundapp.seed.pipeline import deck
from tests.serving import gunicorn, stop

FOUNDERS = 24


def _prepare(app):
    """Founders with complete drafts, a manager's token, and a call with money still owed."""
    from fundapp.extensions import db
    with app.app_context():
        fund = db.session.scalar(select(Fund).where(Fund.currency == "KES"))
        manager = db.session.scalar(select(User).where(User.email == "manager.kenya@fundapp.example"))
        owed = next((line.call.id, allocation.partner_id) for line in statements.calls_of(fund)
                    if not line.reversed for allocation in line.lines if allocation.outstanding > 10_000)
        plan = []
        for index in range(FOUNDERS):
            founder = User(email=f"crash{index}@example.org", name=f"Founder {index}", language="en",
                           account_type="founder", password_hash="!", email_confirmed_at=utcnow())
            db.session.add(founder)
            db.session.flush()
            company = register_company(founder, None, {"name": f"Crash {index}", "country": "KE",
                                                       "sector": "ai", "region": "Nairobi"}, owner_id=founder.id)
            db.session.flush()
            application = services.start_application(founder, fund, company)
            db.session.flush()
            services.save_draft(founder, application, fund, {
                "requested_amount": to_major(fund.min_ticket, fund.currency), "stage": "seed", "pitch": "P",
                "problem": "P.", "solution": "S.", "market": "M.", "business_model": "B.", "traction": "T.",
                "team": "T.", "use_of_funds": "U.", "full_time": 2, "part_time": 0, "jobs_expected": 5})
            services.store_deck(application, "deck.pdf", deck("Crash"))
            plan.append((application.id, create_token(founder, "crash")[1]))
        manager_token = create_token(manager, "crash")[1]
        db.session.commit()
        return plan, manager_token, owed


def _post(url: str, token: str, body: bytes):
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310  (loopback)
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  (loopback)
            return response.status, response.read()
    except (OSError, http.client.HTTPException):
        # refused, reset, or cut off between the headers and the body: not an acknowledgement
        return None, b""


def test_acknowledged_writes_survive_a_killed_server(runner, app, db, config, tmp_path):
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    plan, manager_token, (call_id, partner_id) = _prepare(app)
    env = {**os.environ, "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"], "FUNDAPP_ENV": "development",
           "INSTANCE_PATH": str(tmp_path / "server"), "UPLOAD_DIR": config["UPLOAD_DIR"],
           "REPORTS_DIR": config["REPORTS_DIR"], "SECRET_KEY": "crash-test-" + "k" * 40,
           "SEAL_KEY": config["SEAL_KEY"]}
    env.pop("REDIS_URL", None)
    server, base = gunicorn(env, workers=3)
    try:
        submitted, paid = [], []

        def submit(application_id, token):
            status, _body = _post(f"{base}/api/v1/applications/{application_id}/submit", token, b"{}")
            if status == 200:
                submitted.append(application_id)

        def pay():
            import json
            while not halt.is_set():
                body = json.dumps({"partner_id": partner_id, "date": date.today().isoformat(),
                                   "amount": "1.00"}).encode()
                status, answer = _post(f"{base}/api/v1/capital-calls/{call_id}/payments", manager_token, body)
                if status == 201:
                    paid.append(json.loads(answer)["id"])

        halt = threading.Event()
        threads = [threading.Thread(target=pay) for _ in range(3)]
        threads += [threading.Thread(target=submit, args=item) for item in plan]
        for thread in threads:
            thread.start()
        # mid-burst: as soon as writes of both kinds are acknowledged (payments go on until the kill),
        # however slow this machine is today
        deadline = time.monotonic() + 30
        while not (paid and submitted) and time.monotonic() < deadline:
            time.sleep(0.01)
        stop(server, signal.SIGKILL)
        halt.set()
        for thread in threads:
            thread.join(15)
    finally:
        stop(server, signal.SIGKILL)

    assert paid and submitted, "the burst never started"
    print(f"acknowledged before the kill: {len(submitted)} submissions, {len(paid)} payments")
    db.session.remove()
    ids = [application_id for application_id, _token in plan]
    for application_id in submitted:                      # every acknowledged submission is there
        application = db.session.get(Application, application_id)
        assert application.state == "submitted" and application.submitted_at is not None
    for application in db.session.scalars(select(Application).where(Application.id.in_(ids))):
        steps = db.session.scalar(select(func.count(StateChange.id)).where(
            StateChange.application_id == application.id, StateChange.to_state == "submitted"))
        assert steps == (1 if application.state == "submitted" else 0)       # never half a submission
    stored = set(db.session.scalars(select(Payment.id).where(Payment.id.in_(paid))))
    assert stored == set(paid)                            # every acknowledged payment is there
    assert runner.invoke(args=["verify-ledger"]).exit_code == 0
