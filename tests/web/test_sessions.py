"""Sessions in view and API tokens that may expire: the user sees where it is signed in and ends any of
those sessions; an administrator revokes anyone's token."""
import time
from datetime import timedelta

from sqlalchemy import select

from fundapp.auth.models import ApiToken, UserSession
from fundapp.columns import utcnow
from tests.conftest import sign_in
from tests.factories import PASSWORD, FounderFactory, api_token_for

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_a_user_sees_its_sessions_and_ends_one(app, db):
    FounderFactory(email="zoe@example.org")
    laptop, phone = app.test_client(), app.test_client()
    laptop.post("/login", data={"email": "zoe@example.org", "password": PASSWORD})
    phone.post("/login", data={"email": "zoe@example.org", "password": PASSWORD},
               headers={"User-Agent": FIREFOX})
    page = laptop.get("/account/sessions").data.decode()
    assert "Firefox · Windows" in page and "This session" in page
    other = db.session.scalar(select(UserSession).where(UserSession.browser == FIREFOX))
    mine = db.session.scalar(select(UserSession).where(UserSession.browser != FIREFOX))
    assert laptop.post(f"/account/sessions/{mine.id}/end", follow_redirects=True).status_code == 200
    assert laptop.get("/account").status_code == 200                       # this one is ended by signing out
    assert laptop.post(f"/account/sessions/{other.id}/end").status_code == 302
    assert phone.get("/account").status_code == 302
    assert "Firefox" not in laptop.get("/account/sessions").data.decode()


def test_nobody_ends_someone_elses_session(app, client, db, login_as):
    owner = FounderFactory()
    theirs = app.test_client()
    sign_in(theirs, owner)
    record = db.session.scalar(select(UserSession).where(UserSession.user_id == owner.id))
    login_as("founder")
    assert client.post(f"/account/sessions/{record.id}/end").status_code == 404
    assert theirs.get("/account").status_code == 200


def test_ending_every_other_session_keeps_this_one(app, client, db, login_as):
    user = login_as("founder")
    others = [app.test_client() for _each in range(2)]
    for other in others:
        sign_in(other, user)
    client.post("/account/sessions/end-others")
    assert client.get("/account").status_code == 200
    assert all(other.get("/account").status_code == 302 for other in others)


def test_a_session_is_seen_at_most_once_a_minute(client, db, login_as):
    login_as("founder")
    record = db.session.scalar(select(UserSession))
    first_seen = record.last_seen_at
    client.get("/account")
    db.session.refresh(record)
    assert record.last_seen_at == first_seen
    with client.session_transaction() as session:
        session["last_seen"] = time.time() - 61
    client.get("/account")
    db.session.refresh(record)
    assert record.last_seen_at > first_seen


def test_a_token_may_expire_and_shows_its_last_use(client, db, login_as):
    login_as("founder")
    unchosen = client.post("/account/tokens", data={"name": "export"})
    assert unchosen.status_code == 200 and db.session.scalar(select(ApiToken)) is None   # nothing chosen for it
    page = client.post("/account/tokens", data={"name": "export", "lifetime": "7"}).data.decode()
    secret = page.split('data-testid="token-secret">')[1].split("<")[0]
    token = db.session.scalar(select(ApiToken))
    assert timedelta(days=6, hours=23) < token.expires_at - utcnow() <= timedelta(days=7)
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert "Never" not in client.get("/account/tokens").data.decode().split("export")[1].split("</tr>")[0]
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "Expired" in client.get("/account/tokens").data.decode()


def test_an_administrator_revokes_anyones_token(client, db, login_as):
    owner = FounderFactory()
    secret = api_token_for(owner)
    token = db.session.scalar(select(ApiToken))
    login_as("admin")
    assert b"tests" in client.get(f"/admin/users/{owner.id}").data
    assert client.post(f"/admin/users/{owner.id + 1}/tokens/{token.id}/revoke").status_code == 404
    assert client.post(f"/admin/users/{owner.id}/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
