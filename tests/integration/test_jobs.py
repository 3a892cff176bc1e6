"""Job reporting through its services, on the real database: the hand-computed table of the unit
tests rebuilt from ledger rows and headcount reports, filing rules, and the all-or-nothing import."""
import io
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import func, select

from fundapp.errors import Refused
from fundapp.jobs import imports
from fundapp.jobs import services as jobs
from fundapp.jobs.models import HeadcountReport
from tests.factories import FounderFactory, FundFactory
from tests.jobs_portfolio import company

D = date


def test_fund_figures_match_the_hand_computed_table(db, portfolio_):
    fund, _manager, _founder, companies = portfolio_
    f = jobs.load_jobs(fund).figures(D(2025, 6, 30))
    by_name = {companies_name: row for companies_name, c in companies.items()
               for row in f.companies if row.company_id == c.id}
    assert [(by_name[n].baseline_fte, by_name[n].current_fte) for n in "ABCD"] == [
        (12, 23), (5, 8), (6, 0), (4, 8)]
    assert (f.net_created, f.gross_created, f.lost, f.maintained) == (12, 18, 6, 21)
    assert f.attributed == Decimal("4.7")      # 11*0.20 + 3*0.10 - 6*0.30 + 4*1
    assert f.cost_per_job == Decimal(650_000) / 12                  # KES 541.67 a job
    assert f.public_cost_per_job == Decimal(650_000) / 12 * Decimal("0.6")
    assert f.women_share == Decimal(19) / 43 and f.verified_share == Decimal(31) / 39
    groups = {g.label: g for g in jobs.group_tables(jobs.load_jobs(fund), f)["region"]}
    assert groups["Mombasa"].net_created == 3 and groups["Nairobi"].net_created == 9


def test_history_follows_the_quarters_since_the_first_investment(db, portfolio_):
    fund, *_ = portfolio_
    history = jobs.load_jobs(fund).history(D(2025, 6, 30))
    assert [h.as_of for h in history][:2] == [D(2024, 3, 31), D(2024, 6, 30)]
    assert history[-1].as_of == D(2025, 6, 30) and history[-1].current_fte == 39
    # at 2024Q1 only D (since January, 4 FTE) and A (since March, 12 FTE) are held
    assert (history[0].baseline_fte, history[0].current_fte) == (16, 16)


def test_a_reversed_investment_takes_its_company_out(db, portfolio_):
    fund, manager, _founder, companies = portfolio_
    from fundapp.ledger.reversal import reverse
    from fundapp.portfolio.models import Investment
    for investment in db.session.scalars(select(Investment).where(Investment.company_id == companies["B"].id)):
        reverse(manager, fund, "investment", investment, "Never completed")
    db.session.commit()
    f = jobs.load_jobs(fund).figures(D(2025, 6, 30))
    assert companies["B"].id not in {row.company_id for row in f.companies} and f.net_created == 9


def test_the_founder_files_and_corrects_until_the_fund_verifies(db, portfolio_):
    fund, manager, founder, companies = portfolio_
    beta = jobs.founder_company(founder, companies["B"].id)
    values = {"period": "2025Q3", "full_time": 9, "part_time": 2, "women": 5, "under_35": 6, "nationals": 10}
    filed = jobs.file_report(founder, beta, values, by_manager=False)
    jobs.file_report(founder, beta, {**values, "full_time": 10}, by_manager=False)
    db.session.commit()
    assert (filed.full_time, filed.verified) == (10, False)
    with pytest.raises(Refused) as own:
        jobs.file_report(founder, beta, {**values, "verified": True}, by_manager=False)
    assert own.value.status == 403
    jobs.verify(manager, filed)
    db.session.commit()
    with pytest.raises(Refused) as locked:
        jobs.file_report(founder, beta, {**values, "full_time": 50}, by_manager=False)
    assert locked.value.status == 409
    db.session.rollback()
    assert db.session.get(HeadcountReport, filed.id).full_time == 10
    # a manager's correction needs verifying again
    jobs.file_report(manager, beta, {**values, "full_time": 11}, by_manager=True)
    db.session.commit()
    assert not db.session.get(HeadcountReport, filed.id).verified


def test_companies_not_owned_or_not_invested_are_not_found(db, portfolio_):
    """The use cases find nothing (their pages and the API answer 404)."""
    fund, manager, founder, companies = portfolio_
    assert jobs.founder_company(FounderFactory(), companies["B"].id) is None     # someone else's
    pending = company(manager, None, "Pending", founder)
    db.session.commit()
    assert jobs.founder_company(founder, pending.id) is None                     # not invested
    assert jobs.fund_company(FundFactory(), companies["A"].id) is None           # another fund's


