"""Two requests at the same moment, each on a server (an app, its own database connection) of its own,
released together by a barrier, over the API and the pages: no limit of the ledger is ever passed that
one request alone could not pass, twin submissions give one result and a clear answer (never a 500),
and a conflict declared at the same moment as "no conflict" stays a conflict. Each race is run several
times, on the database the suite runs on (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from fundapp.applications import review
from fundapp.applications.models import Application, Assignment, Review, Vote
from fundapp.auth.models import User
from fundapp.funds.services import partners_of
from fundapp.jobs.models import HeadcountReport
from fundapp.ledger import capital
from fundapp.ledger.loader import load_ledger, metrics_as_of
from fundapp.ledger.metrics import lowest_cash
from fundapp.money import to_major
from fundapp.portfolio import services as portfolio
from fundapp.portfolio.models import Company, Exit
from fundapp.reporting.models import QuarterlyReport
from tests.conftest import sign_in
from tests.factories import (
    FounderFactory,
    FundFactory,
    PartnerFactory,
    api_token_for,
    fund_with_partners,
    staff_with_role,
)

ROUNDS = 6
D = date


class Racers:
    """Two servers on the test's database, each with its own client; race() sends one request from
    each at the same moment and gives their statuses."""

    def __init__(self, make_app, **config):
        self.apps = [make_app(RATELIMIT_ENABLED=False, **config) for _ in range(2)]
        self.signed_out()

    def signed_out(self) -> None:
        """New clients, holding no session."""
        self.clients = [app.test_client() for app in self.apps]

    def race(self, *requests, stagger: float = 0) -> list[int]:
        """The requests' statuses; with a stagger, each request leaves that many seconds after the one
        before it (to land in the middle of a longer one)."""
        barrier = threading.Barrier(len(requests), timeout=30)
        statuses: list = [None] * len(requests)

        def send(index, client, request):
            method, path, kwargs = request
            barrier.wait()
            time.sleep(index * stagger)
            statuses[index] = client.open(path, method=method, **kwargs).status_code

        threads = [threading.Thread(target=send, args=(index, self.clients[index], request), daemon=True)
                   for index, request in enumerate(requests)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert None not in statuses, "a request did not finish"
        return statuses


@pytest.fixture
def racers(make_app, db):
    return Racers(make_app)


def api(method: str, path: str, token: str, **kwargs):
    return method, path, {"headers": {"Authorization": f"Bearer {token}"}, **kwargs}


@pytest.fixture
def funded(db):
    """A KES fund, its manager and token, 10,000.00 committed by two partners, all of it called and
    paid in on 2 January 2024, and a company of the fund."""
    fund, _ministry, _openai = fund_with_partners()
    manager = staff_with_role("manager", fund)
    call = capital.record_call(manager, fund, D(2024, 1, 2), D(2024, 1, 12), "10000", "investment")
    for partner in partners_of(fund):
        capital.record_payment(manager, fund, call, partner.id, D(2024, 1, 2), to_major(partner.commitment, "KES"))
    company = portfolio.register_company(manager, fund, {"name": "Shamba", "country": "KE", "sector": "ai"})
    db.session.commit()
    return fund, manager, api_token_for(manager), company


def cash(db, fund) -> int:
    """What the fund may still pay out on 30 June 2024: its lowest cash from then on."""
    return lowest_cash(load_ledger(db.session.get(type(fund), fund.id)), D(2024, 6, 30))[0]


def test_two_calls_never_take_unfunded_below_zero(racers, db):
    fund = FundFactory(currency="KES", vintage_year=2024)
    PartnerFactory(fund=fund, kind="government", commitment=10**12)
    token = api_token_for(staff_with_role("manager", fund))
    unfunded = 10**12
    for round_ in range(ROUNDS):
        amount = to_major(unfunded * 6 // 10, "KES")       # each alone fits; both together do not
        body = {"call_date": f"2024-02-{round_ + 1:02d}", "due_date": "2024-03-31", "amount": amount,
                "purpose": "investment"}
        statuses = racers.race(*[api("POST", f"/api/v1/funds/{fund.id}/capital-calls", token, json=body)] * 2)
        assert sorted(statuses) == [201, 422], statuses
        unfunded -= unfunded * 6 // 10
    assert metrics_as_of(db.session.get(type(fund), fund.id)).unfunded == unfunded > 0


@pytest.mark.parametrize("kind", ["distributions", "expenses", "investments", "mixed"])
def test_two_outflows_never_take_cash_below_zero(racers, db, funded, kind):
    fund, _manager, token, company = funded
    bodies = {
        "distributions": lambda amount: ("distributions", {"date": "2024-06-30", "amount": amount}),
        "expenses": lambda amount: ("expenses", {"date": "2024-06-30", "amount": amount,
                                                 "category": "operations"}),
        "investments": lambda amount: ("investments", {"company_id": company.id, "date": "2024-06-30",
                                                       "amount": amount, "instrument": "equity",
                                                       "ownership": "0.0100"}),
    }
    for _round in range(ROUNDS):
        available = cash(db, fund)
        amount = to_major(available * 6 // 10, "KES")
        kinds = ["distributions", "expenses"] if kind == "mixed" else [kind, kind]
        requests = [api("POST", f"/api/v1/funds/{fund.id}/{path}", token, json=body)
                    for path, body in (bodies[each](amount) for each in kinds)]
        statuses = racers.race(*requests)
        assert sorted(statuses) == [201, 422], statuses
        assert cash(db, fund) == available - available * 6 // 10 >= 0


def test_two_exits_of_one_company_give_one_exit(racers, db, funded):
    fund, manager, token, _company = funded
    for round_ in range(ROUNDS):
        company = portfolio.register_company(manager, fund, {"name": f"Exit {round_}", "country": "KE",
                                                             "sector": "ai"})
        portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "10", "equity", "0.1")
        db.session.commit()
        body = {"company_id": company.id, "date": "2024-09-30", "proceeds": "25", "kind": "acquisition"}
        statuses = racers.race(*[api("POST", f"/api/v1/funds/{fund.id}/exits", token, json=body)] * 2)
        assert sorted(statuses) == [201, 422], statuses
        assert db.session.scalar(select(func.count(Exit.id)).where(Exit.company_id == company.id)) == 1


def test_two_reversals_of_one_entry_give_one_reversal(racers, db, funded):
    fund, manager, token, _company = funded
    for _round in range(ROUNDS):
        expense = capital.record_expense(manager, fund, D(2024, 5, 1), "1", "operations")
        db.session.commit()
        body = {"kind": "expense", "entry_id": expense.id, "reason": "Entered twice"}
        statuses = racers.race(*[api("POST", f"/api/v1/funds/{fund.id}/reversals", token, json=body)] * 2)
        assert 500 not in statuses and sorted(statuses)[0] == 201 and statuses.count(201) == 1, statuses
    assert cash(db, fund) == 1_000_000


def _in_review(db, fund, founder, name: str) -> Application:
    company = Company(name=name, country="KE", sector="ai", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                              state="in_review", submitted_at=None)
    db.session.add(application)
    db.session.commit()
    return application


@pytest.fixture
def reviewing(db):
    fund = FundFactory(currency="KES")
    manager, reviewer = staff_with_role("manager", fund), staff_with_role("reviewer", fund)
    criterion = review.add_criterion(manager, fund, "Team", "", "1", 1, 5)
    db.session.commit()
    return fund, manager, reviewer, FounderFactory(), criterion


def test_twin_assignments_reviews_and_declarations(racers, db, reviewing):
    fund, manager, reviewer, founder, criterion = reviewing
    manager_token, reviewer_token = api_token_for(manager), api_token_for(reviewer)
    for round_ in range(ROUNDS):
        application = _in_review(db, fund, founder, f"Twin {round_}")
        path = f"/api/v1/applications/{application.id}"
        statuses = racers.race(*[api("POST", f"{path}/assignments", manager_token,
                                     json={"reviewer_id": reviewer.id})] * 2)
        assert 500 not in statuses and 201 in statuses, statuses
        assert db.session.scalar(select(func.count(Assignment.id))
                                 .where(Assignment.application_id == application.id)) == 1
        statuses = racers.race(*[api("POST", f"{path}/conflict", reviewer_token, json={"conflict": False})] * 2)
        assert sorted(statuses) == [200, 409], statuses
        body = {"scores": {str(criterion.id): 4}, "recommendation": "invest", "comment": ""}
        statuses = racers.race(*[api("POST", f"{path}/reviews", reviewer_token, json=body)] * 2)
        assert 500 not in statuses and 201 in statuses, statuses
        assert db.session.scalar(select(func.count(Review.id))
                                 .where(Review.application_id == application.id)) == 1


def test_a_conflict_declared_with_no_conflict_at_once_stays_a_conflict(racers, db, reviewing):
    fund, manager, reviewer, founder, _criterion = reviewing
    token = api_token_for(reviewer)
    for round_ in range(ROUNDS):
        application = _in_review(db, fund, founder, f"Conflict {round_}")
        review.assign(manager, fund, application, reviewer.id, None)
        db.session.commit()
        path = f"/api/v1/applications/{application.id}/conflict"
        statuses = racers.race(api("POST", path, token, json={"conflict": True, "reason": "A relative"}),
                               api("POST", path, token, json={"conflict": False}))
        assert 500 not in statuses and statuses[0] == 200, statuses
        assignment = db.session.scalar(select(Assignment).where(Assignment.application_id == application.id))
        db.session.refresh(assignment)
        assert assignment.conflict is True


def test_twin_votes_count_once(racers, db, reviewing):
    fund, manager, _reviewer, founder, _criterion = reviewing
    member = staff_with_role("committee", fund)
    token = api_token_for(member)
    for round_ in range(ROUNDS):
        application = _in_review(db, fund, founder, f"Vote {round_}")
        application.state = "committee"
        db.session.commit()
        path = f"/api/v1/applications/{application.id}"
        first = racers.race(api("POST", f"{path}/conflict", token, json={"conflict": False}),
                            api("POST", f"{path}/conflict", token, json={"conflict": False}))
        assert sorted(first) == [200, 409], first
        statuses = racers.race(api("POST", f"{path}/votes", token, json={"vote": "approve", "comment": "Yes"}),
                               api("POST", f"{path}/votes", token, json={"vote": "decline", "comment": "No"}))
        assert sorted(statuses) == [201, 409], statuses
        assert len(db.session.scalars(select(Vote.vote).where(Vote.application_id == application.id,
                                                              Vote.vote.is_not(None))).all()) == 1


def test_twin_reports_and_publications(racers, db, funded):
    fund, _manager, token, _company = funded
    for year in (2024, 2025):
        for quarter in (1, 2, 3):
            body = {"year": year, "quarter": quarter}
            statuses = racers.race(*[api("POST", f"/api/v1/funds/{fund.id}/reports", token, json=body)] * 2)
            assert 500 not in statuses and 201 in statuses, statuses
            drafts = db.session.scalars(select(QuarterlyReport).where(
                QuarterlyReport.fund_id == fund.id, QuarterlyReport.year == year,
                QuarterlyReport.quarter == quarter)).all()
            assert len(drafts) == 1
            path = f"/api/v1/reports/{drafts[0].id}/publish"
            statuses = racers.race(*[api("POST", path, token)] * 2)
            assert sorted(statuses) == [200, 409], statuses


def test_twin_headcount_reports(racers, db, funded):
    fund, manager, token, company = funded
    portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "10", "equity", "0.1")
    db.session.commit()
    for quarter in (1, 2, 3, 4):
        body = {"period": f"2025Q{quarter}", "full_time": 4, "part_time": 2, "women": 3, "under_35": 2,
                "nationals": 5}
        statuses = racers.race(*[api("POST", f"/api/v1/companies/{company.id}/headcount", token, json=body)] * 2)
        assert 500 not in statuses and 201 in statuses, statuses
    assert db.session.scalar(select(func.count(HeadcountReport.id))
                             .where(HeadcountReport.company_id == company.id)) == 4


def test_twin_registrations(racers, db):
    for round_ in range(ROUNDS):
        racers.signed_out()
        form = {"name": "Awa Diop", "email": f"awa{round_}@example.sn", "password": "a long pass phrase 2026",
                "confirm": "a long pass phrase 2026", "language": "fr"}
        statuses = racers.race(*[("POST", "/register", {"data": form})] * 2)
        assert 500 not in statuses, statuses
        assert db.session.scalar(select(func.count(User.id)).where(User.email == form["email"])) == 1


def test_twin_decisions_on_the_page(racers, db, reviewing):
    """Two managers take a step on the same application at once: one is recorded, the other is told."""
    fund, manager, _reviewer, founder, _criterion = reviewing
    other = staff_with_role("manager", fund)
    for client, user in zip(racers.clients, (manager, other), strict=True):
        sign_in(client, user)
    for round_ in range(ROUNDS):
        application = _in_review(db, fund, founder, f"Decision {round_}")
        path = f"/funds/{fund.id}/applications/{application.id}/transitions"
        form = {"to": "declined", "reason": "Out of scope", "message": "Thank you for applying.",
                "confirm": "Confirm and send", "version": str(application.version)}
        statuses = racers.race(*[("POST", path, {"data": form})] * 2)
        assert 500 not in statuses, statuses
        moved = db.session.scalar(select(func.count()).select_from(Application).where(
            Application.id == application.id, Application.state == "declined"))
        assert moved == 1


def test_two_decks_at_once_never_pass_the_founders_quota(make_app, db):
    """Each deck alone fits in what is left of the founder's quota; both together do not."""
    import io

    from fundapp.applications.models import Application
    from tests.factories import FounderFactory, pdf_bytes
    size = len(pdf_bytes())
    racers = Racers(make_app, DECK_QUOTA=size * 3 // 2)
    fund = FundFactory(currency="KES")
    for round_ in range(ROUNDS):
        founder = FounderFactory()
        drafts = []
        for index in range(2):
            company = Company(name=f"Quota {round_}.{index}", country="KE", sector="ai", owner_id=founder.id)
            db.session.add(company)
            db.session.flush()
            drafts.append(Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id))
            db.session.add(drafts[-1])
        db.session.commit()
        token = api_token_for(founder)
        statuses = racers.race(*[api("POST", f"/api/v1/applications/{draft.id}/deck", token,
                                     data={"deck": (io.BytesIO(pdf_bytes()), "deck.pdf")},
                                     content_type="multipart/form-data") for draft in drafts])
        assert sorted(statuses) == [201, 413], statuses
        stored = db.session.scalar(select(func.sum(Application.deck_size))
                                   .where(Application.founder_id == founder.id))
        assert stored == size


