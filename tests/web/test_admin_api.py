"""The API twins of the administration and management pages: countries, accounts, grants, tokens, a
fund's settings, a rubric's criterion, headcount verification and import."""
import io

from sqlalchemy import select

from fundapp.applications import review
from fundapp.auth.models import ApiToken, Grant, User
from fundapp.funds.models import Country
from fundapp.jobs.models import HeadcountReport
from tests.factories import AdminFactory, FundFactory, UserFactory, api_token_for, staff_with_role


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_for(user)}"}


def test_an_admin_runs_accounts_and_funds_through_the_api(client, db):
    admin = bearer(AdminFactory())
    assert client.post("/api/v1/countries", headers=admin, json={"code": "SN"}).status_code == 201
    assert db.session.scalar(select(Country.name).where(Country.code == "SN")) == "Senegal"
    fund = FundFactory(currency="KES")
    manager = staff_with_role("manager", fund)
    grant_id = db.session.scalar(select(Grant.id).where(Grant.user_id == manager.id))
    assert client.delete(f"/api/v1/funds/{fund.id}/grants/{grant_id}", headers=admin).status_code == 204
    assert db.session.get(Grant, grant_id) is None
    person = UserFactory()
    token = api_token_for(person)
    off = client.patch(f"/api/v1/users/{person.id}", headers=admin, json={"active": False})
    assert off.status_code == 200 and off.json["active"] is False
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    invited = client.post("/api/v1/users", headers=admin, json={"email": "new@example.org", "name": "New"})
    again = client.post(f"/api/v1/users/{invited.json['id']}/invitation", headers=admin)
    assert again.status_code == 201 and again.json["activation_link"] != invited.json["activation_link"]
    assert client.post(f"/api/v1/users/{person.id}/invitation", headers=admin).status_code == 409
    settings = client.get(f"/api/v1/funds/{fund.id}", headers=admin).json
    changed = {**{k: v for k, v in settings.items() if k not in ("id",)}, "name": "Renamed Fund",
               "decline_message": "Thank you."}
    updated = client.put(f"/api/v1/funds/{fund.id}", headers=admin, json=changed)
    assert updated.status_code == 200 and updated.json["name"] == "Renamed Fund"
    assert client.put(f"/api/v1/funds/{fund.id}", headers=bearer(staff_with_role("manager", fund)),
                      json=changed).status_code == 404


def test_a_user_revokes_its_own_token_only(client, db):
    owner, other = UserFactory(), UserFactory()
    secret = api_token_for(owner)
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == owner.id))
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(other)).status_code == 404
    assert client.delete(f"/api/v1/tokens/{token_id}",
                         headers={"Authorization": f"Bearer {secret}"}).status_code == 204
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_manager_edits_a_criterion_and_verifies_and_imports_headcount(client, db, portfolio_):
    fund, _entered_by, _founder, companies = portfolio_
    manager = staff_with_role("manager", fund)
    me = bearer(manager)
    criterion = review.add_criterion(manager, fund, "Team", "", "1", 1, 5)
    db.session.commit()
    changed = client.put(f"/api/v1/funds/{fund.id}/rubric/{criterion.id}", headers=me, json={
        "name": "Team and founders", "guidance": "", "weight": 2, "scale_min": 1, "scale_max": 5})
    assert changed.status_code == 200 and changed.json["name"] == "Team and founders"
    pending = db.session.scalar(select(HeadcountReport).where(HeadcountReport.verified_at.is_(None)))
    verified = client.post(f"/api/v1/funds/{fund.id}/headcount/{pending.id}/verify", headers=me)
    assert verified.status_code == 200 and verified.json["verified"] is True
    company = companies["A"]
    sheet = ("company_id,period,full_time,part_time,women,under_35,nationals\n"
             f"{company.id},2025Q1,9,2,4,5,9\n").encode()
    imported = client.post(f"/api/v1/funds/{fund.id}/headcount/import", headers=me,
                           data={"sheet": (io.BytesIO(sheet), "reports.csv")}, content_type="multipart/form-data")
    assert imported.status_code == 201 and imported.json == {"imported": 1}
    bad = client.post(f"/api/v1/funds/{fund.id}/headcount/import", headers=me,
                      data={"sheet": (io.BytesIO(b"company_id,period\n1,soon\n"), "reports.csv")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    assert db.session.scalar(select(User.id).where(User.id == manager.id)) == manager.id
