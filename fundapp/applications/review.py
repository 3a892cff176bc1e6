"""Use cases of review: the rubric, assignments, conflicts, reviews, stored scores and decisions."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, func, select, update

from fundapp import inputs
from fundapp.applications import agreement, committee, scoring, workflow
from fundapp.applications.models import Application, Assignment, Criterion, FundMessage, Review
from fundapp.applications.services import move, refuse_unless_movable
from fundapp.audit.services import record, snapshot
from fundapp.auth.models import User
from fundapp.auth.permissions import recused
from fundapp.auth.services import holders, tell_managers
from fundapp.columns import utcnow
from fundapp.errors import Refused, input_message
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.notifications import inbox
from fundapp.web.formatting import day

RECOMMENDATIONS = ("invest", "maybe", "decline")


def rubric(fund: Fund) -> list[Criterion]:
    return list(db.session.scalars(select(Criterion).where(Criterion.fund_id == fund.id)
                                   .order_by(Criterion.position, Criterion.id)))


def _decimal(field: str, value, message: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Refused({field: message}) from None
    if not number.is_finite():
        raise Refused({field: message})
    return number


def _criterion_values(name: str, guidance: str, weight, scale_min, scale_max, minimum, allow_na) -> dict:
    """Check a criterion's settings; every problem is reported with its field."""
    errors = {}
    if not str(name or "").strip():
        errors["name"] = _("Enter the criterion's name.")
    weight = _decimal("weight", weight, _("Enter a weight above zero, e.g. 2."))
    if weight <= 0 or weight > 1000:
        errors["weight"] = _("Enter a weight above zero, e.g. 2.")
    if not isinstance(scale_min, int) or not isinstance(scale_max, int) or scale_min >= scale_max:
        errors["scale_max"] = _("The top of the scale must be above its bottom.")
    if minimum not in (None, ""):
        minimum = _decimal("minimum", minimum, _("Enter a minimum within the scale."))
        if "scale_max" not in errors and not scale_min <= minimum <= scale_max:
            errors["minimum"] = _("Enter a minimum within the scale.")
    else:
        minimum = None
    if errors:
        raise Refused(errors)
    return {"name": name.strip()[:120], "guidance": (guidance or "").strip()[:2000], "weight": weight,
            "scale_min": scale_min, "scale_max": scale_max, "minimum": minimum, "allow_na": bool(allow_na)}


def add_criterion(actor, fund: Fund, name: str, guidance: str, weight, scale_min: int, scale_max: int,
                  minimum=None, allow_na: bool = True) -> Criterion:
    """Add a criterion to the fund's rubric."""
    values = _criterion_values(name, guidance, weight, scale_min, scale_max, minimum, allow_na)
    criterion = Criterion(fund_id=fund.id, position=len(rubric(fund)), **values)
    db.session.add(criterion)
    record(actor, "criterion.create", criterion, fund_id=fund.id)
    return criterion


def update_criterion(actor, fund: Fund, criterion: Criterion, name: str, guidance: str, weight,
                     scale_min: int, scale_max: int, minimum=None, allow_na: bool = True) -> Criterion:
    """Change a criterion; its scale is fixed once reviews use it. Every stored score follows."""
    values = _criterion_values(name, guidance, weight, scale_min, scale_max, minimum, allow_na)
    reviewed = db.session.scalar(select(Review.id).where(Review.fund_id == fund.id).limit(1)) is not None
    if reviewed and (values["scale_min"], values["scale_max"]) != (criterion.scale_min, criterion.scale_max):
        raise Refused({"scale_max": _("The scale cannot change once reviews use it.")})
    before = snapshot(criterion)
    for field, value in values.items():
        setattr(criterion, field, value)
    db.session.flush()
    record(actor, "criterion.update", criterion, before=before, fund_id=fund.id)
    refresh_scores(fund)
    return criterion


def reviewers_of(fund: Fund) -> list[User]:
    return holders(fund.id, "reviewer")


