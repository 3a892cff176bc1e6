"""Shared rules of ledger input: amounts in the fund's currency and dates within its life."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.formatting import amount_from_text
from fundapp.money import AmountError


def positive_amount(field: str, text, currency: str, allow_zero: bool = False) -> int:
    """Minor units from major-unit text; refused with the field's name when not a valid amount."""
    try:
        amount = amount_from_text(str(text), currency)
    except AmountError as error:
        raise Refused({field: str(error)}) from None
    if amount == 0 and not allow_zero:
        raise Refused({field: _("The amount must be more than zero.")})
    return amount


def dated_within_fund(field: str, value: date | None, fund) -> date:
    """A date on or after the start of the fund's vintage year and not in the future."""
    if not isinstance(value, date):
        raise Refused({field: _("Enter a date (YYYY-MM-DD).")})
    if value < date(fund.vintage_year, 1, 1):
        raise Refused({field: _("The date is before the fund's vintage year (%(year)d).",
                                year=fund.vintage_year)})
    if value > date.today():
        raise Refused({field: _("The date is in the future.")})
    return value


def effective(model):
    """A condition on a ledger model: rows that are neither reversals nor reversed."""
    reversal = aliased(model)
    return model.reverses_id.is_(None) & ~exists(select(reversal.id).where(reversal.reverses_id == model.id))


def is_effective(model, entry_id: int) -> bool:
    """Whether a ledger row is neither a reversal nor reversed."""
    return db.session.scalar(select(func.count(model.id)).where(model.id == entry_id, effective(model))) == 1


def check_reversible(entry) -> None:
    """Refuse to reverse a reversal, or an entry already reversed."""
    if entry.reverses_id is not None or not is_effective(type(entry), entry.id):
        raise Refused({"entry": _("This entry is already reversed, or is itself a reversal.")})


def enter(entry, actor):
    """Write a ledger row, noting who entered it; it is sealed by its checksum as it is inserted."""
    entry.created_by = actor.id if actor is not None and actor.is_authenticated else None
    db.session.add(entry)
    db.session.flush()
    return entry
