"""Accounts: registration, sign in and out, sessions, passwords, language."""
import re
import time

import pytest
from sqlalchemy import select

from fundapp.audit.models import AuditEntry
from fundapp.auth.models import User
from tests.factories import PASSWORD, FounderFactory, UserFactory

STRONG = "a sturdy passphrase 2026"


def register(client, email="zoe@example.org", password=STRONG, confirm=None):
    return client.post("/register", data={
        "name": "Zoë Founder", "email": email, "language": "fr",
        "password": password, "confirm": confirm or password,
    })


def test_founder_registers_signs_in_and_lands_in_the_portal(client, db):
    response = register(client)
    assert response.status_code == 200 and b"zoe@example.org" in response.data
    user = db.session.scalar(select(User).where(User.email == "zoe@example.org"))
    assert user.is_founder and user.language == "fr" and user.password_hash.startswith("$argon2id$")
    assert user.email_confirmed_at is None
    assert client.get("/").status_code == 302               # registering signs nobody in
    client.post("/login", data={"email": "zoe@example.org", "password": STRONG})
    home = client.get("/", follow_redirects=True)
    assert "Zoë Founder".encode() in home.data
    assert b"portail" in home.data  # the founder chose French


@pytest.mark.parametrize(("password", "message"), [
    ("short pass", b"at least 12 characters"),
    ("qwerty123456", b"too common"),
    ("aaaaaaaaaaaaaaaa", b"too common"),
])
def test_weak_passwords_are_refused_and_nothing_is_saved(client, db, password, message):
    response = register(client, password=password)
    assert response.status_code == 200
    assert message in response.data
    assert b"zoe@example.org" in response.data  # what was typed is kept
    assert db.session.scalar(select(User).where(User.email == "zoe@example.org")) is None


def test_registration_never_tells_whether_an_address_has_an_account(client, db):
    from fundapp.notifications.models import OutboxMessage
    FounderFactory(email="zoe@example.org", password_hash="kept", language="en")
    taken = register(client, email="ZOE@example.org")
    fresh = register(client, email="new@example.org")
    assert taken.status_code == fresh.status_code == 200
    # the pages differ in nothing but the address (and the CSRF token, signed with the second it is made in)
    def page(response, address):
        return re.sub(rb'name="csrf_token" (type="hidden" )?value="[^"]*"', b"", response.data.replace(address, b"X"))
    assert page(taken, b"zoe@example.org") == page(fresh, b"new@example.org")
    assert len(db.session.scalars(select(User)).all()) == 2
    owner = db.session.scalar(select(User).where(User.email == "zoe@example.org"))
    assert owner.password_hash == "kept"                      # nothing of the account changed
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "zoe@example.org"))
    assert "has one already" in told.body