def assign(actor, fund: Fund, application: Application, reviewer_id, due_date: date | None) -> Assignment:
    """Ask a reviewer of the fund to review an application (again: the due date changes)."""
    reviewer = db.session.get(User, reviewer_id) if isinstance(reviewer_id, int) else None
    if reviewer is None or reviewer.id not in {r.id for r in reviewers_of(fund)}:
        raise Refused({"reviewer_id": _("Choose a reviewer of this fund.")})
    if application.state not in workflow.ASSIGNABLE:
        raise Refused({"application": _("Only applications being screened or reviewed are assigned.")})
    if due_date is not None and due_date < date.today():
        raise Refused({"due_date": _("Choose a due date from today on.")})
    from fundapp.applications.suggestions import conflicts  # it reads this module's rules
    shown = conflicts(fund, application, [reviewer]).get(reviewer.id)
    if shown:
        raise Refused({"reviewer_id": _("%(name)s has a conflict with this application: %(reasons)s.",
                                        name=reviewer.name, reasons="; ".join(shown))})
    existing = db.session.scalar(select(Assignment).where(Assignment.application_id == application.id,
                                                          Assignment.reviewer_id == reviewer.id))
    if existing is not None:
        existing.due_date = due_date
        return existing
    assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id, due_date=due_date)
    db.session.add(assignment)
    record(actor, "assignment.create", assignment, fund_id=fund.id)
    _tell_reviewer(reviewer, fund, application, due_date)
    return assignment


def _tell_reviewer(reviewer: User, fund: Fund, application: Application, due_date: date | None) -> None:
    def compose():
        due = (_("It is due on %(date)s.", date=day(due_date)) if due_date else _("It has no due date."))
        subject = _("Application no. %(id)d is assigned to you for review. %(due)s", id=application.id,
                    due=due)
        return subject, _("%(fund)s asks you to review application no. %(id)d. %(due)s\n\n%(link)s",
                          fund=fund.name, id=application.id, due=due, link=link)
    link = inbox.address("review.application", True, fund_id=fund.id, application_id=application.id)
    inbox.tell(reviewer, "assignment", inbox.address("review.application", fund_id=fund.id,
                                                     application_id=application.id), compose)


def reviews_of(application: Application) -> list[Review]:
    """The application's submitted reviews, in the order they came (ask see_scores before showing them)."""
    return list(db.session.scalars(select(Review).where(Review.application_id == application.id)
                                   .order_by(Review.submitted_at, Review.id)))


def waiting_reviews(reviewer) -> dict[int, tuple[int, date | None]]:
    """For each fund: how many reviews wait for the reviewer (assigned, not recused, not yet reviewed,
    the application still in review) and the earliest due date among them."""
    rows = db.session.execute(
        awaited(select(Application.fund_id, func.count(Assignment.id), func.min(Assignment.due_date)))
        .where(Assignment.reviewer_id == reviewer.id).group_by(Application.fund_id))
    return {fund_id: (count, due) for fund_id, count, due in rows}


def awaited(query: Select) -> Select:
    """A query from assignments, joined to their applications and narrowed to the reviews awaited: not
    recused, not yet reviewed, the application still in review."""
    return (query.join(Application, Assignment.application_id == Application.id)
            .outerjoin(Review, and_(Review.application_id == Assignment.application_id,
                                    Review.reviewer_id == Assignment.reviewer_id))
            .where(Assignment.conflict.is_not(True), Review.id.is_(None),
                   Application.state.in_(workflow.REVIEWABLE)))


def assignment_of(reviewer, application: Application, lock: bool = False) -> Assignment | None:
    """The reviewer's assignment to the application; locked to the end of the transaction when a
    declaration or a review is about to change what it allows."""
    query = select(Assignment).where(Assignment.application_id == application.id,
                                     Assignment.reviewer_id == reviewer.id)
    return db.session.scalar(query.with_for_update() if lock else query)


