"""The bell: a decision, a request for changes, a review assigned and a capital call reach their users in
the app as well as by mail, in their language; opening an item marks it read and leads to its page."""
import re
from datetime import date

from sqlalchemy import select

from fundapp.applications.models import Application
from fundapp.notifications.models import Notification, OutboxMessage
from fundapp.portfolio.models import Company
from tests.conftest import sign_in
from tests.factories import (
    FounderFactory,
    FundFactory,
    GrantFactory,
    PartnerFactory,
    UserFactory,
    staff_with_role,
)


def bell(page: str) -> str:
    return re.search(r'data-testid="bell">(.*?)</a>', page, re.S).group(1)


def in_review(db, fund, founder) -> Application:
    company = Company(name="Shamba", country="KE", sector="agriculture", region="Nairobi", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, state="in_review",
                              requested_amount=1_000_000_00, pitch="Pitch")
    db.session.add(application)
    db.session.commit()
    return application


def test_a_review_assigned_rings_the_reviewers_bell_and_opens_the_application(client, db):
    fund = FundFactory(currency="KES")
    manager, reviewer = staff_with_role("manager", fund), staff_with_role("reviewer", fund, language="fr")
    application = in_review(db, fund, FounderFactory())
    sign_in(client, manager)
    assert client.post(f"/funds/{fund.id}/applications/assignments", data={
        "reviewer_id": reviewer.id, "due_date": "2030-01-31", "application_ids": [application.id]}).status_code == 302
    told = db.session.scalar(select(Notification).where(Notification.user_id == reviewer.id))
    assert told.kind == "assignment" and told.link == f"/funds/{fund.id}/applications/{application.id}"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == reviewer.email))
    assert mail.subject == told.title and f"/funds/{fund.id}/applications/{application.id}" in mail.body
    assert "2030" in mail.body

    sign_in(client, reviewer)
    home = client.get("/").get_data(as_text=True)
    assert ">1<" in bell(home)
    listed = client.get("/notifications/").get_data(as_text=True)
    assert told.title in listed
    opened = client.post(f"/notifications/{told.id}/open")
    assert opened.status_code == 302 and opened.location.endswith(told.link)
    db.session.expire_all()
    assert db.session.get(Notification, told.id).read_at is not None
    assert ">1<" not in bell(client.get("/").get_data(as_text=True))


def test_a_capital_call_tells_each_user_speaking_for_a_partner_with_a_share(client, db):
    fund = FundFactory(currency="KES", vintage_year=2024)
    ministry = PartnerFactory(fund=fund, name="Ministry", kind="government", commitment=600_000)
    PartnerFactory(fund=fund, name="OpenAI", kind="co_investor", commitment=400_000)
    manager = staff_with_role("manager", fund)
    speaker = UserFactory()
    GrantFactory(user=speaker, fund=fund, role="partner", partner=ministry)
    db.session.commit()
    sign_in(client, manager)
    answer = client.post(f"/funds/{fund.id}/capital/calls", data={
        "call-call_date": "2024-03-01", "call-due_date": "2024-03-31", "call-amount": "1000.00",
        "call-purpose": "investment", "call-confirm": "1"})
    assert answer.status_code == 302
    told = db.session.scalars(select(Notification).where(Notification.user_id == speaker.id)).all()
    assert [item.kind for item in told] == ["capital_call"]
    assert told[0].link == f"/funds/{fund.id}/partners/{ministry.id}/statement"
    assert "600.00" in told[0].title
    assert db.session.scalar(select(Notification).where(Notification.user_id == manager.id)) is None


def test_a_decision_reaches_the_founders_bell_and_others_cannot_open_it(client, db):
    fund = FundFactory(currency="KES")
    manager, founder = staff_with_role("manager", fund), FounderFactory(language="fr")
    application = in_review(db, fund, founder)
    sign_in(client, manager)
    answer = client.post(f"/funds/{fund.id}/applications/{application.id}/transitions", data={
        "version": str(application.version), "to": "changes_requested", "reason": "Internal",
        "message": "Merci d'ajouter vos comptes.", "confirm": "1"})
    assert answer.status_code == 302
    told = db.session.scalar(select(Notification).where(Notification.user_id == founder.id))
    assert told.kind == "changes_requested" and told.link == f"/portal/applications/{application.id}"
    assert "Internal" not in told.title
    assert client.post(f"/notifications/{told.id}/open").status_code == 404      # the manager's: not its own
    sign_in(client, founder)
    assert told.title in client.get("/notifications/").get_data(as_text=True)
    assert client.post("/notifications/read").status_code == 302
    db.session.expire_all()
    assert db.session.get(Notification, told.id).read_at is not None
    assert date.today() <= db.session.get(Notification, told.id).read_at.date()


