"""Founders ready to submit at once, and the check of what was saved (run by the benchmark).

    python tests/benchmarks/submissions.py prepare N   -> [{application_id, token}] on a fresh database
    python tests/benchmarks/submissions.py check IDS   -> {"submitted": count with exactly one submission}
"""
import json
import sys

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from fundapp import create_app
from fundapp.applications import services
from fundapp.applications.models import Application, StateChange
from fundapp.auth.models import User
from fundapp.auth.passwords import hash_password
from fundapp.auth.tokens import create_token
from fundapp.columns import utcnow
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.money import to_major
from fundapp.portfolio.services import register_company
from fundapp.seed import demo
from fundapp.seed.pipeline import deck


def prepare(count: int) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade()
    demo.seed()
    fund = db.session.scalar(select(Fund).where(Fund.open_for_applications.is_(True)).order_by(Fund.id))
    password = hash_password("benchmark-founder-2026")
    plan = []
    for index in range(count):
        founder = User(email=f"rush{index}@benchmark.example", name=f"Founder {index}", password_hash=password,
                       language="en", account_type="founder", email_confirmed_at=utcnow())
        db.session.add(founder)
        db.session.flush()
        company = register_company(founder, None, {"name": f"Rush {index}", "country": "KE", "sector": "ai",
                                                   "region": "Nairobi"}, owner_id=founder.id)
        db.session.flush()
        application = services.start_application(founder, fund, company)
        db.session.flush()
        services.save_draft(founder, application, fund, {
            "requested_amount": to_major(fund.min_ticket, fund.currency), "stage": "seed",
            "pitch": "A pitch", "problem": "A problem.", "solution": "A solution.", "market": "A market.",
            "business_model": "Subscriptions.", "traction": "Pilots.", "team": "Two founders.",
            "use_of_funds": "Hiring.", "full_time": 3, "part_time": 1, "jobs_expected": 10})
        services.store_deck(application, "deck.pdf", deck(f"Rush {index}"))
        _token, secret = create_token(founder, "benchmark")
        plan.append({"application_id": application.id, "token": secret})
    db.session.commit()
    print(json.dumps(plan))


def check(ids: list[int]) -> None:
    submitted = db.session.scalar(select(func.count(Application.id)).where(
        Application.id.in_(ids), Application.state == "submitted", Application.submitted_at.is_not(None)))
    once = db.session.execute(select(StateChange.application_id, func.count(StateChange.id)).where(
        StateChange.application_id.in_(ids), StateChange.to_state == "submitted")
        .group_by(StateChange.application_id)).all()
    duplicated = sum(1 for _id, number in once if number != 1)
    print(json.dumps({"submitted": submitted - duplicated}))


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        if sys.argv[1] == "prepare":
            prepare(int(sys.argv[2]))
        else:
            check(json.loads(sys.argv[2]))
