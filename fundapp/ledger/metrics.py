"""Pure fund metrics (SPEC section 3): capital, cash, NAV, multiples and IRRs as of a date.

Amounts are integers in minor units; ratios are Decimals, or None where they are undefined.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pyxirr import InvalidPaymentsError
from pyxirr import xirr as _pyxirr

from fundapp.ledger.allocation import allocate


@dataclass(frozen=True)
class Flow:
    """A dated amount: for calls, payments, distributions, expenses, investments, marks, exits."""

    date: date
    amount: int
    partner_id: int | None = None
    company_id: int | None = None
    ref: int | None = None  # the call, distribution or investment it belongs to


@dataclass
class Ledger:
    """The effective (not reversed) entries of one fund, as plain values."""

    commitments: dict[int, int]                 # partner id -> commitment
    government: set[int]                        # ids of government partners
    # partner id -> the first day its commitment counts (a partner that joined after a closed quarter);
    # a partner not named here counts from the start
    joining: dict[int, date] = field(default_factory=dict)
    call_allocations: list[Flow] = field(default_factory=list)      # partner_id, ref=call
    payments: list[Flow] = field(default_factory=list)              # partner_id
    distribution_allocations: list[Flow] = field(default_factory=list)  # partner_id, ref
    expenses: list[Flow] = field(default_factory=list)
    investments: list[Flow] = field(default_factory=list)           # company_id, ref=investment
    ownership: dict[int, Decimal] = field(default_factory=dict)     # investment id -> fraction
    valuations: list[Flow] = field(default_factory=list)            # ref=investment, amount=fair value
    exits: list[Flow] = field(default_factory=list)                 # company_id, amount=proceeds
    written_off: set[int] = field(default_factory=set)              # companies whose exit is a write-off


@dataclass
class PartnerMetrics:
    partner_id: int
    commitment: int
    called: int
    unfunded: int
    paid_in: int
    distributed: int
    nav_share: int
    dpi: Decimal | None
    rvpi: Decimal | None
    tvpi: Decimal | None
    irr: float | None


@dataclass
class CompanyMetrics:
    company_id: int
    cost: int
    fair_value: int
    proceeds: int
    moic: Decimal | None
    gross_irr: float | None
    ownership: Decimal
    first_investment: date
    exited_on: date | None
    written_off: bool = False

    @property
    def state(self) -> str:
        """Where the fund stands in the company at the date: held, exited or written_off."""
        if self.exited_on is None:
            return "held"
        return "written_off" if self.written_off else "exited"


@dataclass
class FundMetrics:
    as_of: date
    committed: int
    called: int
    unfunded: int
    paid_in: int
    distributed: int
    invested: int
    expenses: int
    exit_proceeds: int
    cash: int
    fair_value: int
    nav: int
    dpi: Decimal | None
    rvpi: Decimal | None
    tvpi: Decimal | None
    net_irr: float | None
    private_to_public: Decimal | None
    partners: list[PartnerMetrics]
    companies: list[CompanyMetrics]
    public_paid_in: int = 0                 # what the government partners paid in

    @property
    def public_share(self) -> Decimal | None:
        """The government's share of paid-in capital, None before anything is paid in."""
        return ratio(self.public_paid_in, self.paid_in)

    def meets_match(self, target: Decimal) -> bool | None:
        """Whether private capital matches public capital at the fund's target ratio; None before the
        government has paid in."""
        return None if self.private_to_public is None else self.private_to_public >= target


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator, None when the denominator is zero."""
    return Decimal(numerator) / Decimal(denominator) if denominator else None


def xirr(flows: list[tuple[date, int]]) -> float | None:
    """Annual IRR of dated flows, Excel's XIRR convention (ACT/365F); flows on one date are netted.

    None when there is no sign change or no root: never a made-up number.
    """
    netted: dict[date, int] = defaultdict(int)
    for when, amount in flows:
        netted[when] += amount
    dates = sorted(day for day, amount in netted.items() if amount)
    amounts = [netted[day] for day in dates]
    if not any(a < 0 for a in amounts) or not any(a > 0 for a in amounts):
        return None
    try:
        rate = _pyxirr(dates, amounts)
    except (InvalidPaymentsError, ValueError, OverflowError):
        return None
    if rate is None or rate != rate or not _is_root(float(rate), dates, amounts):
        return None
    return float(rate)


def _is_root(rate: float, dates: list[date], amounts: list[int]) -> bool:
    """Whether the rate zeroes the ACT/365F net present value, relative to the flows' size."""
    if rate <= -1:
        return False
    try:
        npv = sum(amount / (1 + rate) ** ((day - dates[0]).days / 365)
                  for day, amount in zip(dates, amounts, strict=True))
    except (OverflowError, ZeroDivisionError):
        return False
    return abs(npv) <= 1e-6 * sum(abs(amount) for amount in amounts)


def _until(flows: list[Flow], as_of: date) -> list[Flow]:
    return [flow for flow in flows if flow.date <= as_of]


def _sum(flows: list[Flow]) -> int:
    return sum(flow.amount for flow in flows)


def _by(flows: list[Flow], key: str) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for flow in flows:
        totals[getattr(flow, key)] += flow.amount
    return totals


def cash_movements(ledger: Ledger) -> dict[date, int]:
    """The net movement of the fund's cash on each day: payments and exit proceeds in; investments,
    expenses and distributions out."""
    movements: dict[date, int] = defaultdict(int)
    for flows, sign in ((ledger.payments, 1), (ledger.exits, 1), (ledger.investments, -1),
                        (ledger.expenses, -1), (ledger.distribution_allocations, -1)):
        for flow in flows:
            movements[flow.date] += sign * flow.amount
    return movements


