"""Pages of review: the rubric, the queue, an application, assignments, declarations, scoring, steps."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import and_, case, func, select

from fundapp import inputs
from fundapp.applications import (
    agreement,
    committee,
    duplicates,
    queue_export,
    review,
    search,
    services,
    suggestions,
    workflow,
)
from fundapp.applications.models import Application, Assignment, Criterion, Review
from fundapp.applications.queue import FLAGS, RELEVANCE, SORTS, Filters, offered_regions, queue, queue_size
from fundapp.applications.review_forms import (
    AssignForm,
    CriterionForm,
    DecisionForm,
    TransitionForm,
    VoteForm,
)
from fundapp.auth.models import User
from fundapp.auth.permissions import (
    abilities,
    application_or_404,
    fund_or_404,
    funds_where,
    read_application,
    see_founder,
    see_scores,
    see_votes,
    sits_on_committee,
)
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.constants import SECTORS
from fundapp.money import AmountError
from fundapp.portfolio.models import Company
from fundapp.text import plain
from fundapp.web.formatting import amount_from_text
from fundapp.web.forms import chosen, show_refusal
from fundapp.web.pages import kept_page
from fundapp.web.pagination import paginate
from fundapp.web.query import form_ids, query_number, query_page

blueprint = Blueprint("review", __name__, url_prefix="/funds/<int:fund_id>")


@blueprint.route("/rubric", methods=["GET", "POST"])
@login_required
def rubric(fund_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            review.add_criterion(current_user, fund, form.name.data, form.guidance.data,
                                 form.weight.data, form.scale_min.data, form.scale_max.data,
                                 form.minimum.data, form.allow_na.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Criterion added."), "success")
            return redirect(url_for("review.rubric", fund_id=fund.id))
    return render_template("review/rubric.html", fund=fund, criteria=review.rubric(fund), form=form,
                           abilities=abilities(current_user, fund.id))


@blueprint.route("/rubric/<int:criterion_id>", methods=["GET", "POST"])
@login_required
def edit_criterion(fund_id: int, criterion_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.fund_id != fund.id:
        abort(404)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            review.update_criterion(current_user, fund, criterion, form.name.data, form.guidance.data,
                                    form.weight.data, form.scale_min.data, form.scale_max.data,
                                    form.minimum.data, form.allow_na.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Criterion saved; every score follows."), "success")
            return redirect(url_for("review.rubric", fund_id=fund.id))
    return render_template("review/criterion.html", fund=fund, criterion=criterion, form=form,
                           abilities=abilities(current_user, fund.id))


def _filters(fund) -> Filters:
    args = request.args

    def amount(name):
        try:
            return amount_from_text(args[name], fund.currency) if args.get(name) else None
        except AmountError:
            return None

    def number(name):
        try:
            return float(args[name]) if args.get(name) else None
        except ValueError:
            return None

    q = args.get("q", "")[:search.MAX_QUERY]
    sort = args.get("sort") or (RELEVANCE if search.parse(q) else "normalized")
    return Filters(q=q, state=args.get("state", ""), sector=args.get("sector", "")[:30],
                   region=args.get("region", "")[:100], min_amount=amount("min_amount"),
                   max_amount=amount("max_amount"), min_score=number("min_score"),
                   max_score=number("max_score"),
                   flag=args.get("flag", "") if args.get("flag") in FLAGS else "",
                   reviewer_id=query_number("reviewer"), sort=sort)


@blueprint.get("/applications")
@login_required
@kept_page
def applications(fund_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    filters = _filters(fund)
    page = paginate(queue(fund.id, filters), query_page(), rows=True, count=queue_size(fund.id, filters))
    reviewers = review.reviewers_of(fund)
    assign_form = AssignForm(formdata=None)
    assign_form.reviewer_id.choices = [(r.id, r.name) for r in reviewers]
    searched = search.parse(filters.q)
    texts = {application.id: search.texts(application) for application, _company in page.items}
    excerpts = {key: (search.where(searched, values), search.excerpt(searched, values))
                for key, values in texts.items()} if searched else {}
    names = {application.id: search.marked(searched, company.name)
             for application, company in page.items} if searched else {}
    regions = offered_regions(fund.id)
    region = next((r for r in regions if plain(r) == plain(filters.region)), filters.region)
    return render_template("review/queue.html", fund=fund, page=page, filters=filters, states=workflow.STATES,
                           assign_form=assign_form, sorts=SORTS, flags=FLAGS, searched=searched,
                           excerpts=excerpts, names=names, region=region,
                           ignored=search.ignored(filters.q), max_words=search.MAX_WORDS,
                           agreement=agreement.summary(fund.agreement, review.rubric(fund)),
                           regions=regions if region in regions or not region else [*regions, region],
                           duplicates=duplicates.find([a.id for a, _c in page.items],
                                                      funds_where(current_user, "manage_fund")),
                           sectors=sorted(fund.sectors or SECTORS), reviewers=reviewers,
                           abilities=abilities(current_user, fund.id))


@blueprint.post("/applications/export")
@login_required
def export_queue(fund_id: int):
    """Start the export of the queue, as its page filters it, as background work with a page of its own."""
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    if request.form.get("format") not in queue_export.FORMATS:
        abort(400)
    job = queue_export.start_export(current_user, fund, _filters(fund), request.form["format"])
    return redirect(url_for("tasks.page", job_id=job.id))


@blueprint.get("/reviewers")
@login_required
def workload(fund_id: int):
    """Each reviewer's assignments, reviews done and reviews overdue."""
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    return render_template("review/workload.html", fund=fund, abilities=abilities(current_user, fund.id),
                           workload=_workload(fund, review.reviewers_of(fund)))