def test_twin_companies_of_a_founder_are_one(racers, db):
    """A founder's double click on "register the company", in the portal."""
    founder = FounderFactory()
    for client in racers.clients:
        sign_in(client, founder)
    for round_ in range(ROUNDS):
        form = {"name": f"Shamba {round_}", "country": "KE", "sector": "agriculture", "region": "Nakuru"}
        statuses = racers.race(*[("POST", "/portal/companies/new", {"data": form})] * 2)
        assert statuses == [302, 302], statuses
        assert db.session.scalar(select(func.count(Company.id)).where(Company.owner_id == founder.id)) == round_ + 1


def test_an_entry_and_the_publication_of_its_quarter(racers, db, funded):
    """An expense dated in a quarter whose report is published at the same moment is either in that report
    or refused for its closed quarter: never written under a published report."""
    from fundapp.ledger.entries import effective
    from fundapp.ledger.models import Expense
    from fundapp.quarters import quarter_end
    from fundapp.reporting import services as reports
    from fundapp.reporting.quarterly import tables_of
    fund, manager, token, _company = funded
    quarters = ((2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2))
    for (year, quarter), stagger in zip(quarters, (0, 0.02, 0.05, 0.1, 0.2, 0.3), strict=True):
        draft = reports.generate(manager, fund, year, quarter)
        db.session.commit()
        end = quarter_end(year, quarter)
        statuses = racers.race(
            api("POST", f"/api/v1/reports/{draft.id}/publish", token),
            api("POST", f"/api/v1/funds/{fund.id}/expenses", token,
                json={"date": end.isoformat(), "amount": "1.00", "category": "audit"}), stagger=stagger)
        assert statuses[0] == 200 and statuses[1] in (201, 422), statuses
        db.session.expire_all()
        published = db.session.get(QuarterlyReport, draft.id)
        printed = tables_of(published.tables)["expenses"].total[2].minor
        in_ledger = db.session.scalar(select(func.coalesce(func.sum(Expense.amount), 0)).where(
            Expense.fund_id == fund.id, effective(Expense), Expense.date <= end))
        assert printed == in_ledger, (statuses, printed, in_ledger)


def test_two_tasks_asked_at_once_never_pass_the_bound_of_tasks_under_way(racers, db):
    from fundapp.notifications.background import MAX_UNDER_WAY
    from fundapp.notifications.models import BackgroundJob
    fund = FundFactory(currency="KES")
    manager = staff_with_role("manager", fund)
    db.session.commit()
    for client in racers.clients:
        sign_in(client, manager)
    export = ("POST", f"/funds/{fund.id}/applications/export", {"data": {"format": "csv"}})
    for round_ in range(ROUNDS):
        db.session.execute(BackgroundJob.__table__.delete())
        for _ in range(MAX_UNDER_WAY - 1):
            db.session.add(BackgroundJob(kind="queue_export", user_id=manager.id, fund_id=fund.id, params="{}"))
        db.session.commit()
        statuses = racers.race(export, export)
        assert sorted(statuses) == [302, 429], (round_, statuses)
        assert db.session.scalar(select(func.count()).select_from(BackgroundJob)) == MAX_UNDER_WAY
