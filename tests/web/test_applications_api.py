"""Applications, rubric, assignments, conflicts and reviews through the API."""
import io

from sqlalchemy import select

from fundapp.applications.models import Application, StateChange
from fundapp.portfolio.models import Company
from tests.factories import FounderFactory, FundFactory, api_token_for, pdf_bytes, staff_with_role


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


FIELDS = {"requested_amount": "10000000.00", "stage": "seed", "pitch": "Soil data", "problem": "p",
          "solution": "s", "market": "m", "business_model": "b", "team": "t", "use_of_funds": "u",
          "full_time": 5, "part_time": 2, "jobs_expected": 20}


def test_the_whole_path_through_the_api(client, db):
    fund = FundFactory(currency="KES", sectors=["agriculture"])
    founder = FounderFactory()
    company = Company(name="Shamba", country="KE", sector="agriculture", owner_id=founder.id)
    db.session.add(company)
    db.session.commit()
    manager = bearer(api_token_for(staff_with_role("manager", fund)))
    reviewer_user = staff_with_role("reviewer", fund)
    reviewer = bearer(api_token_for(reviewer_user))
    owner = bearer(api_token_for(founder))

    created = client.post(f"/api/v1/funds/{fund.id}/applications", headers=owner,
                          json={"company_id": company.id, **FIELDS, "requested_amount": "10.001"})
    assert created.status_code == 422 and "requested_amount" in created.json["error"]["fields"]
    created = client.post(f"/api/v1/funds/{fund.id}/applications", headers=owner, json={"company_id": company.id, **FIELDS})
    assert created.status_code == 201 and created.json["state"] == "draft"
    application_id = created.json["id"]
    assert client.post(f"/api/v1/applications/{application_id}/submit", headers=owner).status_code == 422  # no deck
    fake = client.post(f"/api/v1/applications/{application_id}/deck", headers=owner,
                       data={"deck": (io.BytesIO(b"%PDF-1.4 nothing"), "deck.pdf")}, content_type="multipart/form-data")
    assert fake.status_code == 422 and "deck" in fake.json["error"]["fields"]
    real = client.post(f"/api/v1/applications/{application_id}/deck", headers=owner,
                       data={"deck": (io.BytesIO(pdf_bytes()), "deck.pdf")}, content_type="multipart/form-data")
    assert real.status_code == 201
    for _ in range(2):  # a double click submits once
        assert client.post(f"/api/v1/applications/{application_id}/submit", headers=owner).json["state"] == "submitted"
    assert len(db.session.scalars(select(StateChange)).all()) == 1

    criterion = client.post(f"/api/v1/funds/{fund.id}/rubric", headers=manager,
                            json={"name": "Team", "weight": 2, "scale_min": 1, "scale_max": 5, "minimum": 3})
    assert criterion.status_code == 201
    assert client.get(f"/api/v1/funds/{fund.id}/rubric", headers=reviewer).json[0]["name"] == "Team"
    skipped = client.post(f"/api/v1/applications/{application_id}/transitions", headers=manager,
                          json={"to": "approved", "reason": "skip"})
    assert skipped.status_code == 409
    for step in ("screening", "in_review"):
        moved = client.post(f"/api/v1/applications/{application_id}/transitions", headers=manager,
                            json={"to": step, "reason": "next"})
        assert moved.status_code == 200 and moved.json["state"] == step
    assert client.get(f"/api/v1/applications/{application_id}", headers=reviewer).status_code == 404  # not assigned
    assert client.post(f"/api/v1/applications/{application_id}/assignments", headers=manager,
                       json={"reviewer_id": reviewer_user.id, "due_date": "2030-01-01"}).status_code == 201
    early = client.post(f"/api/v1/applications/{application_id}/reviews", headers=reviewer,
                        json={"scores": {str(criterion.json["id"]): 4}, "recommendation": "invest"})
    assert early.status_code == 409
    assert client.post(f"/api/v1/applications/{application_id}/conflict", headers=reviewer,
                       json={"conflict": False}).status_code == 200
    out_of_scale = client.post(f"/api/v1/applications/{application_id}/reviews", headers=reviewer,
                               json={"scores": {str(criterion.json["id"]): 7}, "recommendation": "invest"})
    assert out_of_scale.status_code == 422
    scored = client.post(f"/api/v1/applications/{application_id}/reviews", headers=reviewer,
                         json={"scores": {str(criterion.json["id"]): 4}, "recommendation": "invest"})
    assert scored.status_code == 201 and scored.json["score"] == 75.0
    listed = client.get(f"/api/v1/funds/{fund.id}/applications?state=in_review&sort=normalized", headers=manager).json
    assert [a["id"] for a in listed] == [application_id] and listed[0]["score"] == 75.0
    assert listed[0]["requested_amount"] == "10000000.00"
    withdrawn = client.post(f"/api/v1/applications/{application_id}/transitions", headers=owner,
                            json={"to": "withdrawn", "reason": "Raised elsewhere"})
    assert withdrawn.status_code == 200 and withdrawn.json["state"] == "withdrawn"
    assert db.session.get(Application, application_id).state == "withdrawn"


def test_another_founder_sees_nothing(client, db):
    fund = FundFactory()
    founder = FounderFactory()
    company = Company(name="Mine", country="KE", sector="fintech", owner_id=founder.id)
    db.session.add(company)
    db.session.commit()
    created = client.post(f"/api/v1/funds/{fund.id}/applications", headers=bearer(api_token_for(founder)),
                          json={"company_id": company.id})
    stranger = bearer(api_token_for(FounderFactory()))
    assert client.get(f"/api/v1/applications/{created.json['id']}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/funds/{fund.id}/applications", headers=stranger,
                       json={"company_id": company.id}).status_code == 422
