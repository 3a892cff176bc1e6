"""Applications, the rubric, assignments, conflicts and reviews in the API (SPEC section 7)."""
from dataclasses import asdict
from datetime import date
from functools import wraps

from flask import abort, current_app, g
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload

from fundapp import inputs
from fundapp.api.auth import authenticated, fund_scoped
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import (
    ApplicationEditSchema,
    ApplicationListQuerySchema,
    ApplicationSchema,
    AssignmentSchema,
    ConflictSchema,
    CriterionSchema,
    DeckSchema,
    DuplicateSchema,
    FundMessageSchema,
    ReviewSchema,
    RevisionSchema,
    TransitionSchema,
    VoteSchema,
    WithdrawalSchema,
)
from fundapp.applications import committee, duplicates, review, search, services
from fundapp.applications.models import Application, Criterion
from fundapp.applications.queue import RELEVANCE, Filters, queue
from fundapp.auth.permissions import (
    application_part,
    can,
    funds_where,
    read_application,
    see_scores,
    see_votes,
    sits_on_committee,
)
from fundapp.errors import Refused
from fundapp.extensions import db, limiter
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from fundapp.reporting.minutes import minutes as minutes_pdf
from fundapp.web.files import pdf_response
from fundapp.web.query import signed_in_user

blp = Blueprint("api_applications", __name__, url_prefix="/api/v1",
                description="Applications, rubrics, assignments, conflicts and reviews.")
documented_errors = errors_of(blp)
FIELDS = ("stage", "pitch", "problem", "solution", "market", "business_model", "traction", "team",
          "use_of_funds", "full_time", "part_time", "jobs_expected")


def application_json(application: Application, scores: bool = False) -> dict:
    """The application as the API gives it: to its founder as the founder is editing it, to the fund as
    the fund received it; its scores only to whom see_scores allows them (sealed scores; never to its
    founder)."""
    founder = getattr(g, "api_user", None) is not None and application.founder_id == g.api_user.id
    fields = services.editing(application) if founder else application
    return {"id": application.id, "fund_id": application.fund_id, "company_id": application.company_id,
            "state": application.state, "requested_amount": fields.requested_amount,
            **{field: getattr(fields, field) for field in FIELDS},
            "score": application.score if scores else None,
            "normalized_score": application.normalized_score if scores else None,
            "disagreement": application.disagreement if scores else None,
            "failing_criteria": (application.failing_criteria or []) if scores else []}


def resolve(application_id: int, for_founder: bool = False) -> tuple[Application, Fund, str]:
    """The application, its fund and the caller's part (permissions.application_part); else 404."""
    application = db.session.get(Application, application_id)
    part = application_part(g.api_user, application) if application is not None else None
    if part is None or (for_founder and part != "founder"):
        abort(404)
    fund = db.session.get(Fund, application.fund_id, options=[joinedload(Fund.country)])
    g.currency = fund.currency
    return application, fund, part


def with_application(for_founder: bool = False, only=None, otherwise: int = 403):
    """Resolve the path's application for the caller before the body is read (404 when not theirs;
    `otherwise` when the caller's part is not `only`, or when `only(part, application)` says no); the
    view receives application=, fund=, part=."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, application_id: int, **kwargs):
            application, fund, part = resolve(application_id, for_founder)
            if only is not None and not (only(part, application) if callable(only) else part == only):
                abort(otherwise)
            return view(*args, application=application, fund=fund, part=part, **kwargs)
        return wrapper
    return decorate


def open_fund_for_founder(view):
    """Only a founder may start an application, and only to a fund open for applications."""
    @wraps(view)
    def wrapper(*args, fund_id: int, **kwargs):
        fund = db.session.get(Fund, fund_id)
        if fund is None or not g.api_user.is_founder or not fund.open_for_applications:
            abort(404)
        g.currency = fund.currency
        return view(*args, fund=fund, **kwargs)
    return wrapper


@blp.route("/funds/<int:fund_id>/applications", methods=["GET"])
@authenticated
@fund_scoped("manage_fund")
@blp.arguments(ApplicationListQuerySchema, location="query")
@blp.response(200, ApplicationSchema(many=True))
@documented_errors
def list_applications(query, fund: Fund):
    """The fund's applications (drafts never), searched, filtered, sorted, one page at a time; in a search,
    each with the words found and where."""
    searched = search.parse(query["q"])
    sort = query["sort"] or (RELEVANCE if searched else "normalized")
    filters = Filters(q=query["q"], state=query["state"], sector=query["sector"], region=query["region"],
                      flag=query["flag"], sort=sort)
    rows = db.session.execute(queue(fund.id, filters)
                              .limit(query["per_page"]).offset((query["page"] - 1) * query["per_page"])).all()
    found = duplicates.find([application.id for application, _company in rows],
                            funds_where(g.api_user, "manage_fund"))
    listed = []
    for application, company in rows:
        row = application_json(application, scores=True)
        row["possible_duplicates"] = [d.application_id for d in found.get(application.id, [])]
        if searched:
            texts = {"name": company.name, **search.texts(application)}
            row["matched"] = search.matched_words(searched, texts)
            row["excerpt"] = search.excerpt(searched, texts).striptags()
        listed.append(row)
    return listed


@blp.route("/funds/<int:fund_id>/applications", methods=["POST"])
@authenticated
@open_fund_for_founder
@blp.arguments(ApplicationSchema)
@blp.response(201, ApplicationSchema)
@documented_errors
def create_application(body, fund: Fund):
    """A founder starts (or finds) its company's draft to an open fund and saves what it sends."""
    company = db.session.get(Company, body["company_id"])
    if company is None or company.owner_id != g.api_user.id:
        raise Refused({"company_id": _("Choose one of your companies.")})
    application = services.start_application(g.api_user, fund, company)
    db.session.flush()
    services.save_draft(g.api_user, application, fund, body)
    created = application_json(application)
    return created