def declare(reviewer, fund: Fund, application: Application, conflict: bool, reason: str = "") -> Assignment:
    """The reviewer declares a conflict (it is recused, managers are told) or none. "No conflict" is
    declared once; a conflict may still be declared after it, until the reviewer has reviewed, and
    always wins: declarations made at the same moment end with the conflict managers were told of."""
    assignment = assignment_of(reviewer, application, lock=True)
    if assignment is None:
        raise Refused({"application": _("You are not assigned to this application.")}, status=404)
    reviewed = db.session.scalar(select(Review.id).where(Review.application_id == application.id,
                                                         Review.reviewer_id == reviewer.id)) is not None
    if assignment.conflict is True or (assignment.conflict is False and (not conflict or reviewed)):
        raise Refused({"conflict": _("You have already declared.")}, status=409)
    reason = (reason or "").strip()
    if conflict and not reason:
        raise Refused({"reason": _("Say why you have a conflict: the fund's managers read it.")})
    if len(reason) > 2000 or inputs.control_character(reason):
        raise Refused({"reason": _("Say why in at most 2,000 characters of plain text.")})
    assignment.conflict, assignment.declared_at = bool(conflict), utcnow()
    assignment.conflict_reason = reason if conflict else ""
    record(reviewer, "assignment.conflict" if conflict else "assignment.no_conflict", assignment,
           fund_id=fund.id)
    if conflict:
        tell_managers(fund.id, lambda: (
            _("A reviewer declared a conflict"),
            _("%(reviewer)s declared a conflict of interest on application no. %(id)d and is "
              "recused from it: %(reason)s", reviewer=reviewer.name, id=application.id, reason=reason)))
    return assignment


def save_review(reviewer, fund: Fund, application: Application, scores: dict, recommendation: str,
                comment: str) -> Review:
    """A reviewer's scores: every criterion scored on its scale or n/a where allowed; editable while
    the application is in review. The fund's stored scores are brought up to date."""
    assignment = assignment_of(reviewer, application, lock=True)
    if assignment is None:
        raise Refused({"application": _("You are not assigned to this application.")}, status=404)
    if assignment.conflict is not False:
        raise Refused({"conflict": _("Declare that you have no conflict before you review.")}, status=409)
    if application.state not in workflow.REVIEWABLE:
        raise Refused({"application": _("This application is not in review.")}, status=409)
    if recommendation not in RECOMMENDATIONS:
        raise Refused({"recommendation": _("Choose invest, maybe or decline.")})
    if inputs.control_character(comment or ""):
        raise Refused({"comment": input_message("control_character")})
    clean, errors = {}, {}
    criteria = rubric(fund)
    for criterion in criteria:
        key = criterion.id if criterion.id in scores else str(criterion.id)
        if key not in scores:
            # an unanswered criterion is never read as n/a: the reviewer says so itself
            errors[str(criterion.id)] = (_("Score %(name)s, or answer n/a.", name=criterion.name)
                                         if criterion.allow_na else _("Score %(name)s.", name=criterion.name))
            clean[str(criterion.id)] = None
            continue
        value = scores[key]
        if value is None:
            if not criterion.allow_na:
                errors[str(criterion.id)] = _("Score %(name)s.", name=criterion.name)
            clean[str(criterion.id)] = None
        elif isinstance(value, bool) or not isinstance(value, int) or \
                not criterion.scale_min <= value <= criterion.scale_max:
            errors[str(criterion.id)] = _("Score %(name)s from %(low)d to %(high)d.", name=criterion.name,
                                          low=criterion.scale_min, high=criterion.scale_max)
        else:
            clean[str(criterion.id)] = value
    unknown = set(map(str, scores)) - {str(criterion.id) for criterion in criteria}
    if unknown:
        errors["scores"] = _("Unknown criterion: %(id)s.", id=sorted(unknown)[0])
    if errors:
        raise Refused(errors)
    review = db.session.scalar(select(Review).where(Review.application_id == application.id,
                                                    Review.reviewer_id == reviewer.id))
    if review is None:
        review = Review(application_id=application.id, reviewer_id=reviewer.id, fund_id=fund.id,
                        sector=application.sector)
        db.session.add(review)
    review.scores, review.recommendation = clean, recommendation
    review.comment, review.submitted_at = (comment or "").strip()[:5000], utcnow()
    review.score = scoring.review_score(pure_rubric(criteria), {int(k): v for k, v in clean.items()})
    db.session.flush()
    record(reviewer, "review.save", review, fund_id=fund.id)
    refresh_scores(fund)
    return review


def pure_rubric(criteria) -> list[scoring.Criterion]:
    """The rubric's criteria (models, or rows with the same columns) as the scoring rules read them."""
    return [scoring.Criterion(c.id, float(c.weight), c.scale_min, c.scale_max,
                              float(c.minimum) if c.minimum is not None else None) for c in criteria]


