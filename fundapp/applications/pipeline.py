"""A fund's pipeline as of a date, from the applications' state history: received, by state,
approved, time to decision, scores and sectors (for the quarterly report and the open-data page)."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from statistics import median

from sqlalchemy import select

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


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pipeline(fund_id: int, as_of: date, quarter_start: date | None = None) -> Pipeline:
    """The pipeline as it stood at the end of as_of; received_in_quarter counts from quarter_start."""
    end = _end_of(as_of)
    rows = db.session.execute(
        select(Application.id, Application.submitted_at, Application.normalized_score, Company.sector)
        .join(Company, Application.company_id == Company.id)
        .where(Application.fund_id == fund_id, Application.submitted_at.is_not(None))).all()
    received = {row.id: row for row in rows if _aware(row.submitted_at) <= end}
    changes = db.session.execute(
        select(StateChange.application_id, StateChange.to_state, StateChange.at)
        .join(Application, StateChange.application_id == Application.id)
        .where(Application.fund_id == fund_id).order_by(StateChange.at, StateChange.id)).all()
    state: dict[int, str] = {}
    decided_at: dict[int, datetime] = {}
    decision: dict[int, str] = {}
    for application_id, to_state, at in changes:
        if application_id in received and _aware(at) <= end:
            state[application_id] = to_state
            if to_state in DECISIONS and application_id not in decision:
                decided_at[application_id], decision[application_id] = _aware(at), to_state
    result = Pipeline(as_of, received=len(received))
    if quarter_start is not None:
        start = datetime.combine(quarter_start, time.min, tzinfo=UTC)
        result.received_in_quarter = sum(1 for row in received.values() if _aware(row.submitted_at) >= start)
    result.by_state = Counter(state.get(application_id, "submitted") for application_id in received)
    result.approved = sum(1 for s in decision.values() if s == "approved")
    result.declined = sum(1 for s in decision.values() if s == "declined")
    days = [(decided_at[i] - _aware(received[i].submitted_at)).total_seconds() / 86400 for i in decided_at]
    result.median_days_to_decision = median(days) if days else None
    scores = [row.normalized_score for row in received.values() if row.normalized_score is not None]
    result.score_bands = [(f"{low}–{min(high, 100)}", sum(1 for s in scores if low <= s < high))
                          for low, high in SCORE_BANDS]
    result.sectors = Counter(row.sector for row in received.values())
    return result