@blp.route("/applications/<int:application_id>", methods=["GET"])
@authenticated
@with_application()
@blp.response(200, ApplicationSchema)
@documented_errors
def get_application(application: Application, fund: Fund, part: str):
    """One application: its founder's, a manager's of the fund, or an assigned reviewer's once it has
    declared no conflict; its scores as see_scores allows."""
    if not read_application(g.api_user, application):
        abort(404)
    return application_json(application, scores=bool(see_scores(g.api_user, application)))


@blp.route("/applications/<int:application_id>", methods=["PATCH"])
@authenticated
@with_application(for_founder=True)
@blp.arguments(ApplicationEditSchema(partial=True))
@blp.response(200, ApplicationSchema)
@documented_errors
def edit_application(body, application: Application, fund: Fund, part: str):
    """The founder changes its draft, or its application while the fund asks for changes: the fields it
    sends change, the others are kept."""
    services.save_draft(g.api_user, application, fund, services.draft_values(application, fund) | body)
    return application_json(application)


@blp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@authenticated
@with_application(for_founder=True)
@blp.arguments(WithdrawalSchema)
@blp.response(200, ApplicationSchema)
@documented_errors
def withdraw(body, application: Application, fund: Fund, part: str):
    """The founder withdraws its application before a decision, saying why."""
    services.withdraw(g.api_user, application, body["reason"])
    return application_json(application)


@blp.route("/applications/<int:application_id>/messages", methods=["GET"])
@authenticated
@with_application(for_founder=True)
@blp.response(200, FundMessageSchema(many=True))
@documented_errors
def messages(application: Application, fund: Fund, part: str):
    """What the fund told the founder about this application, newest first (never internal reasons)."""
    return services.messages_of(application)


@blp.route("/applications/<int:application_id>/reviews", methods=["GET"])
@authenticated
@with_application()
@blp.response(200, ReviewSchema(many=True))
@documented_errors
def reviews(application: Application, fund: Fund, part: str):
    """The application's reviews: for those who run the fund, and for an assigned reviewer once it has
    submitted its own (sealed scores); never for the founder."""
    if not see_scores(g.api_user, application):
        abort(403 if part == "reviewer" else 404)
    return review.reviews_of(application)


@blp.route("/applications/<int:application_id>/deck", methods=["POST"])
@authenticated
@limiter.limit(lambda: current_app.config["DECK_UPLOAD_RATE_LIMIT"], key_func=signed_in_user)
@with_application(for_founder=True)
@blp.arguments(DeckSchema, location="files")
@blp.response(201, ApplicationSchema)
@documented_errors
def upload_deck(files, application: Application, fund: Fund, part: str):
    """Upload the pitch deck (multipart field `deck`): a real PDF of at most 20 MB."""
    upload = files["deck"]
    with upload.stream:
        services.store_deck(application, upload.filename, upload.read(services.DECK_LIMIT + 1))
    done = application_json(application)
    return done


