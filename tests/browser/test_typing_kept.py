"""A founder signed out for inactivity while typing loses nothing (SPEC 10): the text typed is kept in the
tab, put back once signed in again, and saved when the founder saves."""
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from fundapp.applications import services
from fundapp.applications.models import Application
from fundapp.portfolio.models import Company
from tests.factories import PASSWORD, FounderFactory, FundFactory


def test_text_typed_before_a_timeout_comes_back_after_signing_in(db, visitor, live_server):
    fund = FundFactory(name="Kenya National Start-up Fund", currency="KES")
    founder = FounderFactory(email="zoe@example.org")
    company = Company(name="Mazao Data", country="KE", sector="fintech", region="Eldoret", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = services.start_application(founder, fund, company)
    db.session.commit()

    zoe = visitor()
    zoe.sign_in("zoe@example.org")
    zoe.page.goto(f"/portal/applications/{application.id}")
    zoe.page.get_by_label("Problem").fill("Farmers sell at harvest, when prices are lowest.")
    live_server.app.config["IDLE_TIMEOUT"] = timedelta(seconds=0)        # the founder went for lunch
    zoe.page.get_by_role("button", name="Save draft").click()
    expect(zoe.page.get_by_text("You were signed out after a period of inactivity.")).to_be_visible()
    assert db.session.scalar(select(Application.problem).where(Application.id == application.id)) == ""
    live_server.app.config["IDLE_TIMEOUT"] = timedelta(minutes=30)
    zoe.page.get_by_label("Email").fill("zoe@example.org")
    zoe.page.get_by_label("Password").fill(PASSWORD)
    zoe.page.get_by_role("button", name="Sign in").click()
    expect(zoe.page.get_by_text("What you typed before and had not saved is back")).to_be_visible()
    expect(zoe.page.get_by_label("Problem")).to_have_value("Farmers sell at harvest, when prices are lowest.")
    zoe.screenshot("founder-typing-restored")
    zoe.page.get_by_role("button", name="Save draft").click()
    expect(zoe.page.get_by_text("Draft saved.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Application, application.id).problem.startswith("Farmers sell at harvest")
    zoe.page.reload()
    expect(zoe.page.get_by_text("What you typed before and had not saved is back")).to_be_hidden()
