"""/api/v1/funds: funds, their partner entities and role grants."""
from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from fundapp.api.auth import admin_only, authenticated, fund_scoped
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import FundSchema, GrantSchema, PartnerSchema
from fundapp.auth import services as accounts
from fundapp.auth.models import User
from fundapp.auth.permissions import visible_funds
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds import services
from fundapp.funds.models import Fund, Partner
from fundapp.money import to_major

blp = Blueprint("api_funds", __name__, url_prefix="/api/v1/funds",
                description="Funds, partner entities and role grants.")


def fund_json(fund: Fund) -> dict:
    return {
        "id": fund.id, "name": fund.name, "country": fund.country.code, "currency": fund.currency,
        "language": fund.language, "vintage_year": fund.vintage_year,
        "target_size": to_major(fund.target_size, fund.currency),
        "min_ticket": to_major(fund.min_ticket, fund.currency),
        "max_ticket": to_major(fund.max_ticket, fund.currency),
        "sectors": fund.sectors, "employee_cap": fund.employee_cap,
        "match_target": float(fund.match_target),
        "open_for_applications": fund.open_for_applications, "blind_review": fund.blind_review,
    }


def partner_json(partner: Partner, currency: str) -> dict:
    return {"id": partner.id, "name": partner.name, "kind": partner.kind,
            "commitment": to_major(partner.commitment, currency)}


documented_errors = errors_of(blp)


@blp.route("", methods=["GET"])
@authenticated
@blp.response(200, FundSchema(many=True))
@documented_errors
def list_funds():
    """The funds the caller holds a role in (every fund for an admin)."""
    return [fund_json(fund) for fund in db.session.scalars(visible_funds(g.api_user))]


@blp.route("", methods=["POST"])
@admin_only
@blp.arguments(FundSchema)
@blp.response(201, FundSchema)
@documented_errors
def create_fund(body):
    """Create a fund (admins only); its country is created the first time it is named."""
    country = services.country_for_code(g.api_user, body.pop("country"))
    created = fund_json(services.create_fund(g.api_user, country, body))
    return created


@blp.route("/<int:fund_id>", methods=["GET"])
@authenticated
@fund_scoped()
@blp.response(200, FundSchema)
@documented_errors
def get_fund(fund: Fund):
    """One fund the caller holds a role in."""
    return fund_json(fund)


@blp.route("/<int:fund_id>/partners", methods=["GET"])
@authenticated
@fund_scoped()
@blp.response(200, PartnerSchema(many=True))
@documented_errors
def list_partners(fund: Fund):
    """The fund's partner entities and their commitments."""
    return [partner_json(partner, fund.currency) for partner in services.partners_of(fund)]


@blp.route("/<int:fund_id>/partners", methods=["POST"])
@authenticated
@fund_scoped("manage_partners")
@blp.arguments(PartnerSchema)
@blp.response(201, PartnerSchema)
@documented_errors
def create_partner(body, fund: Fund):
    """Add a partner entity and its commitment (managers of the fund)."""
    partner = services.create_partner(g.api_user, fund, body["name"], body["kind"],
                                      body["commitment"])
    created = partner_json(partner, fund.currency)
    return created


@blp.route("/<int:fund_id>/grants", methods=["POST"])
@admin_only
@fund_scoped()
@blp.arguments(GrantSchema)
@blp.response(201, GrantSchema)
@documented_errors
def create_grant(body, fund: Fund):
    """Grant a user a role in the fund (admins only)."""
    user = db.session.get(User, body["user_id"])
    if user is None:
        raise Refused({"user_id": _("No such user.")})
    grant = accounts.grant_role(g.api_user, user, fund, body["role"], body["partner_id"])
    created = {"id": grant.id, "fund_id": grant.fund_id, "user_id": grant.user_id,
               "role": grant.role, "partner_id": grant.partner_id}
    return created