def test_the_api_reads_ones_own_bell_and_admins_read_and_retry_the_outbox(client, db):
    from fundapp.notifications import outbox
    from tests.factories import AdminFactory, api_token_for
    fund = FundFactory(currency="KES")
    manager, reviewer = staff_with_role("manager", fund), staff_with_role("reviewer", fund)
    application = in_review(db, fund, FounderFactory())
    from fundapp.applications import review
    review.assign(manager, fund, application, reviewer.id, None)
    failed = outbox.send("gone@example.org", "Lost", "Body")
    failed.status, failed.tries, failed.last_error = "failed", 7, "SMTPServerDisconnected: gone"
    db.session.commit()
    mine = {"Authorization": f"Bearer {api_token_for(reviewer)}"}
    listed = client.get("/api/v1/notifications?unread=true", headers=mine).json
    assert [item["kind"] for item in listed] == ["assignment"] and listed[0]["read_at"] is None
    assert client.get("/api/v1/outbox", headers=mine).status_code == 404
    read = client.post(f"/api/v1/notifications/{listed[0]['id']}/read", headers=mine)
    assert read.status_code == 200 and read.json["read_at"]
    assert client.get("/api/v1/notifications?unread=true", headers=mine).json == []
    admin = {"Authorization": f"Bearer {api_token_for(AdminFactory())}"}
    assert client.post(f"/api/v1/notifications/{listed[0]['id']}/read", headers=admin).status_code == 404
    waiting = client.get("/api/v1/outbox?status=failed", headers=admin).json
    assert [(m["recipient"], m["tries"], m["last_error"]) for m in waiting] == [
        ("gone@example.org", 7, "SMTPServerDisconnected: gone")]
    retried = client.post(f"/api/v1/outbox/{failed.id}/retry", headers=admin)
    assert retried.status_code == 200 and retried.json["status"] == "pending"
    assert client.get("/api/v1/outbox?status=bogus", headers=admin).status_code == 422


def test_the_api_turns_optional_reminders_off_and_refuses_the_others(client, db):
    from tests.factories import api_token_for
    fund = FundFactory(currency="KES")
    reviewer = staff_with_role("reviewer", fund)
    headers = {"Authorization": f"Bearer {api_token_for(reviewer)}"}
    settings = client.get("/api/v1/notifications/reminders", headers=headers).json
    assert settings == {"received": ["review_due_soon", "review_overdue"], "optional": ["review_due_soon"],
                        "muted": []}
    refused = client.put("/api/v1/notifications/reminders", headers=headers, json={"muted": ["review_overdue"]})
    assert refused.status_code == 422 and "muted" in refused.json["error"]["fields"]
    muted = client.put("/api/v1/notifications/reminders", headers=headers,
                       json={**settings, "muted": ["review_due_soon"]})      # what GET gave, sent back
    assert muted.status_code == 200 and muted.json["muted"] == ["review_due_soon"]
    assert client.get("/api/v1/notifications/reminders", headers=headers).json["muted"] == ["review_due_soon"]



def test_a_company_name_with_a_line_break_heads_a_mail_on_one_line(client, db):
    """A name may hold a line break (it is text); the subject of a mail naming it is one line."""
    from fundapp.notifications import outbox
    from tests.factories import api_token_for
    founder = FounderFactory()
    headers = {"Authorization": f"Bearer {api_token_for(founder)}"}
    answer = client.post("/api/v1/companies", headers=headers, json={
        "name": "Evil Co\r\nBcc: attacker@evil.example", "country": "KE", "sector": "fintech"})
    assert answer.status_code == 201
    company = db.session.scalar(select(Company))
    message = outbox.send(founder.email, f"{company.name}: headcount report missing", "Body")
    assert message.subject == "Evil Co Bcc: attacker@evil.example: headcount report missing"
