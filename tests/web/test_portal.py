"""The founder portal: companies, drafts, decks, eligibility, submission, withdrawal, isolation."""
import gc
import io

import pytest
from sqlalchemy import select

from fundapp.applications.models import Application, StateChange
from fundapp.portfolio.models import Company
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, pdf_bytes

COMPLETE = {"requested_amount": "10000000", "stage": "seed", "pitch": "Soil data for smallholders",
            "problem": "p", "solution": "s", "market": "m", "business_model": "b", "traction": "",
            "team": "t", "use_of_funds": "u", "full_time": "12", "part_time": "4", "jobs_expected": "60"}


@pytest.fixture
def fund(db):
    return FundFactory(name="Kenya National Start-up Fund", currency="KES", min_ticket=500_000_000,
                       max_ticket=13_000_000_000, sectors=["agriculture"], employee_cap=250)


@pytest.fixture
def started(client, db, login_as, fund):
    """A founder with a Kenyan agriculture company and a draft application to the fund."""
    founder = login_as("founder")
    client.post("/portal/companies/new", data={"name": "Shamba Analytics", "country": "KE",
                                               "sector": "agriculture", "region": "Nakuru"})
    company = db.session.scalar(select(Company))
    response = client.post("/portal/applications", data={"fund_id": fund.id, "company_id": company.id})
    application = db.session.scalar(select(Application))
    assert response.headers["Location"].endswith(f"/portal/applications/{application.id}")
    assert application.sector == "agriculture"          # its company's, counted by the pipeline
    return founder, company, application


def upload(client, application, data, name="deck.pdf"):
    return client.post(f"/portal/applications/{application.id}/deck",
                       data={"deck": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_partial_draft_is_saved(client, db, started):
    _founder, _company, application = started
    response = client.post(f"/portal/applications/{application.id}", data={"pitch": "Soil data", "full_time": "3"})
    assert response.status_code == 302
    db.session.refresh(application)
    assert (application.pitch, application.full_time, application.requested_amount) == ("Soil data", 3, None)


def test_bad_draft_keeps_what_was_typed_and_saves_nothing(client, db, started):
    _founder, _company, application = started
    response = client.post(f"/portal/applications/{application.id}", data={
        "pitch": "Soil data <b>now</b>", "requested_amount": "10.001", "full_time": "3"})
    assert response.status_code == 422
    assert b"decimals" in response.data and b"Soil data &lt;b&gt;now&lt;/b&gt;" in response.data
    negative = client.post(f"/portal/applications/{application.id}", data={"pitch": "x", "full_time": "-1"})
    assert negative.status_code == 422 and b"Number must be between 0 and 1000000." in negative.data
    db.session.refresh(application)
    assert application.pitch == ""


# Werkzeug's test client spools a 20 MB body to a temporary file it does not close itself.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_decks_are_checked_by_content(client, db, started, app):
    _founder, _company, application = started
    assert upload(client, application, b"just text", "deck.pdf").status_code == 422
    assert upload(client, application, b"%PDF-1.4 not really a pdf", "deck.pdf").status_code == 422
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    assert upload(client, application, big).status_code == 413
    db.session.refresh(application)
    assert application.deck_name is None
    assert upload(client, application, pdf_bytes(), "../../etc/passwd.pdf").status_code == 302
    db.session.refresh(application)
    assert application.deck_filename == "passwd.pdf" and application.deck_name.endswith(".pdf")
    assert "passwd" not in application.deck_name
    download = client.get(f"/portal/applications/{application.id}/deck")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    gc.collect()  # the spooled body is collected here, under this test's filter, not in a later test


def test_submission_needs_every_field_and_eligibility(client, db, started):
    _founder, company, application = started
    refused = client.post(f"/portal/applications/{application.id}/submit", follow_redirects=True)
    assert b"Not submitted" in refused.data
    client.post(f"/portal/applications/{application.id}", data={**COMPLETE, "requested_amount": "1000"})
    upload(client, application, pdf_bytes())
    page = client.get(f"/portal/applications/{application.id}").data.decode()
    assert "The requested amount must lie within the fund&#39;s tickets." in page  # shown before submitting
    refused = client.post(f"/portal/applications/{application.id}/submit", follow_redirects=True)
    assert b"within the fund" in refused.data
    db.session.refresh(application)
    assert application.state == "draft"
    client.post(f"/portal/applications/{application.id}", data=COMPLETE)
    assert client.post(f"/portal/applications/{application.id}/submit").status_code == 302
    assert client.post(f"/portal/applications/{application.id}/submit").status_code == 302  # double click
    db.session.refresh(application)
    assert application.state == "submitted" and application.requested_amount == 1_000_000_000
    assert len(db.session.scalars(select(StateChange)).all()) == 1
    locked = client.post(f"/portal/applications/{application.id}", data=COMPLETE)
    assert locked.status_code == 409 and b"Only a draft" in locked.data


def test_withdraw_before_a_decision(client, db, started):
    _founder, _company, application = started
    client.post(f"/portal/applications/{application.id}", data=COMPLETE)
    upload(client, application, pdf_bytes())
    client.post(f"/portal/applications/{application.id}/submit")
    client.post(f"/portal/applications/{application.id}/withdraw", data={"reason": "We raised elsewhere."})
    db.session.refresh(application)
    assert application.state == "withdrawn"
    timeline = client.get(f"/portal/applications/{application.id}").data.decode()
    assert "We raised elsewhere." in timeline and "Withdrawn" in timeline


def test_another_founders_application_answers_404(app, client, db, started):
    _founder, _company, application = started
    stranger = app.test_client()
    sign_in(stranger, FounderFactory())
    for path in (f"/portal/applications/{application.id}", f"/portal/applications/{application.id}/deck"):
        assert stranger.get(path).status_code == 404
    assert stranger.post(f"/portal/applications/{application.id}/submit").status_code == 404


def test_a_closed_fund_takes_no_application(client, db, login_as):
    closed = FundFactory(open_for_applications=False)
    login_as("founder")
    client.post("/portal/companies/new", data={"name": "Acme", "country": "KE", "sector": "ai"})
    company = db.session.scalar(select(Company))
    client.post("/portal/applications", data={"fund_id": closed.id, "company_id": company.id})
    assert db.session.scalar(select(Application)) is None


def test_staff_have_no_portal(client, db, login_as, fund):
    login_as("manager", fund)
    assert client.get("/portal/").status_code == 404
