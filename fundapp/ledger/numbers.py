"""The numbers of a fund's capital calls and distributions (SPEC 11): 1, 2, 3… within each fund, in order
of entry, never reused or renumbered; a reversed entry keeps its number and its reversal shows it.

A number is the entry's rank, by id, among its fund's entries of its kind that are not reversals. It is
read, never stored, and cannot change: the ledger is append-only, and a fund's entries are written by
one transaction at a time (entries.hold_ledger), each taking a higher id than every entry of the fund
written before it. The same data always gives the same numbers, on every page, notice, statement,
report and API answer."""
from sqlalchemy import func, select

from fundapp.extensions import db
from fundapp.ledger.models import CapitalCall, Distribution

NUMBERED = (CapitalCall, Distribution)


def numbers(model, fund_id: int) -> dict[int, int]:
    """{entry id: number} of every entry of that kind in the fund (a reversal by the entry it reverses)."""
    ids = db.session.scalars(select(model.id).where(model.fund_id == fund_id, model.reverses_id.is_(None))
                             .order_by(model.id)).all()
    ranks = {entry_id: rank for rank, entry_id in enumerate(ids, 1)}
    reversals = db.session.execute(select(model.id, model.reverses_id).where(
        model.fund_id == fund_id, model.reverses_id.is_not(None))).all()
    return ranks | {entry_id: ranks[reversed_id] for entry_id, reversed_id in reversals}


def payment_reference(fund_id: int, call_number: int, partner_id: int) -> str:
    """What a partner quotes when it pays a call: the fund, the call's number and the partner, so the fund
    matches every transfer to one allocation (SPEC 11)."""
    return f"F{fund_id}-C{call_number}-P{partner_id}"


def number_of(entry) -> int:
    """The number of one call or distribution (of a reversal: of the entry it reverses)."""
    model = type(entry)
    numbered_id = entry.reverses_id or entry.id
    return db.session.scalar(select(func.count(model.id)).where(
        model.fund_id == entry.fund_id, model.reverses_id.is_(None), model.id <= numbered_id))
