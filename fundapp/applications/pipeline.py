"""A fund's pipeline as of a date, from the applications (with their first decision and sector) and
the moves made after the date in their state history: received, by state, approved, time to decision,
scores and sectors (for the quarterly report and the open-data page).
Counted by the database, so that a national call for applications stays cheap to report on."""
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from statistics import median

from flask import Flask, current_app
from sqlalchemy import and_, case, func, select

from fundapp.applications.models import Application, StateChange
from fundapp.extensions import db
from fundapp.quarters import start_of_quarter_holding
from fundapp.revisions import pending

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


def _days(start, end):
    """The days from start to end, as the database counts them."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400


def _received(fund_id: int, as_of: date, quarter_start: date | None) -> tuple[Pipeline, Counter]:
    """One pass over the applications received by the day: their states today, sectors, score bands
    and how many came in the quarter."""
    end = datetime.combine(as_of, time.max, tzinfo=UTC)
    start = datetime.combine(quarter_start or as_of, time.min, tzinfo=UTC)
    score = Application.normalized_score
    rows = db.session.execute(select(
        Application.state, Application.sector, func.count(),
        func.count(case((Application.submitted_at >= start, 1))),
        *(func.count(case((and_(score >= low, score < high), 1))) for low, high in SCORE_BANDS))
        .where(_received_by(fund_id, end)).group_by(Application.state, Application.sector)).all()
    states, sectors = Counter(), Counter()
    for state, sector, count, *_counts in rows:
        states[state] += count
        sectors[sector] += count
    result = Pipeline(as_of, received=sum(states.values()), sectors=+sectors,
                      received_in_quarter=sum(row[3] for row in rows) if quarter_start else 0)
    result.score_bands = [(f"{low}–{min(high, 100)}", sum(row[4 + band] for row in rows))
                          for band, (low, high) in enumerate(SCORE_BANDS)]
    return result, states


def _received_by(fund_id: int, end: datetime):
    return and_(Application.fund_id == fund_id, Application.submitted_at.is_not(None),
                Application.submitted_at <= end)


@dataclass
class _Decided:
    moved: Counter              # states today -> the states of the day, for applications moved since
    approved: int = 0
    declined: int = 0
    median_days: float | None = None


def _decided(fund_id: int, as_of: date) -> _Decided:
    """Where the applications moved since the day stood that day (from the state history), and the
    first decisions taken by the day with the median of the days they took (from the applications)."""
    end = datetime.combine(as_of, time.max, tzinfo=UTC)
    received = _received_by(fund_id, end)
    # an application that moved after the day was, that day, where its first later move started
    later = (select(func.min(StateChange.id).label("id")).where(StateChange.at > end)
             .group_by(StateChange.application_id).subquery())
    moved = Counter()
    for then, now, count in db.session.execute(
            select(StateChange.from_state, Application.state, func.count())
            .join(later, StateChange.id == later.c.id)
            .join(Application, StateChange.application_id == Application.id).where(received)
            .group_by(StateChange.from_state, Application.state)):
        moved[now] -= count
        moved["submitted" if then == "draft" else then] += count
    taken = _days(Application.submitted_at, Application.decided_at)
    ranked = (select(taken.label("days"), func.row_number().over(order_by=taken).label("rank"),
                     func.count().over().label("decided"),
                     func.count(case((Application.decision == "approved", 1))).over().label("approved"))
              .where(received, Application.decided_at <= end).subquery())
    middle = db.session.execute(select(ranked.c.days, ranked.c.decided, ranked.c.approved).where(
        ranked.c.rank.in_([(ranked.c.decided + 1) // 2, (ranked.c.decided + 2) // 2]))).all()
    if not middle:
        return _Decided(moved)
    return _Decided(moved, middle[0].approved, middle[0].decided - middle[0].approved,
                    median(float(row.days) for row in middle))


def _combined(received: tuple[Pipeline, Counter], decided: _Decided) -> Pipeline:
    result, states = received
    states.update(decided.moved)
    result.by_state = +states
    result.approved, result.declined = decided.approved, decided.declined
    result.median_days_to_decision = decided.median_days
    return result


def quarterly_counts(fund_id: int, ends: list[date]) -> list[tuple[int, int]]:
    """For each quarter ending on those days (consecutive, in order): the applications received in it
    and those first approved in it (the first quarter's approvals count all those taken by its end).
    Two passes over the applications' index, whatever the number of quarters."""
    if not ends:
        return []
    bounds = [datetime.combine(end, time.max, tzinfo=UTC) for end in ends]
    opened = datetime.combine(start_of_quarter_holding(ends[0]), time.min, tzinfo=UTC)

    def by_quarter(moment, *conditions) -> Counter:
        quarter = case(*((moment <= bound, index) for index, bound in enumerate(bounds)))
        counted = db.session.execute(
            select(quarter, func.count())
            .where(Application.fund_id == fund_id, moment <= bounds[-1], *conditions).group_by(quarter))
        return Counter(dict(counted.all()))
    received = by_quarter(Application.submitted_at, Application.submitted_at >= opened)
    approved = by_quarter(Application.decided_at, Application.decision == "approved")
    return [(received[index], approved[index]) for index in range(len(ends))]


def pipeline(fund_id: int, as_of: date, quarter_start: date | None = None) -> Pipeline:
    """The pipeline as it stood at the end of as_of; received_in_quarter counts from quarter_start."""
    return _combined(_received(fund_id, as_of, quarter_start), _decided(fund_id, as_of))


def pipeline_meanwhile(fund_id: int, as_of: date,
                       quarter_start: date | None = None) -> Callable[[], Pipeline]:
    """Start counting the pipeline in two threads, on connections of their own, while the caller
    computes other figures; call the result to wait for the count. The database does the counting, so
    all three overlap. A transaction that has changed a fund counts at once, on its own connection:
    only it sees its changes."""
    if pending():
        counted = pipeline(fund_id, as_of, quarter_start)
        return lambda: counted
    app = current_app._get_current_object()
    pool = ThreadPoolExecutor(max_workers=2)
    received = pool.submit(_apart, app, _received, fund_id, as_of, quarter_start)
    decided = pool.submit(_apart, app, _decided, fund_id, as_of)
    pool.shutdown(wait=False)       # the threads end with the counts
    return lambda: _combined(received.result(), decided.result())


def _apart(app: Flask, count: Callable, *args):
    with app.app_context():
        try:
            # reads only, each on its own: no write lock taken, none waited for
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            return count(*args)
        finally:
            db.session.remove()