@pytest.mark.parametrize(("changes", "field"), [
    ({"full_time": -1}, "full_time"),
    ({"part_time": "three"}, "part_time"),
    ({"women": 12}, "women"),                 # more than the 9 + 2 employees
    ({"nationals": 12}, "nationals"),
    ({"under_35": 1.5}, "under_35"),
    ({"period": "2025Q5"}, "period"),
    ({"period": "2025-09"}, "period"),
    ({"period": "2026Q4"}, "period"),         # ends 2026-12-31, after today
    ({"period": "2031Q1"}, "period"),
])
def test_bad_reports_are_refused_and_nothing_is_saved(db, portfolio_, changes, field):
    _fund, manager, _founder, companies = portfolio_
    values = {"period": "2025Q3", "full_time": 9, "part_time": 2, "women": 5, "under_35": 6, "nationals": 10}
    before = db.session.scalar(select(func.count()).select_from(HeadcountReport))
    with pytest.raises(Refused) as refusal:
        jobs.file_report(manager, companies["A"], {**values, **changes}, by_manager=True,
                         today=D(2026, 11, 24))
    assert field in refusal.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HeadcountReport)) == before


def sheet(rows, kind="csv") -> bytes:
    frame = pd.DataFrame(rows)
    if kind == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False)
        return buffer.getvalue()
    return frame.to_csv(index=False).encode()


def quarters(count):
    return [f"{2019 + i // 4}Q{i % 4 + 1}" for i in range(count)]


def test_an_import_with_one_bad_row_saves_nothing_and_names_the_line(db, portfolio_):
    fund, manager, _founder, companies = portfolio_
    rows = [{"company_id": companies["A"].id, "period": period, "full_time": 10 + i, "part_time": 2,
             "women": 4, "under_35": 5, "nationals": 11, "verified": "yes"}
            for i, period in enumerate(quarters(16))]
    rows += [{"company_id": companies["B"].id, "period": period, "full_time": 3, "part_time": 0, "women": 1,
              "under_35": 1, "nationals": 3} for period in quarters(16)]
    rows[20]["women"] = 9                              # line 22: more women than employees
    before = db.session.scalar(select(func.count()).select_from(HeadcountReport))
    with pytest.raises(imports.ImportRefused) as refusal:
        imports.import_reports(manager, fund, sheet(rows))
    assert [line for line, _m in refusal.value.lines] == [22]
    assert "women" in refusal.value.lines[0][1]
    assert "1 of 32" in refusal.value.fields["file"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HeadcountReport)) == before
    rows[20]["women"] = 2
    assert imports.import_reports(manager, fund, sheet(rows, "xlsx")) == 32
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(HeadcountReport)) == before + 32
    first = jobs.report_of(companies["A"], D(2019, 3, 31))
    assert (first.full_time, first.verified) == (10, True)
    assert not jobs.report_of(companies["B"], D(2019, 3, 31)).verified


def test_an_import_names_every_kind_of_bad_row(db, portfolio_):
    fund, manager, _founder, companies = portfolio_
    other_fund_company = company(manager, FundFactory(), "Elsewhere")
    db.session.commit()
    good = {"company_id": companies["A"].id, "period": "2020Q1", "full_time": 1, "part_time": 0, "women": 0,
            "under_35": 0, "nationals": 0}
    rows = [good, {**good, "company_id": other_fund_company.id}, {**good, "period": "2020Q9"},
            {**good, "full_time": -2}, good, {**good, "company_id": "abc", "period": "2020Q2"},
            {**good, "period": "2020Q3", "verified": "perhaps"}]
    with pytest.raises(imports.ImportRefused) as refusal:
        imports.import_reports(manager, fund, sheet(rows))
    assert [line for line, _m in refusal.value.lines] == [3, 4, 5, 6, 7, 8]
    assert "line 2" in refusal.value.lines[3][1]       # the same company and quarter twice


@pytest.mark.parametrize(("data", "message"), [
    (b"", "CSV"), (b"\x00\x01\x02\xff", "CSV"), (b"name,value\nx,1\n", "company_id"),
    (b"company_id,period,full_time,part_time,women,under_35,nationals\n", "no reports"),
    (b"PK\x03\x04 not really a workbook", "CSV"),
])
def test_unreadable_sheets_are_refused(db, portfolio_, data, message):
    fund, manager, *_ = portfolio_
    with pytest.raises(imports.ImportRefused, match=message):
        imports.import_reports(manager, fund, data)


def test_missing_quarters_run_from_the_investment_to_the_exit(db, portfolio_):
    fund, _manager, _founder, companies = portfolio_
    status = {s.company.name: s for s in jobs.reporting_status(jobs.invested_company_ids(fund.id), fund.id,
                                                               today=D(2025, 8, 1))}
    assert status["Alpha"].missing == [D(2024, 3, 31), D(2024, 6, 30), D(2024, 9, 30), D(2024, 12, 31),
                                       D(2025, 3, 31)]
    assert status["Gamma"].expected[-1] == D(2025, 3, 31)                     # written off that day
    assert status["Delta"].expected[-1] == D(2025, 3, 31)                     # sold in April 2025
    assert status["Beta"].missing[0] == D(2024, 6, 30)
