"""/api/v1/funds: funds, their partner entities and role grants."""
from flask import abort, g
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields

from fundapp.api.auth import admin_only, authenticated, fund_scoped
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import FundSchema, GrantSchema, PartnerSchema, Schema
from fundapp.applications import agreement, review
from fundapp.auth import services as accounts
from fundapp.auth.models import Grant, User
from fundapp.auth.permissions import can, partner_accounts, visible_funds
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


# The fund's agreement of scores (SPEC 14), as fundapp.applications.agreement gives it.
class AgreementFiguresSchema(Schema):
    alpha = fields.Float(allow_none=True, metadata={
        "description": "Krippendorff's alpha (interval), to three decimals; null: not enough reviews yet"})
    units = fields.Integer(metadata={"description": "The applications scored by at least two reviewers"})
    values = fields.Integer(metadata={"description": "The scores counted in those applications"})
    reading = fields.String(metadata={"description": "reliable, tentative, disagree, chance or unknown"})
    meaning = fields.String(metadata={"description": "What the reading means, in the caller's language"})


class CriterionAgreementSchema(AgreementFiguresSchema):
    criterion_id = fields.Integer()
    name = fields.String()


class AgreementSchema(Schema):
    overall = fields.Nested(AgreementFiguresSchema, metadata={"description": "Of the review scores"})
    criteria = fields.List(fields.Nested(CriterionAgreementSchema),
                           metadata={"description": "Of each criterion's scores, in the rubric's order"})


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


def _figures(found: agreement.Agreement) -> dict:
    return {"alpha": found.alpha, "units": found.units, "values": found.values, "reading": found.reading,
            "meaning": found.meaning}


@blp.route("/<int:fund_id>/agreement", methods=["GET"])
@authenticated
@fund_scoped()
@blp.response(200, AgreementSchema)
@documented_errors
def get_agreement(fund: Fund):
    """How far the fund's reviewers agree: Krippendorff's alpha of the review scores and of each
    criterion's, as of the latest review (the fund's managers and its committee members)."""
    if not (can(g.api_user, "manage_fund", fund.id) or can(g.api_user, "vote", fund.id)):
        abort(403)
    shown = agreement.summary(fund.agreement, review.rubric(fund))
    return {"overall": _figures(shown.overall),
            "criteria": [{"criterion_id": criterion.id, "name": criterion.name, **_figures(figures)}
                         for criterion, figures in shown.criteria]}


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
