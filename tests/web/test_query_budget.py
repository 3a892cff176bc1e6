"""Pages issue a fixed number of queries, whatever the number of funds and grants."""
import pytest

from tests.factories import FundFactory, GrantFactory, PartnerFactory


def queries_for(client, count_queries, path: str) -> int:
    client.get(path)  # warm: the first request loads what every request loads once
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
