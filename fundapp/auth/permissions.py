"""Every access rule of fundapp. Pages, downloads and the API ask here, nowhere else."""
from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from fundapp.auth.models import Grant, User
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner

# What each role may do in a fund it holds; an admin may do everything everywhere.
ROLE_ABILITIES = {
    "manager": {"view_fund", "manage_fund", "manage_partners", "view_all_partners", "manage_capital",
                "view_performance"},
    "reviewer": {"view_fund", "review"},
    "partner": {"view_fund", "view_performance"},
}
ALL_ABILITIES = frozenset().union(*ROLE_ABILITIES.values())


def abilities(user: User, fund_id: int) -> frozenset[str]:
    """Everything the user may do in the fund (what pages show and hide)."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_admin:
        return ALL_ABILITIES
    return frozenset().union(*(ROLE_ABILITIES[role] for role in fund_roles(user, fund_id)))


def fund_roles(user: User, fund_id: int) -> set[str]:
    """The roles the user holds in one fund."""
    if not user.is_authenticated:
        return set()
    return set(
        db.session.scalars(
            select(Grant.role).where(Grant.user_id == user.id, Grant.fund_id == fund_id)
        )
    )


def can(user: User, ability: str, fund_id: int) -> bool:
    """Whether the user may exercise the ability in the fund."""
    return ability in abilities(user, fund_id)


def visible_funds(user: User) -> Select:
    """A query of the funds the user may see: all for an admin, else those it holds a role in."""
    query = select(Fund).options(joinedload(Fund.country)).order_by(Fund.name)
    if user.is_admin:
        return query
    held = select(Grant.fund_id).where(Grant.user_id == user.id)
    return query.where(Fund.id.in_(held))


def fund_or_404(user: User, fund_id: int, ability: str = "view_fund") -> Fund:
    """The fund if the user may exercise the ability in it.

    A fund the user holds no role in answers 404, so that its existence is not leaked; a fund it
    sees but may not act on answers 403.
    """
    fund = db.session.get(Fund, fund_id, options=[joinedload(Fund.country)], populate_existing=True)
    if fund is None or not can(user, "view_fund", fund_id):
        abort(404)
    if not can(user, ability, fund_id):
        abort(403)
    return fund


def require_admin(user: User) -> None:
    """Stop anyone but an admin; others learn nothing of what lies behind (404)."""
    if not (user.is_authenticated and user.is_admin):
        abort(404)


def partner_of(user: User, fund_id: int) -> int | None:
    """The partner entity the user speaks for in the fund, if it is a partner there."""
    return db.session.scalar(
        select(Grant.partner_id).where(
            Grant.user_id == user.id, Grant.fund_id == fund_id, Grant.role == "partner"
        )
    )


def partners_visible(user: User, fund_id: int, partners: list) -> list:
    """All partner entities for those who run the fund; a partner sees only its own."""
    if can(user, "view_all_partners", fund_id):
        return partners
    own = partner_of(user, fund_id)
    return [partner for partner in partners if partner.id == own]


def statement_partner_or_404(user: User, fund_id: int, partner_id: int):
    """The partner entity whose capital account the user may read: any for those who run the
    fund, its own for a partner; anything else answers 404."""
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.fund_id != fund_id:
        abort(404)
    if not can(user, "view_all_partners", fund_id) and partner_of(user, fund_id) != partner.id:
        abort(404)
    return partner


def application_or_404(user: User, fund_id: int, application_id: int):
    """An application of the fund that the user may open: any for those who run the fund, an assigned
    one for a reviewer; anything else answers 404."""
    from fundapp.applications.models import Application, Assignment
    application = db.session.get(Application, application_id)
    if application is None or application.fund_id != fund_id or application.state == "draft":
        abort(404)
    if can(user, "manage_fund", fund_id):
        return application
    assigned = db.session.scalar(select(Assignment.id).where(Assignment.application_id == application.id,
                                                             Assignment.reviewer_id == user.id))
    if assigned is None or not can(user, "review", fund_id):
        abort(404)
    return application
