"""Pages issue a fixed number of queries, whatever the number of funds and grants."""
import pytest

from fundapp.extensions import cache
from tests.factories import FundFactory, GrantFactory, PartnerFactory


def queries_for(client, count_queries, path: str) -> int:
    """The queries of the page as rendered (not as kept, fundapp.web.pages)."""
    client.get(path)  # warm: the first request loads what every request loads once
    with client.application.app_context():
        cache.clear()
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


@pytest.mark.parametrize("path", ["/", "/funds/", "/admin/users", "/admin/audit"])
def test_admin_pages_do_not_grow_with_the_data(client, db, login_as, count_queries, path):
    admin = login_as("admin")
    FundFactory()
    small = queries_for(client, count_queries, path)
    for _ in range(8):
        fund = FundFactory()
        PartnerFactory(fund=fund)
        GrantFactory(fund=fund)
    assert queries_for(client, count_queries, path) == small
    assert admin


def test_manager_home_does_not_grow_with_the_funds(client, db, login_as, count_queries):
    first = FundFactory()
    manager = login_as("manager", first)
    small = queries_for(client, count_queries, "/")
    for _ in range(8):
        GrantFactory(user=manager, fund=FundFactory(), role="reviewer")
    assert queries_for(client, count_queries, "/") == small
    assert small <= 6


def test_fund_overview_budget(client, db, login_as, count_queries):
    fund = FundFactory()
    login_as("manager", fund)
    small = queries_for(client, count_queries, f"/funds/{fund.id}")
    for _ in range(10):
        PartnerFactory(fund=fund)
    assert queries_for(client, count_queries, f"/funds/{fund.id}") == small


def test_the_queue_does_not_grow_with_the_applications(client, db, login_as, count_queries):
    from fundapp.applications.models import Application
    from fundapp.portfolio.models import Company
    from tests.factories import FounderFactory
    fund = FundFactory()
    login_as("manager", fund)
    founder = FounderFactory()

    def add(count):
        for index in range(count):
            company = Company(name=f"Company {index}", country="KE", sector="fintech", owner_id=founder.id)
            db.session.add(company)
            db.session.flush()
            db.session.add(Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                       state="in_review", score=float(index), normalized_score=float(index)))
        db.session.commit()

    add(3)
    path = f"/funds/{fund.id}/applications?state=in_review&sort=normalized"
    small = queries_for(client, count_queries, path)
    add(60)
    assert queries_for(client, count_queries, path) == small


@pytest.mark.parametrize("page", ["jobs", "headcount"])
def test_job_pages_do_not_grow_with_the_companies_and_reports(client, db, count_queries, portfolio_, page):
    from datetime import date

    from fundapp.jobs import services as jobs
    from fundapp.portfolio import services as portfolio
    from tests.conftest import sign_in
    from tests.jobs_portfolio import company
    fund, manager, _founder, _companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    sign_in(client, manager)
    path = f"/funds/{fund.id}/{page}?as_of=2025-06-30"
    small = queries_for(client, count_queries, path)
    for index in range(6):
        extra = company(manager, fund, f"Extra {index}")
        db.session.flush()
        portfolio.record_investment(manager, fund, extra.id, date(2024, 2, 1), "10", "equity", "0.01")
        for period in ("2024Q1", "2024Q2", "2024Q3"):
            jobs.file_report(manager, extra, {"period": period, "full_time": 3, "part_time": 1, "women": 1,
                                              "under_35": 1, "nationals": 4}, by_manager=True)
    db.session.commit()
    assert queries_for(client, count_queries, path) == small
