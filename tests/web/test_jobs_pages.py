"""Job reporting in pages and in the API: founders file, managers enter, verify and import, partners read."""
import io
from datetime import date

import pandas as pd
from openpyxl import load_workbook
from sqlalchemy import func, select

from fundapp.funds.services import partners_of
from fundapp.jobs import services as jobs
from fundapp.jobs.models import HeadcountReport
from tests.background import run_started
from tests.conftest import sign_in
from tests.factories import FounderFactory, GrantFactory, UserFactory, api_token_for


def count(db):
    return db.session.scalar(select(func.count()).select_from(HeadcountReport))


def test_the_jobs_page_shows_the_table_figures(client, db, portfolio_):
    fund, manager, _founder, _companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/jobs?as_of=2025-06-30").data.decode()
    assert "Jobs as of" in page
    for figure in ("12.0", "4.7", "18.0", "6.0", "21.0", "KES541.67", "KES325.00", "44.2 %", "79.5 %"):
        assert figure in page, figure                 # 650,000 / 12 cents; x 0.6; 19/43; 31/39
    assert "Written off" in page and "Exited" in page and "Mombasa" in page
    export = client.get(f"/funds/{fund.id}/jobs/companies.xlsx?as_of=2025-06-30")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Alpha"][3:6] == (12, 23, 11) and rows["Gamma"][4] == 0
    chart = client.get(f"/funds/{fund.id}/charts/fte.svg?as_of=2025-06-30")
    assert chart.status_code == 200 and b"<svg" in chart.data and b"Current FTE" in chart.data


def test_a_partner_reads_the_jobs_page_but_not_the_reports(client, db, portfolio_):
    fund, *_ = portfolio_
    partner = UserFactory()
    GrantFactory(user=partner, fund=fund, role="partner", partner=partners_of(fund)[0])
    sign_in(client, partner)
    page = client.get(f"/funds/{fund.id}/jobs?as_of=2025-06-30").data.decode()
    assert "Net jobs created" in page and "Headcount reports" not in page
    assert client.get(f"/funds/{fund.id}/headcount").status_code == 403


def test_a_manager_enters_corrects_and_verifies_a_report(client, db, portfolio_):
    fund, manager, _founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    sign_in(client, manager)
    beta = companies["B"]
    page = client.get(f"/funds/{fund.id}/headcount").data.decode()
    assert "quarterly reports missing" in page and "2024 Q3" in page
    form = {"report-company_id": beta.id, "report-period": "2025Q3", "report-full_time": "12",
            "report-part_time": "2", "report-women": "6", "report-under_35": "7", "report-nationals": "14"}
    refused = client.post(f"/funds/{fund.id}/headcount", data={**form, "report-women": "15"})
    assert refused.status_code == 422 and b"Cannot exceed the headcount" in refused.data
    assert client.post(f"/funds/{fund.id}/headcount", data=form).status_code == 302
    saved = jobs.report_of(beta, date(2025, 9, 30))
    assert (saved.full_time, saved.verified) == (12, False)
    edit = client.get(f"/funds/{fund.id}/headcount?edit={saved.id}").data.decode()
    assert 'value="12"' in edit
    assert client.post(f"/funds/{fund.id}/headcount/verify", data={"only": saved.id}).status_code == 302
    db.session.expire_all()
    assert jobs.report_of(beta, date(2025, 9, 30)).verified
    unverified = client.get(f"/funds/{fund.id}/headcount?show=unverified").data.decode()
    assert f'value="{saved.id}"' not in unverified and "1 report<" in unverified   # Beta's 2025Q2 is left


def test_another_funds_company_and_report_answer_404(client, db, portfolio_, login_as):
    from tests.factories import FundFactory
    fund, _manager, _founder, companies = portfolio_
    other = FundFactory()
    login_as("manager", other)
    filed = db.session.scalar(select(HeadcountReport))
    assert client.post(f"/funds/{other.id}/headcount/verify", data={"only": filed.id}).status_code == 404
    response = client.post(f"/funds/{other.id}/headcount", data={
        "report-company_id": companies["A"].id, "report-period": "2025Q3", "report-full_time": "1",
        "report-part_time": "0", "report-women": "0", "report-under_35": "0", "report-nationals": "0"})
    assert response.status_code == 422        # not among the fund's companies: the choice is refused
    assert client.get(f"/funds/{fund.id}/jobs").status_code == 404


