"""/api/v1/funds: funds, their partner entities and role grants."""
from flask import abort, g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from fundapp.api.auth import admin_only, authenticated, fund_scoped
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import FundSchema, GrantSchema, PartnerSchema
from fundapp.auth import services as accounts
from fundapp.auth.models import Grant, User
from fundapp.auth.permissions import partner_accounts, visible_funds
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds import services
from fundapp.funds.models import Fund

blp = Blueprint("api_funds", __name__, url_prefix="/api/v1/funds",
                description="Funds, partner entities and role grants.")


def fund_json(fund: Fund) -> dict:
    """The fund for its schema to write: its country by its code."""
    return {column.key: getattr(fund, column.key) for column in Fund.__table__.columns} | {
        "country": fund.country.code}


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
    return fund_json(services.create_fund(g.api_user, country, body))


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
    """The fund's partner entities and their commitments that the user may read: every one for those
    who run the fund, its own for a partner, none for a reviewer."""
    return partner_accounts(g.api_user, fund.id, services.partners_of(fund))


@blp.route("/<int:fund_id>/partners", methods=["POST"])
@authenticated
@fund_scoped("manage_partners")
@blp.arguments(PartnerSchema)
@blp.response(201, PartnerSchema)
@documented_errors
def create_partner(body, fund: Fund):
    """Add a partner entity and its commitment (managers of the fund)."""
    return services.create_partner(g.api_user, fund, body["name"], body["kind"], body["commitment"])


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
    db.session.flush()
    return grant


@blp.route("/<int:fund_id>", methods=["PUT"])
@admin_only
@fund_scoped()
@blp.arguments(FundSchema)
@blp.response(200, FundSchema)
@documented_errors
def update_fund(body, fund: Fund):
    """Change a fund's settings, every one given (admins only); the currency is fixed once partners exist."""
    country = services.country_for_code(g.api_user, body.pop("country"))
    return fund_json(services.update_fund(g.api_user, fund, country, body))


@blp.route("/<int:fund_id>/grants/<int:grant_id>", methods=["DELETE"])
@admin_only
@fund_scoped()
@blp.response(204)
@documented_errors
def revoke_grant(fund: Fund, grant_id: int):
    """Revoke a user's role in the fund (admins only)."""
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.fund_id != fund.id:
        abort(404)
    accounts.revoke_grant(g.api_user, grant)
