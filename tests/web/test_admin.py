"""Administration: countries, funds, staff invitations, grants, the audit log."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from fundapp.audit.models import AuditEntry
from fundapp.auth.models import AccountLink, Grant, User
from fundapp.funds.models import Country, Fund, Partner
from fundapp.notifications.models import OutboxMessage
from tests.factories import CountryFactory, FundFactory, PartnerFactory, UserFactory

FUND_FORM = {
    "name": "Fonds national d'amorçage du Sénégal", "currency": "XOF", "language": "fr",
    "vintage_year": "2024", "target_size": "30000000000", "min_ticket": "15000000",
    "max_ticket": "600000000", "sectors": ["fintech", "agriculture"], "employee_cap": "200",
    "match_target": "1.00", "open_for_applications": "y",
}


def test_admin_adds_a_country_with_its_standard_name(client, db, login_as):
    login_as("admin")
    client.post("/admin/countries", data={"code": "sn", "name": ""})
    country = db.session.scalar(select(Country))
    assert (country.code, country.name) == ("SN", "Senegal")
    assert b"ISO 3166" in client.post("/admin/countries", data={"code": "XX"}).data
    assert b"already exists" in client.post("/admin/countries", data={"code": "SN"}).data
    assert db.session.scalar(select(Country).where(Country.code == "XX")) is None


def test_admin_creates_a_fund_with_amounts_in_minor_units(client, db, login_as):
    login_as("admin")
    country = CountryFactory(code="SN", name="Senegal")
    response = client.post("/funds/new", data={**FUND_FORM, "country_id": country.id})
    assert response.status_code == 302
    fund = db.session.scalar(select(Fund))
    assert (fund.currency, fund.target_size, fund.min_ticket, fund.max_ticket) == (
        "XOF", 30_000_000_000, 15_000_000, 600_000_000)
    assert fund.sectors == ["agriculture", "fintech"] and fund.open_for_applications
    page = client.get(f"/funds/{fund.id}").data.decode()
    assert "Sénégal" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("min_ticket", "15000000.5", "decimals"),
    ("target_size", "-1", "negative"),
    ("max_ticket", "1000", "below the minimum"),
    ("currency", "ZZZ", "ISO 4217"),
    ("target_size", "lots", "amount such as"),
])
def test_bad_fund_settings_are_refused_and_nothing_saved(client, db, login_as, field, value, message):
    login_as("admin")
    country = CountryFactory(code="SN", name="Senegal")
    response = client.post("/funds/new", data={**FUND_FORM, "country_id": country.id, field: value})
    assert response.status_code == 200
    assert message.encode() in response.data
    assert FUND_FORM["name"].replace("'", "&#39;").encode() in response.data  # typed values kept
    assert db.session.scalar(select(Fund)) is None


def test_admin_edits_a_fund_and_the_audit_log_keeps_before_and_after(client, db, login_as):
    admin = login_as("admin")
    fund = FundFactory(employee_cap=250)
    form = client.get(f"/funds/{fund.id}/edit").data.decode()
    assert 'value="6500000000.00"' in form  # amounts shown in major units
    data = {**FUND_FORM, "currency": "KES", "target_size": "6500000000.00", "min_ticket": "5000000",
            "max_ticket": "130000000", "employee_cap": "100", "country_id": fund.country_id}
    assert client.post(f"/funds/{fund.id}/edit", data=data).status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "fund.update"))
    assert entry.user_id == admin.id and entry.fund_id == fund.id
    assert entry.before["employee_cap"] == 250 and entry.after["employee_cap"] == 100


def test_invitation_link_activates_once_and_expires(app, client, db, login_as):
    login_as("admin")
    page = client.post("/admin/users", data={"name": "Awa Diop", "email": "awa@example.sn",
                                             "language": "fr"}).data.decode()
    link = page.split('data-testid="activation-link">')[1].split("<")[0]
    path = link.replace("http://localhost", "")
    user = db.session.scalar(select(User).where(User.email == "awa@example.sn"))
    assert user.password_hash is None and not user.is_active
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    assert link in message.body and "Votre compte" in message.subject  # in the invitee's language

    visitor = app.test_client()
    assert visitor.post(path, data={"password": "short", "confirm": "short"}).status_code == 200
    response = visitor.post(path, data={"password": "un mot de passe solide", "confirm": "un mot de passe solide"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.is_active
    assert app.test_client().get(path).status_code == 404  # single use

    invitation = db.session.scalar(select(AccountLink))
    assert invitation.used_at is not None


def test_expired_invitation_is_refused(app, db):
    from fundapp.auth.links import digest
    user = UserFactory(password_hash=None)
    from fundapp.columns import utcnow
    db.session.add(AccountLink(user_id=user.id, purpose="activation", token_hash=digest("secret-link"),
                               expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert app.test_client().get("/activate/secret-link").status_code == 404


def test_reinvitation_replaces_the_old_link(client, db, login_as):
    login_as("admin")
    page = client.post("/admin/users", data={"name": "A", "email": "a@example.org", "language": "en"}).data.decode()
    old = page.split('data-testid="activation-link">')[1].split("<")[0].replace("http://localhost", "")
    user = db.session.scalar(select(User).where(User.email == "a@example.org"))
    client.post(f"/admin/users/{user.id}/invitation")
    assert client.get(old).status_code == 404


def test_admin_grants_and_revokes_roles(client, db, login_as):
    login_as("admin")
    fund = FundFactory()
    partner = PartnerFactory(fund=fund, name="OpenAI", kind="co_investor")
    other_partner = PartnerFactory(name="Elsewhere")
    person = UserFactory()
    client.post(f"/admin/users/{person.id}", data={"fund_id": fund.id, "role": "manager", "partner_id": 0})
    refused = client.post(f"/admin/users/{person.id}", data={
        "fund_id": fund.id, "role": "partner", "partner_id": other_partner.id})
    assert b"partner entity of this fund" in refused.data
    client.post(f"/admin/users/{person.id}", data={"fund_id": fund.id, "role": "partner", "partner_id": partner.id})
    grants = db.session.scalars(select(Grant).where(Grant.user_id == person.id)).all()
    assert sorted((g.role, g.partner_id) for g in grants) == [("manager", None), ("partner", partner.id)]
    duplicate = client.post(f"/admin/users/{person.id}", data={"fund_id": fund.id, "role": "manager", "partner_id": 0})
    assert b"already holds" in duplicate.data
    manager_grant = next(g for g in grants if g.role == "manager")
    client.post(f"/admin/users/{person.id}/grants/{manager_grant.id}/revoke")
    assert [g.role for g in db.session.scalars(select(Grant).where(Grant.user_id == person.id))] == ["partner"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("grant.create") == 2 and "grant.revoke" in actions


def test_deactivation_signs_the_user_out(app, client, db, login_as):
    from tests.conftest import sign_in
    login_as("admin")
    person = UserFactory()
    device = app.test_client()
    sign_in(device, person)
    assert device.get("/").status_code == 200
    client.post(f"/admin/users/{person.id}/active")
    assert device.get("/").status_code == 302


def test_audit_log_filters(client, db, login_as):
    admin = login_as("admin")
    fund_a, fund_b = FundFactory(name="Fund Alpha"), FundFactory(name="Fund Beta")
    client.post(f"/funds/{fund_a.id}/partners", data={"name": "Ministry A", "kind": "government", "commitment": "100"})
    client.post(f"/funds/{fund_b.id}/partners", data={"name": "Ministry B", "kind": "government", "commitment": "100"})
    page = client.get(f"/admin/audit?fund={fund_a.id}").data.decode()
    assert "Ministry A" in page and "Ministry B" not in page
    page = client.get(f"/admin/audit?user={admin.id}&action=partner.create").data.decode()
    assert "Ministry A" in page and "Ministry B" in page
    assert "2 entries" in page


def test_audit_log_is_append_only_in_the_database(db):
    UserFactory()
    from fundapp.audit.services import record
    record(None, "test.entry", db.session.scalar(select(User)))
    db.session.commit()
    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalar(select(AuditEntry.action)) == "test.entry"


def test_audit_log_never_holds_secrets(client, db, login_as):
    login_as("founder")
    client.post("/account/tokens", data={"name": "x"})
    for entry in db.session.scalars(select(AuditEntry)):
        blob = str(entry.before) + str(entry.after)
        assert "password_hash" not in blob and "token_hash" not in blob and "session_token" not in blob


def test_manager_adds_a_partner_but_a_bad_commitment_saves_nothing(client, db, login_as):
    fund = FundFactory(currency="JOD")
    login_as("manager", fund)
    response = client.post(f"/funds/{fund.id}/partners", data={"name": "Ministry", "kind": "government",
                                                                 "commitment": "10.0001"})
    assert response.status_code == 422 and b"decimals" in response.data
    client.post(f"/funds/{fund.id}/partners", data={"name": "Ministry", "kind": "government",
                                                     "commitment": "20000000.125"})
    partners = db.session.scalars(select(Partner).where(Partner.name == "Ministry")).all()
    assert [p.commitment for p in partners] == [20_000_000_125]
