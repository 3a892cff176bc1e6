"""Re-derive every balance of the ledger from its rows, check every seal and link of its chains, and
name anything that does not reconcile."""
from datetime import date

from sqlalchemy import func, select

from fundapp.audit.models import AuditEntry
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.ledger import seals
from fundapp.ledger.allocation import allocate
from fundapp.ledger.entries import effective, original
from fundapp.ledger.loader import load_ledger
from fundapp.ledger.metrics import fund_metrics, lowest_cash
from fundapp.ledger.models import (
    CallAllocation,
    CapitalCall,
    Distribution,
    DistributionAllocation,
    Expense,
    Payment,
)
from fundapp.ledger.rows import seal_key
from fundapp.portfolio.models import Exit, Investment, Valuation

LEDGER_MODELS = (CapitalCall, CallAllocation, Payment, Distribution, DistributionAllocation, Expense,
                 Investment, Valuation, Exit)
SEALED_MODELS = (Partner, *LEDGER_MODELS)        # the partners' commitments are what calls are allocated by
BY_TABLE = {model.__tablename__: model for model in SEALED_MODELS}


def _calls(fund_id: int):
    return select(CapitalCall.id).where(CapitalCall.fund_id == fund_id)


# each ledger table's rows of one fund
FUND_ROWS = {
    Partner: lambda fund_id: Partner.fund_id == fund_id,
    CapitalCall: lambda fund_id: CapitalCall.fund_id == fund_id,
    CallAllocation: lambda fund_id: CallAllocation.call_id.in_(_calls(fund_id)),
    Payment: lambda fund_id: Payment.allocation_id.in_(
        select(CallAllocation.id).where(CallAllocation.call_id.in_(_calls(fund_id)))),
    Distribution: lambda fund_id: Distribution.fund_id == fund_id,
    DistributionAllocation: lambda fund_id: DistributionAllocation.distribution_id.in_(
        select(Distribution.id).where(Distribution.fund_id == fund_id)),
    Expense: lambda fund_id: Expense.fund_id == fund_id,
    Investment: lambda fund_id: Investment.fund_id == fund_id,
    Valuation: lambda fund_id: Valuation.investment_id.in_(
        select(Investment.id).where(Investment.fund_id == fund_id)),
    Exit: lambda fund_id: Exit.fund_id == fund_id,
}


def ledger_checkpoint(fund: Fund) -> tuple[dict[str, int | None], str]:
    """The fund's last row in each ledger table (by id) and the checkpoint of their seals."""
    positions, last_rows = {}, {}
    for model, of_fund in FUND_ROWS.items():
        row = db.session.execute(select(model.id, model.seal).where(of_fund(fund.id))
                                 .order_by(model.id.desc()).limit(1)).first()
        positions[model.__tablename__] = row[0] if row else None
        last_rows[model.__tablename__] = tuple(row) if row else None
    return positions, seals.checkpoint(last_rows)


def checkpoint_problems(positions: dict[str, int | None], checkpoint: str) -> list[str]:
    """Whether the ledger still holds the rows a checkpoint was made of, with the same seals."""
    last_rows = {}
    for table, row_id in positions.items():
        model = BY_TABLE[table]
        found = db.session.execute(select(model.id, model.seal).where(model.id == row_id)).first() \
            if row_id is not None else None
        if row_id is not None and found is None:
            return [f"{table} row {row_id} of the checkpoint is missing"]
        last_rows[table] = tuple(found) if found else None
    if seals.checkpoint(last_rows) != checkpoint:
        return [f"the ledger no longer matches checkpoint {checkpoint}"]
    return []


def _sum(column, *conditions) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(*conditions))


def broken_chains(up_to: dict[str, int | None] | None = None) -> list[str]:
    """Rows whose seal does not match their values, and rows not linked to the row before them, in the
    partners and every ledger table (up to the given row of each table only, when up_to is given): an
    edited, forged, re-sealed, deleted or inserted row."""
    key = seal_key()
    problems = []
    for model in SEALED_MODELS:
        query = select(model).order_by(model.id)
        if up_to is not None:
            if up_to.get(model.__tablename__) is None:
                continue
            query = query.where(model.id <= up_to[model.__tablename__])
        rows = [(row.id, row.previous_seal, row.seal, seals.seal(key, row.previous_seal, row.content()))
                for row in db.session.scalars(query)]
        problems += [f"{model.__tablename__} {problem}" for problem in seals.broken_links(rows)]
    return problems


def missing_rows() -> list[str]:
    """Ledger rows the audit log saw written that are no longer there (the newest rows of a table have
    no later row to miss them)."""
    problems = []
    for model in SEALED_MODELS:
        logged = set(db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.object_type == model.__name__, AuditEntry.object_id.is_not(None),
            AuditEntry.action.like("%.create") | AuditEntry.action.like("%.reverse"))))
        present = set(db.session.scalars(select(model.id).where(model.id.in_(logged)))) if logged else set()
        problems += [f"{model.__tablename__} row {row_id} was written (audit log) and is missing"
                     for row_id in sorted(logged - present)]
    return problems


