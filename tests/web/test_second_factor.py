"""Second factors: required of administrators and fund managers, optional for everyone else; codes
computed here as an authenticator app would (RFC 6238), each accepted once; ten recovery codes; the lock
after ten wrong codes; an administrator's reset; per-account limits on guessing passwords."""
import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from fundapp.audit.models import AuditEntry
from fundapp.auth.models import ApiToken, RecoveryCode
from fundapp.columns import utcnow
from fundapp.notifications.models import OutboxMessage
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    FounderFactory,
    FundFactory,
    GrantFactory,
    UserFactory,
    api_token_for,
    staff_with_role,
)


def code_at(secret: str, step_offset: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + step_offset * totp.interval)


def password_step(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def actions(db) -> list[str]:
    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_a_manager_reaches_no_fund_page_until_it_holds_a_second_factor(client, db):
    fund = FundFactory()
    manager = staff_with_role("manager", fund, email="m@example.org", totp_secret=None, second_factor_at=None)
    assert password_step(client, "m@example.org").status_code == 302       # no second step: it has none
    for path in (f"/funds/{fund.id}", f"/funds/{fund.id}/capital", "/", "/account/tokens"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/security"), path
    page = client.get("/account/security").data.decode()
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0].replace(" ", "")
    assert f"otpauth://totp/fundapp:m%40example.org?secret={secret}" in page and 'src="data:image/svg+xml' in page
    wrong = client.post("/account/security/authenticator", data={"code": "000000"})
    assert wrong.status_code == 422 and b"does not match" in wrong.data
    db.session.refresh(manager)
    assert manager.totp_secret is None
    shown = client.post("/account/security/authenticator", data={"code": code_at(secret)})
    codes = re.findall(r"<li><code>([^<]+)</code>", shown.data.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    db.session.refresh(manager)
    assert manager.totp_secret == secret and manager.second_factor_at is not None
    assert client.get(f"/funds/{fund.id}").status_code == 200
    assert "user.second_factor_add" in actions(db) and "user.recovery_codes_issue" in actions(db)
    told = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == "m@example.org")).all()
    assert any("second factor was added" in body for body in told)


def test_setting_up_the_first_factor_ends_the_sessions_opened_with_the_password_alone(app, db):
    fund = FundFactory()
    staff_with_role("manager", fund, email="m@example.org", totp_secret=None, second_factor_at=None)
    stale, fresh = app.test_client(), app.test_client()
    password_step(stale, "m@example.org")
    password_step(fresh, "m@example.org")
    secret = fresh.get("/account/security").data.decode().split('data-testid="totp-secret">')[1].split("<")[0]
    fresh.post("/account/security/authenticator", data={"code": code_at(secret.replace(" ", ""))})
    assert fresh.get(f"/funds/{fund.id}").status_code == 200
    assert stale.get(f"/funds/{fund.id}").status_code == 302 and stale.get("/account").status_code == 302
    assert "/login" in stale.get("/").headers["Location"]


def test_signing_in_takes_a_code_once_or_a_recovery_code_once(app, db):
    user = UserFactory(email="r@example.org")                         # a reviewer who chose a second factor
    codes = _recovery_codes(db, user)
    client = app.test_client()
    first = password_step(client, "r@example.org")
    assert first.headers["Location"].endswith("/login/second-step")
    assert client.get("/account").status_code == 302                  # the password alone opens nothing
    assert b"not correct" in client.post("/login/second-step", data={"code": "123456"}).data
    code = code_at(TOTP_SECRET)
    assert client.post("/login/second-step", data={"code": code}).status_code == 302
    assert client.get("/account").status_code == 200
    again = app.test_client()
    password_step(again, "r@example.org")
    assert b"used already" in again.post("/login/second-step", data={"code": code}).data   # replayed
    assert again.post("/login/second-step", data={"code": codes[0].upper().replace("-", " ")}).status_code == 302
    third = app.test_client()
    password_step(third, "r@example.org")
    assert b"not correct" in third.post("/login/second-step", data={"code": codes[0]}).data
    assert actions(db).count("user.recovery_code_use") == 1
    assert {"user.sign_in", "user.second_factor_failure"} <= set(actions(db))
    told = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == "r@example.org")).all()
    assert any("recovery code was used" in body for body in told)


def _recovery_codes(db, user) -> list[str]:
    from fundapp.auth import second_factor
    codes = second_factor.new_recovery_codes(user)
    db.session.commit()
    return codes


