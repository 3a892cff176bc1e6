"""The manager's queue of a fund's applications: filters, sorting and pagination as one query."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, and_, cast, exists, select

from fundapp.applications.models import Application, Assignment, Review
from fundapp.applications.workflow import STATES
from fundapp.portfolio.models import Company

SORTS = {
    "normalized": Application.normalized_score.desc(),
    "score": Application.score.desc(),
    "newest": Application.submitted_at.desc(),
    "oldest": Application.submitted_at.asc(),
    "amount": Application.requested_amount.desc(),
}
FLAGS = ("disagreement", "failing", "unreviewed", "overdue")


@dataclass
class Filters:
    state: str = ""
    sector: str = ""
    region: str = ""
    min_amount: int | None = None
    max_amount: int | None = None
    min_score: float | None = None
    max_score: float | None = None
    flag: str = ""
    reviewer_id: int | None = None
    sort: str = "normalized"


def queue(fund_id: int, filters: Filters, today: date | None = None):
    """(application, company) rows of the fund matching the filters, in the chosen order; drafts never."""
    query = (select(Application, Company).join(Company, Application.company_id == Company.id)
             .where(Application.fund_id == fund_id, Application.state != "draft"))
    if filters.state in STATES:
        query = query.where(Application.state == filters.state)
    if filters.sector:
        query = query.where(Company.sector == filters.sector)
    if filters.region:
        query = query.where(Company.region == filters.region)
    if filters.min_amount is not None:
        query = query.where(Application.requested_amount >= filters.min_amount)
    if filters.max_amount is not None:
        query = query.where(Application.requested_amount <= filters.max_amount)
    if filters.min_score is not None:
        query = query.where(Application.normalized_score >= filters.min_score)
    if filters.max_score is not None:
        query = query.where(Application.normalized_score <= filters.max_score)
    if filters.flag == "disagreement":
        query = query.where(Application.disagreement_flag.is_(True))
    elif filters.flag == "failing":
        query = query.where(cast(Application.failing_criteria, String) != "[]")
    elif filters.flag == "unreviewed":
        query = query.where(Application.review_count == 0, Application.state.in_(("screening", "in_review")))
    elif filters.flag == "overdue":
        reviewed = exists().where(Review.application_id == Assignment.application_id,
                                  Review.reviewer_id == Assignment.reviewer_id)
        query = query.where(exists().where(and_(
            Assignment.application_id == Application.id, Assignment.due_date < (today or date.today()),
            Assignment.conflict.is_not(True), ~reviewed)))
    if filters.reviewer_id is not None:
        query = query.where(exists().where(Assignment.application_id == Application.id,
                                           Assignment.reviewer_id == filters.reviewer_id))
    order = SORTS.get(filters.sort, SORTS["normalized"])
    return query.order_by(order.nulls_last(), Application.id.desc())