def test_login_with_correct_and_wrong_password(client, db):
    user = UserFactory(email="m@example.org", totp_secret=None, second_factor_at=None)
    bad = client.post("/login", data={"email": "m@example.org", "password": "wrong password!"})
    assert bad.status_code == 200 and b"not correct" in bad.data
    good = client.post("/login", data={"email": "M@example.org", "password": PASSWORD})
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_login_refuses_an_open_redirect(client, db):
    UserFactory(email="m@example.org", totp_secret=None, second_factor_at=None)
    response = client.post("/login?next=https://evil.example/", data={
        "email": "m@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_login_starts_a_new_session(client, db):
    UserFactory(email="m@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": "m@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_rehash_on_login_when_parameters_change(app, client, db):
    user = UserFactory(email="m@example.org")
    old_hash = user.password_hash
    app.config["PASSWORD_HASH"] = {"time_cost": 2, "memory_cost": 16, "parallelism": 1}
    client.post("/login", data={"email": "m@example.org", "password": PASSWORD})
    db.session.refresh(user)
    assert user.password_hash != old_hash and "t=2" in user.password_hash


def test_deactivated_user_cannot_sign_in(client, db):
    UserFactory(email="m@example.org", active=False)
    response = client.post("/login", data={"email": "m@example.org", "password": PASSWORD})
    assert response.status_code == 200 and b"not correct" in response.data


def test_burst_of_wrong_passwords_gets_429(client, db):
    UserFactory(email="m@example.org")
    statuses = [client.post("/login", data={"email": "m@example.org", "password": f"wrong {i}"}).status_code
                for i in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    assert b"Too many" in client.post("/login", data={"email": "x", "password": "y"}).data


def test_sign_out_ends_this_session_and_its_cookie(app, client, db, login_as):
    user = login_as("founder")
    other_device = app.test_client()
    from tests.conftest import sign_in
    sign_in(other_device, user)
    with client.session_transaction() as session:
        copied = dict(session)
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302
    replay = app.test_client()                               # the cookie copied before signing out
    with replay.session_transaction() as session:
        session.update(copied)
    assert replay.get("/account").status_code == 302
    assert other_device.get("/account").status_code == 200  # ended from the sessions page, if need be


def test_logout_is_not_possible_with_get(client, login_as):
    login_as("founder")
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, db, login_as):
    from tests.conftest import sign_in
    user = login_as("founder")
    other_device = app.test_client()
    sign_in(other_device, user)
    assert other_device.get("/account").status_code == 200
    response = client.post("/account", data={
        "password-current_password": PASSWORD, "password-password": STRONG,
        "password-confirm": STRONG, "password-submit": "1"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    db.session.refresh(user)
    assert "user.password_change" in db.session.scalars(select(AuditEntry.action)).all()


def test_password_change_needs_the_current_password(client, db, login_as):
    user = login_as("founder")
    old_hash = user.password_hash
    response = client.post("/account", data={
        "password-current_password": "not it at all", "password-password": STRONG,
        "password-confirm": STRONG, "password-submit": "1"})
    assert b"current password is not correct" in response.data
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_language_change_translates_the_pages(client, db, login_as):
    login_as("founder")
    client.post("/account", data={"language-language": "fr", "language-submit": "1"})
    assert b"Accueil" in client.get("/account").data


def test_visitor_language_switch(client):
    client.post("/language", data={"language": "fr", "next": "/login"})
    assert b"Se connecter" in client.get("/login").data


def test_idle_session_is_signed_out(app, client, login_as):
    login_as("founder")
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - app.config["IDLE_TIMEOUT"].total_seconds() - 5
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/account").status_code == 302


def test_session_cookie_flags(client, db):
    UserFactory(email="m@example.org")
    response = client.post("/login", data={"email": "m@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_api_tokens_are_created_shown_once_and_revoked(client, db, login_as):
    from fundapp.auth.models import ApiToken
    login_as("founder")
    page = client.post("/account/tokens", data={"name": "accounting", "lifetime": "30"})
    token = db.session.scalar(select(ApiToken))
    assert token.prefix.encode() in page.data
    secret = page.data.split(b'data-testid="token-secret">')[1].split(b"<")[0].decode()
    assert token.token_hash != secret and len(token.token_hash) == 64
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert secret.encode() not in client.get("/account/tokens").data
    client.post(f"/account/tokens/{token.id}/revoke")
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_cannot_revoke_someone_elses_token(client, db, login_as):
    from tests.factories import api_token_for
    owner = FounderFactory()
    api_token_for(owner)
    login_as("founder")
    from fundapp.auth.models import ApiToken
    token = db.session.scalar(select(ApiToken))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_rate_limits_are_kept_in_redis(make_app, db):
    """With REDIS_URL, the attempts are counted in Redis, which every worker shares."""
    import uuid

    import redis

    prefix = f"fundapp-test-{uuid.uuid4().hex}"
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0", RATELIMIT_KEY_PREFIX=prefix)
    UserFactory(email="m@example.org")
    client = app.test_client()
    statuses = [client.post("/login", data={"email": "m@example.org", "password": "wrong"}).status_code
                for _ in range(11)]
    assert statuses[-1] == 429
    store = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    keys = store.keys(f"*{prefix}*")
    assert keys
    store.delete(*keys)
