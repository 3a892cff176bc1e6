"""The investment committee's minutes on one application, as a PDF in the fund's language: who sat, who was
recused and why, who voted what and why, who reviewed it, what was decided, by whom, and what the founder
was told."""
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.platypus import Spacer
from sqlalchemy import select

from fundapp.applications import committee, workflow
from fundapp.applications.models import Application, Assignment, Review, StateChange
from fundapp.auth.models import User
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from fundapp.reporting.pdf import build, styles, table, text
from fundapp.web.formatting import day, money, short_day


def _day(moment) -> str:
    return short_day(moment.date()) if moment is not None else "—"


def minutes(fund: Fund, application: Application, today) -> bytes:
    """The minutes as they stand on `today` (the date printed as the day they were drawn up)."""
    style = styles()
    company = db.session.get(Company, application.company_id)
    seats = {seat.member_id: (seat, member) for seat, member in committee.seats(application)}
    members = {member.id: member for member in committee.members_of(fund)}
    members |= {member_id: member for member_id, (_seat, member) in seats.items()}
    result = committee.count(fund, application)
    decision = committee.decision_of(application)
    decided_by = db.session.get(User, decision.user_id) if decision is not None and decision.user_id else None
    reviews = db.session.execute(
        select(Assignment, User, Review).join(User, Assignment.reviewer_id == User.id)
        .outerjoin(Review, (Review.application_id == Assignment.application_id)
                   & (Review.reviewer_id == Assignment.reviewer_id))
        .where(Assignment.application_id == application.id).order_by(User.name)).all()
    with force_locale(fund.language):
        title = _("Investment committee minutes")
        story = [text(fund.name, style["small"]), text(title, style["title"]),
                 text(_("Application no. %(id)d: %(company)s, requesting %(amount)s", id=application.id,
                        company=company.name, amount=money(application.requested_amount, fund.currency)),
                      style["body"]),
                 text(_dates(committee.committee_date(application), today), style["small"]), Spacer(1, 8),
                 text(_("Members, declarations and votes"), style["h2"])]
        rows = [[_("Member"), _("Declaration"), _("Vote"), _("Comment"), _("Voted on")]]
        for member_id, member in sorted(members.items(), key=lambda item: item[1].name):
            seat = seats.get(member_id, (None, None))[0]
            if seat is None:
                declared = _("Did not declare")
            elif seat.conflict:
                declared = _("Recused: %(reason)s", reason=seat.conflict_reason)
            else:
                declared = _("No conflict")
            vote = str(committee.VOTES[seat.vote]) if seat is not None and seat.vote else "—"
            rows.append([text(cell, style["body"]) for cell in (
                member.name, declared, vote, seat.comment if seat is not None and seat.comment else "—",
                _day(seat.voted_at) if seat is not None else "—")])
        story += [table(rows, widths=[80, 120, 60, 160, 73], numeric=()), Spacer(1, 8),
                  text(_("Approve: %(approve)d · Decline: %(decline)d · Abstain: %(abstain)d. %(cast)d votes "
                         "cast; the quorum is %(required)d (%(met)s).", approve=result.approve,
                         decline=result.decline,
                         abstain=result.abstain, cast=result.cast, required=result.required,
                         met=_("met") if result.quorate else _("not met")), style["body"]),
                  Spacer(1, 8), text(_("Reviews"), style["h2"])]
        review_rows = [[_("Reviewer"), _("Declaration"), _("Reviewed on"), _("Recommendation")]]
        recommendations = {"invest": _("Invest"), "maybe": _("Maybe"), "decline": _("Decline")}
        for assignment, reviewer, review in reviews:
            # a reviewer's reason for its recusal is for the fund's managers (its form says so)
            declared = (_("Recused") if assignment.conflict
                        else _("No conflict") if assignment.conflict is False else _("Did not declare"))
            review_rows.append([text(cell, style["body"]) for cell in (
                reviewer.name, declared, _day(review.submitted_at) if review else "—",
                recommendations[review.recommendation] if review else "—")])
        story += [table(review_rows, widths=[110, 190, 90, 103], numeric=()) if reviews else
                  text(_("No reviewer was assigned."), style["body"]), Spacer(1, 8),
                  text(_("Decision"), style["h2"])]
        story += _decision(decision, decided_by, result, style)
        footer = f"{fund.name} · {title} · {_('Application no. %(id)d', id=application.id)}"
        return build(story, title, footer)


def _dates(before_committee, today) -> str:
    drawn_up = _("Drawn up on %(today)s.", today=day(today))
    if before_committee is None:
        return drawn_up
    return _("Before the committee since %(date)s.", date=day(before_committee.date())) + \
        " " + drawn_up


def _decision(decision: StateChange | None, decided_by: User | None, result, style) -> list:
    if decision is None:
        return [text(_("No decision is recorded yet."), style["body"])]
    parts = [text(_("%(decision)s on %(date)s, recorded by %(name)s.",
                    decision=workflow.STATES[decision.to_state],
                    date=_day(decision.at), name=decided_by.name if decided_by else "—"), style["body"])]
    if committee.against_majority(result, decision.to_state):
        parts.append(text(_("Against the majority of the votes cast. Justification: %(text)s",
                            text=decision.justification), style["body"]))
    parts += [Spacer(1, 4), text(_("What the founder was told:"), style["body"]),
              text(decision.message or "—", style["body"])]
    return parts