def test_ten_wrong_codes_lock_the_second_step_for_fifteen_minutes(app, db):
    user = UserFactory(email="r@example.org")
    client = app.test_client()
    password_step(client, "r@example.org")
    for attempt in range(10):
        client.post("/login/second-step", data={"code": f"{attempt:06d}"})
    locked = client.post("/login/second-step", data={"code": code_at(TOTP_SECRET)})
    assert b"locked until" in locked.data and client.get("/account").status_code == 302
    db.session.refresh(user)
    assert timedelta(minutes=14) < user.second_factor_locked_until - utcnow() <= timedelta(minutes=15)
    user.second_factor_locked_until = utcnow() - timedelta(seconds=1)   # fifteen minutes later
    db.session.commit()
    password_step(client, "r@example.org")
    assert client.post("/login/second-step", data={"code": code_at(TOTP_SECRET, 1)}).status_code == 302


def test_the_second_step_waits_five_minutes_at_most(app, client, db):
    UserFactory(email="r@example.org")
    password_step(client, "r@example.org")
    with client.session_transaction() as session:
        session["second_step"] = {**session["second_step"], "at": session["second_step"]["at"] - 301}
    late = client.post("/login/second-step", data={"code": code_at(TOTP_SECRET)})
    assert late.status_code == 302 and late.headers["Location"].endswith("/login")
    assert client.get("/account").status_code == 302


def test_an_administrator_resets_a_lost_second_factor(app, client, db, login_as):
    person = UserFactory(email="lost@example.org")
    _recovery_codes(db, person)
    phone = app.test_client()
    sign_in(phone, person)
    reviewer = app.test_client()
    sign_in(reviewer, staff_with_role("reviewer", FundFactory()))
    assert reviewer.post(f"/admin/users/{person.id}/second-factor/reset").status_code == 404
    login_as("admin")
    page = client.get(f"/admin/users/{person.id}").data
    assert b"Reset the second factor" in page
    assert client.post(f"/admin/users/{person.id}/second-factor/reset").status_code == 302
    db.session.refresh(person)
    assert person.totp_secret is None and person.second_factor_at is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert phone.get("/account").status_code == 302                    # its sessions ended
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.second_factor_reset"))
    assert entry.object_id == person.id and entry.user_id != person.id
    assert password_step(app.test_client(), "lost@example.org").status_code == 302


def test_removing_a_factor_takes_the_password_and_a_manager_keeps_one(client, db):
    fund = FundFactory()
    manager = staff_with_role("manager", fund, email="m@example.org")
    sign_in(client, manager)
    refused = client.post("/account/security/authenticator/remove", data={"password": "not mine at all"},
                          follow_redirects=True)
    assert b"password is not correct" in refused.data
    kept = client.post("/account/security/authenticator/remove", data={"password": PASSWORD}, follow_redirects=True)
    assert b"requires a second factor" in kept.data
    db.session.refresh(manager)
    assert manager.totp_secret == TOTP_SECRET
    founder = FounderFactory(totp_secret=TOTP_SECRET, second_factor_at=utcnow())
    sign_in(client, founder)
    client.post("/account/security/authenticator/remove", data={"password": PASSWORD})
    db.session.refresh(founder)
    assert founder.totp_secret is None and founder.second_factor_at is None


