"""axe-core (WCAG 2.1 A and AA rules) on every page so far, as each role sees it, with zero violations;
and on a phone (390 px wide) no page scrolls sideways: tables scroll inside their own box."""
import pytest
from sqlalchemy import select

from fundapp.applications.models import Application
from fundapp.auth.models import User
from fundapp.funds.models import Fund, Partner
from fundapp.portfolio.models import Company
from fundapp.seed import demo
from tests.browser.axe import AXE, WCAG, assert_no_violations
from tests.conftest import seed

pytestmark = pytest.mark.seeded("demo")


ANONYMOUS_PAGES = ["/login", "/register", "/activate/no-such-link", "/no-such-page", "/reports/verify",
                   "/open-data/", "/open-data/1", "/open-data/2", "/password/forgot",
                   "/password/reset/no-such-link", "/confirm/no-such-link"]
PAGES_BY_ROLE = {
    "admin@fundapp.example": ["/", "/funds/", "/funds/{fund}", "/funds/new", "/funds/{fund}/edit",
                              "/admin/countries", "/admin/users", "/admin/users/{manager}",
                              "/admin/audit", "/admin/outbox", "/account", "/account/tokens",
                              "/account/security", "/account/sessions"],
    "manager.kenya@fundapp.example": ["/", "/funds/", "/funds/{fund}", "/funds/{fund}/capital",
                                      "/funds/{fund}/portfolio/", "/funds/{fund}/partners/{partner}/statement",
                                      "/funds/{fund}/applications", "/funds/{fund}/applications/{reviewed}",
                                      "/funds/{fund}/applications/{reviewed}/revisions", "/funds/{fund}/committee",
                                      "/funds/{fund}/applications/{before_committee}",
                                      "/funds/{fund}/rubric", "/funds/{fund}/reviewers", "/funds/{fund}/jobs", "/funds/{fund}/headcount",
                                      "/funds/{fund}/reports/", "/account"],
    "reviewer.kenya@fundapp.example": ["/", "/funds/{fund}", "/funds/{fund}/reviews",
                                       "/funds/{fund}/applications/{reviewed}"],
    "committee.kenya@fundapp.example": ["/", "/funds/{fund}/committee",
                                        "/funds/{fund}/applications/{before_committee}"],
    "chair.ke@fundapp.example": ["/funds/{fund}/applications/{before_committee}"],
    "government.kenya@fundapp.example": ["/", "/funds/{fund}", "/funds/{fund}/partners/{partner}/statement",
                                         "/funds/{fund}/partners/{partner}/statement?as_of=2025-06-30",
                                         "/funds/{fund}/jobs", "/funds/{fund}/reports/", "/account/tokens",
                                         "/account/security"],
    "manager.senegal@fundapp.example": ["/", "/funds/{senegal}", "/funds/{senegal}/capital",
                                        "/funds/{senegal}/jobs", "/funds/{senegal}/headcount",
                                        "/funds/{senegal}/portfolio/", "/funds/{senegal}/applications",
                                        "/funds/{senegal}/reports/", "/account"],
    "founder@fundapp.example": ["/portal/", "/portal/companies/new", "/portal/applications/{application}",
                                "/portal/companies/{owned}/headcount", "/account", "/account/security",
                                "/account/sessions", "/account/tokens"],
}


@seed("demo")
def build_demo(db) -> dict:
    demo.seed()
    funds = {f.currency: f.id for f in db.session.scalars(select(Fund))}
    manager = db.session.scalar(select(User.id).where(User.email == "manager.kenya@fundapp.example"))
    ministry = db.session.scalar(select(Partner.id).where(Partner.fund_id == funds["KES"], Partner.kind == "government"))
    application = db.session.scalar(select(Application.id).where(Application.state == "draft"))
    reviewed = db.session.scalar(select(Application.id).where(Application.fund_id == funds["KES"],
                                                              Application.state == "in_review"))
    owned = db.session.scalar(select(Company.id).where(Company.name == "Afya Connect"))
    before_committee = db.session.scalar(select(Application.id).where(Application.fund_id == funds["KES"],
                                                                      Application.state == "committee"))
    return {"fund": funds["KES"], "senegal": funds["XOF"], "manager": manager, "partner": ministry,
            "application": application, "reviewed": reviewed, "owned": owned,
            "before_committee": before_committee}


@pytest.fixture
def demo_world(database):
    """The demo's ids, in this test's copy of the demo (the tests here are marked seeded("demo"))."""
    return database.seeded("demo")


PHONE = {"width": 390, "height": 844}


def assert_accessible(visitor, path: str, name: str) -> None:
    visitor.page.goto(path)
    assert_no_violations(visitor, name)
    assert_fits_a_phone(visitor, name)


def assert_fits_a_phone(visitor, name: str) -> None:
    """The page the visitor is on, at 390 px wide, does not scroll sideways."""
    desktop = visitor.page.viewport_size
    visitor.page.set_viewport_size(PHONE)
    try:
        width = visitor.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            visitor.screenshot(name + "-390")
        assert width <= PHONE["width"], f"{visitor.page.url} is {width} px wide on a 390 px phone"
    finally:
        visitor.page.set_viewport_size(desktop)


def test_anonymous_pages(visitor, demo_world):
    guest = visitor()
    for path in ANONYMOUS_PAGES:
        assert_accessible(guest, path, "guest" + path.replace("/", "_"))


@pytest.mark.parametrize("email", sorted(PAGES_BY_ROLE))
def test_pages_of_each_role(visitor, demo_world, email):
    person = visitor()
    person.sign_in(email, demo.DEMO_PASSWORD)
    for path in PAGES_BY_ROLE[email]:
        url = path.format(**demo_world)
        assert_accessible(person, url, email.split("@")[0] + url.replace("/", "_"))


def test_the_scan_finds_a_planted_violation(visitor, demo_world):
    guest = visitor()
    guest.page.goto("/login")
    guest.page.evaluate("document.documentElement.removeAttribute('lang');"
                        "document.body.insertAdjacentHTML('beforeend', '<img src=\"/static/fundapp.css\">')")
    ids = {v["id"] for v in AXE.run(guest.page, options=WCAG).response["violations"]}
    assert {"html-has-lang", "image-alt"} <= ids


def test_the_phone_check_catches_a_page_that_scrolls_sideways(visitor, demo_world):
    guest = visitor()
    guest.page.goto("/open-data/1")
    guest.page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                        "'<p class=\"text-nowrap\">' + 'KES 1,000,000.00 '.repeat(40) + '</p>')")
    with pytest.raises(AssertionError, match="wide on a 390 px phone"):
        assert_fits_a_phone(guest, "planted-wide-line")
