"""One reversal for every ledger entry: a mistake is corrected by a row that mirrors the entry, its
declared amount columns negated (and the rows that belong to it, such as a call's allocations, mirrored
with it), never by an edit. Each kind of entry is declared once, beside its use cases (ledger.capital,
portfolio.services), with what must be reversed first and what follows."""
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import inspect, select

from fundapp import inputs
from fundapp.audit.models import AuditEntry
from fundapp.audit.services import record, snapshot
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.ledger.entries import enter, hold_ledger, is_effective
from fundapp.reporting.closing import refuse_closed

MAX_REASON = 500                            # characters of a reversal's reason
# the columns a reversing row never copies: its own identity, seals and entry
NOT_COPIED = frozenset({"id", "seal", "previous_seal", "created_at", "created_by", "reverses_id"})


@dataclass(frozen=True)
class Reversible:
    """How a kind of ledger entry is reversed."""

    model: type
    amounts: tuple[str, ...]                  # the columns a reversal negates
    fund_of: Callable[[object], int]          # the fund an entry belongs to
    parts: tuple[tuple[type, str], ...] = ()  # rows reversed with the entry: (model, its key to the entry)
    first: Callable | None = None             # first(fund, entry) refuses what must be reversed before
    then: Callable | None = None              # then(actor, fund, entry) follows the reversal


KINDS: dict[str, Reversible] = {}


def reversible(kind: str, spec: Reversible) -> None:
    """Declare how entries of a kind are reversed (each feature declares its own)."""
    KINDS[kind] = spec


def entry_of(fund, kind: str, entry_id: int):
    """The fund's ledger entry of that kind, or None (unknown kind, id or another fund's)."""
    if kind not in KINDS or not isinstance(entry_id, int):
        return None
    spec = KINDS[kind]
    entry = db.session.get(spec.model, entry_id)
    return entry if entry is not None and spec.fund_of(entry) == fund.id else None


def reverse(actor, fund, kind: str, entry, reason: str):
    """Void one entry of the fund with its mirror (and its parts'), for a reason kept in the audit log;
    the reversing entry."""
    spec = KINDS[kind]
    reason = (reason or "").strip()
    if not reason:
        raise Refused({"reason": _("Say why this entry is reversed: the reason stays beside it.")})
    if len(reason) > MAX_REASON or inputs.control_character(reason):
        raise Refused({"reason": _("Say why in at most %(count)d characters of plain text.",
                                   count=MAX_REASON)})
    hold_ledger(fund)
    if entry.reverses_id is not None or not is_effective(spec.model, entry.id):
        raise Refused({"entry": _("This entry is already reversed, or is itself a reversal.")})
    # a reversal voids the entry from its own date: never inside a quarter a published report closed
    refuse_closed([fund.id], "entry", getattr(entry, "date", None) or entry.call_date)
    if spec.first is not None:
        spec.first(fund, entry)
    reversal = enter(_mirror(entry, spec.amounts, reverses_id=entry.id), actor)
    for model, key in spec.parts:
        for part in db.session.scalars(select(model).where(getattr(model, key) == entry.id)
                                       .order_by(model.id)):
            enter(_mirror(part, ("amount",), **{key: reversal.id}), actor)
    record(actor, f"{kind}.reverse", reversal, fund_id=fund.id, after=snapshot(reversal) | {"reason": reason})
    if spec.then is not None:
        spec.then(actor, fund, entry)
    return reversal


def reasons(fund) -> dict[tuple[str, int], str]:
    """Why each reversed entry of the fund was reversed, by (kind, entry id), from the audit log."""
    actions = {f"{kind}.reverse": kind for kind in KINDS}
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.after).where(
        AuditEntry.fund_id == fund.id, AuditEntry.action.in_(actions)))
    return {(actions[action], after["reverses_id"]): after.get("reason", "") for action, after in rows
            if after and after.get("reverses_id") is not None}


def _mirror(row, amounts: tuple[str, ...], **changes):
    """A new row of the same model with the same values, its amounts negated and the changes made."""
    values = {column.key: getattr(row, column.key) for column in inspect(type(row)).columns
              if column.key not in NOT_COPIED}
    values.update({name: -values[name] for name in amounts}, **changes)
    return type(row)(**values)
