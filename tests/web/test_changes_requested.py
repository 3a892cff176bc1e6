"""More information requested (SPEC 10): a manager asks with a message, the founder edits its words and deck
and resubmits, which returns the application where it was; each submission is a revision, and managers
and reviewers see what changed since the revision they saw last, field by field."""
import io

import pytest
from sqlalchemy import func, select

from fundapp.applications import review, services
from fundapp.applications.models import Application, FundMessage, Revision, StateChange
from fundapp.notifications.models import OutboxMessage
from tests.background import exported_queue
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, api_token_for, pdf_bytes, staff_with_role

REASON = "Traction claims look inflated; check before the panel."
ASK = "Please tell us how many paying customers you have today."


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_for(user)}"}


@pytest.fixture
def screened(client, db):
    """An application submitted through the API (revision 1) and screened, which its manager has read."""
    fund = FundFactory(currency="KES", min_ticket=1, max_ticket=10**12, sectors=["agriculture"])
    manager, reviewer = staff_with_role("manager", fund), staff_with_role("reviewer", fund)
    founder = FounderFactory()
    me = bearer(founder)
    company = client.post("/api/v1/companies", headers=me, json={
        "name": "Shamba", "country": "KE", "sector": "agriculture", "region": "Nakuru"}).json
    application_id = client.post(f"/api/v1/funds/{fund.id}/applications", headers=me, json={
        "company_id": company["id"], "requested_amount": "2500000", "stage": "seed", "pitch": "Soil data",
        "problem": "Poor yields", "solution": "Sensors", "market": "Smallholders", "business_model": "Rent",
        "traction": "Pilots with 3 co-ops", "team": "Two agronomists", "use_of_funds": "Sales",
        "full_time": 4, "part_time": 1, "jobs_expected": 20}).json["id"]
    assert client.post(f"/api/v1/applications/{application_id}/deck", headers=me,
                       data={"deck": (io.BytesIO(pdf_bytes()), "deck.pdf")}).status_code == 201
    assert client.post(f"/api/v1/applications/{application_id}/submit", headers=me).status_code == 200
    application = db.session.get(Application, application_id)
    review.decide(manager, fund, application, "screening", "Complete.")
    db.session.commit()
    sign_in(client, manager)
    assert client.get(f"/funds/{fund.id}/applications/{application_id}").status_code == 200
    return fund, manager, reviewer, founder, application_id


def ask(client, fund, application_id, version, **fields):
    return client.post(f"/funds/{fund.id}/applications/{application_id}/transitions",
                       data={"version": str(version), "to": "changes_requested", **fields})


