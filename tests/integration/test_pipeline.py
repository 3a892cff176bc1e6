"""The pipeline figures of the quarterly report and the open-data page, from the state history."""
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from fundapp.applications.models import Application, StateChange
from fundapp.applications.pipeline import pipeline, quarterly_counts
from fundapp.applications.services import move
from fundapp.applications.workflow import DECISIONS
from fundapp.portfolio.models import Company
from tests.factories import FounderFactory, FundFactory, staff_with_role


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_states_decisions_and_days_as_of_a_quarter_end(db):
    fund, founder = FundFactory(), FounderFactory()
    stories = [  # submitted on, then (state, days later) steps
        ("health", date(2025, 7, 1), [("screening", 5), ("in_review", 10), ("approved", 30)]),
        ("health", date(2025, 8, 1), [("screening", 2), ("declined", 10)]),
        ("fintech", date(2025, 9, 1), [("screening", 5), ("in_review", 40)]),     # in review only in Q4
        ("fintech", date(2025, 10, 5), []),                                         # after the quarter
        ("ai", date(2025, 4, 1), [("withdrawn", 3)]),                               # the quarter before
    ]
    for index, (sector, submitted, steps) in enumerate(stories):
        company = Company(name=f"C{index}", country="KE", sector=sector, owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, sector=sector,
                                  submitted_at=at(submitted), state=steps[-1][0] if steps else "submitted",
                                  normalized_score=[85.0, 30.0, 55.0, None, None][index])
        db.session.add(application)
        db.session.flush()
        previous, day = "draft", submitted
        db.session.add(StateChange(application_id=application.id, from_state=previous, to_state="submitted",
                                   at=at(day)))
        previous = "submitted"
        for state, later in steps:
            db.session.add(StateChange(application_id=application.id, from_state=previous, to_state=state,
                                       at=at(submitted + timedelta(days=later))))
            if state in DECISIONS:          # as the workflow records the first decision
                application.decided_at, application.decision = at(submitted + timedelta(days=later)), state
            previous = state
    db.session.commit()
    p = pipeline(fund.id, date(2025, 9, 30), date(2025, 7, 1))
    assert (p.received, p.received_in_quarter) == (4, 3)
    assert dict(p.by_state) == {"approved": 1, "declined": 1, "screening": 1, "withdrawn": 1}
    assert (p.approved, p.declined, p.approval_rate) == (1, 1, 0.5)
    assert p.median_days_to_decision == 20            # 30 and 10 days
    assert dict(p.score_bands) == {"0–20": 0, "20–40": 1, "40–60": 1, "60–80": 0, "80–100": 1}
    assert dict(p.sectors) == {"health": 2, "fintech": 1, "ai": 1}
    later = pipeline(fund.id, date(2025, 12, 31), date(2025, 10, 1))
    assert later.by_state["in_review"] == 1 and later.by_state["submitted"] == 1 and later.received == 5
    # the open-data page's quarters: received in each, and first approved in each
    ends = [date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)]
    assert quarterly_counts(fund.id, ends) == [(1, 0), (3, 1), (1, 0)]
    assert [(q.received_in_quarter, q.approved) for q in (pipeline(fund.id, ends[0], date(2025, 4, 1)), p, later)] \
        == [(1, 0), (3, 1), (1, 1)]           # the same, as of each quarter end


def test_the_workflow_keeps_the_first_decision_that_the_pipeline_counts(db):
    fund, founder = FundFactory(), FounderFactory()
    manager = staff_with_role("manager", fund)
    applications = []
    for index, path in enumerate([("screening", "in_review", "due_diligence", "committee", "approved",
                                   "invested"), ("screening", "declined"), ("screening",)]):
        company = Company(name=f"C{index}", country="KE", sector="health", owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                  state="submitted", submitted_at=datetime.now(UTC) - timedelta(days=3))
        db.session.add(application)
        db.session.flush()
        for to in path:
            move(manager, application, to, "investment" if to == "invested" else "manager")
        applications.append(application)
    db.session.commit()
    invested, declined, screened = applications
    assert invested.decision == "approved" and invested.decided_at is not None
    approved_at = db.session.scalar(select(StateChange.at).where(StateChange.application_id == invested.id,
                                                                  StateChange.to_state == "approved"))
    assert invested.decided_at == approved_at          # investing later does not move the decision
    assert declined.decision == "declined" and (screened.decision, screened.decided_at) == (None, None)
    p = pipeline(fund.id, date.today())
    assert (p.approved, p.declined) == (1, 1)
    assert round(p.median_days_to_decision) == 3
