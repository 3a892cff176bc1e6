"""Quarterly reports in pages and the API: managers generate and publish, partners download their own
fund's published reports (logged), anyone checks a file, and citizens read aggregates only."""
import hashlib
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fundapp.auth.models import User
from fundapp.funds.services import partners_of
from fundapp.reporting.models import QuarterlyReport, ReportDownload
from tests.background import run_started
from tests.conftest import sign_in
from tests.factories import FundFactory, GrantFactory, UserFactory, api_token_for, staff_with_role


@pytest.fixture
def people(db, portfolio_):
    fund, manager, founder, companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    partner = UserFactory()
    GrantFactory(user=partner, fund=fund, role="partner", partner=partners_of(fund)[0])
    stranger = staff_with_role("partner", FundFactory(name="Jordan Innovation Fund"))
    return fund, manager, partner, stranger


def downloads(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ReportDownload))


def test_manager_generates_reads_and_publishes_partners_download(client, db, people):
    fund, manager, partner, stranger = people
    sign_in(client, manager)
    refused = client.post(f"/funds/{fund.id}/reports/", data={"period": "2023Q4"})   # before any call
    assert refused.status_code == 422 and b"nothing to report" in refused.data
    made = run_started(client, client.post(f"/funds/{fund.id}/reports/", data={"period": "2025Q2"}))
    assert made.status_code == 200 and b"Draft ready: read it, then publish it." in made.data
    draft = db.session.scalar(select(QuarterlyReport))
    read = client.get(f"/funds/{fund.id}/reports/{draft.id}.pdf")
    assert read.mimetype == "application/pdf" and read.data.startswith(b"%PDF")
    assert downloads(db) == 0                                    # drafts are not partners' downloads

    sign_in(client, partner)
    assert client.get(f"/funds/{fund.id}/reports/{draft.id}.pdf").status_code == 404   # not published yet
    assert "2025 Q2" not in client.get(f"/funds/{fund.id}/reports/").data.decode()

    sign_in(client, manager)
    assert client.post(f"/funds/{fund.id}/reports/{draft.id}/publish").status_code == 302
    db.session.expire_all()
    published = db.session.get(QuarterlyReport, draft.id)
    assert published.published and len(published.sha256) == 64

    sign_in(client, partner)
    page = client.get(f"/funds/{fund.id}/reports/").data.decode()
    assert published.sha256 in page and "Publish" not in page
    response = client.get(f"/funds/{fund.id}/reports/{published.id}.pdf")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(response.data).hexdigest() == published.sha256
    assert downloads(db) == 1
    log = db.session.scalar(select(ReportDownload))
    assert (log.user_id, log.channel) == (partner.id, "web")
    sheet = client.get(f"/funds/{fund.id}/reports/{published.id}/tables/jobs_by_company.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Company", "Baseline FTE", "Current FTE", "Net created")
    assert rows[-1][:4] == ("Fund", 27, 39, 12)            # 12 + 5 + 6 + 4 at baseline; 23 + 8 + 0 + 8 now
    assert client.post(f"/funds/{fund.id}/reports/{published.id}/publish").status_code == 403

    sign_in(client, stranger)
    for path in (f"/funds/{fund.id}/reports/", f"/funds/{fund.id}/reports/{published.id}.pdf",
                 f"/funds/{fund.id}/reports/{published.id}/tables/summary.csv"):
        assert client.get(path).status_code == 404
    assert downloads(db) == 1


def test_anyone_checks_a_file_against_the_published_record(client, db, people, app):
    fund, manager, *_ = people
    from fundapp.reporting import services
    with app.test_request_context():
        report = services.publish(manager, fund, services.generate(manager, fund, 2025, 2))
        db.session.commit()
        data, digest = services.pdf_of(fund, report), report.sha256
    by_file = client.post("/reports/verify", data={"report": (io.BytesIO(data), "report.pdf")},
                          content_type="multipart/form-data")
    assert by_file.status_code == 200 and b"This file is version 1 of a published report: its latest version." in by_file.data
    tampered = data[:2000] + bytes([data[2000] ^ 1]) + data[2001:]     # one bit changed
    assert tampered != data
    altered = client.post("/reports/verify", data={"report": (io.BytesIO(tampered), "report.pdf")},
                          content_type="multipart/form-data")
    assert b"does not match any published report" in altered.data
    assert b"This file is version 1 of a published report: its latest version." in client.post("/reports/verify",
                                                              data={"sha256": digest.upper()}).data
    bad = client.post("/reports/verify", data={"sha256": "not-a-digest"})
    assert bad.status_code == 422 and b"64 hexadecimal characters" in bad.data


def test_the_open_data_page_holds_aggregates_and_no_personal_data(client, db, people):
    fund, *_ = people
    page = client.get(f"/open-data/{fund.id}").data.decode()
    assert "KES6,000.00" in page and "KES4,000.00" in page and "KES6,500.00" in page   # by source; invested
    for person in db.session.scalars(select(User)):
        assert person.email not in page and person.name not in page
    for company in ("Alpha", "Beta", "Gamma", "Delta"):
        assert company not in page
    csv = client.get(f"/open-data/{fund.id}.csv").data.decode("utf-8-sig").splitlines()
    assert csv[0] == "period,quarter_end,figure,figure_label,currency,value,status,report_version,figures_of"
    assert any(line.startswith("2026Q3,2026-09-30,committed_government,Committed by the government,KES,6000.00,"
                               "provisional,,") for line in csv)
    assert any(line.startswith("2026Q3,2026-09-30,net_jobs_created_fte,Net jobs created (FTE),,") for line in csv)
    assert client.get("/open-data/99999").status_code == 404


def test_reports_in_the_api(client, db, people):
    fund, manager, partner, stranger = people
    as_manager = {"Authorization": f"Bearer {api_token_for(manager)}"}
    as_partner = {"Authorization": f"Bearer {api_token_for(partner)}"}
    not_ended = client.post(f"/api/v1/funds/{fund.id}/reports", json={"year": 2099, "quarter": 1},
                            headers=as_manager)
    assert not_ended.status_code == 422 and "quarter" in not_ended.json["error"]["fields"]
    created = client.post(f"/api/v1/funds/{fund.id}/reports", json={"year": 2025, "quarter": 2},
                          headers=as_manager)
    assert created.status_code == 201 and created.json["state"] == "draft" and created.json["sha256"] is None
    report_id = created.json["id"]
    assert client.get(f"/api/v1/reports/{report_id}/pdf", headers=as_partner).status_code == 404
    assert client.get(f"/api/v1/funds/{fund.id}/reports", headers=as_partner).json == []
    published = client.post(f"/api/v1/reports/{report_id}/publish", headers=as_manager)
    assert published.status_code == 200 and published.json["state"] == "published"
    assert client.post(f"/api/v1/reports/{report_id}/publish", headers=as_manager).status_code == 409
    pdf = client.get(f"/api/v1/reports/{report_id}/pdf", headers=as_partner)
    assert pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    assert hashlib.sha256(pdf.data).hexdigest() == published.json["sha256"]
    assert db.session.scalar(select(ReportDownload.channel)) == "api"
    listed = client.get(f"/api/v1/funds/{fund.id}/reports", headers=as_partner).json
    assert [(r["year"], r["quarter"], r["version"]) for r in listed] == [(2025, 2, 1)]
    as_stranger = {"Authorization": f"Bearer {api_token_for(stranger)}"}
    assert client.get(f"/api/v1/reports/{report_id}/pdf", headers=as_stranger).status_code == 404