def test_the_founder_is_asked_edits_resubmits_and_the_fund_sees_what_changed(client, db, screened):
    fund, manager, reviewer, founder, application_id = screened
    version = db.session.get(Application, application_id).version
    unasked = ask(client, fund, application_id, version, reason=REASON, message=" ", confirm="y")
    assert unasked.status_code == 422 and "Write the message the founder will read." in unasked.data.decode()
    assert db.session.get(Application, application_id).state == "screening"
    preview = ask(client, fund, application_id, version, reason=REASON, message=ASK)
    assert preview.status_code == 200 and "The fund asks for more information" in preview.data.decode()
    assert db.session.get(Application, application_id).state == "screening"       # shown, not recorded
    assert ask(client, fund, application_id, version, reason=REASON, message=ASK, confirm="y").status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application_id).state == "changes_requested"
    told = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == founder.email)).all()
    assert any(ASK in body for body in told) and not any("inflated" in body for body in told)

    sign_in(client, founder)
    page = client.get(f"/portal/applications/{application_id}").data.decode()
    assert ASK in page and "Save and resubmit" in page and "inflated" not in page
    form = {"requested_amount": "2500000", "stage": "seed", "pitch": "Soil data", "problem": "Poor yields",
            "solution": "Sensors", "market": "Smallholders", "business_model": "Rent",
            "traction": "Pilots with 3 co-ops; 41 paying farmers", "team": "Two agronomists",
            "use_of_funds": "Sales", "full_time": "4", "part_time": "1", "jobs_expected": "20"}
    refused = client.post(f"/portal/applications/{application_id}", data={
        **form, "deck": (io.BytesIO(b"not a pdf"), "deck.pdf"), "save_and_submit": "y"},
        content_type="multipart/form-data")
    assert "The deck must be a PDF file." in refused.data.decode()
    db.session.expire_all()
    kept = db.session.get(Application, application_id)
    assert kept.state == "changes_requested" and kept.traction == "Pilots with 3 co-ops"    # the fund's copy
    assert kept.pending["traction"].endswith("41 paying farmers")          # the founder's text, kept apart
    sent = client.post(f"/portal/applications/{application_id}", data={
        **form, "deck": (io.BytesIO(pdf_bytes(3)), "deck-v2.pdf"), "save_and_submit": "y"},
        content_type="multipart/form-data")
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application_id).state == "screening"      # back where it was asked
    revisions = db.session.scalars(select(Revision).where(Revision.application_id == application_id)
                                   .order_by(Revision.number)).all()
    assert [(r.number, r.changed) for r in revisions] == [(1, []), (2, ["traction", "deck"])]
    assert db.session.scalars(select(OutboxMessage.subject).where(
        OutboxMessage.recipient == manager.email)).all() == ["An application was resubmitted"]

    again = client.post(f"/api/v1/applications/{application_id}/resubmit", headers=bearer(founder))
    assert again.status_code == 409 and "not waiting for changes" in again.json["error"]["message"] + str(
        again.json["error"].get("fields"))
    assert db.session.scalar(select(func.count(Revision.id)).where(Revision.application_id == application_id)) == 2

    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications/{application_id}").data.decode()
    assert "Changed since revision 1, the one you saw last" in page
    assert "<ins>; 41 paying farmers</ins>" in page and "deck-v2.pdf" in page
    assert "Changed since revision" not in client.get(f"/funds/{fund.id}/applications/{application_id}").data.decode()
    compared = client.get(f"/funds/{fund.id}/applications/{application_id}/revisions?from=1&to=2").data.decode()
    assert "From revision 1 to revision 2" in compared and "<ins>; 41 paying farmers</ins>" in compared
    listed = client.get(f"/api/v1/applications/{application_id}/revisions", headers=bearer(manager)).json
    assert [(r["number"], r["changed"]) for r in listed] == [(1, []), (2, ["traction", "deck"])]
    # a reviewer who has not declared reads nothing of it, revisions included
    review.assign(manager, fund, db.session.get(Application, application_id), reviewer.id, None)
    db.session.commit()
    assert client.get(f"/api/v1/applications/{application_id}/revisions",
                      headers=bearer(reviewer)).status_code == 404
    sign_in(client, reviewer)
    assert client.get(f"/funds/{fund.id}/applications/{application_id}/revisions").status_code == 404


def test_a_founder_edits_through_the_api_only_while_asked(client, db, screened):
    fund, manager, _reviewer, founder, application_id = screened
    me = bearer(founder)
    early = client.patch(f"/api/v1/applications/{application_id}", headers=me, json={"pitch": "Changed"})
    assert early.status_code == 409 and db.session.get(Application, application_id).pitch == "Soil data"
    early_resubmit = client.post(f"/api/v1/applications/{application_id}/resubmit", headers=me)
    assert early_resubmit.status_code == 409
    asked = client.post(f"/api/v1/applications/{application_id}/transitions", headers=bearer(manager),
                        json={"to": "changes_requested", "reason": REASON, "message": ""})
    assert asked.status_code == 422 and db.session.get(Application, application_id).state == "screening"
    asked = client.post(f"/api/v1/applications/{application_id}/transitions", headers=bearer(manager),
                        json={"to": "changes_requested", "reason": REASON, "message": ASK})
    assert asked.status_code == 200 and asked.json["state"] == "changes_requested"
    assert client.patch(f"/api/v1/applications/{application_id}", headers=me,
                        json={"market": "Smallholders in three counties"}).status_code == 200
    done = client.post(f"/api/v1/applications/{application_id}/resubmit", headers=me)
    assert done.status_code == 200 and done.json["state"] == "screening"
    assert [r["changed"] for r in client.get(f"/api/v1/applications/{application_id}/revisions",
                                             headers=me).json] == [[], ["market"]]
    messages = client.get(f"/api/v1/applications/{application_id}/messages", headers=me).json
    assert [m["subject"] for m in messages] == ["The fund asks for more information"]
    assert "inflated" not in str(messages)
    changes = db.session.scalars(select(StateChange.to_state).where(StateChange.application_id == application_id)
                                 .order_by(StateChange.id)).all()
    assert changes == ["submitted", "screening", "changes_requested", "screening"]
    assert db.session.scalar(select(func.count(FundMessage.id))) == 1


