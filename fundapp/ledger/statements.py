"""Read side of the capital ledger: calls with what is outstanding, and partners' statements."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.ledger.entries import effective, original
from fundapp.ledger.loader import metrics_as_of
from fundapp.ledger.metrics import PartnerMetrics
from fundapp.ledger.models import (
    CallAllocation,
    CapitalCall,
    Distribution,
    DistributionAllocation,
    Expense,
    Payment,
)
from fundapp.ledger.numbers import numbers


@dataclass
class AllocationLine:
    allocation_id: int
    partner_id: int
    partner_name: str
    amount: int
    paid: int

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


@dataclass
class CallLine:
    call: CapitalCall
    reversed: bool
    lines: list[AllocationLine] = field(default_factory=list)
    number: int = 0                         # its number in the fund (ledger.numbers)

    @property
    def paid(self) -> int:
        return sum(line.paid for line in self.lines)

    @property
    def outstanding(self) -> int:
        return 0 if self.reversed else sum(line.outstanding for line in self.lines)

    def overdue(self, today: date) -> bool:
        return self.outstanding > 0 and self.call.due_date < today


def reversed_ids(model, fund_filter) -> set[int]:
    """Ids of the rows that a reversal voids."""
    return set(db.session.scalars(
        select(model.reverses_id).where(model.reverses_id.is_not(None), fund_filter)))


def calls_of(fund: Fund) -> list[CallLine]:
    """The fund's calls (reversals left out), newest first, each with its allocations and payments."""
    calls = db.session.scalars(select(CapitalCall).where(CapitalCall.fund_id == fund.id,
                                                          original(CapitalCall))
                               .order_by(CapitalCall.call_date.desc(), CapitalCall.id.desc())).all()
    voided = reversed_ids(CapitalCall, CapitalCall.fund_id == fund.id)
    paid = dict(db.session.execute(
        select(Payment.allocation_id, func.sum(Payment.amount))
        .join(CallAllocation, Payment.allocation_id == CallAllocation.id)
        .join(CapitalCall, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id, effective(Payment)).group_by(Payment.allocation_id)).all())
    rows = db.session.execute(
        select(CallAllocation, Partner.name).join(Partner, CallAllocation.partner_id == Partner.id)
        .join(CapitalCall, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id).order_by(CallAllocation.partner_id)).all()
    by_call: dict[int, list[AllocationLine]] = {}
    for allocation, name in rows:
        by_call.setdefault(allocation.call_id, []).append(AllocationLine(
            allocation.id, allocation.partner_id, name, allocation.amount, paid.get(allocation.id, 0)))
    call_numbers = numbers(CapitalCall, fund.id)
    return [CallLine(call, call.id in voided, by_call.get(call.id, []), call_numbers[call.id])
            for call in calls]


def payments_of(fund: Fund) -> list[tuple]:
    """(payment, partner name, call id, reversed) for every payment, newest first."""
    rows = db.session.execute(
        select(Payment, Partner.name, CallAllocation.call_id)
        .join(CallAllocation, Payment.allocation_id == CallAllocation.id)
        .join(Partner, CallAllocation.partner_id == Partner.id)
        .join(CapitalCall, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id)
        .order_by(Payment.date.desc(), Payment.id.desc())).all()
    # One read of the fund's payments: the reversals among them name what they void.
    voided = {payment.reverses_id for payment, _name, _call in rows if payment.reverses_id is not None}
    return [(payment, name, call_id, payment.id in voided) for payment, name, call_id in rows
            if payment.reverses_id is None]


def entries_of(model, fund: Fund) -> list[tuple]:
    """(entry, reversed) for a fund-level ledger table (distributions, expenses), newest first."""
    voided = reversed_ids(model, model.fund_id == fund.id)
    rows = db.session.scalars(select(model).where(model.fund_id == fund.id, original(model))
                              .order_by(model.date.desc(), model.id.desc())).all()
    return [(row, row.id in voided) for row in rows]


@dataclass
class StatementLine:
    date: date
    kind: str            # "call" | "payment" | "distribution"
    reference: int       # the number of the call (paid) or distribution in its fund (ledger.numbers)
    total: int           # the event's total for the fund
    share: int           # this partner's part
    due_date: date | None = None
    purpose: str | None = None


@dataclass
class CallPart:
    """The partner's part of one capital call as of a date: what it was asked, paid and still owes."""
    call_id: int
    number: int
    call_date: date
    due_date: date
    purpose: str
    amount: int
    paid: int
    as_of: date
    total: int                              # the call's total for the fund

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid

    @property
    def overdue(self) -> int:
        """What is still owed after the due date (0 while the call is not yet due)."""
        return self.outstanding if self.due_date < self.as_of else 0


@dataclass
class PaymentPart:
    call_number: int
    date: date
    amount: int


@dataclass
class DistributionPart:
    distribution_id: int
    number: int
    date: date
    amount: int
    total: int                              # the distribution's total for the fund


