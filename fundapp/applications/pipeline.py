"""A fund's pipeline as of a date, from the applications' state history: received, by state,
approved, time to decision, scores and sectors (for the quarterly report and the open-data page).
Counted by the database, so that a national call for applications stays cheap to report on."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from statistics import median

from sqlalchemy import and_, case, func, select

from fundapp.applications.models import Application, StateChange
from fundapp.extensions import db
from fundapp.portfolio.models import Company

DECISIONS = ("approved", "declined")
SCORE_BANDS = ((0, 20), (20, 40), (40, 60), (60, 80), (80, 101))


@dataclass
class Pipeline:
    as_of: date
    received: int = 0                       # submitted on or before as_of
    received_in_quarter: int = 0
    by_state: Counter = field(default_factory=Counter)
    approved: int = 0                       # decisions taken by as_of
    declined: int = 0
    median_days_to_decision: float | None = None
    score_bands: list[tuple[str, int]] = field(default_factory=list)
    sectors: Counter = field(default_factory=Counter)

    @property
    def approval_rate(self) -> float | None:
        decided = self.approved + self.declined
        return self.approved / decided if decided else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pipeline(fund_id: int, as_of: date, quarter_start: date | None = None) -> Pipeline:
    """The pipeline as it stood at the end of as_of; received_in_quarter counts from quarter_start."""
    end = datetime.combine(as_of, time.max, tzinfo=UTC)
    received = and_(Application.fund_id == fund_id, Application.submitted_at.is_not(None),
                    Application.submitted_at <= end)
    result = Pipeline(as_of, received=db.session.scalar(select(func.count(Application.id)).where(received)))
    if quarter_start is not None:
        start = datetime.combine(quarter_start, time.min, tzinfo=UTC)
        result.received_in_quarter = db.session.scalar(
            select(func.count(Application.id)).where(received, Application.submitted_at >= start))
    # the state of each application received: the last step it took by the end of the day
    last_step = (select(func.max(StateChange.id).label("id"))
                 .join(Application, StateChange.application_id == Application.id)
                 .where(received, StateChange.at <= end).group_by(StateChange.application_id).subquery())
    states = Counter(dict(db.session.execute(
        select(StateChange.to_state, func.count()).join(last_step, StateChange.id == last_step.c.id)
        .group_by(StateChange.to_state)).all()))
    states["submitted"] += result.received - sum(states.values())
    result.by_state = +states
    # the first decision on each application, and how long it took
    first_decision = (select(func.min(StateChange.id).label("id"))
                      .join(Application, StateChange.application_id == Application.id)
                      .where(received, StateChange.at <= end, StateChange.to_state.in_(DECISIONS))
                      .group_by(StateChange.application_id).subquery())
    decisions = db.session.execute(
        select(StateChange.to_state, StateChange.at, Application.submitted_at)
        .join(first_decision, StateChange.id == first_decision.c.id)
        .join(Application, StateChange.application_id == Application.id)).all()
    result.approved = sum(1 for state, _at, _submitted in decisions if state == "approved")
    result.declined = sum(1 for state, _at, _submitted in decisions if state == "declined")
    days = [(_aware(at) - _aware(submitted)).total_seconds() / 86400 for _state, at, submitted in decisions]
    result.median_days_to_decision = median(days) if days else None
    bands = db.session.execute(select(*(
        func.count(case((and_(Application.normalized_score >= low, Application.normalized_score < high), 1)))
        for low, high in SCORE_BANDS)).where(received)).one()
    result.score_bands = [(f"{low}–{min(high, 100)}", count) for (low, high), count in zip(SCORE_BANDS, bands,
                                                                                         strict=True)]
    result.sectors = Counter(dict(db.session.execute(
        select(Company.sector, func.count()).join(Application, Application.company_id == Company.id)
        .where(received).group_by(Company.sector)).all()))
    return result
