"""Every access rule of fundapp, each a named function. Pages, downloads, templates and the API ask here,
nowhere else; a rule that says more than yes or no answers why (Hypha's style)."""
from dataclasses import dataclass

from flask import abort, g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from fundapp.applications.models import Application, Assignment, Review, Vote
from fundapp.auth.models import Grant, User
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.reporting.models import QuarterlyReport

# What each role may do in a fund it holds; an admin may do everything everywhere.
ROLE_ABILITIES = {
    "manager": {"view_fund", "manage_fund", "manage_partners", "view_all_partners", "manage_capital",
                "view_performance"},
    "reviewer": {"view_fund", "review"},
    "committee": {"view_fund", "vote"},
    "partner": {"view_fund", "view_performance"},
}
ALL_ABILITIES = frozenset().union(*ROLE_ABILITIES.values())


@dataclass(frozen=True)
class Answer:
    """Whether something is allowed, and when it is not, why, in the user's words."""

    allowed: bool
    why: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Answer(True)


def refused(why) -> Answer:
    return Answer(False, str(why))


# --- funds -----------------------------------------------------------------------------------------

def abilities(user: User, fund_id: int) -> frozenset[str]:
    """Everything the user may do in the fund (what pages show and hide)."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_admin:
        return ALL_ABILITIES
    return frozenset().union(*(ROLE_ABILITIES[role] for role in fund_roles(user, fund_id)))


def fund_roles(user: User, fund_id: int) -> frozenset[str]:
    """The roles the user holds in one fund (read once per request: a page asks many rules)."""
    if not user.is_authenticated:
        return frozenset()
    known = g.setdefault("fund_roles", {}) if has_request_context() else {}
    if (user.id, fund_id) not in known:
        known[user.id, fund_id] = frozenset(db.session.scalars(
            select(Grant.role).where(Grant.user_id == user.id, Grant.fund_id == fund_id)))
    return known[user.id, fund_id]


def forget_roles() -> None:
    """Read the roles again: a grant was given or revoked in this request."""
    if has_request_context():
        g.pop("fund_roles", None)


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


def funds_where(user: User, ability: str) -> Select:
    """A query of the ids of the funds where the user may exercise the ability: every fund for an admin."""
    if user.is_admin:
        return select(Fund.id)
    roles = [role for role, held in ROLE_ABILITIES.items() if ability in held]
    return select(Grant.fund_id).where(Grant.user_id == user.id, Grant.role.in_(roles))


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


def second_factor_required(user: User) -> bool:
    """Whether the user must hold a second factor: administrators and fund managers, who handle public
    money and decisions (for everyone else it is a choice)."""
    if user.is_admin:
        return True
    if user.is_founder:
        return False
    return db.session.scalar(select(Grant.id).where(Grant.user_id == user.id, Grant.role == "manager")
                             .limit(1)) is not None


def require_admin(user: User) -> None:
    """Stop anyone but an admin; others learn nothing of what lies behind (404)."""
    if not (user.is_authenticated and user.is_admin):
        abort(404)


def see_report_drafts(user: User, fund_id: int) -> bool:
    """Whether the user sees the fund's report drafts (those who run the fund); partners see what is
    published only."""
    return can(user, "manage_fund", fund_id)


def report_or_404(user: User, fund: Fund, report_id: int) -> QuarterlyReport:
    """The fund's quarterly report, a draft only for whom see_report_drafts allows; else 404."""
    report = db.session.get(QuarterlyReport, report_id)
    if report is None or report.fund_id != fund.id or (
            not report.published and not see_report_drafts(user, fund.id)):
        abort(404)
    return report


# --- partners' accounts ----------------------------------------------------------------------------

def partner_of(user: User, fund_id: int) -> int | None:
    """The partner entity the user speaks for in the fund, if it is a partner there."""
    return db.session.scalar(select(Grant.partner_id).where(
        Grant.user_id == user.id, Grant.fund_id == fund_id, Grant.role == "partner"))


def read_partner_account(user: User, fund_id: int, partner_id: int) -> bool:
    """Whether the user may read a partner's own account (statement, notices, its line of the figures):
    those who run the fund read every one, a partner its own only."""
    return can(user, "view_all_partners", fund_id) or partner_of(user, fund_id) == partner_id


def partner_accounts(user: User, fund_id: int, partners: list) -> list:
    """The partner entities whose accounts the user may read, of those given."""
    if can(user, "view_all_partners", fund_id):
        return partners
    own = partner_of(user, fund_id)
    return [partner for partner in partners if partner.id == own]


def statement_partner_or_404(user: User, fund_id: int, partner_id: int) -> Partner:
    """The partner entity whose account the user may read; anything else answers 404."""
    partner = db.session.get(Partner, partner_id)
    if partner is None or partner.fund_id != fund_id or not read_partner_account(user, fund_id, partner.id):
        abort(404)
    return partner