def mirrored_reversals() -> list[str]:
    """Reversals that do not exactly cancel what they reverse."""
    problems = []
    for model, amount in ((CapitalCall, "amount"), (Payment, "amount"), (Distribution, "amount"),
                          (Expense, "amount"), (Investment, "amount"), (Valuation, "fair_value"),
                          (Exit, "proceeds")):
        for reversal in db.session.scalars(select(model).where(model.reverses_id.is_not(None))):
            original = db.session.get(model, reversal.reverses_id)
            if original is None or getattr(reversal, amount) != -getattr(original, amount):
                problems.append(f"{model.__tablename__} row {reversal.id} does not mirror what it reverses")
    return problems


def fund_problems(fund: Fund) -> list[str]:
    """Every invariant of one fund's ledger that does not hold."""
    problems = []
    name = f"fund {fund.id} ({fund.name})"
    commitments = dict(db.session.execute(select(Partner.id, Partner.commitment)
                                          .where(Partner.fund_id == fund.id)).all())
    for call in db.session.scalars(select(CapitalCall).where(CapitalCall.fund_id == fund.id)):
        shares = dict(db.session.execute(select(CallAllocation.partner_id, CallAllocation.amount)
                                         .where(CallAllocation.call_id == call.id)).all())
        # the partners of its time: a partner who joined the fund later has no share in an earlier call
        partners_then = {partner_id: commitments.get(partner_id, 0) for partner_id in shares}
        if sum(shares.values()) != call.amount:
            problems.append(f"{name}: allocations of call {call.id} sum to {sum(shares.values())}, "
                            f"not {call.amount}")
        elif shares != allocate(call.amount, partners_then):
            problems.append(f"{name}: allocations of call {call.id} are not pro-rata to commitments")
    for distribution in db.session.scalars(select(Distribution).where(Distribution.fund_id == fund.id)):
        total = _sum(DistributionAllocation.amount, DistributionAllocation.distribution_id == distribution.id)
        if total != distribution.amount:
            problems.append(f"{name}: allocations of distribution {distribution.id} sum to {total}, "
                            f"not {distribution.amount}")
    allocations = db.session.execute(
        select(CallAllocation.id, CallAllocation.amount, effective(CapitalCall))
        .join(CapitalCall, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id, original(CapitalCall))).all()
    for allocation_id, amount, in_force in allocations:
        paid = _sum(Payment.amount, Payment.allocation_id == allocation_id, effective(Payment))
        if paid > (amount if in_force else 0) or paid < 0:
            problems.append(f"{name}: allocation {allocation_id} is paid {paid} against {amount}")
    ledger = load_ledger(fund)
    metrics = fund_metrics(ledger, date.max)
    # Effective calls only add to what is called: unfunded is lowest at the end, and never negative.
    for partner in metrics.partners:
        if partner.called > partner.commitment:
            problems.append(f"{name}: partner {partner.partner_id} is called beyond its commitment "
                            f"(unfunded {partner.unfunded})")
    if metrics.unfunded < 0:
        problems.append(f"{name}: the fund's unfunded commitment is negative ({metrics.unfunded})")
    lowest, when = lowest_cash(ledger, date.min)
    if lowest < 0:
        problems.append(f"{name}: the fund's cash is negative on {when.isoformat()} ({lowest})")
    # The cash equation from raw sums, reversal rows included: they must cancel what they reverse.
    paid_in = _sum(Payment.amount, Payment.allocation_id.in_(
        select(CallAllocation.id).join(CapitalCall).where(CapitalCall.fund_id == fund.id)))
    invested = _sum(Investment.amount, Investment.fund_id == fund.id)
    expenses = _sum(Expense.amount, Expense.fund_id == fund.id)
    proceeds = _sum(Exit.proceeds, Exit.fund_id == fund.id)
    distributed = _sum(Distribution.amount, Distribution.fund_id == fund.id)
    cash = paid_in - invested - expenses + proceeds - distributed
    if cash != metrics.cash:
        problems.append(f"{name}: the cash equation gives {cash} from the rows, {metrics.cash} from metrics")
    if (paid_in, distributed) != (metrics.paid_in, metrics.distributed):
        problems.append(f"{name}: paid-in or distributed differ between the rows and the metrics")
    return problems


def verify_all() -> tuple[list[str], list[str]]:
    """(each fund checked, with its ledger checkpoint now; every break found) across all funds. The
    checkpoints, kept anywhere outside the database, let the ledger be proved unchanged up to them later,
    as a published report's does."""
    funds = db.session.scalars(select(Fund).order_by(Fund.id)).all()
    problems = broken_chains() + missing_rows() + mirrored_reversals()
    checked = []
    for fund in funds:
        problems += fund_problems(fund)
        checked.append(f"fund {fund.id} ({fund.name}): ledger checkpoint {ledger_checkpoint(fund)[1]}")
    return checked, problems
