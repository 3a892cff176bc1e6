"""The fund's ledger read from the database, and its metrics as of any date."""
from datetime import date

from sqlalchemy import select

from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.ledger.entries import effective
from fundapp.ledger.metrics import Flow, FundMetrics, Ledger, fund_metrics
from fundapp.ledger.models import (
    CallAllocation,
    CapitalCall,
    Distribution,
    DistributionAllocation,
    Expense,
    Payment,
)
from fundapp.portfolio.models import Exit, Investment, Valuation
from fundapp.quarters import quarter_ends
from fundapp.reporting.closing import joining_days
from fundapp.revisions import cached


def load_ledger(fund: Fund) -> Ledger:
    """Every effective entry of the fund (reversed entries and their reversals left out)."""
    partners = db.session.execute(select(Partner.id, Partner.kind, Partner.commitment, Partner.created_at)
                                  .where(Partner.fund_id == fund.id)).all()
    allocations = db.session.execute(
        select(CapitalCall.call_date, CallAllocation.amount, CallAllocation.partner_id, CapitalCall.id)
        .join(CapitalCall, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id, effective(CapitalCall))).all()
    payments = db.session.execute(
        select(Payment.date, Payment.amount, CallAllocation.partner_id, CapitalCall.id)
        .join(CallAllocation, Payment.allocation_id == CallAllocation.id)
        .join(CapitalCall, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id, effective(Payment))).all()
    distributions = db.session.execute(
        select(Distribution.date, DistributionAllocation.amount, DistributionAllocation.partner_id,
               Distribution.id)
        .join(Distribution, DistributionAllocation.distribution_id == Distribution.id)
        .where(Distribution.fund_id == fund.id, effective(Distribution))).all()
    expenses = db.session.execute(select(Expense.date, Expense.amount)
                                  .where(Expense.fund_id == fund.id, effective(Expense))).all()
    investments = db.session.execute(
        select(Investment.date, Investment.amount, Investment.company_id, Investment.id,
               Investment.ownership)
        .where(Investment.fund_id == fund.id, effective(Investment))).all()
    valuations = db.session.execute(
        select(Valuation.date, Valuation.fair_value, Valuation.investment_id)
        .join(Investment, Valuation.investment_id == Investment.id)
        .where(Investment.fund_id == fund.id, effective(Valuation), effective(Investment))).all()
    exits = db.session.execute(select(Exit.date, Exit.proceeds, Exit.company_id, Exit.kind)
                               .where(Exit.fund_id == fund.id, effective(Exit))).all()
    return Ledger(
        commitments={pid: commitment for pid, _kind, commitment, _at in partners},
        government={pid for pid, kind, _c, _at in partners if kind == "government"},
        joining=joining_days(fund.id, {pid: at for pid, _kind, _c, at in partners}),
        call_allocations=[Flow(d, a, partner_id=p, ref=c) for d, a, p, c in allocations],
        payments=[Flow(d, a, partner_id=p, ref=c) for d, a, p, c in payments],
        distribution_allocations=[Flow(d, a, partner_id=p, ref=r) for d, a, p, r in distributions],
        expenses=[Flow(d, a) for d, a in expenses],
        investments=[Flow(d, a, company_id=c, ref=i) for d, a, c, i, _o in investments],
        ownership={i: o for _d, _a, _c, i, o in investments},
        valuations=[Flow(d, v, ref=i) for d, v, i in valuations],
        exits=[Flow(d, p, company_id=c) for d, p, c, _kind in exits],
        written_off={c for _d, _p, c, kind in exits if kind == "write_off"},
    )


def metrics_as_of(fund: Fund, as_of: date | None = None) -> FundMetrics:
    """Every figure of SPEC section 3 for the fund as of a date (today by default), kept per revision."""
    as_of = as_of or date.today()
    return cached("metrics", fund.id, as_of, lambda: fund_metrics(load_ledger(fund), as_of))


def history(fund: Fund, as_of: date | None = None) -> list[FundMetrics]:
    """The fund's metrics at each quarter end since its vintage, read from one load of the ledger."""
    as_of = as_of or date.today()

    def compute():
        ledger = load_ledger(fund)
        return [fund_metrics(ledger, day, company_irr=False)
                for day in quarter_ends(fund.first_day, as_of)]
    return cached("history", fund.id, as_of, compute)
