"""The investment committee (SPEC 10): its members declare conflicts and vote on the applications before it;
its quorum and its majority decide whether, and how freely, a manager may record the decision; its
minutes say who sat, who was recused and why, who voted what, and what was decided."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from fundapp import inputs
from fundapp.applications import workflow
from fundapp.applications.models import Application, StateChange, Vote
from fundapp.audit.services import record
from fundapp.auth.models import Grant, User
from fundapp.auth.permissions import sits_on_committee
from fundapp.auth.services import holders, tell_managers
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund

VOTES = {"approve": _l("Approve"), "decline": _l("Decline"), "abstain": _l("Abstain")}


# --- the rules, on plain values -----------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """The committee's votes on one application, and what they allow."""

    approve: int
    decline: int
    abstain: int
    eligible: int            # members who may vote: not recused
    required: int            # votes needed for a decision (the quorum)

    @property
    def cast(self) -> int:
        return self.approve + self.decline + self.abstain

    @property
    def quorate(self) -> bool:
        return self.required > 0 and self.cast >= self.required

    @property
    def majority(self) -> str | None:
        """The decision the majority of votes cast points to (abstentions aside); None when tied."""
        if self.approve == self.decline:
            return None
        return "approved" if self.approve > self.decline else "declined"


def quorum(setting: int | None, eligible: int) -> int:
    """Votes needed: the fund's setting, else a majority of the members who may vote (never fewer than one
    vote: a committee all of whose members are recused cannot decide)."""
    if setting is not None:
        return setting
    return eligible // 2 + 1


def tally(votes: list[str | None], recused: int, members: int, setting: int | None) -> Tally:
    """Count votes cast ("approve", "decline", "abstain"; None for a member who has not voted yet)."""
    eligible = max(members - recused, 0)
    return Tally(approve=votes.count("approve"), decline=votes.count("decline"),
                 abstain=votes.count("abstain"),
                 eligible=eligible, required=quorum(setting, eligible))


def against_majority(result: Tally, to: str) -> bool:
    """Whether deciding `to` goes against the majority of votes cast (a tie has no majority)."""
    return result.majority is not None and result.majority != to


# --- the use cases ------------------------------------------------------------------------------------

def members_of(fund: Fund) -> list[User]:
    return holders(fund.id, "committee")


def seats(application: Application) -> list[tuple[Vote, User]]:
    """Each member's declaration and vote on the application, by name."""
    return list(db.session.execute(select(Vote, User).join(User, Vote.member_id == User.id)
                                   .where(Vote.application_id == application.id).order_by(User.name)))


def seat_of(member, application: Application, lock: bool = False) -> Vote | None:
    query = select(Vote).where(Vote.application_id == application.id, Vote.member_id == member.id)
    return db.session.scalar(query.with_for_update() if lock else query)


def count(fund: Fund, application: Application) -> Tally:
    """The committee's tally on the application as it stands."""
    return counts(fund, [application.id])[application.id]


def counts(fund: Fund, application_ids: list[int]) -> dict[int, Tally]:
    """The committee's tallies on several applications of the fund, in two queries whatever their number."""
    members = db.session.scalar(select(func.count(Grant.id)).where(Grant.fund_id == fund.id,
                                                                  Grant.role == "committee"))
    seated: dict[int, list] = {application_id: [] for application_id in application_ids}
    rows = db.session.execute(select(Vote.application_id, Vote.conflict, Vote.vote)
                              .where(Vote.application_id.in_(application_ids)))
    for application_id, conflict, vote in rows:
        seated[application_id].append((conflict, vote))
    return {application_id: tally([vote for conflict, vote in seats if not conflict],
                                  sum(1 for conflict, _vote in seats if conflict), members,
                                  fund.committee_quorum)
            for application_id, seats in seated.items()}


def _refuse_unless_member(member, fund: Fund, application: Application) -> None:
    if not sits_on_committee(member, fund.id):
        raise Refused({"application": _("You are not a member of this fund's investment committee.")},
                      status=403)
    if application.state != "committee":
        raise Refused({"application": _("The committee votes only on applications before it.")}, status=409)


