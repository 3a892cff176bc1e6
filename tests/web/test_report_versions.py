"""Reports that cannot be confused and quarters that stay closed (SPEC 11): DRAFT on every page of a draft,
the version and the correction's note printed, the PDF's own dates, an identical correction refused, the
verify page naming the exact version; publishing closes the quarter for the ledger and the headcount, and
a published report's tables are stored with it, never recomputed."""
import csv
import io
from datetime import date as D

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.jobs import services as jobs
from fundapp.reporting.models import QuarterlyReport
from tests.background import run_started
from tests.conftest import sign_in
from tests.factories import GrantFactory, api_token_for
from tests.jobs_portfolio import report as headcount


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _publish(client, fund, note=""):
    run_started(client, client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2", "note": note}))
    report = fund_report(fund)
    published = client.post(f"/funds/{fund.id}/reports/{report.id}/publish")
    assert published.status_code == 302
    return fund_report(fund)


def fund_report(fund) -> QuarterlyReport:
    return db.session.scalar(select(QuarterlyReport).where(QuarterlyReport.fund_id == fund.id)
                             .order_by(QuarterlyReport.version.desc()).limit(1))


def test_every_version_says_which_it_is_and_the_verify_page_tells_them_apart(client, portfolio_):
    fund, manager, _founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    db.session.commit()
    sign_in(client, manager)
    run_started(client, client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2"}))
    draft = fund_report(fund)
    draft_pdf = client.get(f"/funds/{fund.id}/reports/{draft.id}.pdf").data
    pages = _pages(draft_pdf)
    assert len(pages) >= 8 and all("DRAFT" in page for page in pages)
    assert "DRAFT: this is not a published report" in pages[0] and "Version 1" in pages[0]
    created = draft.created_at.strftime("D:%Y%m%d")
    assert PdfReader(io.BytesIO(draft_pdf)).metadata["/CreationDate"].startswith(created)

    first = client.post(f"/funds/{fund.id}/reports/{draft.id}/publish")
    assert first.status_code == 302
    first = fund_report(fund)
    first_pdf = client.get(f"/funds/{fund.id}/reports/{first.id}.pdf").data
    pages = _pages(first_pdf)
    assert not any("DRAFT" in page for page in pages) and "Version 1" in pages[0]
    assert all("version 1" in page for page in pages)                         # the footer of every page
    assert PdfReader(io.BytesIO(first_pdf)).metadata["/CreationDate"].startswith(created)
    assert client.post("/reports/verify", data={"report": (io.BytesIO(draft_pdf), "draft.pdf")},
                       content_type="multipart/form-data").data.count(b"does not match any published") == 1

    # a correction that would print the same figures is refused, and nothing is published
    run_started(client, client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2",
                                                                        "note": "Beta's headcount verified."}))
    correction = fund_report(fund)
    refused = client.post(f"/funds/{fund.id}/reports/{correction.id}/publish", follow_redirects=True)
    assert b"prints exactly what version 1 printed" in refused.data
    assert not db.session.get(QuarterlyReport, correction.id).published
    token = api_token_for(manager)
    answer = client.post(f"/api/v1/reports/{correction.id}/publish", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422

    jobs.verify(manager, jobs.report_of(companies["B"], D(2025, 6, 30)))
    db.session.commit()
    assert client.post(f"/funds/{fund.id}/reports/{correction.id}/publish").status_code == 302
    second_pdf = client.get(f"/funds/{fund.id}/reports/{correction.id}.pdf").data
    assert "Version 2, correcting version 1: Beta's headcount verified." in _pages(second_pdf)[0]

    older = client.post("/reports/verify", data={"report": (io.BytesIO(first_pdf), "q2.pdf")},
                        content_type="multipart/form-data").data.decode()
    assert "This file is version 1 of a published report, and a later version exists." in older
    assert "Version 2, published" in older and "Beta&#39;s headcount verified." in older
    latest = client.post("/reports/verify", data={"report": (io.BytesIO(second_pdf), "q2.pdf")},
                         content_type="multipart/form-data").data.decode()
    assert "This file is version 2 of a published report: its latest version." in latest
    assert "It corrects version 1" in latest


def test_publishing_closes_the_quarter_and_freezes_its_tables(client, portfolio_):
    fund, manager, _founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    db.session.commit()
    sign_in(client, manager)
    before = client.get(f"/funds/{fund.id}/reports/0/tables/jobs_by_company.csv")
    assert before.status_code == 404
    report = _publish(client, fund)
    stored = client.get(f"/funds/{fund.id}/reports/{report.id}/tables/jobs_by_company.csv").data

    headers = {"Authorization": f"Bearer {api_token_for(manager)}"}
    for path, body, field in (
            (f"/api/v1/funds/{fund.id}/expenses",
             {"date": "2025-05-02", "amount": "10.00", "category": "legal"}, "date"),
            (f"/api/v1/funds/{fund.id}/distributions", {"date": "2024-12-31", "amount": "10.00"}, "date")):
        refused = client.post(path, json=body, headers=headers)
        assert refused.status_code == 422, refused.json
        assert "The books are closed up to 30 June 2025: the report for 2025 Q2 is published. Date this on " \
            "1 July 2025 or later" in refused.json["error"]["fields"][field]
    page = client.post(f"/funds/{fund.id}/capital/expenses", data={
        "expense-date": "2025-06-30", "expense-amount": "10", "expense-category": "legal",
        "expense-description": "Audit"})
    assert page.status_code == 422 and "closed up to 30 June 2025" in page.data.decode()
    investment = client.get(f"/api/v1/funds/{fund.id}/investments", headers=headers).json[0]
    reversal = client.post(f"/api/v1/funds/{fund.id}/reversals", headers=headers, json={
        "kind": "investment", "entry_id": investment["id"], "reason": "Entered twice"})
    assert reversal.status_code == 422 and "closed up to" in reversal.json["error"]["fields"]["entry"]
    # headcount of a closed quarter is refused; the next quarter is open
    with pytest.raises(Refused, match="closed up to 30 June 2025"):
        headcount(manager, companies["A"], "2025Q2", 25)
    db.session.rollback()
    sheet = (f"company_id,period,full_time,part_time,women,under_35,nationals,verified\n"
             f"{companies['A'].id},2025Q2,25,0,0,0,0,no\n").encode()
    from fundapp.jobs.imports import checked_rows
    with pytest.raises(Refused) as refused:         # an import names the line and why, before saving any
        checked_rows(fund, sheet, D(2025, 12, 1))
    assert refused.value.lines == [(2, "period: 2025 Q2 is closed (its quarterly report is published); "
                                       "import only later quarters.")]
    headcount(manager, companies["A"], "2025Q3", 25)
    assert client.post(f"/api/v1/funds/{fund.id}/expenses", headers=headers, json={
        "date": "2025-07-01", "amount": "10.00", "category": "legal"}).status_code == 201

    # B's report verified after publication: the live figures move, the published table does not
    jobs.verify(manager, jobs.report_of(companies["B"], D(2025, 6, 30)))
    db.session.commit()
    again = client.get(f"/funds/{fund.id}/reports/{report.id}/tables/jobs_by_company.csv").data
    assert again == stored
    rows = {row["Company"]: row for row in csv.DictReader(io.StringIO(again.decode("utf-8-sig")))}
    assert rows["Beta"]["Verified"] == "no"
    sheet = client.get(f"/funds/{fund.id}/reports/{report.id}/tables/capital_accounts.xlsx")
    rows = {row[0].value: row for row in load_workbook(io.BytesIO(sheet.data)).active.iter_rows(min_row=2)}
    assert rows["Commitment"][1].value == 6000 and rows["Commitment"][1].number_format == "#,##0.00"
    tvpi, irr = rows["TVPI"][3], rows["IRR"][3]                    # the fund's column
    assert tvpi.number_format == "0.00" and tvpi.value == round(tvpi.value, 4)
    assert irr.number_format == "0.0%" and irr.value == round(irr.value, 4)
    summary = client.get(f"/funds/{fund.id}/reports/{report.id}/tables/summary.csv").data.decode("utf-8-sig")
    assert "TVPI,0.8300\n" in summary and "Net IRR,-0.1190\n" in summary and "DPI,0.0000\n" in summary


def test_published_figures_stay_published_on_the_open_data_page(client, portfolio_):
    fund, manager, _founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    db.session.commit()
    sign_in(client, manager)

    def quarter_rows():
        exported = client.get(f"/open-data/{fund.id}.csv").data.decode("utf-8-sig")
        return {(row["period"], row["figure"]): row for row in csv.DictReader(io.StringIO(exported))}
    before = quarter_rows()
    assert before["2025Q2", "net_jobs_created_fte"]["status"] == "provisional"
    report = _publish(client, fund)
    published = quarter_rows()
    q2 = published["2025Q2", "net_jobs_created_fte"]
    assert (q2["value"], q2["status"], q2["report_version"], q2["figures_of"]) == ("12.0", "published", "1",
                                                                                   "2025-06-30")
    assert published["2025Q2", "companies"]["value"] == "2"          # held: Gamma written off, Delta sold
    assert published["2025Q2", "invested"]["value"] == "6500.00"
    assert published["2025Q2", "invested"]["figure_label"] == "Invested"

    headcount(manager, companies["A"], "2025Q3", 40)                # a late report for an open quarter
    db.session.commit()
    after = quarter_rows()
    assert after["2025Q2", "net_jobs_created_fte"] == q2
    assert after["2025Q3", "net_jobs_created_fte"]["status"] == "provisional"
    assert after["2025Q3", "net_jobs_created_fte"]["value"] != published["2025Q3", "net_jobs_created_fte"]["value"]
    page = client.get(f"/open-data/{fund.id}").data.decode()
    assert "report version 1" in page and "Provisional" in page and "the fund has not yet published its " \
        "report for 2026 Q3" in page
    assert report.published


def test_a_partner_joining_after_a_closed_quarter_commits_from_the_next_day(client, portfolio_):
    from fundapp.funds.services import create_partner
    from fundapp.ledger.loader import metrics_as_of
    fund, manager, *_ = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    db.session.commit()
    sign_in(client, manager)
    _publish(client, fund)                                       # closes 2025 Q2 and every quarter before it
    before = metrics_as_of(fund, D(2025, 6, 30)).committed
    late = create_partner(manager, fund, "Late Co-investor", "co_investor", "5000")
    db.session.commit()
    assert metrics_as_of(fund, D(2025, 6, 30)).committed == before == 1_000_000
    assert metrics_as_of(fund, D(2025, 7, 1)).committed == before + 500_000
    account = next(p for p in metrics_as_of(fund, D(2025, 6, 30)).partners if p.partner_id == late.id)
    assert (account.commitment, account.unfunded) == (0, 0)
    open_data = client.get(f"/open-data/{fund.id}.csv").data.decode("utf-8-sig")
    rows = {(row["period"], row["figure"]): row["value"] for row in csv.DictReader(io.StringIO(open_data))}
    assert rows["2025Q2", "committed_co_investors"] == "4000.00" and rows["2025Q3", "committed_co_investors"] == "9000.00"