@blp.route("/applications/<int:application_id>/submit", methods=["POST"])
@authenticated
@with_application(for_founder=True)
@blp.response(200, ApplicationSchema)
@documented_errors
def submit(application: Application, fund: Fund, part: str):
    """Submit a complete, eligible draft; submitting again creates nothing new."""
    services.submit(g.api_user, application, fund, db.session.get(Company, application.company_id))
    done = application_json(application)
    return done


@blp.route("/applications/<int:application_id>/resubmit", methods=["POST"])
@authenticated
@with_application(for_founder=True)
@blp.response(200, ApplicationSchema)
@documented_errors
def resubmit(application: Application, fund: Fund, part: str):
    """Send back an application the fund asked to change: it returns to the state it was asked from, as
    a new revision."""
    services.resubmit(g.api_user, application, fund, db.session.get(Company, application.company_id))
    return application_json(application)


@blp.route("/applications/<int:application_id>/revisions", methods=["GET"])
@authenticated
@with_application()
@blp.response(200, RevisionSchema(many=True))
@documented_errors
def revisions(application: Application, fund: Fund, part: str):
    """Each submission of the application, oldest first, with the fields changed since the one before:
    for its founder, the fund's managers and a reviewer who may read it."""
    if not read_application(g.api_user, application):
        abort(404)
    return services.revisions(application)


@blp.route("/applications/<int:application_id>/transitions", methods=["POST"])
@authenticated
@with_application()
@blp.arguments(TransitionSchema)
@blp.response(200, ApplicationSchema)
@documented_errors
def transition(body, application: Application, fund: Fund, part: str):
    """Move the application one step of the workflow, with a reason (managers; founders withdraw)."""
    if part not in ("manager", "founder"):
        abort(403)
    if part == "founder":
        if body["to"] != "withdrawn":
            raise Refused({"to": _("A founder can only withdraw.")}, status=409)
        services.withdraw(g.api_user, application, body["reason"])
    else:
        review.decide(g.api_user, fund, application, body["to"], body["reason"], body["message"],
                      body["justification"])
    done = application_json(application, scores=bool(see_scores(g.api_user, application)))
    return done


@blp.route("/applications/<int:application_id>/assignments", methods=["POST"])
@authenticated
@with_application(only="manager")
@blp.arguments(AssignmentSchema)
@blp.response(201, AssignmentSchema)
@documented_errors
def assign(body, application: Application, fund: Fund, part: str):
    """Assign a reviewer of the fund (managers)."""
    assignment = review.assign(g.api_user, fund, application, body["reviewer_id"], body["due_date"])
    db.session.flush()
    done = {"id": assignment.id, "reviewer_id": assignment.reviewer_id, "due_date": assignment.due_date}
    return done


@blp.route("/applications/<int:application_id>/duplicates", methods=["GET"])
@authenticated
@with_application(only="manager")
@blp.response(200, DuplicateSchema(many=True))
@documented_errors
def list_duplicates(application: Application, fund: Fund, part: str):
    """Its possible duplicates in the funds the manager runs: the same normalised registration number, or
    a near-identical pitch and problem (managers)."""
    found = duplicates.find([application.id], funds_where(g.api_user, "manage_fund"))
    return [asdict(duplicate) for duplicate in found.get(application.id, [])]


def voter(part: str | None, application: Application) -> bool:
    """Whether the caller, who may open the application, sits on its fund's investment committee."""
    return part is not None and part != "founder" and sits_on_committee(g.api_user, application.fund_id)


@blp.route("/applications/<int:application_id>/conflict", methods=["POST"])
@authenticated
@with_application(only=lambda part, application: part == "reviewer" or voter(part, application),
                  otherwise=404)
@blp.arguments(ConflictSchema)
@blp.response(200, ConflictSchema)
@documented_errors
def conflict(body, application: Application, fund: Fund, part: str):
    """The assigned reviewer, or a member of the committee the application is before, declares a
    conflict (it is recused) or none."""
    as_member = voter(part, application) and (part != "reviewer" or application.state == "committee")
    declare = committee.declare if as_member else review.declare
    declare(g.api_user, fund, application, body["conflict"], body["reason"])
    return {"conflict": body["conflict"]}


def vote_json(seat, member) -> dict:
    return {"member_id": member.id, "member": member.name, "conflict": seat.conflict,
            "conflict_reason": seat.conflict_reason, "vote": seat.vote, "comment": seat.comment,
            "voted_at": seat.voted_at}


