"""The world the access matrix and the form fuzzing walk: two funds, every role, and a row of each kind
that a route names (a paid call, investments, an application under review with its deck, a criterion,
a published report and a draft). Built once per session (the "world" seed); each test gets a copy."""
from datetime import date

import pytest
from sqlalchemy import select

from fundapp.applications.models import Application, Assignment, Revision
from fundapp.applications.review import add_criterion
from fundapp.applications.services import store_deck
from fundapp.auth.models import ApiToken, Grant, Passkey, User
from fundapp.funds.services import partners_of
from fundapp.jobs import services as jobs
from fundapp.ledger import capital
from fundapp.notifications.models import BackgroundJob, Notification, OutboxMessage
from fundapp.portfolio import services as portfolio
from fundapp.reporting import services as reports
from tests.conftest import seed
from tests.factories import (
    AdminFactory,
    FounderFactory,
    FundFactory,
    UserFactory,
    UserSessionFactory,
    api_token_for,
    pdf_bytes,
    staff_with_role,
)


@seed("world")
def build_world(db) -> dict:
    fund_a, fund_b = FundFactory(name="Fund A"), FundFactory(name="Fund B")
    people = {
        "founder": FounderFactory(),
        "admin": AdminFactory(),
        "manager_a": staff_with_role("manager", fund_a),
        "reviewer_a": staff_with_role("reviewer", fund_a),
        "partner_a": staff_with_role("partner", fund_a),
        "manager_b": staff_with_role("manager", fund_b),
        "partner_b": staff_with_role("partner", fund_b),
    }
    outsider = UserFactory()
    api_token_for(outsider)
    outsider_session = UserSessionFactory(user_id=outsider.id, secret_hash="0" * 64)
    outsider_passkey = Passkey(user_id=outsider.id, name="key", credential_id=b"outsider", public_key=b"-")
    outsider_notification = Notification(user_id=outsider.id, kind="decision", title="-", link="/")
    message = OutboxMessage(recipient=outsider.email, subject="-", body="-", send_key="world")
    db.session.add_all([outsider_passkey, outsider_notification, message])
    db.session.commit()
    params = {
        "fund_id": fund_a.id,
        "user_id": people["manager_a"].id,
        "grant_id": db.session.scalar(select(Grant.id).where(Grant.user_id == people["manager_a"].id)),
        "token_id": db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == outsider.id)),
        "token": "not-a-real-activation-link",
        "session_id": outsider_session.id,
        "passkey_id": outsider_passkey.id,
        "notification_id": outsider_notification.id,
        "message_id": message.id,
        "filename": "fundapp.css",
    }
    tokens = {name: api_token_for(user) for name, user in people.items()}
    params.update(ledger_entries(db, fund_a, {**people, "outsider": outsider}))
    return {"people": {name: user.id for name, user in people.items()}, "tokens": tokens, "params": params}


@pytest.fixture
def world(db, database):
    """(people by actor, their API tokens, the route parameters) in this test's copy of the world."""
    built = database.seeded("world")
    people = {name: db.session.get(User, user_id) for name, user_id in built["people"].items()}
    return people, built["tokens"], built["params"]


def ledger_entries(db, fund, people) -> dict:
    """A paid call and an investment in fund A, for the routes that name ledger rows."""
    manager = people["manager_a"]
    partner = partners_of(fund)[0]
    call = capital.record_call(manager, fund, date(2024, 1, 10), date(2024, 2, 10), "100000", "investment")
    capital.record_payment(manager, fund, call, partner.id, date(2024, 2, 1), "100000")
    company = portfolio.register_company(manager, fund, {"name": "Acme", "country": "KE", "sector": "ai"})
    investment = portfolio.record_investment(manager, fund, company.id, date(2024, 3, 1), "50000", "equity", "0.1")
    founder = people["founder"]
    own = portfolio.register_company(founder, None, {"name": "Shamba", "country": "KE", "sector": "ai"},
                                     owner_id=founder.id)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=own.id, founder_id=founder.id)
    db.session.add(application)
    db.session.flush()
    db.session.add(Assignment(application_id=application.id, reviewer_id=people["reviewer_a"].id,
                              conflict=False))
    store_deck(application, "deck.pdf", pdf_bytes(1))
    application.state = "in_review"
    db.session.add(Revision(application_id=application.id, number=1, values={"pitch": ""}, changed=[]))
    criterion = add_criterion(manager, fund, "Team", "", "1", 1, 5)
    held = portfolio.register_company(manager, fund, {"name": "Kibo", "country": "KE", "sector": "ai"},
                                      owner_id=founder.id)
    db.session.flush()
    portfolio.record_investment(manager, fund, held.id, date(2024, 4, 1), "10000", "equity", "0.05")
    headcount = jobs.file_report(manager, held, {"period": "2024Q2", "full_time": 4, "part_time": 2, "women": 2,
                                                 "under_35": 3, "nationals": 5}, by_manager=True)
    published = reports.publish(manager, fund, reports.generate(manager, fund, 2024, 1))
    draft = reports.generate(manager, fund, 2024, 2)
    export = BackgroundJob(kind="queue_export", user_id=people["outsider"].id, fund_id=fund.id, status="done",
                           result_file="applications-fund.csv")      # background work: nobody else's
    db.session.add(export)
    db.session.commit()
    return {"application_id": application.id, "criterion_id": criterion.id, "partner_id": partner.id,
            "job_id": export.id, "name": "nav", "call_id": call.id, "investment_id": investment.id,
            "company_id": held.id, "report_id": published.id,
            "overrides": {"admin.revoke_token": {"user_id": people["outsider"].id},
                          "capital.reverse": {"kind": "capital_call", "entry_id": call.id},
                          "capital.notice": {"kind": "calls", "event_id": call.id},
                          "capital.export": {"kind": "csv"},
                          "jobs.export": {"kind": "csv"}, "dashboard.schedule": {"kind": "xlsx"},
                          "jobs.export_reports": {"kind": "xlsx"},
                          "reports.publish": {"report_id": draft.id},
                          "api_reports.publish": {"report_id": draft.id},
                          "reports.table": {"name": "schedule", "kind": "xlsx"},
                          "portfolio.reverse": {"kind": "investment", "entry_id": investment.id},
                          "api_jobs.verify": {"report_id": headcount.id}}}