def test_the_fund_reads_what_was_submitted_until_the_founder_resubmits(client, db, screened):
    fund, manager, _reviewer, founder, application_id = screened
    me = bearer(founder)
    client.post(f"/api/v1/applications/{application_id}/transitions", headers=bearer(manager),
                json={"to": "changes_requested", "reason": REASON, "message": ASK})
    client.patch(f"/api/v1/applications/{application_id}", headers=me,
                 json={"traction": "Half-written answ", "requested_amount": "3000000"})
    assert client.post(f"/api/v1/applications/{application_id}/deck", headers=me,
                       data={"deck": (io.BytesIO(pdf_bytes(5)), "draft.pdf")}).status_code == 201

    def fund_reads(text: str, amount: str, deck_pages: int) -> None:
        page = client.get(f"/funds/{fund.id}/applications/{application_id}").data.decode()
        assert text in page
        for path in (f"/api/v1/funds/{fund.id}/applications", f"/api/v1/applications/{application_id}"):
            assert text in client.get(path, headers=bearer(manager)).data.decode()
        assert f",{amount}," in exported_queue(client, fund).data.decode()
        deck = client.get(f"/funds/{fund.id}/applications/{application_id}/deck")
        assert deck.status_code == 200 and deck.data == pdf_bytes(deck_pages)
        deck.close()

    sign_in(client, manager)
    fund_reads("Pilots with 3 co-ops", "2500000.00", 2)          # what it received, not the founder's unsent changes
    assert "Half-written" not in client.get(f"/api/v1/funds/{fund.id}/applications",
                                            headers=bearer(manager)).data.decode()
    assert client.get(f"/api/v1/applications/{application_id}", headers=me).json["traction"] == "Half-written answ"
    assert client.post(f"/api/v1/applications/{application_id}/resubmit", headers=me).status_code == 200
    fund_reads("Half-written answ", "3000000.00", 5)


def test_leaving_without_resubmitting_drops_the_unsent_changes(client, db, screened):
    fund, manager, _reviewer, founder, application_id = screened
    me = bearer(founder)
    client.post(f"/api/v1/applications/{application_id}/transitions", headers=bearer(manager),
                json={"to": "changes_requested", "reason": REASON, "message": ASK})
    client.patch(f"/api/v1/applications/{application_id}", headers=me, json={"pitch": "Never sent"})
    client.post(f"/api/v1/applications/{application_id}/deck", headers=me,
                data={"deck": (io.BytesIO(pdf_bytes(4)), "never.pdf")})
    pending_deck = db.session.get(Application, application_id).pending["deck_name"]
    declined = client.post(f"/api/v1/applications/{application_id}/transitions", headers=bearer(manager),
                           json={"to": "declined", "reason": "No answer", "message": "We stop here."})
    assert declined.status_code == 200 and declined.json["pitch"] == "Soil data"
    db.session.expire_all()
    kept = db.session.get(Application, application_id)
    assert kept.pending is None and kept.pitch == "Soil data" and kept.deck_name != pending_deck
    assert not (services.deck_path(kept).parent / pending_deck).exists()       # its unsent deck is deleted
