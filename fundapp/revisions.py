"""Derived figures of a fund kept in memory, keyed by the fund's revision: every recorded change to a
fund moves its revision, so a page never reads figures older than the data, and a page viewed again
does not recompute them from the whole ledger."""
import threading
from collections import OrderedDict

from sqlalchemy import select, update

from fundapp.extensions import db
from fundapp.funds.models import Fund

LIMIT = 512
_figures: OrderedDict = OrderedDict()
_lock = threading.Lock()


def touch(fund_id: int) -> None:
    """Move the fund's revision (in the change's own transaction)."""
    db.session.execute(update(Fund).where(Fund.id == fund_id)
                       .values(figures_revision=Fund.figures_revision + 1)
                       .execution_options(synchronize_session=False))


def cached(kind: str, fund_id: int, key, compute):
    """compute() for the fund at its current revision, computed once per revision and key. The values
    are shared between requests: callers read them and never change them."""
    # the fund's creation time tells apart two databases whose funds share ids and revisions
    revision, created = db.session.execute(select(Fund.figures_revision, Fund.created_at)
                                           .where(Fund.id == fund_id)).one()
    name = (kind, fund_id, created, revision, key)
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
