"""Decisions a committee can stand behind (SPEC 10): the manager's internal reason and the message to the
founder are two things; a decision is previewed as the founder receives it and recorded only once
confirmed; nothing of the reason reaches the founder by page, API or mail."""
import re

import pytest
from sqlalchemy import func, select

from fundapp.applications.models import Application, FundMessage, StateChange
from fundapp.notifications.models import OutboxMessage
from fundapp.portfolio.models import Company
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, api_token_for, committee_votes, staff_with_role

REASON = "Weak CTO; the committee approves KES 10m for 10% equity."


@pytest.fixture
def committee_stage(db):
    fund = FundFactory(currency="KES", decline_message="Thank you for applying to our fund.")
    manager = staff_with_role("manager", fund)
    founder = FounderFactory(language="fr", email="awa@example.sn")
    company = Company(name="Teranga Pay", country="KE", sector="fintech", region="Dakar", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                              state="committee", requested_amount=10_000_000_00, pitch="Payments")
    db.session.add(application)
    db.session.flush()
    committee_votes(fund, application, "approve", "decline", "abstain")     # no majority either way
    db.session.commit()
    return fund, manager, founder, application


def step(client, fund, application, **fields):
    return client.post(f"/funds/{fund.id}/applications/{application.id}/transitions",
                       data={"version": str(application.version), **fields})


def reason_reached_founder(client, db, founder, application) -> bool:
    sign_in(client, founder)
    texts = [client.get(f"/portal/applications/{application.id}").data.decode(),
             client.get(f"/api/v1/applications/{application.id}",
                        headers={"Authorization": f"Bearer {api_token_for(founder)}"}).data.decode()]
    texts += db.session.scalars(select(FundMessage.body).where(FundMessage.application_id == application.id))
    texts += db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == founder.email))
    return any("Weak CTO" in text for text in texts)


def test_nothing_is_chosen_for_the_manager(client, db, committee_stage):
    fund, manager, _founder, application = committee_stage
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications/{application.id}").data.decode()
    options = re.findall(r"<option[^>]*>", page[page.index('name="to"'):page.index("</select>", page.index('name="to"'))])
    assert options[0] == '<option value="">' and not any("selected" in option for option in options)
    unchosen = step(client, fund, application, to="", reason="r")
    assert unchosen.status_code == 422 and "Choose the next step." in unchosen.data.decode()


def test_a_decision_is_previewed_in_the_founders_language_then_confirmed(client, db, committee_stage):
    fund, manager, founder, application = committee_stage
    sign_in(client, manager)
    preview = step(client, fund, application, to="declined", reason=REASON)
    page = preview.data.decode()
    assert preview.status_code == 200
    assert "Thank you for applying to our fund." in page          # the fund's message, to edit
    assert "Votre candidature est refusée" in page and "awa@example.sn" in page
    assert db.session.get(Application, application.id).state == "committee"   # nothing recorded yet
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

    empty = step(client, fund, application, to="declined", reason=REASON, message=" ", confirm="1")
    assert empty.status_code == 422 and "Write the message the founder will read." in empty.data.decode()
    assert db.session.get(Application, application.id).state == "committee"

    done = step(client, fund, application, to="declined", reason=REASON, confirm="1",
                message="Merci : nous ne pouvons pas investir cette fois-ci.")
    assert done.status_code == 302
    change = db.session.scalar(select(StateChange).where(StateChange.to_state == "declined"))
    assert (change.reason, change.message) == (REASON, "Merci : nous ne pouvons pas investir cette fois-ci.")
    history = client.get(f"/funds/{fund.id}/applications/{application.id}").data.decode()
    assert manager.name in history and "Weak CTO" in history            # the team sees who and why
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == founder.email))
    assert mail.subject == "Votre candidature est refusée" and "nous ne pouvons pas investir" in mail.body
    assert not reason_reached_founder(client, db, founder, application)
    portal = client.get(f"/portal/applications/{application.id}").data.decode()
    assert "nous ne pouvons pas investir" in portal


def test_the_api_needs_a_message_for_a_decision_and_never_gives_the_reason(client, db, committee_stage):
    fund, manager, founder, application = committee_stage
    headers = {"Authorization": f"Bearer {api_token_for(manager)}"}
    path = f"/api/v1/applications/{application.id}/transitions"
    refused = client.post(path, headers=headers, json={"to": "approved", "reason": REASON})
    assert refused.status_code == 422 and "message" in refused.json["error"]["fields"]
    assert db.session.get(Application, application.id).state == "committee"
    approved = client.post(path, headers=headers, json={"to": "approved", "reason": REASON,
                                                        "message": "Bienvenue dans le portefeuille."})
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    assert not reason_reached_founder(client, db, founder, application)


def test_a_stale_page_keeps_what_was_typed(client, db, committee_stage):
    fund, manager, _founder, application = committee_stage
    stale = str(application.version)
    other = staff_with_role("manager", fund)
    sign_in(client, other)
    assert step(client, fund, application, to="declined", reason="Out of scope", confirm="1",
                message="Thank you.").status_code == 302
    sign_in(client, manager)
    late = client.post(f"/funds/{fund.id}/applications/{application.id}/transitions", data={
        "version": stale, "to": "approved", "reason": "My careful reasoning", "message": "My kind words"})
    page = late.data.decode()
    assert late.status_code == 409
    assert "Someone else moved this application meanwhile" in page
    assert "My careful reasoning" in page and "My kind words" in page