def refresh_scores(fund: Fund) -> None:
    """Recompute every application's stored scores from the fund's reviews (normalization makes one
    review move every score of the fund), and the fund's agreement of scores; pages read the stored
    figures. Only the applications whose figures changed are written, in one statement executed for many
    rows."""
    reviews = [scoring.Review(application_id, reviewer_id, {int(k): v for k, v in scores.items()})
               for application_id, reviewer_id, scores in db.session.execute(
                   select(Review.application_id, Review.reviewer_id, Review.scores)
                   .where(Review.fund_id == fund.id))]
    criteria = pure_rubric(rubric(fund))
    results = scoring.fund_scores(criteria, reviews)
    fund.agreement = agreement.of_reviews(criteria, reviews)
    columns = ("score", "normalized_score", "disagreement", "disagreement_flag", "failing_criteria",
               "review_count")
    stored = {row[0]: tuple(row[1:]) for row in db.session.execute(
        select(Application.id, *(getattr(Application, c) for c in columns))
        .where(Application.fund_id == fund.id))}
    changed = []
    for application_id, f in results.items():
        values = (f.score, f.normalized_score, f.disagreement, f.flagged, f.failing_criteria, f.reviews)
        if stored.get(application_id) != values:
            changed.append({"row_id": application_id, **dict(zip(columns, values, strict=True))})
    if changed:
        table = Application.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("row_id"))
                           .values({c: bindparam(c) for c in columns}), changed)


@dataclass(frozen=True)
class Notice:
    """What the founder receives of a step: by mail and in the portal, in its own language."""

    founder: User
    language: str
    subject: str
    body: str


# Each step that tells the founder: the subject of its notice, and the sentence before the message.
NOTICES = {
    "approved": (_l("Your application is approved"), _l("%(fund)s has decided on your application.")),
    "declined": (_l("Your application is declined"), _l("%(fund)s has decided on your application.")),
    "changes_requested": (_l("The fund asks for more information"),
                          _l("%(fund)s asks for more information before it goes on with your application. "
                             "Edit your application in the portal and resubmit it.")),
}


def founder_notice(fund: Fund, application: Application, to: str, message: str) -> Notice:
    """The notice the founder would receive for that step with that message (what a manager previews)."""
    founder = db.session.get(User, application.founder_id)
    with force_locale(founder.language):
        subject, opening = NOTICES[to]
        body = str(opening) % {"fund": fund.name} + "\n\n" + message.strip()
        subject = str(subject)
    return Notice(founder, founder.language, subject, body)


def message_template(fund: Fund, to: str) -> str:
    """The fund's own message for that decision, which a manager starts from."""
    return {"approved": fund.approval_message, "declined": fund.decline_message}.get(to, "")


def decide(actor, fund: Fund, application: Application, to: str, reason: str, message: str = "",
           justification: str = "") -> None:
    """A manager moves the application on with an internal reason; a decision also carries a message,
    which alone reaches the founder (in the portal and by mail). A decision on an application before the
    committee needs its quorum, and a justification when it goes against the majority of its votes."""
    refuse_unless_movable(application, to, "manager")
    if recused(actor, application):
        raise Refused({"to": _("You declared a conflict on this application: another manager takes its "
                               "steps.")}, status=403)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("Give a reason for this step.")
    if to in workflow.TOLD and not (message or "").strip():
        errors["message"] = _("Write the message the founder will read.")
    elif len(message or "") > inputs.MAX_MESSAGE:
        errors["message"] = _("Keep the message under %(count)d characters.", count=inputs.MAX_MESSAGE)
    if errors:
        raise Refused(errors)
    committee.refuse_unless_decidable(fund, application, to, justification)
    told = to in workflow.TOLD
    move(actor, application, to, "manager", reason, message if told else "", justification)
    if told:
        notice = founder_notice(fund, application, to, message)
        db.session.add(FundMessage(application_id=application.id, subject=notice.subject, body=notice.body))
        with force_locale(notice.language):     # the bell names the fund, which the mail's sender does
            title = _("%(fund)s: %(subject)s", fund=fund.name, subject=notice.subject)
        inbox.told(notice.founder, "changes_requested" if to == "changes_requested" else "decision",
                   inbox.address("portal.application", application_id=application.id), notice.subject,
                   notice.body, title)
