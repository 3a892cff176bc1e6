"""Re-derive every balance of the ledger from its rows and name anything that does not reconcile."""
from datetime import date

from sqlalchemy import func, select

from fundapp.entries import effective
from fundapp.extensions import db
from fundapp.funds.ledger import allocate
from fundapp.funds.models import (
    CallAllocation,
    CapitalCall,
    Distribution,
    DistributionAllocation,
    Expense,
    Fund,
    Partner,
    Payment,
)
from fundapp.portfolio.metrics import fund_metrics
from fundapp.portfolio.models import Exit, Investment, Valuation
from fundapp.portfolio.performance import load_ledger

LEDGER_MODELS = (CapitalCall, CallAllocation, Payment, Distribution, DistributionAllocation, Expense,
                 Investment, Valuation, Exit)


def _sum(column, *conditions) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(*conditions))


def edited_rows() -> list[str]:
    """Rows whose checksum no longer matches their content."""
    return [f"{model.__tablename__} row {row.id} was edited after it was written (checksum mismatch)"
            for model in LEDGER_MODELS for row in db.session.scalars(select(model))
            if row.checksum != row.compute_checksum()]


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
        if sum(shares.values()) != call.amount:
            problems.append(f"{name}: allocations of call {call.id} sum to {sum(shares.values())}, "
                            f"not {call.amount}")
        elif shares != allocate(call.amount, commitments):
            problems.append(f"{name}: allocations of call {call.id} are not pro-rata to commitments")
    for distribution in db.session.scalars(select(Distribution).where(Distribution.fund_id == fund.id)):
        total = _sum(DistributionAllocation.amount, DistributionAllocation.distribution_id == distribution.id)
        if total != distribution.amount:
            problems.append(f"{name}: allocations of distribution {distribution.id} sum to {total}, "
                            f"not {distribution.amount}")
    allocations = db.session.execute(
        select(CallAllocation.id, CallAllocation.amount, effective(CapitalCall))
        .join(CapitalCall, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id, CapitalCall.reverses_id.is_(None))).all()
    for allocation_id, amount, in_force in allocations:
        paid = _sum(Payment.amount, Payment.allocation_id == allocation_id, effective(Payment))
        if paid > (amount if in_force else 0) or paid < 0:
            problems.append(f"{name}: allocation {allocation_id} is paid {paid} against {amount}")
    metrics = fund_metrics(load_ledger(fund), date.max)
    for partner in metrics.partners:
        if partner.called > partner.commitment:
            problems.append(f"{name}: partner {partner.partner_id} is called beyond its commitment")
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
    """(what was checked, every break found) across all funds."""
    funds = db.session.scalars(select(Fund).order_by(Fund.id)).all()
    problems = edited_rows() + mirrored_reversals()
    checked = []
    for fund in funds:
        problems += fund_problems(fund)
        checked.append(f"fund {fund.id} ({fund.name})")
    return checked, problems
