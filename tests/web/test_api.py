"""The JSON API skeleton: tokens, users, funds, partners, grants, errors, the OpenAPI document."""
import pyotp
from sqlalchemy import select

from fundapp.auth.models import ApiToken, Grant
from fundapp.funds.models import Fund
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    AdminFactory,
    FundFactory,
    PartnerFactory,
    UserFactory,
    api_token_for,
    staff_with_role,
)

FUND = {"name": "Jordan Innovation Fund", "country": "JO", "currency": "JOD", "language": "en",
        "vintage_year": 2025, "target_size": "35000000.000", "min_ticket": "50000",
        "max_ticket": "700000.5", "sectors": ["ai"], "employee_cap": 150, "match_target": 0.75,
        "open_for_applications": False}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_token_from_email_and_password(client, db):
    UserFactory(email="m@example.org")
    # the account holds a second factor: its password alone opens nothing
    alone = client.post("/api/v1/tokens", json={"email": "m@example.org", "password": PASSWORD})
    assert alone.status_code == 401 and "code" in alone.json["error"]["fields"]
    response = client.post("/api/v1/tokens", json={"email": "m@example.org", "password": PASSWORD,
                                                   "code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 201
    secret = response.json["token"]
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != secret and secret.startswith(stored.prefix)
    assert client.get("/api/v1/funds", headers=bearer(secret)).status_code == 200


def test_wrong_credentials_and_missing_token_answer_401_in_json(client, db):
    UserFactory(email="m@example.org")
    response = client.post("/api/v1/tokens", json={"email": "m@example.org", "password": "nope nope nope"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    for headers in ({}, bearer("fa_forged"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/funds", headers=headers)
        assert response.status_code == 401
        assert set(response.json["error"]) == {"code", "message", "fields"}


def test_token_creation_is_rate_limited(client, db):
    UserFactory(email="m@example.org")
    statuses = [client.post("/api/v1/tokens", json={"email": "m@example.org", "password": "x" * 12}).status_code
                for _ in range(11)]
    assert statuses[-1] == 429


def test_admin_creates_a_fund_with_amounts_as_strings(client, db):
    token = api_token_for(AdminFactory())
    response = client.post("/api/v1/funds", json=FUND, headers=bearer(token))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["target_size"] == "35000000.000" and body["min_ticket"] == "50000.000"
    assert body["max_ticket"] == "700000.500" and body["match_target"] == 0.75
    assert body["country"] == "JO"
    fund = db.session.get(Fund, body["id"])
    assert fund.max_ticket == 700_000_500
    assert client.get(f"/api/v1/funds/{fund.id}", headers=bearer(token)).json == body


def test_fund_with_over_precise_amount_is_422_with_the_field(client, db):
    token = api_token_for(AdminFactory())
    response = client.post("/api/v1/funds", json={**FUND, "min_ticket": "50000.0001"}, headers=bearer(token))
    assert response.status_code == 422
    assert "min_ticket" in response.json["error"]["fields"]
    response = client.post("/api/v1/funds", json={**FUND, "vintage_year": "soon"}, headers=bearer(token))
    assert response.status_code == 422 and "vintage_year" in response.json["error"]["fields"]
    response = client.post("/api/v1/funds", json={**FUND, "country": "XX"}, headers=bearer(token))
    assert response.status_code == 422 and "code" in response.json["error"]["fields"] or \
        "country" in response.json["error"]["fields"]
    assert db.session.scalar(select(Fund)) is None


def test_non_admin_cannot_create_funds_or_users(client, db):
    fund = FundFactory()
    token = api_token_for(staff_with_role("manager", fund))
    assert client.post("/api/v1/funds", json=FUND, headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/users", headers=bearer(token)).status_code == 404


def test_funds_list_shows_only_the_callers_funds(client, db):
    mine, theirs = FundFactory(name="Mine"), FundFactory(name="Theirs")
    token = api_token_for(staff_with_role("reviewer", mine))
    assert [f["name"] for f in client.get("/api/v1/funds", headers=bearer(token)).json] == ["Mine"]
    response = client.get(f"/api/v1/funds/{theirs.id}", headers=bearer(token))
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/funds/{theirs.id}/partners", headers=bearer(token)).status_code == 404


def test_admin_creates_users_and_grants(client, db):
    token = api_token_for(AdminFactory())
    fund = FundFactory()
    partner = PartnerFactory(fund=fund)
    invited = client.post("/api/v1/users", json={"email": "n@example.org", "name": "N"}, headers=bearer(token))
    assert invited.status_code == 201 and "/activate/" in invited.json["activation_link"]
    created = client.post("/api/v1/users", json={"email": "p@example.org", "name": "P",
                                                 "password": "a sturdy passphrase 2026"}, headers=bearer(token))
    assert created.status_code == 201 and created.json["active"] is True
    weak = client.post("/api/v1/users", json={"email": "q@example.org", "name": "Q", "password": "password"},
                       headers=bearer(token))
    assert weak.status_code == 422 and "password" in weak.json["error"]["fields"]
    user_id = created.json["id"]
    grant = client.post(f"/api/v1/funds/{fund.id}/grants",
                        json={"user_id": user_id, "role": "partner", "partner_id": partner.id}, headers=bearer(token))
    assert grant.status_code == 201 and grant.json["partner_id"] == partner.id
    bad_role = client.post(f"/api/v1/funds/{fund.id}/grants", json={"user_id": user_id, "role": "owner"},
                           headers=bearer(token))
    assert bad_role.status_code == 422 and "role" in bad_role.json["error"]["fields"]
    unknown = client.post(f"/api/v1/funds/{fund.id}/grants", json={"user_id": 99999, "role": "manager"},
                          headers=bearer(token))
    assert unknown.status_code == 422 and "user_id" in unknown.json["error"]["fields"]
    assert client.post("/api/v1/funds/99999/grants", json={"user_id": user_id, "role": "manager"},
                       headers=bearer(token)).status_code == 404
    assert len(db.session.scalars(select(Grant)).all()) == 1
    users = client.get("/api/v1/users", headers=bearer(token)).json
    assert {"n@example.org", "p@example.org"} <= {u["email"] for u in users}
    assert all("password" not in u for u in users)


def test_manager_adds_partners_reviewer_cannot(client, db):
    fund = FundFactory(currency="XOF")
    manager = api_token_for(staff_with_role("manager", fund))
    reviewer = api_token_for(staff_with_role("reviewer", fund))
    body = {"name": "OpenAI", "kind": "co_investor", "commitment": "12000000000"}
    assert client.post(f"/api/v1/funds/{fund.id}/partners", json=body, headers=bearer(reviewer)).status_code == 403
    response = client.post(f"/api/v1/funds/{fund.id}/partners", json=body, headers=bearer(manager))
    assert response.status_code == 201 and response.json["commitment"] == "12000000000"
    refused = client.post(f"/api/v1/funds/{fund.id}/partners", json={**body, "commitment": "1.5"},
                          headers=bearer(manager))
    assert refused.status_code == 422 and "commitment" in refused.json["error"]["fields"]


def test_partners_are_listed_as_the_pages_show_them(client, db):
    """Those who run the fund read every partner; a partner its own entity; a reviewer none (SPEC 11)."""
    fund = FundFactory()
    PartnerFactory(fund=fund, name="Ministry")
    manager, reviewer = staff_with_role("manager", fund), staff_with_role("reviewer", fund)
    partner = staff_with_role("partner", fund)
    own = db.session.scalar(select(Grant.partner_id).where(Grant.user_id == partner.id))

    def listed(user) -> list[int]:
        response = client.get(f"/api/v1/funds/{fund.id}/partners", headers=bearer(api_token_for(user)))
        assert response.status_code == 200
        return [row["id"] for row in response.json]

    assert len(listed(manager)) == 2
    assert listed(partner) == [own]
    assert listed(reviewer) == []


def test_malformed_json_is_a_clear_4xx(client, db):
    token = api_token_for(AdminFactory())
    response = client.post("/api/v1/funds", data="{not json", content_type="application/json",
                           headers=bearer(token))
    assert 400 <= response.status_code < 500 and "error" in response.json


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_openapi_document_is_generated_from_the_code(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/tokens", "/api/v1/users", "/api/v1/funds", "/api/v1/funds/{fund_id}",
                 "/api/v1/funds/{fund_id}/grants", "/api/v1/funds/{fund_id}/partners"):
        assert path in document["paths"], path
    fund = document["components"]["schemas"]["Fund"]["properties"]
    for field in ("id", "name", "country", "currency", "language", "vintage_year", "target_size",
                  "min_ticket", "max_ticket", "sectors", "employee_cap", "match_target",
                  "open_for_applications"):
        assert field in fund
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert document["paths"]["/api/v1/tokens"]["post"]["security"] == []


def test_deactivated_users_token_stops_working(client, db):
    user = UserFactory()
    token = api_token_for(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/funds", headers=bearer(token)).status_code == 401


def test_api_never_sets_a_session_cookie(client, db):
    token = api_token_for(UserFactory())
    response = client.get("/api/v1/funds", headers=bearer(token))
    assert "session=" not in response.headers.get("Set-Cookie", "")