def _workload(fund, reviewers: list[User]) -> list[tuple]:
    """(reviewer, assigned, recused, reviewed, open, overdue) for each reviewer of the fund, counted by the
    database: a recused assignment is neither open nor overdue."""
    open_ = and_(Assignment.conflict.is_not(True), Review.id.is_(None))
    late = and_(open_, Assignment.due_date < date.today())
    rows = db.session.execute(
        select(Assignment.reviewer_id, func.count(Assignment.id),
               func.count(case((Assignment.conflict.is_(True), 1))), func.count(Review.id),
               func.count(case((open_, 1))), func.count(case((late, 1))))
        .join(Application, Assignment.application_id == Application.id)
        .outerjoin(Review, and_(Review.application_id == Assignment.application_id,
                                Review.reviewer_id == Assignment.reviewer_id))
        .where(Application.fund_id == fund.id).group_by(Assignment.reviewer_id))
    counts = {reviewer_id: tuple(figures) for reviewer_id, *figures in rows}
    return [(reviewer, *counts.get(reviewer.id, (0, 0, 0, 0, 0))) for reviewer in reviewers]


def application_page(fund, application, assign_form=None, transition_form=None, status=200, typed=None,
                     conflict_reason="", recusal_refused=False, vote_form=None, picked=None):
    """The application's page; typed is a refused review's form, and vote_form a refused vote, shown again
    as the user left them; picked, the reviewer a manager picked among the suggestions."""
    company = db.session.get(Company, application.company_id)
    allowed = abilities(current_user, fund.id)
    manager = "manage_fund" in allowed
    own_review = db.session.scalar(select(Review).where(Review.application_id == application.id,
                                                        Review.reviewer_id == current_user.id))
    assignment = review.assignment_of(current_user, application)
    scores = see_scores(current_user, application)
    reviews = db.session.execute(select(Review, User).join(User, Review.reviewer_id == User.id)
                                 .where(Review.application_id == application.id)).all() if scores else []
    blind = fund.blind_review and not manager
    moves = workflow.moves(application.state, "manager") if manager else []
    if transition_form is None:
        transition_form = TransitionForm(formdata=None, version=application.version)
    transition_form.with_moves(moves)
    if assign_form is None:
        assign_form = AssignForm(formdata=None, reviewer_id=picked)
    assignments = db.session.execute(select(Assignment, User).join(User, Assignment.reviewer_id == User.id)
                                     .where(Assignment.application_id == application.id)).all()
    founder = db.session.get(User, application.founder_id)
    assignable = manager and application.state in workflow.ASSIGNABLE
    found = suggestions.suggest(fund, application) if assignable else None
    assign_form.reviewer_id.choices = _reviewer_choices(found) if found else []
    readable = read_application(current_user, application)
    sits = sits_on_committee(current_user, fund.id)
    seat = committee.seat_of(current_user, application) if sits else None
    member = sits and (application.state == "committee" or seat is not None)
    votes = see_votes(current_user, application)
    seats = committee.seats(application) if votes else []
    revisions = services.revisions(application) if readable else []
    seen = services.last_seen(current_user, application, revisions[-1].number) if revisions else None
    since = revisions[seen - 1] if seen is not None and seen < len(revisions) else None
    return render_template(
        "review/application.html", fund=fund, application=application, company=company, founder=founder,
        blind=blind, show_founder=see_founder(current_user, application, fund.blind_review), manager=manager,
        reviews=reviews, own_review=own_review, assignment=assignment,
        readable=readable, scores=scores, revisions=revisions, since=since,
        changes=services.differences(since, revisions[-1]) if since else [],
        reviewable=application.state in workflow.REVIEWABLE,
        criteria=review.rubric(fund), eligibility=services.eligibility_of(application, fund, company),
        history=services.history(application), states=workflow.STATES, transition_form=transition_form,
        moves=moves, typed=typed or _review_as_typed(own_review), conflict_reason=conflict_reason,
        recusal_refused=recusal_refused,
        possible_duplicates=duplicates.find([application.id], funds_where(current_user, "manage_fund"))
        .get(application.id, []) if manager else [],
        assign_form=assign_form, assignments=assignments, suggestions=found, abilities=allowed,
        member=member, seat=seat, votes=votes, vote_labels=committee.VOTES,
        seats=seats,
        tally=committee.count(fund, application) if votes and (application.state == "committee" or seats)
        else None, decision=committee.decision_of(application) if votes and seats else None,
        vote_form=vote_form or VoteForm(formdata=None).with_votes(committee.VOTES),
        declare_url=_declaration_url(fund, application, assignment, member, seat)), status


