"""/api/v1/applications/{id}/reviewer-suggestions (the fund's managers) and /api/v1/users/me/expertise (one's
own declared expertise, which they read): SPEC 14."""
from functools import wraps

from flask import abort, g
from flask_smorest import Blueprint

from fundapp.api.applications import with_application
from fundapp.api.auth import authenticated
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import ExpertiseSchema, ReviewerSuggestionsSchema
from fundapp.applications import suggestions
from fundapp.applications.models import Application
from fundapp.funds.models import Fund

blp = Blueprint("api_suggestions", __name__, url_prefix="/api/v1",
                description="Reviewers suggested for an application, ranked, and those left out (managers).")
expertise_blp = Blueprint("api_expertise", __name__, url_prefix="/api/v1/users/me",
                          description="One's own expertise, which the suggestions of reviewers read.")
documented_errors = errors_of(blp)
expertise_errors = errors_of(expertise_blp)


def candidate_json(candidate: suggestions.Candidate) -> dict:
    reviewer = candidate.reviewer
    return {"reviewer_id": reviewer.id, "name": reviewer.name, "score": candidate.score,
            "sector_declared": bool(candidate.sector), "matched_keywords": list(candidate.keywords),
            "past_reviews": candidate.past_reviews, "open_reviews": candidate.open_reviews,
            "declared_sectors": candidate.declared_sectors, "declared_keywords": candidate.declared_keywords,
            "reasons": candidate.reasons, "conflicts": list(candidate.conflicts)}


@blp.route("/applications/<int:application_id>/reviewer-suggestions", methods=["GET"])
@authenticated
@with_application(only="manager")
@blp.response(200, ReviewerSuggestionsSchema)
@documented_errors
def reviewer_suggestions(application: Application, fund: Fund, part: str):
    """The fund's reviewers for the application: those suggested, best first, with the reasons of their
    points; those assigned already; those left out for a conflict the data shows, with why."""
    found = suggestions.suggest(fund, application)
    return {"application_id": application.id, "rule": found.rule,
            **{group: [candidate_json(c) for c in getattr(found, group)]
               for group in ("suggested", "assigned", "left_out")}}


def _expertise(user) -> dict:
    return {"sectors": list(user.expertise_sectors or []),
            "keywords": suggestions.keyword_list(user.expertise_keywords)}


def _staff(view):
    """Expertise is declared by staff, whom funds ask to review; a founder learns nothing here (404)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.api_user.is_founder:
            abort(404)
        return view(*args, **kwargs)
    return wrapper


@expertise_blp.route("/expertise", methods=["GET"])
@authenticated
@_staff
@expertise_blp.response(200, ExpertiseSchema)
@expertise_errors
def expertise():
    """The sectors (codes) and keywords one declared."""
    return _expertise(g.api_user)


@expertise_blp.route("/expertise", methods=["PUT"])
@authenticated
@_staff
@expertise_blp.arguments(ExpertiseSchema)
@expertise_blp.response(200, ExpertiseSchema)
@expertise_errors
def declare_expertise(body):
    """Replace the sectors and keywords one declared: at most 20 keywords of 40 characters each."""
    suggestions.declare_expertise(g.api_user, body["sectors"], body["keywords"])
    return _expertise(g.api_user)