def test_an_import_in_the_page_lists_the_bad_lines_and_saves_nothing(client, db, portfolio_):
    fund, manager, _founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    sign_in(client, manager)
    rows = [{"company_id": companies["A"].id, "period": f"202{i // 4}Q{i % 4 + 1}", "full_time": 5,
             "part_time": 0, "women": 2, "under_35": 2, "nationals": 5} for i in range(12)]
    rows[7]["part_time"] = -1
    body = pd.DataFrame(rows).to_csv(index=False).encode()
    before = count(db)
    response = run_started(client, client.post(f"/funds/{fund.id}/headcount/import", content_type="multipart/form-data",
                                               data={"sheet": (io.BytesIO(body), "reports.csv")}))
    assert b"Nothing was imported: 1 of 12 rows need correcting." in response.data
    assert b"Line 9: part_time: Enter zero or more people." in response.data
    assert count(db) == before
    rows[7]["part_time"] = 1
    body = pd.DataFrame(rows).to_csv(index=False).encode()
    response = run_started(client, client.post(f"/funds/{fund.id}/headcount/import", content_type="multipart/form-data",
                                               data={"sheet": (io.BytesIO(body), "reports.csv")}))
    assert b"12 headcount reports imported." in response.data and count(db) == before + 12
    exported = client.get(f"/funds/{fund.id}/headcount/reports.csv").data.decode("utf-8-sig")
    assert exported.splitlines()[0] == "company_id,company,period,full_time,part_time,women,under_35,nationals,verified"
    again = run_started(client, client.post(f"/funds/{fund.id}/headcount/import", content_type="multipart/form-data",
                                            data={"sheet": (io.BytesIO(exported.encode()), "reports.csv")}))
    imported = len(exported.splitlines()) - 1
    assert f"{imported} headcount reports imported.".encode() in again.data     # the export imports back
    assert count(db) == before + 12
    nothing = client.post(f"/funds/{fund.id}/headcount/import", data={}, content_type="multipart/form-data")
    assert nothing.status_code == 422 and b"This field is required." in nothing.data      # no file: no work


def test_the_founder_files_a_missing_quarter_in_the_portal(client, db, portfolio_):
    _fund, _manager, founder, companies = portfolio_
    sign_in(client, founder)
    beta = companies["B"]
    home = client.get("/portal/").data.decode()
    assert "Headcount reports" in home and "quarters missing" in home
    page = client.get(f"/portal/companies/{beta.id}/headcount").data.decode()
    assert "File 2024 Q2" in page
    form = {"period": "2024Q2", "full_time": "5", "part_time": "1", "women": "2", "under_35": "3",
            "nationals": "6"}
    assert client.post(f"/portal/companies/{beta.id}/headcount", data={**form, "full_time": "-5"}).status_code == 422
    assert client.post(f"/portal/companies/{beta.id}/headcount", data={**form, "period": "2099Q1"}).status_code == 422
    assert client.post(f"/portal/companies/{beta.id}/headcount", data=form).status_code == 302
    assert "File 2024 Q2" not in client.get(f"/portal/companies/{beta.id}/headcount").data.decode()
    # someone else's company, and a company not invested in, answer 404
    assert client.get(f"/portal/companies/{companies['A'].id}/headcount").status_code == 404
    sign_in(client, FounderFactory())
    assert client.get(f"/portal/companies/{beta.id}/headcount").status_code == 404


def test_headcount_and_jobs_in_the_api(client, db, portfolio_):
    fund, manager, founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    founder_token, manager_token = api_token_for(founder), api_token_for(manager)
    beta = companies["B"]
    body = {"period": "2025Q3", "full_time": 10, "part_time": 4, "women": 6, "under_35": 5, "nationals": 13}
    as_founder = {"Authorization": f"Bearer {founder_token}"}
    refused = client.post(f"/api/v1/companies/{beta.id}/headcount", json={**body, "verified": True},
                          headers=as_founder)
    assert refused.status_code == 403 and "verified" in refused.json["error"]["fields"]
    bad = client.post(f"/api/v1/companies/{beta.id}/headcount", json={**body, "women": 15}, headers=as_founder)
    assert bad.status_code == 422 and "women" in bad.json["error"]["fields"]
    wrong_type = client.post(f"/api/v1/companies/{beta.id}/headcount", json={**body, "full_time": "ten"},
                             headers=as_founder)
    assert wrong_type.status_code == 422
    created = client.post(f"/api/v1/companies/{beta.id}/headcount", json=body, headers=as_founder)
    assert created.status_code == 201
    assert created.json | {} == {**body, "id": created.json["id"], "company_id": beta.id, "verified": False,
                                 "fte": 12.0}
    assert client.post(f"/api/v1/companies/{companies['A'].id}/headcount", json=body,
                       headers=as_founder).status_code == 404
    as_manager = {"Authorization": f"Bearer {manager_token}"}
    verified = client.post(f"/api/v1/companies/{beta.id}/headcount", json={**body, "verified": True},
                           headers=as_manager)
    assert verified.status_code == 201 and verified.json["verified"]
    assert client.post(f"/api/v1/companies/{beta.id}/headcount", json=body,
                       headers=as_founder).status_code == 409
    figures = client.get(f"/api/v1/funds/{fund.id}/jobs?as_of=2025-06-30", headers=as_manager).json
    assert (figures["net_created"], figures["attributed"], figures["cost_per_job"]) == (12.0, 4.7, "541.67")
    assert figures["public_cost_per_job"] == "325.00" and figures["verified_share"] == 31 / 39
    rows = {row["name"]: row for row in figures["companies"]}
    assert rows["Gamma"]["status"] == "written_off" and rows["Delta"]["current_period"] == "2025Q1"
    later = client.get(f"/api/v1/funds/{fund.id}/jobs?as_of=2025-09-30", headers=as_manager).json
    assert {row["name"]: row for row in later["companies"]}["Beta"]["current_fte"] == 12.0
    assert client.get(f"/api/v1/funds/{fund.id}/jobs", headers=as_founder).status_code == 404
    listed = client.get(f"/api/v1/companies/{beta.id}/headcount", headers=as_founder).json
    assert [r["period"] for r in listed] == ["2025Q3", "2025Q2"]