def _reviewer_choices(found: suggestions.Suggestions) -> list:
    """The assign form's reviewers: the suggested ones as ranked, then those assigned already (to change
    their due date); none chosen, none in conflict."""
    return chosen([(c.reviewer.id, c.reviewer.name) for c in found.suggested]
                  + [(c.reviewer.id, _("%(name)s (assigned)", name=c.reviewer.name)) for c in found.assigned])


def _declaration_url(fund, application, assignment, member: bool, seat) -> str | None:
    """Where the user declares a conflict or none, if it has yet to: as a reviewer, or a committee member."""
    if assignment is not None and assignment.conflict is None:
        return url_for("review.declare", fund_id=fund.id, application_id=application.id)
    if member and seat is None and application.state == "committee":
        return url_for("committee.declare", fund_id=fund.id, application_id=application.id)
    return None


def _review_as_typed(own_review) -> dict:
    """A saved review as its form's values (n/a for a criterion it left out)."""
    if own_review is None:
        return {}
    values = {f"score-{key}": "na" if value is None else str(value)
              for key, value in own_review.scores.items()}
    return values | {"recommendation": own_review.recommendation, "comment": own_review.comment}


@blueprint.get("/applications/<int:application_id>")
@login_required
def application(fund_id: int, application_id: int):
    fund = fund_or_404(current_user, fund_id)
    return application_page(fund, application_or_404(current_user, fund_id, application_id),
                            picked=query_number("reviewer"))


