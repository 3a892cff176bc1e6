"""A fund's portfolio with headcount reports: the hand-computed table of tests/unit/test_jobs.py,
entered through the use cases (shared by the integration and web tests of job reporting)."""
from datetime import date

import pytest

from fundapp.applications.models import Application
from fundapp.funds.services import partners_of
from fundapp.jobs import services as jobs
from fundapp.ledger import capital
from fundapp.portfolio import services as portfolio
from tests.factories import FounderFactory, FundFactory, PartnerFactory, UserFactory

D = date


def company(manager, fund, name, owner=None, sector="ai", region="Nairobi"):
    return portfolio.register_company(manager, fund, {"name": name, "country": "KE", "sector": sector,
                                                      "region": region},
                                      owner_id=owner.id if owner else None)


def report(actor, company_, period, full_time, part_time=0, women=0, under_35=0, nationals=0,
           verified=True):
    return jobs.file_report(actor, company_, {
        "period": period, "full_time": full_time, "part_time": part_time, "women": women,
        "under_35": under_35, "nationals": nationals, "verified": verified}, by_manager=True)


@pytest.fixture
def portfolio_(db):
    """Four companies as in tests/unit/test_jobs.py, entered through the use cases.

    Government 6,000.00 and OpenAI 4,000.00 KES, all called and paid in January 2024 (government
    share of paid-in 0.6). A: 1,000.00 for 0.15 on 2024-03-01, follow-on 1,000.00 for 0.05; B:
    2,000.00 for 0.10 with the application's 4 full-time + 2 part-time = 5 FTE as baseline; C:
    1,500.00 for 0.30, written off 2025-03-31; D: 500.00 for 0.60 and 500.00 more for 0.60 (capped
    at 1), sold 2025-04-30, a report after the sale ignored. Invested 6,500.00 in all.
    """
    fund = FundFactory(currency="KES", vintage_year=2023)
    PartnerFactory(fund=fund, name="Ministry", kind="government", commitment=600_000)
    PartnerFactory(fund=fund, name="OpenAI", kind="co_investor", commitment=400_000)
    manager, founder = UserFactory(), FounderFactory()
    call = capital.record_call(manager, fund, D(2024, 1, 2), D(2024, 1, 12), "10000", "investment")
    for partner in partners_of(fund):
        capital.record_payment(manager, fund, call, partner.id, D(2024, 1, 10), str(partner.commitment / 100))
    a, b = company(manager, fund, "Alpha", sector="fintech"), company(manager, fund, "Beta", founder, "health",
                                                                       "Mombasa")
    c, d = company(manager, fund, "Gamma", sector="fintech"), company(manager, fund, "Delta", sector="health")
    db.session.flush()
    db.session.add(Application(fund_id=fund.id, company_id=b.id, founder_id=founder.id, full_time=4,
                               part_time=2, state="approved"))
    for company_, day, amount, share in ((a, D(2024, 3, 1), "1000", "0.15"), (b, D(2024, 6, 1), "2000", "0.10"),
                                         (c, D(2024, 4, 1), "1500", "0.30"), (d, D(2024, 1, 15), "500", "0.60"),
                                         (a, D(2025, 1, 10), "1000", "0.05"), (d, D(2024, 6, 1), "500", "0.60")):
        portfolio.record_investment(manager, fund, company_.id, day, amount, "equity", share)
    portfolio.record_exit(manager, fund, c.id, D(2025, 3, 31), "0", "write_off")
    portfolio.record_exit(manager, fund, d.id, D(2025, 4, 30), "800", "acquisition")
    report(manager, a, "2023Q4", 10, 4, women=5, under_35=8, nationals=14)
    report(manager, a, "2025Q2", 20, 6, women=12, under_35=15, nationals=24)
    report(manager, b, "2025Q2", 8, 0, women=4, under_35=6, nationals=7, verified=False)
    report(manager, c, "2024Q1", 6)
    report(manager, c, "2024Q4", 9)
    report(manager, d, "2023Q4", 4)
    report(manager, d, "2025Q1", 7, 2, women=3, under_35=4, nationals=9)
    report(manager, d, "2025Q2", 30)
    db.session.commit()
    return fund, manager, founder, {"A": a, "B": b, "C": c, "D": d}