def test_an_api_token_needs_the_code_of_an_account_holding_a_second_factor(client, db):
    fund = FundFactory()
    staff_with_role("manager", fund, email="m@example.org")
    staff_with_role("manager", fund, email="new@example.org", totp_secret=None, second_factor_at=None)
    FounderFactory(email="f@example.org")
    assert client.post("/api/v1/tokens", json={"email": "m@example.org", "password": PASSWORD}).status_code == 401
    wrong = client.post("/api/v1/tokens", json={"email": "m@example.org", "password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 401
    assert "user.second_factor_failure" in actions(db)                 # kept although the answer is an error
    good = client.post("/api/v1/tokens", json={"email": "m@example.org", "password": PASSWORD,
                                               "code": code_at(TOTP_SECRET), "expires_in_days": 30})
    assert good.status_code == 201 and good.json["expires_at"]
    # a manager still to set up its factor: a token for a day, from its password alone
    unsecured = client.post("/api/v1/tokens", json={"email": "new@example.org", "password": PASSWORD})
    stored = db.session.get(ApiToken, unsecured.json["id"])
    assert timedelta(hours=23) < stored.expires_at - utcnow() <= timedelta(days=1)
    founder = client.post("/api/v1/tokens", json={"email": "f@example.org", "password": PASSWORD})
    assert db.session.get(ApiToken, founder.json["id"]).expires_at is None


@pytest.mark.parametrize("channel", ["web", "api"])
def test_guessing_one_account_slows_down_everyone_but_its_own_browser(make_app, db, channel):
    app = make_app(LOGIN_RATE_LIMIT="1000 per minute", TOKEN_RATE_LIMIT="1000 per minute")
    FounderFactory(email="zoe@example.org")
    own = app.test_client()
    assert password_step(own, "zoe@example.org").status_code == 302      # the founder's browser, known
    own.post("/logout")
    for attempt in range(10):
        attacker = app.test_client()
        where = {"REMOTE_ADDR": f"203.0.113.{attempt}"}
        if channel == "web":
            attacker.post("/login", data={"email": "zoe@example.org", "password": f"guess {attempt}"},
                          environ_base=where)
        else:
            attacker.post("/api/v1/tokens", json={"email": "zoe@example.org", "password": f"guess {attempt}"},
                          environ_base=where)
    stranger = app.test_client()
    held = password_step(stranger, "zoe@example.org")                       # the right password, elsewhere
    assert held.status_code == 429 and b"Too many failed sign-ins" in held.data
    assert password_step(own, "zoe@example.org").status_code == 302       # its own browser still gets in
    failures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sign_in_failure")).all()
    assert len(failures) == 10


def test_a_recovered_account_takes_its_api_tokens_back(app, client, db, login_as):
    owner = FounderFactory(email="zoe@example.org")
    stolen = api_token_for(owner)
    login_as("admin")
    client.post(f"/admin/users/{owner.id}/second-factor/reset")
    assert app.test_client().get("/api/v1/funds", headers={"Authorization": f"Bearer {stolen}"}).status_code == 401


def test_a_token_taken_before_a_promotion_stops_once_its_user_must_hold_a_factor(client, db):
    fund = FundFactory()
    reviewer = staff_with_role("reviewer", fund, email="r@example.org", totp_secret=None, second_factor_at=None)
    taken = client.post("/api/v1/tokens", json={"email": "r@example.org", "password": PASSWORD})
    secret = taken.json["token"]
    token = db.session.get(ApiToken, taken.json["id"])
    assert token.expires_at is None
    token.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    GrantFactory(user=reviewer, fund=fund, role="manager")                  # promoted, no factor yet
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_codes_in_other_scripts_and_broken_text_are_refused_plainly(client, db):
    staff_with_role("manager", FundFactory(), email="m@example.org")
    password_step(client, "m@example.org")
    assert client.post("/login/second-step", data={"code": "١٢٣٤٥٦"}).status_code == 200
    for body in ({"email": "m@example.org", "password": PASSWORD, "code": "١٢٣٤٥٦"},
                 {"email": "m@example.org", "password": PASSWORD, "name": "x\ud800", "code": "0"}):
        assert client.post("/api/v1/tokens", json=body).status_code in (401, 422)


def test_a_reset_lifts_the_hold_on_its_address(make_app, db):
    from fundapp.auth import links
    app = make_app(LOGIN_RATE_LIMIT="1000 per minute")
    FounderFactory(email="zoe@example.org")
    for attempt in range(10):
        app.test_client().post("/login", data={"email": "zoe@example.org", "password": f"guess {attempt}"})
    assert password_step(app.test_client(), "zoe@example.org").status_code == 429
    from fundapp.auth.models import User as Account
    with app.test_request_context():
        from fundapp.extensions import db as extension
        _link, secret = links.issue(extension.session.get(Account, db.session.scalar(
            select(Account.id).where(Account.email == "zoe@example.org"))), "reset")
        extension.session.commit()
    new = "a fresh passphrase 2027"
    app.test_client().post(f"/password/reset/{secret}", data={"password": new, "confirm": new})
    assert password_step(app.test_client(), "zoe@example.org", new).status_code == 302


def test_password_checks_of_a_signed_in_user_are_limited(client, db, login_as):
    login_as("founder", totp_secret=TOTP_SECRET, second_factor_at=utcnow())
    statuses = [client.post("/account/security/recovery-codes", data={"password": f"guess {n}"}).status_code
                for n in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
