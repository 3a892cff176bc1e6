"""Getting back in: a forgotten password reset through a single-use link valid one hour, mailed in the
user's language through a real SMTP server; a founder's address confirmed before it submits."""
import time
from datetime import timedelta

from sqlalchemy import select

from fundapp.applications.models import Application
from fundapp.audit.models import AuditEntry
from fundapp.auth.models import AccountLink, User
from fundapp.columns import utcnow
from fundapp.portfolio.models import Company
from tests.conftest import sign_in
from tests.factories import PASSWORD, FounderFactory, FundFactory, pdf_bytes
from tests.web.test_portal import COMPLETE, upload

NEW = "a brand new passphrase 77"


def _forgot(client, email):
    return client.post("/password/forgot", data={"email": email})


def test_a_founder_resets_a_forgotten_password(mail_app, mailbox, db):
    founder = FounderFactory(email="awa@example.sn", language="fr")
    elsewhere = mail_app.test_client()
    sign_in(elsewhere, founder)
    client = mail_app.test_client()
    answer = _forgot(client, "Awa@Example.sn")
    assert answer.status_code == 200 and b"awa@example.sn" in answer.data
    message = mailbox.to("awa@example.sn")[-1]
    assert "mot de passe" in message["Subject"]                   # in the founder's language
    path = mailbox.link("awa@example.sn", "/password/reset/")
    assert client.get(path).status_code == 200
    weak = client.post(path, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 200 and b"12" in weak.data          # refused, the link still works
    done = client.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert client.post("/login", data={"email": "awa@example.sn", "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": "awa@example.sn", "password": NEW}).status_code == 302
    assert elsewhere.get("/account").status_code == 302            # every other session is signed out
    again = mail_app.test_client().get(path)
    assert again.status_code == 404 and b"not valid" in again.data
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("user.%"))).all()
    assert {"user.reset_request", "user.password_reset", "user.sign_in"} <= set(actions)
    assert any("modifié" in m.get_content() or "changed" in m.get_content()
               for m in mailbox.to("awa@example.sn")[1:])          # told that the password changed


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(mail_app, mailbox, db):
    FounderFactory(email="known@example.org")
    client = mail_app.test_client()
    timings = {}
    pages = {}
    for email in ("known@example.org", "nobody@example.org"):
        started = time.perf_counter()
        pages[email] = _forgot(client, email).data.replace(email.encode(), b"ADDRESS")
        timings[email] = time.perf_counter() - started
    assert pages["known@example.org"] == pages["nobody@example.org"]
    assert abs(timings["known@example.org"] - timings["nobody@example.org"]) < 0.5
    assert mailbox.to("nobody@example.org", wait=0.5) == []
    assert len(mailbox.to("known@example.org")) == 1
    links = db.session.scalars(select(AccountLink)).all()
    assert len(links) == 1


def test_a_link_an_hour_old_or_forged_or_of_another_kind_changes_nothing(mail_app, mailbox, db):
    founder = FounderFactory(email="zoe@example.org")
    client = mail_app.test_client()
    _forgot(client, "zoe@example.org")
    path = mailbox.link("zoe@example.org", "/password/reset/")
    link = db.session.scalar(select(AccountLink))
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.post(path, data={"password": NEW, "confirm": NEW})
    forged = client.post("/password/reset/" + "x" * 43, data={"password": NEW, "confirm": NEW})
    activation = client.post(path.replace("/password/reset/", "/activate/"), data={"password": NEW, "confirm": NEW})
    assert expired.status_code == forged.status_code == activation.status_code == 404
    db.session.refresh(founder)
    assert client.post("/login", data={"email": "zoe@example.org", "password": PASSWORD}).status_code == 302


def test_a_newer_link_voids_the_older_and_each_address_is_limited(mail_app, mailbox, db):
    FounderFactory(email="zoe@example.org")
    client = mail_app.test_client()
    _forgot(client, "zoe@example.org")
    first = mailbox.link("zoe@example.org", "/password/reset/")
    _forgot(client, "zoe@example.org")
    assert client.get(first).status_code == 404
    for _each in range(3):
        answer = _forgot(mail_app.test_client(), "zoe@example.org")
        assert answer.status_code == 200
    # three a hour per address: the fourth answers alike and sends nothing
    assert len(mailbox.to("zoe@example.org")) == 3


def test_a_founder_saves_a_draft_but_submits_only_once_its_address_is_confirmed(mail_app, mailbox, db):
    fund = FundFactory(currency="KES", min_ticket=500_000_000, max_ticket=13_000_000_000, sectors=["agriculture"],
                       employee_cap=250)
    client = mail_app.test_client()
    client.post("/register", data={"name": "Zoë", "email": "zoe@example.org", "language": "en",
                                   "password": NEW, "confirm": NEW})
    client.post("/login", data={"email": "zoe@example.org", "password": NEW})
    assert b"Confirm your email address to submit" in client.get("/", follow_redirects=True).data
    client.post("/portal/companies/new", data={"name": "Shamba", "country": "KE", "sector": "agriculture",
                                               "region": "Nakuru"})
    company = db.session.scalar(select(Company))
    client.post("/portal/applications", data={"fund_id": fund.id, "company_id": company.id})
    application = db.session.scalar(select(Application))
    assert client.post(f"/portal/applications/{application.id}", data=COMPLETE).status_code == 302  # a draft
    upload(client, application, pdf_bytes())
    refused = client.post(f"/portal/applications/{application.id}/submit", follow_redirects=True)
    assert b"Confirm your email address before submitting" in refused.data
    db.session.refresh(application)
    assert application.state == "draft"
    first = mailbox.link("zoe@example.org", "/confirm/")
    client.post("/account/confirmation")                           # send it again: the older link stops
    second = mailbox.link("zoe@example.org", "/confirm/")
    assert first != second and client.post(first).status_code == 404
    assert client.get(second).status_code == 200
    user = db.session.scalar(select(User).where(User.email == "zoe@example.org"))
    assert user.email_confirmed_at is None                         # opening the link confirms nothing yet
    assert client.post(second).status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    assert b"Confirm your email address to submit" not in client.get("/", follow_redirects=True).data
    assert client.post(f"/portal/applications/{application.id}/submit").status_code == 302
    db.session.refresh(application)
    assert application.state == "submitted"


def test_a_mailed_link_never_names_a_host_an_attacker_sent(make_app, db):
    from fundapp.notifications.models import OutboxMessage
    app = make_app(TRUSTED_HOSTS=["funds.example.org"])
    FounderFactory(email="zoe@example.org")
    client = app.test_client()
    forged = client.post("/password/forgot", data={"email": "zoe@example.org"},
                         headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert db.session.scalar(select(OutboxMessage)) is None
    client.post("/password/forgot", data={"email": "zoe@example.org"}, headers={"Host": "funds.example.org"})
    assert "http://funds.example.org/password/reset/" in db.session.scalar(select(OutboxMessage.body))
