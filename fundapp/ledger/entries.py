"""Shared rules of ledger input: amounts in the fund's currency, dates within its life, and one writer
of a fund's ledger at a time."""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.money import AmountError
from fundapp.reporting.closing import refuse_closed
from fundapp.web.formatting import amount_from_text


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
    if value < fund.first_day:
        raise Refused({field: _("The date is before the fund's vintage year (%(year)d).",
                                year=fund.vintage_year)})
    if value > date.today():
        raise Refused({field: _("The date is in the future.")})
    refuse_closed([fund.id], field, value)
    return value


LEDGER_LOCK = 1     # the first key of a fund ledger's advisory lock on PostgreSQL; the fund is the second


def hold_ledger(fund) -> None:
    """Make this transaction the fund's only writer of its ledger until it ends. Every use case that
    checks a limit (unfunded commitment, outstanding allocation, cash) takes it before it reads, so two
    requests at once can never both pass a check that one alone could not. PostgreSQL: an advisory
    lock per fund, held to the end of the transaction; SQLite: a writer holds the database's write
    lock from its first statement already (fundapp.database)."""
    hold_ledgers([fund.id])


def hold_ledgers(fund_ids) -> None:
    """hold_ledger for several funds, in the order of their ids (two writers never wait on each other)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for fund_id in sorted(set(fund_ids)):
            db.session.execute(select(func.pg_advisory_xact_lock(LEDGER_LOCK, fund_id)))


def original(model):
    """A condition on a ledger model: rows that are not reversals (reversed or not)."""
    return model.reverses_id.is_(None)


def effective(model):
    """A condition on a ledger model: rows that are neither reversals nor reversed."""
    reversal = aliased(model)
    return original(model) & ~exists(select(reversal.id).where(reversal.reverses_id == model.id))


def is_effective(model, entry_id: int) -> bool:
    """Whether a ledger row is neither a reversal nor reversed."""
    return db.session.scalar(select(func.count(model.id)).where(model.id == entry_id, effective(model))) == 1


def enter(entry, actor):
    """Write a ledger row, noting who entered it; it is sealed as it is inserted (ledger.rows)."""
    entry.created_by = actor.id if actor is not None and actor.is_authenticated else None
    db.session.add(entry)
    db.session.flush()
    return entry