def lowest_cash(ledger: Ledger, start: date) -> tuple[int, date]:
    """The fund's lowest cash on any day from start on, and the first day it is that low. An outflow
    dated start can be no larger: the cash would be negative on that day."""
    movements = cash_movements(ledger)
    cash = sum(amount for day, amount in movements.items() if day <= start)
    lowest, when = cash, start
    for day in sorted(day for day in movements if day > start):
        cash += movements[day]
        if cash < lowest:
            lowest, when = cash, day
    return lowest, when


def company_metrics(ledger: Ledger, as_of: date, irr: bool = True) -> list[CompanyMetrics]:
    """Cost, fair value, proceeds, MOIC and gross IRR (unless irr is False) of each company invested in
    by as_of."""
    investments = _until(ledger.investments, as_of)
    exits = {flow.company_id: flow for flow in _until(ledger.exits, as_of)}
    latest_mark: dict[int, Flow] = {}
    for mark in sorted(_until(ledger.valuations, as_of), key=lambda f: (f.date, f.ref or 0)):
        latest_mark[mark.ref] = mark
    by_company: dict[int, list[Flow]] = defaultdict(list)
    for investment in investments:
        by_company[investment.company_id].append(investment)
    results = []
    for company_id in sorted(by_company):
        held = by_company[company_id]
        cost = _sum(held)
        exit_flow = exits.get(company_id)
        if exit_flow:
            fair_value, proceeds = 0, exit_flow.amount
        else:
            fair_value = sum(latest_mark[i.ref].amount if i.ref in latest_mark else i.amount for i in held)
            proceeds = 0
        flows = [(i.date, -i.amount) for i in held]
        flows.append((exit_flow.date, proceeds) if exit_flow else (as_of, fair_value))
        ownership = min(Decimal(1), sum((ledger.ownership.get(i.ref, Decimal(0)) for i in held), Decimal(0)))
        results.append(CompanyMetrics(
            company_id=company_id, cost=cost, fair_value=fair_value, proceeds=proceeds,
            moic=ratio(proceeds + fair_value, cost), gross_irr=xirr(flows) if irr else None,
            ownership=ownership,
            first_investment=min(i.date for i in held),
            exited_on=exit_flow.date if exit_flow else None,
            written_off=bool(exit_flow) and company_id in ledger.written_off))
    return results


def fund_metrics(ledger: Ledger, as_of: date, company_irr: bool = True) -> FundMetrics:
    """Every figure of SPEC section 3 as of a date, from the flows dated on or before it (without each
    company's gross IRR when company_irr is False: histories need the fund's figures only)."""
    allocations = _until(ledger.call_allocations, as_of)
    payments = _until(ledger.payments, as_of)
    distributions = _until(ledger.distribution_allocations, as_of)
    companies = company_metrics(ledger, as_of, company_irr)

    commitments = {pid: amount if ledger.joining.get(pid, date.min) <= as_of else 0
                   for pid, amount in ledger.commitments.items()}
    committed = sum(commitments.values())
    called = _sum(allocations)
    paid_in = _sum(payments)
    distributed = _sum(distributions)
    invested = _sum(_until(ledger.investments, as_of))
    expenses = _sum(_until(ledger.expenses, as_of))
    exit_proceeds = sum(company.proceeds for company in companies)
    cash = paid_in - invested - expenses + exit_proceeds - distributed
    fair_value = sum(company.fair_value for company in companies)
    nav = fair_value + cash

    paid_by_partner = _by(payments, "partner_id")
    called_by_partner = _by(allocations, "partner_id")
    distributed_by_partner = _by(distributions, "partner_id")
    weights = {pid: max(paid_by_partner.get(pid, 0), 0) for pid in ledger.commitments}
    nav_shares = allocate(nav, weights) if sum(weights.values()) else dict.fromkeys(ledger.commitments, 0)

    partners = []
    for pid in sorted(ledger.commitments):
        own_paid, own_nav = paid_by_partner.get(pid, 0), nav_shares[pid]
        own_distributed = distributed_by_partner.get(pid, 0)
        flows = [(p.date, -p.amount) for p in payments if p.partner_id == pid]
        flows += [(d.date, d.amount) for d in distributions if d.partner_id == pid]
        flows.append((as_of, own_nav))
        dpi, rvpi = ratio(own_distributed, own_paid), ratio(own_nav, own_paid)
        partners.append(PartnerMetrics(
            partner_id=pid, commitment=commitments[pid], called=called_by_partner.get(pid, 0),
            unfunded=commitments[pid] - called_by_partner.get(pid, 0), paid_in=own_paid,
            distributed=own_distributed, nav_share=own_nav, dpi=dpi, rvpi=rvpi,
            tvpi=dpi + rvpi if dpi is not None else None, irr=xirr(flows)))

    fund_flows = [(p.date, -p.amount) for p in payments] + [(d.date, d.amount) for d in distributions]
    fund_flows.append((as_of, nav))
    public = sum(v for pid, v in paid_by_partner.items() if pid in ledger.government)
    dpi, rvpi = ratio(distributed, paid_in), ratio(nav, paid_in)
    return FundMetrics(
        as_of=as_of, committed=committed, called=called, unfunded=committed - called,
        paid_in=paid_in, distributed=distributed, invested=invested, expenses=expenses,
        exit_proceeds=exit_proceeds, cash=cash, fair_value=fair_value, nav=nav, dpi=dpi,
        rvpi=rvpi, tvpi=dpi + rvpi if dpi is not None else None, net_irr=xirr(fund_flows),
        private_to_public=ratio(paid_in - public, public), partners=partners, companies=companies,
        public_paid_in=public)