# --- applications ----------------------------------------------------------------------------------

def application_part(user: User, application: Application) -> str | None:
    """The user's part in an application: "founder" (its own), "manager" (of its fund, once submitted),
    "reviewer" (assigned to it, once submitted), "committee" (a member of the fund's committee, while the
    application is before it or once it has declared on it), or None: the application is not the user's
    to open."""
    if application.founder_id == user.id:
        return "founder"
    if application.state == "draft":
        return None
    if can(user, "manage_fund", application.fund_id):
        return "manager"
    if can(user, "review", application.fund_id) and _assignment(user, application) is not None:
        return "reviewer"
    if sits_on_committee(user, application.fund_id) and (application.state == "committee" or
                                                         _seat(user, application) is not None):
        return "committee"
    return None


def application_or_404(user: User, fund_id: int, application_id: int) -> Application:
    """An application of the fund that the user runs, reviews or votes on (application_part); anything
    else, the founder's own included (its portal is elsewhere), answers 404."""
    application = db.session.get(Application, application_id)
    if application is None or application.fund_id != fund_id or \
            application_part(user, application) not in ("manager", "reviewer", "committee"):
        abort(404)
    return application


def read_application(user: User, application: Application) -> Answer:
    """Whether the user may read what the founder wrote (the pitch, the deck, the founder): its founder
    and those who run the fund; a reviewer or a committee member once it has declared that it has no
    conflict, never when recused."""
    part = application_part(user, application)
    if part in ("founder", "manager"):
        return ALLOWED
    if part not in ("reviewer", "committee"):
        return refused(_l("This application is not yours to read."))
    assignment = _assignment(user, application) if part == "reviewer" else _seat(user, application)
    if assignment is None or assignment.conflict is None:
        return refused(_l("Declare whether you have a conflict of interest first."))
    if assignment.conflict:
        return refused(_l("You declared a conflict and are recused from this application."))
    return ALLOWED


def see_founder(user: User, application: Application, blind_review: bool) -> Answer:
    """Whether the user may see who founded the company (name, email): its founder, those who run the
    fund and its committee members (who must know whom they might be tied to before they declare); a
    reviewer only once it has declared no conflict, and never in a fund's blind first pass."""
    part = application_part(user, application)
    if part in ("founder", "manager", "committee"):    # a committee member declares knowing who they are
        return ALLOWED
    if blind_review:
        return refused(_l("This fund's first pass is blind."))
    return read_application(user, application)


def see_scores(user: User, application: Application) -> Answer:
    """Whether the user may see the other reviewers' reviews and every figure derived from them (score,
    normalized score, disagreement, failing criteria, the number of reviews): those who run the fund and
    the committee members who may read the application (the committee decides on the reviews); a
    reviewer once it has submitted its own review (sealed scores); never the founder."""
    part = application_part(user, application)
    if part == "manager" or (part == "committee" and read_application(user, application)):
        return ALLOWED
    if part != "reviewer" or not read_application(user, application):
        return refused(_l("The scores are not shown to you."))
    reviewed = db.session.scalar(select(Review.id).where(Review.application_id == application.id,
                                                         Review.reviewer_id == user.id))
    if reviewed is None:
        return refused(_l("The scores and the other reviews are shown once you have submitted yours."))
    return ALLOWED


def sits_on_committee(user: User, fund_id: int) -> bool:
    """Whether the user is a member of the fund's investment committee (a role of its own: an
    administrator or a manager votes only when it also holds it)."""
    return "committee" in fund_roles(user, fund_id)


def see_votes(user: User, application: Application) -> Answer:
    """Whether the user may see the committee's votes, comments and recusals (and its minutes): those who
    run the fund; a committee member once it has voted (sealed votes) — a manager who sits on the
    committee too, on the applications it votes on; never a recused member; nobody else."""
    part = application_part(user, application)
    if part not in ("manager", "committee"):
        return refused(_l("The committee's votes are not shown to you."))
    seat = _seat(user, application)
    if seat is not None and seat.conflict:
        return refused(_l("You declared a conflict and are recused from this application."))
    member = sits_on_committee(user, application.fund_id) and (seat is not None or
                                                                application.state == "committee")
    if member and (seat is None or seat.vote is None):
        return refused(_l("The committee's votes are shown once you have voted."))
    return ALLOWED


def recused(user: User, application: Application) -> bool:
    """Whether the user declared a conflict on the application, as a reviewer or a committee member: it
    takes no part in it any more, not even, as a manager, in its decision."""
    seat, assignment = _seat(user, application), _assignment(user, application)
    return bool(seat is not None and seat.conflict) or bool(assignment is not None and assignment.conflict)


def _seat(user: User, application: Application) -> Vote | None:
    return db.session.scalar(select(Vote).where(Vote.application_id == application.id,
                                                Vote.member_id == user.id))


def _assignment(user: User, application: Application) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                      Assignment.reviewer_id == user.id))
