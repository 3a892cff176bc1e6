"""Revisions of a fund, and what is kept in memory per revision.

A fund has two revisions. Its figures revision moves with every change to its ledger, partners,
settings or headcount: derived figures (metrics, histories, jobs) are kept per figures revision, so
a page never reads figures older than the data and a page viewed again does not recompute them from
the whole ledger. Its activity revision moves with every recorded change that a page of the fund can
show (applications, reviews, assignments as well as figures): whole pages are kept per activity
revision (fundapp.web.pages).

A change only notes the fund (touch); the revisions move in the last statement before the commit,
funds in id order, so that a revision is never read ahead of the data it stands for, two writers
never wait on each other's fund rows in opposite orders, and a rolled-back change moves nothing.
"""
import threading
from collections import OrderedDict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundapp.database import listen
from fundapp.extensions import db
from fundapp.funds.models import Fund

LIMIT = 512
EVERY_FUND = "every fund"
_TOUCHED = "fundapp.touched"
_figures: OrderedDict = OrderedDict()
_lock = threading.Lock()


def touch(fund_id: int | None, figures: bool = False) -> None:
    """Note that this transaction changes what the fund's pages show (every fund's when fund_id is
    None), and its figures as well when figures is set."""
    touched = db.session.info.setdefault(_TOUCHED, {})
    key = EVERY_FUND if fund_id is None else fund_id
    touched[key] = touched.get(key, False) or figures


def pending() -> bool:
    """Whether this transaction has changed a fund it has not committed yet."""
    return bool(db.session.info.get(_TOUCHED))


def _move_revisions(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    everywhere = touched.pop(EVERY_FUND, None)
    if everywhere is not None:
        session.execute(_moved(update(Fund), everywhere))
    for fund_id in sorted(touched):
        session.execute(_moved(update(Fund).where(Fund.id == fund_id), touched[fund_id]))


def _moved(statement, figures: bool):
    values = {"activity_revision": Fund.activity_revision + 1}
    if figures:
        values["figures_revision"] = Fund.figures_revision + 1
    return statement.values(**values).execution_options(synchronize_session=False)


def _forget_touches(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_TOUCHED, None)


def revision_of(column, fund_id: int) -> tuple | None:
    """The fund's revision (Fund.figures_revision or Fund.activity_revision) with its creation time,
    which tells apart two databases whose funds share ids and revisions; None for no such fund."""
    row = db.session.execute(select(column, Fund.created_at).where(Fund.id == fund_id)).first()
    return tuple(row) if row else None


def cached(kind: str, fund_id: int, key, compute, revision=Fund.figures_revision):
    """compute() for the fund at its current figures revision (or its activity revision, for what moves
    with the fund's applications), computed once per revision and key. The
    values are shared between requests: callers read them and never change them. A transaction that
    has changed a fund computes its own figures and keeps none: its changes may never be committed."""
    if pending():
        return compute()
    name = (kind, fund_id, revision_of(revision, fund_id), key)
    with _lock:
        if name in _figures:
            _figures.move_to_end(name)
            return _figures[name]
    value = compute()
    with _lock:
        _figures[name] = value
        while len(_figures) > LIMIT:
            _figures.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept figure (for tests that change data behind the use cases' back)."""
    with _lock:
        _figures.clear()


def init_app(_app) -> None:
    """Bind this module's listeners (once, however many applications are made)."""
    listen(Session, "before_commit", _move_revisions)
    listen(Session, "after_soft_rollback", _forget_touches)
