"""The investment committee (SPEC 10): members declare, vote once with a comment, see the others' votes only
after their own; a decision needs the quorum and, against the majority, a justification; the minutes
(a PDF in the fund's language) say who sat, who was recused and why, who voted what, and the decision."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from fundapp.applications import committee
from fundapp.applications.models import Application, StateChange, Vote
from fundapp.audit.models import AuditEntry
from fundapp.auth.models import Grant
from fundapp.notifications.models import OutboxMessage
from fundapp.portfolio.models import Company
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, api_token_for, staff_with_role

JUSTIFICATION = "The two declines rest on a market study the due diligence disproved."


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_for(user)}"}


@pytest.fixture
def before_committee(db):
    fund = FundFactory(currency="KES", language="fr", name="Fonds national du Sénégal")
    manager = staff_with_role("manager", fund)
    members = [staff_with_role("committee", fund, name=name) for name in ("Aminata", "Bakary", "Coumba")]
    founder = FounderFactory()
    company = Company(name="Teranga Pay", country="KE", sector="fintech", region="Dakar", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, state="committee",
                              requested_amount=10_000_000_00, pitch="Payments")
    db.session.add(application)
    db.session.commit()
    return fund, manager, members, founder, application


def vote(client, fund, application, **fields):
    return client.post(f"/funds/{fund.id}/applications/{application.id}/votes", data=fields)


def declare(client, fund, application, **fields):
    return client.post(f"/funds/{fund.id}/applications/{application.id}/committee/declaration", data=fields)


def decide(client, fund, application, to, **fields):
    return client.post(f"/funds/{fund.id}/applications/{application.id}/transitions", data={
        "version": str(application.version), "to": to, "reason": "Committee met on 3 March.",
        "message": "Thank you for your patience.", "confirm": "y", **fields})


def test_members_declare_vote_once_and_see_the_votes_after_their_own(client, db, before_committee):
    fund, manager, (aminata, bakary, coumba), founder, application = before_committee
    sign_in(client, aminata)
    page = client.get(f"/funds/{fund.id}/applications/{application.id}").data.decode()
    assert "Before you read this application" in page and "Payments" not in page
    early = vote(client, fund, application, vote="approve", comment="Strong team")
    assert early.status_code == 409 and db.session.scalar(select(func.count(Vote.id))) == 0
    assert declare(client, fund, application, conflict="no").status_code == 302
    page = client.get(f"/funds/{fund.id}/applications/{application.id}").data.decode()
    assert 'name="vote"' in page and "checked" not in page[page.index('name="vote"') - 200:page.index("Cast my vote")]
    uncommented = vote(client, fund, application, vote="approve", comment=" ")
    assert uncommented.status_code == 422 and db.session.scalar(select(Vote.vote)) is None
    refused = vote(client, fund, application, comment="Strong team, clear jobs")
    assert refused.status_code == 422 and "Strong team, clear jobs" in refused.data.decode()   # text kept
    assert vote(client, fund, application, vote="approve", comment="Strong team, clear jobs").status_code == 302
    again = vote(client, fund, application, vote="decline", comment="Changed my mind")
    assert again.status_code == 409
    assert db.session.scalars(select(Vote.vote)).all() == ["approve"]

    # Bakary declares a conflict: recused, managers told why; it never votes nor sees the votes
    sign_in(client, bakary)
    assert declare(client, fund, application, conflict="yes", reason="").status_code == 422
    assert declare(client, fund, application, conflict="yes", reason="My brother is its CFO").status_code == 302
    assert vote(client, fund, application, vote="approve", comment="x").status_code == 409
    assert "My brother is its CFO" in db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.recipient == manager.email))
    assert client.get(f"/funds/{fund.id}/applications/{application.id}/minutes.pdf").status_code == 403

    # Coumba has declared no conflict but not voted: the votes are sealed, in pages and the API
    sign_in(client, coumba)
    declare(client, fund, application, conflict="no")
    page = client.get(f"/funds/{fund.id}/applications/{application.id}").data.decode()
    assert "Strong team, clear jobs" not in page and "shown once you have voted" in page
    assert client.get(f"/api/v1/applications/{application.id}/votes", headers=bearer(coumba)).status_code == 403
    assert client.get(f"/funds/{fund.id}/applications/{application.id}/minutes.pdf").status_code == 403
    vote(client, fund, application, vote="decline", comment="Too early for this ticket")
    seen = client.get(f"/api/v1/applications/{application.id}/votes", headers=bearer(coumba)).json
    assert {(row["member"], row["vote"], row["conflict"]) for row in seen} == {
        ("Aminata", "approve", False), ("Bakary", None, True), ("Coumba", "decline", False)}
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("committee.%"))).all()
    assert sorted(actions) == ["committee.conflict", "committee.no_conflict", "committee.no_conflict",
                               "committee.vote", "committee.vote"]
    assert client.get(f"/api/v1/applications/{application.id}/votes", headers=bearer(founder)).status_code == 404


def test_a_decision_needs_the_quorum_and_a_justification_against_the_majority(client, db, before_committee):
    fund, manager, (aminata, bakary, coumba), founder, application = before_committee
    committee.declare(aminata, fund, application, conflict=False)
    committee.cast(aminata, fund, application, "decline", "Market too small")
    db.session.commit()
    sign_in(client, manager)
    early = decide(client, fund, application, "approved")
    assert early.status_code == 409 and "quorum" in early.data.decode()
    assert db.session.get(Application, application.id).state == "committee"
    for member, choice in ((bakary, "decline"), (coumba, "approve")):
        committee.declare(member, fund, application, conflict=False)
        committee.cast(member, fund, application, choice, "As discussed")
    db.session.commit()
    unjustified = decide(client, fund, application, "approved")
    assert unjustified.status_code == 422 and "goes against the majority" in unjustified.data.decode()
    assert db.session.get(Application, application.id).state == "committee"
    assert decide(client, fund, application, "approved", justification=JUSTIFICATION).status_code == 302
    change = db.session.scalars(select(StateChange).where(StateChange.to_state == "approved")).one()
    assert change.justification == JUSTIFICATION

    minutes = client.get(f"/funds/{fund.id}/applications/{application.id}/minutes.pdf")
    assert minutes.status_code == 200 and minutes.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(minutes.data)).pages)
    for expected in ("Procès-verbal du comité d’investissement", "Aminata", "Bakary", "Coumba",
                     "Market too small", "Refuser", "Approuver", JUSTIFICATION.split(";")[0][:40],
                     "Thank you for your patience."):
        assert expected in " ".join(text.split()), expected
    api = client.get(f"/api/v1/applications/{application.id}/minutes", headers=bearer(manager))
    assert api.status_code == 200 and api.data[:5] == b"%PDF-"


def test_the_api_refuses_what_the_pages_refuse(client, db, before_committee):
    fund, manager, (aminata, bakary, _coumba), founder, application = before_committee
    path = f"/api/v1/applications/{application.id}"
    assert client.post(f"{path}/votes", headers=bearer(aminata),
                       json={"vote": "approve", "comment": "ok"}).status_code == 409      # before declaring
    assert client.post(f"{path}/conflict", headers=bearer(aminata),
                       json={"conflict": False, "reason": ""}).status_code == 200
    assert client.post(f"{path}/votes", headers=bearer(aminata),
                       json={"vote": "maybe", "comment": "ok"}).status_code == 422
    assert client.post(f"{path}/votes", headers=bearer(aminata),
                       json={"vote": "approve", "comment": "Solid"}).status_code == 201
    assert client.post(f"{path}/votes", headers=bearer(aminata),
                       json={"vote": "approve", "comment": "Solid"}).status_code == 409    # a second vote
    assert client.post(f"{path}/votes", headers=bearer(manager),
                       json={"vote": "approve", "comment": "Solid"}).status_code == 404   # not a member
    early = client.post(f"{path}/transitions", headers=bearer(manager), json={
        "to": "declined", "reason": "r", "message": "m"})
    assert early.status_code == 409                                                      # 1 of 2 votes
    assert db.session.scalar(select(func.count(Vote.id)).where(Vote.vote.is_not(None))) == 1


def test_only_managers_decide_and_a_manager_on_the_committee_votes_like_any_member(client, db, before_committee):
    fund, manager, (aminata, bakary, coumba), founder, application = before_committee
    path = f"/api/v1/applications/{application.id}"
    for member, choice in ((aminata, "approve"), (bakary, "approve")):
        committee.declare(member, fund, application, conflict=False)
        committee.cast(member, fund, application, choice, "Yes")
    db.session.commit()
    taken = client.post(f"{path}/transitions", headers=bearer(aminata), json={
        "to": "approved", "reason": "The chair decides", "message": "Approved"})
    assert taken.status_code == 403 and db.session.get(Application, application.id).state == "committee"
    # a manager who also sits on the committee declares and votes as a member, on the page and the API
    seated = staff_with_role("manager", fund, name="Dara")
    db.session.add(Grant(user_id=seated.id, fund_id=fund.id, role="committee"))
    db.session.commit()
    sign_in(client, seated)
    page = client.get(f"/funds/{fund.id}/applications/{application.id}").data.decode()
    assert "Before you vote" in page
    assert declare(client, fund, application, conflict="no").status_code == 302
    assert client.post(f"{path}/votes", headers=bearer(seated),
                       json={"vote": "decline", "comment": "Too early"}).status_code == 201
    assert committee.count(fund, db.session.get(Application, application.id)).cast == 3


def test_a_manager_on_the_committee_votes_before_seeing_votes_and_decides_nothing_once_recused(
        client, db, before_committee):
    fund, manager, (aminata, bakary, coumba), founder, application = before_committee
    committee.declare(aminata, fund, application, conflict=False)
    committee.cast(aminata, fund, application, "approve", "Strong jobs case")
    seated, other = staff_with_role("manager", fund, name="Dara"), staff_with_role("manager", fund, name="Eli")
    db.session.add(Grant(user_id=seated.id, fund_id=fund.id, role="committee"))
    db.session.commit()
    path = f"/api/v1/applications/{application.id}"
    assert client.get(f"{path}/votes", headers=bearer(seated)).status_code == 403       # sealed for it too
    sign_in(client, seated)
    assert "Strong jobs case" not in client.get(f"/funds/{fund.id}/applications/{application.id}").data.decode()
    assert client.post(f"{path}/conflict", headers=bearer(seated),
                       json={"conflict": True, "reason": "I sit on its board"}).status_code == 200
    assert client.get(f"{path}/votes", headers=bearer(seated)).status_code == 403
    committee.declare(bakary, fund, application, conflict=False)
    committee.cast(bakary, fund, application, "decline", "Too early")
    db.session.commit()
    step = {"to": "approved", "reason": "r", "message": "Welcome", "justification": ""}
    refused = client.post(f"{path}/transitions", headers=bearer(seated), json=step)
    assert refused.status_code == 403 and db.session.get(Application, application.id).state == "committee"
    assert client.post(f"{path}/transitions", headers=bearer(other), json=step).status_code == 200