@blueprint.get("/applications/<int:application_id>/revisions")
@login_required
def revisions(fund_id: int, application_id: int):
    """Each submission of the application, and what changed between two of them, field by field."""
    fund = fund_or_404(current_user, fund_id)
    application = application_or_404(current_user, fund_id, application_id)
    if not read_application(current_user, application):
        abort(404)
    kept = services.revisions(application)
    if not kept:
        abort(404)
    later = _revision_number("to", len(kept), len(kept))
    earlier = _revision_number("from", later - 1 or 1, len(kept))
    return render_template("review/revisions.html", fund=fund, application=application, revisions=kept,
                           earlier=kept[earlier - 1], later=kept[later - 1],
                           company=db.session.get(Company, application.company_id),
                           changes=services.differences(kept[earlier - 1], kept[later - 1]),
                           abilities=abilities(current_user, fund.id))


def _revision_number(name: str, default: int, highest: int) -> int:
    """A revision number from the query string, within 1..highest; the default when it is not one."""
    number = query_number(name)
    return number if number is not None and 1 <= number <= highest else default


@blueprint.post("/applications/<int:application_id>/assignments")
@login_required
def assign(fund_id: int, application_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    application = application_or_404(current_user, fund_id, application_id)
    form = AssignForm()
    form.reviewer_id.choices = chosen((r.id, r.name) for r in review.reviewers_of(fund))
    if form.validate_on_submit():
        try:
            review.assign(current_user, fund, application, form.reviewer_id.data, form.due_date.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Reviewer assigned."), "success")
            return redirect(url_for("review.application", fund_id=fund.id, application_id=application.id))
    return application_page(fund, application, assign_form=form, status=422)


@blueprint.post("/applications/assignments")
@login_required
def assign_many(fund_id: int):
    """Assign one reviewer to every application ticked in the queue, with one due date."""
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    form = AssignForm()
    form.reviewer_id.choices = [(r.id, r.name) for r in review.reviewers_of(fund)]
    ids = form_ids("application_ids")
    if not form.validate_on_submit() or not ids:
        flash(_("Tick applications and choose a reviewer."), "danger")
        return redirect(url_for("review.applications", fund_id=fund.id))
    try:
        for application_id in ids:
            review.assign(current_user, fund, application_or_404(current_user, fund.id, application_id),
                          form.reviewer_id.data, form.due_date.data)
    except Refused as refusal:
        flash(" ".join(refusal.fields.values()), "danger")
    else:
        flash(ngettext("%(num)d application assigned.", "%(num)d applications assigned.", len(ids)),
              "success")
    return redirect(request.referrer or url_for("review.applications", fund_id=fund.id))


@blueprint.post("/applications/<int:application_id>/transitions")
@login_required
def transition(fund_id: int, application_id: int):
    """Take a step; a step that tells the founder is first shown as the founder will receive it."""
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    application = application_or_404(current_user, fund_id, application_id)
    form = DecisionForm().with_moves(workflow.moves(application.state, "manager"))
    if str(application.version) != (form.version.data or ""):
        # Someone moved it since this page was shown: what the user typed stays on the page.
        form.to.errors = [_("Someone else moved this application meanwhile: it is now %(state)s. Your text "
                            "is kept below; check the application before you go on.",
                            state=workflow.STATES[application.state])]
        form.version.data = str(application.version)
        return application_page(fund, application, transition_form=form, status=409)
    if form.validate_on_submit():
        to = form.to.data
        if to in workflow.TOLD and not form.confirm.data:
            if not (form.message.data or "").strip():
                form.message.data = review.message_template(fund, to)
            return _preview(fund, application, form)
        try:
            review.decide(current_user, fund, application, to, form.reason.data, form.message.data or "",
                          form.justification.data or "")
        except Refused as refusal:
            show_refusal(form, refusal)
            if to in workflow.TOLD:
                return _preview(fund, application, form, status=refusal.status)
        else:
            flash(_("Decision recorded and sent to the founder.") if to in workflow.DECISIONS else
                  _("Request recorded and sent to the founder.") if to in workflow.TOLD else
                  _("Step recorded."), "success")
            return redirect(url_for("review.application", fund_id=fund.id, application_id=application.id))
    return application_page(fund, application, transition_form=form, status=422)


def _preview(fund, application, form, status: int = 200):
    """The step as the founder will receive it; before the committee, its tally and what it allows."""
    to = form.to.data
    notice = review.founder_notice(fund, application, to, form.message.data or "")
    tally = committee.count(fund, application) if application.state == "committee" and \
        to in workflow.DECISIONS else None
    return render_template("review/decision.html", fund=fund, application=application, form=form,
                           abilities=abilities(current_user, fund.id),
                           company=db.session.get(Company, application.company_id), notice=notice,
                           step=workflow.STATES[to], decision=to in workflow.DECISIONS, tally=tally,
                           against=tally is not None and committee.against_majority(tally, to)), status


@blueprint.get("/applications/<int:application_id>/deck")
@login_required
def deck(fund_id: int, application_id: int):
    fund_or_404(current_user, fund_id)
    application = application_or_404(current_user, fund_id, application_id)
    if not read_application(current_user, application):
        abort(404)
    path = services.deck_path(application)
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"application-{application.id}-deck.pdf")


@blueprint.get("/reviews")
@login_required
def my_reviews(fund_id: int):
    fund = fund_or_404(current_user, fund_id, "review")
    rows = db.session.execute(
        select(Assignment, Application, Company)
        .join(Application, Assignment.application_id == Application.id)
        .join(Company, Application.company_id == Company.id)
        .where(Application.fund_id == fund.id, Assignment.reviewer_id == current_user.id)
        .order_by(Assignment.due_date.nulls_last(), Application.id)).all()
    reviewed = set(db.session.scalars(select(Review.application_id).where(
        Review.reviewer_id == current_user.id, Review.fund_id == fund.id)))
    return render_template("review/mine.html", fund=fund, rows=rows, reviewed=reviewed, today=date.today(),
                           states=workflow.STATES, abilities=abilities(current_user, fund.id))


@blueprint.post("/applications/<int:application_id>/declaration")
@login_required
def declare(fund_id: int, application_id: int):
    fund = fund_or_404(current_user, fund_id, "review")
    application = application_or_404(current_user, fund_id, application_id)
    try:
        review.declare(current_user, fund, application, request.form.get("conflict") == "yes",
                       request.form.get("reason", ""))
    except Refused as refusal:
        if refusal.status == 404:
            abort(404)
        flash(" ".join(refusal.fields.values()), "danger")
        return application_page(fund, application, status=refusal.status,
                                conflict_reason=request.form.get("reason", ""),
                                recusal_refused=request.form.get("conflict") == "yes")
    else:
        flash(_("Declaration recorded."), "success")
    return redirect(url_for("review.application", fund_id=fund.id, application_id=application.id))


def score_of(text: str):
    """A score as typed: a whole number, or the text itself, which the review refuses on its field."""
    try:
        return inputs.whole_number(text, -inputs.MAX_ID, inputs.MAX_ID)
    except inputs.InputError:
        return text


@blueprint.post("/applications/<int:application_id>/review")
@login_required
def score(fund_id: int, application_id: int):
    fund = fund_or_404(current_user, fund_id, "review")
    application = application_or_404(current_user, fund_id, application_id)
    scores = {}
    for criterion in review.rubric(fund):
        raw = request.form.get(f"score-{criterion.id}", "")
        if raw:                                     # left unanswered: the review refuses it
            scores[criterion.id] = None if raw == "na" else score_of(raw)
    try:
        review.save_review(current_user, fund, application, scores, request.form.get("recommendation", ""),
                           request.form.get("comment", ""))
    except Refused as refusal:
        if refusal.status == 404:
            abort(404)
        flash(" ".join(refusal.fields.values()), "danger")
        return application_page(fund, application_or_404(current_user, fund_id, application_id),
                                status=refusal.status, typed=request.form)
    flash(_("Your review is saved."), "success")
    return redirect(url_for("review.application", fund_id=fund.id, application_id=application.id))