@blp.route("/applications/<int:application_id>/votes", methods=["POST"])
@authenticated
@with_application(only=voter, otherwise=404)
@blp.arguments(VoteSchema)
@blp.response(201, VoteSchema)
@documented_errors
def cast_vote(body, application: Application, fund: Fund, part: str):
    """A committee member's vote (approve, decline or abstain) with its comment, once, after declaring
    no conflict."""
    seat = committee.cast(g.api_user, fund, application, body["vote"], body["comment"])
    return vote_json(seat, g.api_user)


@blp.route("/applications/<int:application_id>/votes", methods=["GET"])
@authenticated
@with_application()
@blp.response(200, VoteSchema(many=True))
@documented_errors
def votes(application: Application, fund: Fund, part: str):
    """The committee's declarations and votes: for those who run the fund, and for a member once it has
    voted (sealed votes)."""
    if not see_votes(g.api_user, application):
        abort(404 if part == "founder" else 403)
    return [vote_json(seat, member) for seat, member in committee.seats(application)]


@blp.route("/applications/<int:application_id>/minutes", methods=["GET"])
@authenticated
@with_application()
@blp.doc(responses={"200": {"description": "The minutes", "content": {"application/pdf": {
    "schema": {"type": "string", "format": "binary"}}}}})
@documented_errors
def minutes(application: Application, fund: Fund, part: str):
    """The committee's minutes on the application, a PDF in the fund's language (as votes allows)."""
    if not see_votes(g.api_user, application):
        abort(404 if part == "founder" else 403)
    return pdf_response(minutes_pdf(fund, application, date.today()),
                        f"committee-minutes-application-{application.id}.pdf")


@blp.route("/applications/<int:application_id>/reviews", methods=["POST"])
@authenticated
@with_application(only="reviewer", otherwise=404)
@blp.arguments(ReviewSchema)
@blp.response(201, ReviewSchema)
@documented_errors
def create_review(body, application: Application, fund: Fund, part: str):
    """The assigned reviewer's scores per criterion (null for n/a), recommendation and comment."""
    scores = {}
    for key, value in body["scores"].items():
        try:
            scores[inputs.whole_number(key, 1, inputs.MAX_ID)] = value
        except inputs.InputError:
            raise Refused({"scores": _("Unknown criterion: %(id)s.", id=key)}) from None
    saved = review.save_review(g.api_user, fund, application, scores, body["recommendation"],
                               body["comment"])
    done = {"id": saved.id, "reviewer_id": saved.reviewer_id, "scores": saved.scores,
            "recommendation": saved.recommendation, "comment": saved.comment, "score": saved.score}
    return done


def criterion_json(criterion) -> dict:
    return {"id": criterion.id, "name": criterion.name, "guidance": criterion.guidance,
            "weight": float(criterion.weight), "scale_min": criterion.scale_min,
            "scale_max": criterion.scale_max,
            "minimum": float(criterion.minimum) if criterion.minimum is not None else None,
            "allow_na": criterion.allow_na}


@blp.route("/funds/<int:fund_id>/rubric", methods=["GET"])
@authenticated
@fund_scoped()
@blp.response(200, CriterionSchema(many=True))
@documented_errors
def get_rubric(fund: Fund):
    """The fund's criteria, in order."""
    if not (can(g.api_user, "manage_fund", fund.id) or can(g.api_user, "review", fund.id)):
        abort(403)
    return [criterion_json(c) for c in review.rubric(fund)]


@blp.route("/funds/<int:fund_id>/rubric", methods=["POST"])
@authenticated
@fund_scoped("manage_fund")
@blp.arguments(CriterionSchema)
@blp.response(201, CriterionSchema)
@documented_errors
def add_criterion(body, fund: Fund):
    """Add a criterion to the fund's rubric (managers)."""
    criterion = review.add_criterion(g.api_user, fund, body["name"], body["guidance"], body["weight"],
                                     body["scale_min"], body["scale_max"], body["minimum"], body["allow_na"])
    db.session.flush()
    done = criterion_json(criterion)
    return done




@blp.route("/funds/<int:fund_id>/rubric/<int:criterion_id>", methods=["PUT"])
@authenticated
@fund_scoped("manage_fund")
@blp.arguments(CriterionSchema)
@blp.response(200, CriterionSchema)
@documented_errors
def update_criterion(body, fund: Fund, criterion_id: int):
    """Change a criterion of the fund's rubric (managers); every stored score follows."""
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.fund_id != fund.id:
        abort(404)
    review.update_criterion(g.api_user, fund, criterion, body["name"], body["guidance"], body["weight"],
                            body["scale_min"], body["scale_max"], body["minimum"], body["allow_na"])
    return criterion_json(criterion)
