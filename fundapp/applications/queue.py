"""The manager's queue of a fund's applications: filters, sorting and pagination as one query."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, String, and_, cast, exists, false, func, select

from fundapp.applications import search
from fundapp.applications.models import Application, Assignment, Review
from fundapp.applications.workflow import REVIEWABLE, STATES
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from fundapp.revisions import cached
from fundapp.text import plain

SORTS = {
    "normalized": Application.normalized_score.desc(),
    "score": Application.score.desc(),
    "newest": Application.submitted_at.desc(),
    "oldest": Application.submitted_at.asc(),
    "amount": Application.requested_amount.desc(),
}
RELEVANCE = "relevance"     # the best match first: a sort only a search has
FLAGS = ("disagreement", "failing", "unreviewed", "overdue")


@dataclass
class Filters:
    q: str = ""
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


def _conditions(fund_id: int, filters: Filters, today: date | None) -> list:
    """The filters as conditions on applications alone (company fields through a subquery)."""
    conditions = [Application.fund_id == fund_id, Application.state != "draft"]
    if filters.state in STATES:
        conditions.append(Application.state == filters.state)
    companies = []
    if filters.sector:
        companies.append(Company.sector == filters.sector.lower())
    if filters.region:
        spellings = [r for r in regions(fund_id) if plain(r) == plain(filters.region)]
        companies.append(Company.region.in_(spellings) if spellings else false())
    if companies:
        conditions.append(Application.company_id.in_(select(Company.id).where(*companies)))
    if filters.min_amount is not None:
        conditions.append(Application.requested_amount >= filters.min_amount)
    if filters.max_amount is not None:
        conditions.append(Application.requested_amount <= filters.max_amount)
    if filters.min_score is not None:
        conditions.append(Application.normalized_score >= filters.min_score)
    if filters.max_score is not None:
        conditions.append(Application.normalized_score <= filters.max_score)
    if filters.flag == "disagreement":
        conditions.append(Application.disagreement_flag.is_(True))
    elif filters.flag == "failing":
        conditions.append(cast(Application.failing_criteria, String) != "[]")
    elif filters.flag == "unreviewed":
        conditions += [Application.review_count == 0, Application.state.in_(REVIEWABLE)]
    elif filters.flag == "overdue":
        reviewed = exists().where(Review.application_id == Assignment.application_id,
                                  Review.reviewer_id == Assignment.reviewer_id)
        conditions.append(exists().where(and_(
            Assignment.application_id == Application.id, Assignment.due_date < (today or date.today()),
            Assignment.conflict.is_not(True), ~reviewed)))
    if filters.reviewer_id is not None:
        conditions.append(exists().where(Assignment.application_id == Application.id,
                                         Assignment.reviewer_id == filters.reviewer_id))
    return conditions


def queue(fund_id: int, filters: Filters, today: date | None = None) -> Select:
    """(application, company) rows of the fund matching the filters and the search, in the chosen order
    (by relevance, the best match first, when searched and no other order is chosen); drafts never."""
    statement = (select(Application, Company).join(Company, Application.company_id == Company.id)
                 .where(*_conditions(fund_id, filters, today)))
    query = search.parse(filters.q)
    if query is None:
        return statement.order_by(SORTS.get(filters.sort, SORTS["normalized"]).nulls_last(),
                                  Application.id.desc())
    found = search.matches(query)
    order = found.c.rank.asc() if filters.sort == RELEVANCE else SORTS.get(filters.sort, SORTS["normalized"])
    return statement.join(found, found.c.id == Application.id).order_by(order.nulls_last(),
                                                                         Application.id.desc())


def queue_size(fund_id: int, filters: Filters, today: date | None = None) -> Select:
    """How many applications match: counted on the applications' indexes (and the search's), without the
    companies."""
    statement = select(func.count()).select_from(Application).where(*_conditions(fund_id, filters, today))
    query = search.parse(filters.q)
    if query is None:
        return statement
    found = search.matches(query)
    return statement.join(found, found.c.id == Application.id)


def regions(fund_id: int) -> list[str]:
    """Every spelling of the regions of the companies that applied to the fund, computed once per
    activity revision of the fund."""
    def distinct() -> list[str]:
        return list(db.session.scalars(
            select(Company.region).distinct()
            .where(Company.id.in_(select(Application.company_id).where(Application.fund_id == fund_id,
                                                                       Application.state != "draft")),
                   Company.region != "")))
    return cached("regions", fund_id, None, distinct, revision=Fund.activity_revision)


def offered_regions(fund_id: int) -> list[str]:
    """The fund's regions as its filter offers them: one per name, whatever its case or accents, in a
    spelling neither all capitals nor all lower case when there is one."""
    names: dict[str, str] = {}
    for region in sorted(regions(fund_id), key=lambda r: (r.isupper() or r.islower(), r)):
        names.setdefault(plain(region), region)
    return sorted(names.values(), key=plain)
