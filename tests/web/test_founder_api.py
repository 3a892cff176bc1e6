"""The API does what the portal does for founders (SPEC 10): register a company, edit a draft, withdraw,
read the fund's messages; and reviews are read through the API as the sealed-scores rule allows."""
from sqlalchemy import select

from fundapp.applications import review
from fundapp.applications.models import Application
from tests.factories import FounderFactory, FundFactory, api_token_for, committee_votes, staff_with_role


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_for(user)}"}


def test_a_founder_does_through_the_api_what_the_portal_does(client, db):
    fund = FundFactory(currency="KES", open_for_applications=True, min_ticket=1, max_ticket=10**12)
    founder = FounderFactory()
    me = bearer(founder)
    refused = client.post("/api/v1/companies", headers=me, json={
        "name": "Shamba", "country": "KE", "sector": "agriculture", "fund_id": fund.id})
    assert refused.status_code == 422 and "fund_id" in refused.json["error"]["fields"]
    company = client.post("/api/v1/companies", headers=me, json={
        "name": "Shamba", "country": "KE", "sector": "agriculture", "region": "Nakuru"})
    assert company.status_code == 201
    started = client.post(f"/api/v1/funds/{fund.id}/applications", headers=me, json={
        "company_id": company.json["id"], "pitch": "Soil data", "problem": "Poor yields"})
    application_id = started.json["id"]
    edited = client.patch(f"/api/v1/applications/{application_id}", headers=me,
                          json={"pitch": "Soil data for smallholders", "requested_amount": "2500000.50"})
    assert edited.status_code == 200
    kept = db.session.get(Application, application_id)
    assert (kept.pitch, kept.problem, kept.requested_amount) == ("Soil data for smallholders", "Poor yields",
                                                                  250_000_050)
    bad = client.patch(f"/api/v1/applications/{application_id}", headers=me, json={"requested_amount": "1.001"})
    assert bad.status_code == 422 and db.session.get(Application, application_id).requested_amount == 250_000_050
    other = FounderFactory()
    assert client.patch(f"/api/v1/applications/{application_id}", headers=bearer(other),
                        json={"pitch": "Mine now"}).status_code == 404
    assert client.get(f"/api/v1/applications/{application_id}/messages", headers=me).json == []
    assert client.post(f"/api/v1/applications/{application_id}/withdraw", headers=me,
                       json={"reason": ""}).status_code == 422
    withdrawn = client.post(f"/api/v1/applications/{application_id}/withdraw", headers=me,
                            json={"reason": "We raised elsewhere."})
    assert withdrawn.status_code == 200 and withdrawn.json["state"] == "withdrawn"


def test_messages_carry_what_the_founder_was_told_and_reviews_stay_sealed(client, db):
    fund = FundFactory(currency="KES")
    manager, first, second = (staff_with_role(role, fund) for role in ("manager", "reviewer", "reviewer"))
    founder = FounderFactory()
    from fundapp.portfolio.models import Company
    company = Company(name="Afya", country="KE", sector="health", region="Nairobi", owner_id=founder.id)
    db.session.add(company)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, state="in_review")
    db.session.add(application)
    team = review.add_criterion(manager, fund, "Team", "", "1", 1, 5)
    for reviewer in (first, second):
        review.assign(manager, fund, application, reviewer.id, None)
        review.declare(reviewer, fund, application, conflict=False)
    review.save_review(first, fund, application, {team.id: 5}, "invest", "Strong")
    db.session.commit()
    path = f"/api/v1/applications/{application.id}/reviews"
    assert client.get(path, headers=bearer(second)).status_code == 403        # before its own review
    assert client.get(path, headers=bearer(founder)).status_code == 404       # never the founder
    assert [r["score"] for r in client.get(path, headers=bearer(manager)).json] == [100.0]
    for step in ("due_diligence", "committee"):
        review.decide(manager, fund, application, step, "Strong")
    committee_votes(fund, application, "decline")
    review.decide(manager, fund, application, "declined", "Weak CTO", "We will not invest this time.")
    db.session.commit()
    told = client.get(f"/api/v1/applications/{application.id}/messages", headers=bearer(founder)).json
    assert len(told) == 1 and "We will not invest this time." in told[0]["body"]
    assert "Weak CTO" not in str(told)
    assert client.get(f"/api/v1/applications/{application.id}/messages",
                      headers=bearer(manager)).status_code == 404
    assert db.session.scalar(select(Application.state).where(Application.id == application.id)) == "declined"