@dataclass
class Statement:
    """A partner's statement (SPEC 11): its account, each call with its paid and outstanding parts, its
    distributions, what it owes, what is overdue and since when, and the next amount due."""
    as_of: date
    partner: Partner
    account: PartnerMetrics
    calls: list[CallPart]
    distributions: list[DistributionPart]
    payments: list[PaymentPart]

    @property
    def outstanding(self) -> int:
        return sum(call.outstanding for call in self.calls)

    @property
    def overdue(self) -> int:
        return sum(call.overdue for call in self.calls)

    @property
    def overdue_since(self) -> date | None:
        """The due date of the oldest call still owed after it."""
        return min((call.due_date for call in self.calls if call.overdue), default=None)

    def events(self) -> list[StatementLine]:
        """The partner's calls, payments and distributions in the order they happened."""
        lines = [StatementLine(c.call_date, "call", c.number, c.total, c.amount, c.due_date, c.purpose)
                 for c in self.calls]
        lines += [StatementLine(p.date, "payment", p.call_number, p.amount, p.amount) for p in self.payments]
        lines += [StatementLine(d.date, "distribution", d.number, d.total, d.amount)
                  for d in self.distributions]
        order = {"call": 0, "payment": 1, "distribution": 2}
        return sorted(lines, key=lambda line: (line.date, order[line.kind], line.reference))

    @property
    def next_due(self) -> CallPart | None:
        """The call to pay first: the one owed with the earliest due date (overdue ones are due now)."""
        owed = [call for call in self.calls if call.outstanding > 0]
        return min(owed, key=lambda call: (call.due_date, call.number), default=None)


def statement(fund: Fund, partner: Partner, as_of: date) -> Statement:
    """The partner's statement as of a date, oldest call first (calls and payments in force)."""
    calls = db.session.execute(
        select(CapitalCall, CallAllocation.id, CallAllocation.amount)
        .join(CallAllocation, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.fund_id == fund.id, CallAllocation.partner_id == partner.id,
               CapitalCall.call_date <= as_of, effective(CapitalCall))
        .order_by(CapitalCall.call_date, CapitalCall.id)).all()
    payments = db.session.execute(
        select(Payment.allocation_id, Payment.date, Payment.amount, CallAllocation.call_id)
        .join(CallAllocation, Payment.allocation_id == CallAllocation.id)
        .where(CallAllocation.partner_id == partner.id, Payment.date <= as_of, effective(Payment))
        .order_by(Payment.date, Payment.id)).all()
    paid: dict[int, int] = {}
    for allocation_id, _day, amount, _call in payments:
        paid[allocation_id] = paid.get(allocation_id, 0) + amount
    distributions = db.session.execute(
        select(Distribution, DistributionAllocation.amount)
        .join(DistributionAllocation, DistributionAllocation.distribution_id == Distribution.id)
        .where(Distribution.fund_id == fund.id, DistributionAllocation.partner_id == partner.id,
               Distribution.date <= as_of, effective(Distribution))
        .order_by(Distribution.date, Distribution.id)).all()
    call_numbers, distribution_numbers = numbers(CapitalCall, fund.id), numbers(Distribution, fund.id)
    account = next(p for p in metrics_as_of(fund, as_of).partners if p.partner_id == partner.id)
    return Statement(
        as_of, partner, account,
        [CallPart(call.id, call_numbers[call.id], call.call_date, call.due_date, call.purpose, share,
                  int(paid.get(allocation_id, 0)), as_of, call.amount)
         for call, allocation_id, share in calls],
        [DistributionPart(d.id, distribution_numbers[d.id], d.date, share, d.amount)
         for d, share in distributions],
        [PaymentPart(call_numbers[call_id], day, amount) for _allocation, day, amount, call_id in payments])


LEDGER_ENTRIES = {"capital_call": _l("Capital call"), "call_allocation": _l("Call allocation"),
                  "payment": _l("Payment"), "distribution": _l("Distribution"), "expense": _l("Expense")}


def ledger_rows(fund: Fund) -> list[dict]:
    """Every capital ledger entry of the fund, reversals included, oldest first (minor units)."""
    rows = []
    call_numbers, distribution_numbers = numbers(CapitalCall, fund.id), numbers(Distribution, fund.id)
    for line in calls_of(fund):
        number = call_numbers[line.call.id]
        rows.append({"date": line.call.call_date, "entry": "capital_call", "reference": line.call.id,
                     "number": number, "partner": "", "amount": line.call.amount, "detail": line.call.purpose,
                     "reversed": line.reversed})
        rows += [{"date": line.call.call_date, "entry": "call_allocation", "reference": line.call.id,
                  "number": number, "partner": a.partner_name, "amount": a.amount, "detail": "",
                  "reversed": line.reversed} for a in line.lines]
    rows += [{"date": p.date, "entry": "payment", "reference": call_id, "number": call_numbers[call_id],
              "partner": name, "amount": p.amount, "detail": "", "reversed": reversed_}
             for p, name, call_id, reversed_ in payments_of(fund)]
    for model, entry in ((Distribution, "distribution"), (Expense, "expense")):
        rows += [{"date": row.date, "entry": entry, "reference": row.id,
                  "number": distribution_numbers.get(row.id) if model is Distribution else None,
                  "partner": "", "amount": row.amount, "detail": getattr(row, "description", ""),
                  "reversed": reversed_} for row, reversed_ in entries_of(model, fund)]
    order = {"capital_call": 0, "call_allocation": 1, "payment": 2, "distribution": 3, "expense": 4}
    return sorted(rows, key=lambda row: (row["date"], order[row["entry"]], row["reference"]))