def declare(member, fund: Fund, application: Application, conflict: bool, reason: str = "") -> Vote:
    """A member declares a conflict (it is recused and managers are told why) or none. "No conflict" is
    declared once; a conflict may still be declared after it, until the member has voted. Of two first
    declarations made at the same moment, the later is refused (nothing of it kept)."""
    _refuse_unless_member(member, fund, application)
    reason = (reason or "").strip()
    if conflict and not reason:
        raise Refused({"reason": _("Say why you have a conflict: the fund's managers read it.")})
    if len(reason) > 2000 or inputs.control_character(reason):
        raise Refused({"reason": _("Say why in at most 2,000 characters of plain text.")})
    seat = seat_of(member, application, lock=True)
    if seat is not None and (seat.conflict or not conflict or seat.vote is not None):
        raise Refused({"conflict": _("You have already declared.")}, status=409)
    if seat is None:
        seat = Vote(application_id=application.id, fund_id=fund.id, member_id=member.id, comment="")
        db.session.add(seat)
    seat.conflict, seat.conflict_reason = bool(conflict), reason if conflict else ""
    seat.declared_at = utcnow()
    db.session.flush()
    record(member, "committee.conflict" if conflict else "committee.no_conflict", seat, fund_id=fund.id)
    if conflict:
        tell_managers(fund.id, lambda: (
            _("A committee member declared a conflict"),
            _("%(member)s declared a conflict of interest on application no. %(id)d and is recused from the "
              "committee's vote: %(reason)s", member=member.name, id=application.id, reason=reason)))
    return seat


def cast(member, fund: Fund, application: Application, vote: str, comment: str) -> Vote:
    """A member's vote with its comment, once, after declaring no conflict."""
    _refuse_unless_member(member, fund, application)
    seat = seat_of(member, application, lock=True)
    if seat is None:
        raise Refused({"conflict": _("Declare whether you have a conflict of interest before you vote.")},
                      status=409)
    if seat.conflict:
        raise Refused({"conflict": _("You declared a conflict and are recused from this vote.")}, status=409)
    if seat.vote is not None:
        raise Refused({"vote": _("You have already voted on this application.")}, status=409)
    errors = {}
    if vote not in VOTES:
        errors["vote"] = _("Choose approve, decline or abstain.")
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("Say why you vote so: the minutes keep it.")
    elif len(comment) > 2000 or inputs.control_character(comment):
        errors["comment"] = _("Write at most 2,000 characters of plain text.")
    if errors:
        raise Refused(errors)
    seat.vote, seat.comment, seat.voted_at = vote, comment, utcnow()
    db.session.flush()
    record(member, "committee.vote", seat, fund_id=fund.id)
    return seat


def refuse_unless_decidable(fund: Fund, application: Application, to: str, justification: str) -> None:
    """A decision on an application before the committee needs its quorum; one against the majority of
    votes cast needs a written justification."""
    if application.state != "committee" or to not in workflow.DECISIONS:
        return
    result = count(fund, application)
    if not result.quorate:
        raise Refused({"to": _("The committee has not reached its quorum: %(cast)d of the %(required)d votes "
                               "needed are cast.", cast=result.cast, required=result.required)}, status=409)
    if against_majority(result, to) and not (justification or "").strip():
        raise Refused({"justification": _("This decision goes against the majority of the committee's votes: "
                                          "write why.")})
    if len(justification or "") > 2000:
        raise Refused({"justification": _("Write at most 2,000 characters of plain text.")})


def waiting_votes(member) -> dict[int, int]:
    """For each fund where the user sits on the committee: how many applications before it still wait
    for its declaration or its vote."""
    done = select(Vote.application_id).where(Vote.member_id == member.id,
                                             or_(Vote.conflict.is_(True), Vote.vote.is_not(None)))
    rows = db.session.execute(
        select(Application.fund_id, func.count(Application.id))
        .join(Grant, and_(Grant.fund_id == Application.fund_id, Grant.user_id == member.id,
                          Grant.role == "committee"))
        .where(Application.state == "committee", Application.id.not_in(done)).group_by(Application.fund_id))
    return {fund_id: waiting for fund_id, waiting in rows}


def decision_of(application: Application) -> StateChange | None:
    """The decision taken on the application after the committee, if any."""
    return db.session.scalar(select(StateChange).where(
        StateChange.application_id == application.id, StateChange.from_state == "committee",
        StateChange.to_state.in_(workflow.DECISIONS)).order_by(StateChange.id.desc()).limit(1))


def committee_date(application: Application) -> datetime | None:
    """When the application came before the committee (the last time)."""
    return db.session.scalar(select(StateChange.at).where(
        StateChange.application_id == application.id, StateChange.to_state == "committee")
        .order_by(StateChange.id.desc()).limit(1))
