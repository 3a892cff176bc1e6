"""Accounts as their owners meet them, in Chromium: a manager sets up an authenticator app before reaching
its fund, signs in again with a code and then with a recovery code; a founder who forgot its password
resets it from the mailed link; a passkey registered and used through Chromium's virtual authenticator.
axe checks each page on the way."""
import re

from playwright.sync_api import expect
from sqlalchemy import select

from fundapp.audit.models import AuditEntry
from fundapp.notifications.models import OutboxMessage
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import Visitor, authenticator_code
from tests.factories import PASSWORD, FounderFactory, FundFactory, staff_with_role

NEW = "a fresh passphrase for 2027"


def sign_out(person) -> None:
    person.page.get_by_role("button", name="Sign out").click()
    expect(person.page.get_by_role("heading", name="Sign in to fundapp")).to_be_visible()


def password_step(person, email: str, password: str = PASSWORD) -> None:
    person.page.goto("/login")
    person.page.get_by_label("Email").fill(email)
    person.page.get_by_label("Password").fill(password)
    person.page.get_by_role("button", name="Sign in").click()


def test_a_manager_sets_up_its_second_factor_then_signs_in_with_a_code_and_a_recovery_code(db, visitor):
    fund = FundFactory(name="Kenya National Start-up Fund")
    staff_with_role("manager", fund, email="wanjiru@example.org", totp_secret=None, second_factor_at=None)
    manager = visitor()
    password_step(manager, "wanjiru@example.org")
    expect(manager.page).to_have_url(re.compile("/account/security$"))      # no fund page before it
    expect(manager.page.get_by_text("set up a second factor before you continue")).to_be_visible()
    expect(manager.page.get_by_test_id("otpauth-uri")).to_contain_text("otpauth://totp/fundapp:wanjiru%40example.org")
    assert_no_violations(manager, "account-enrol-1280")
    manager.page.goto(f"/funds/{fund.id}/capital")
    expect(manager.page).to_have_url(re.compile("/account/security$"))
    codes = manager.set_up_authenticator("wanjiru@example.org")
    assert len(codes) == 10
    manager.page.goto(f"/funds/{fund.id}")
    expect(manager.page.get_by_role("heading", name="Kenya National Start-up Fund")).to_be_visible()
    sign_out(manager)

    password_step(manager, "wanjiru@example.org")
    expect(manager.page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert_no_violations(manager, "account-second-step-1280")
    manager.page.get_by_label("Code from your authenticator app").fill("000000")
    manager.page.get_by_role("button", name="Continue").click()
    expect(manager.page.locator(".invalid-feedback", has_text="This code is not correct")).to_be_visible()
    manager.page.get_by_label("Code from your authenticator app").fill(
        authenticator_code(manager.site, "wanjiru@example.org"))
    manager.page.get_by_role("button", name="Continue").click()
    manager.page.goto(f"/funds/{fund.id}")
    expect(manager.page.get_by_role("heading", name="Kenya National Start-up Fund")).to_be_visible()
    sign_out(manager)

    password_step(manager, "wanjiru@example.org")                          # the phone is lost
    manager.page.get_by_label("Code from your authenticator app").fill(codes[0])
    manager.page.get_by_role("button", name="Continue").click()
    manager.page.goto("/account/security")
    expect(manager.page.get_by_text("9 unused recovery codes left")).to_be_visible()
    assert_no_violations(manager, "account-security-1280")
    manager.page.goto("/account/sessions")
    expect(manager.page.get_by_text("This session")).to_be_visible()
    assert_no_violations(manager, "account-sessions-1280")
    methods = [entry.after["method"] for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.sign_in").order_by(AuditEntry.id))]
    assert methods == ["password", "totp", "recovery_code"]       # the first: before any factor was held


def test_a_founder_resets_a_forgotten_password(db, visitor):
    FounderFactory(email="zoe@example.org")
    founder = visitor()
    founder.page.goto("/login")
    founder.page.get_by_role("link", name="Forgot your password?").click()
    assert_no_violations(founder, "account-forgot-1280")
    founder.page.get_by_label("Email").fill("zoe@example.org")
    founder.page.get_by_role("button", name="Send me a link").click()
    expect(founder.page.get_by_role("heading", name="Check your mail")).to_be_visible()
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == "zoe@example.org"))
    link = re.search(r"https?://\S+/password/reset/\S+", body).group(0).rstrip(")")
    founder.page.goto("/" + link.split("/", 3)[3])
    assert_no_violations(founder, "account-reset-1280")
    founder.page.get_by_label("Password", exact=True).fill(NEW)
    founder.page.get_by_label("Repeat the password").fill(NEW)
    founder.page.get_by_role("button", name="Set my new password").click()
    expect(founder.page.get_by_text("Your new password is set")).to_be_visible()
    founder.sign_in("zoe@example.org", NEW)
    expect(founder.page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_passkey_is_registered_and_signs_in(db, browser, live_server):
    FounderFactory(email="zoe@example.org")
    # WebAuthn binds a passkey to a host name: the site is visited as localhost, not 127.0.0.1
    founder = Visitor(browser, live_server.url.replace("127.0.0.1", "localhost"))
    try:
        cdp = founder.context.new_cdp_session(founder.page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})
        founder.sign_in("zoe@example.org")
        founder.page.goto("/account/security")
        founder.page.get_by_label("Name of the new passkey (optional)").fill("Work laptop")
        founder.page.get_by_role("button", name="Add a passkey").click()
        expect(founder.page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
        assert_no_violations(founder, "account-recovery-codes-1280")
        founder.page.get_by_role("link", name="I have kept my codes").click()
        expect(founder.page.get_by_text("Work laptop")).to_be_visible()
        sign_out(founder)
        password_step(founder, "zoe@example.org")
        founder.page.get_by_role("button", name="Use a passkey").click()
        expect(founder.page.get_by_role("button", name="Sign out")).to_be_visible()
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.sign_in")
                                  .order_by(AuditEntry.id.desc()))
        assert entry.after["method"] == "passkey"
        assert not [problem for problem in founder.problems if "404" not in problem], founder.problems
    finally:
        founder.context.close()
