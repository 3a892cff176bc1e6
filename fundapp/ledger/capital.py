"""Use cases of the capital ledger: calls, payments, distributions, expenses, and how each is reversed."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from fundapp.audit.services import record
from fundapp.auth.models import Grant, User
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.ledger.allocation import allocate
from fundapp.ledger.constants import CALL_PURPOSES, EXPENSE_CATEGORIES
from fundapp.ledger.entries import (
    dated_within_fund,
    effective,
    enter,
    hold_ledger,
    is_effective,
    positive_amount,
)
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
from fundapp.ledger.reversal import Reversible, reversible
from fundapp.notifications import inbox
from fundapp.web.formatting import day, money, short_day


def _commitments(fund: Fund) -> dict[int, int]:
    return dict(db.session.execute(
        select(Partner.id, Partner.commitment).where(Partner.fund_id == fund.id)).all())


def refuse_beyond_cash(fund: Fund, field: str, day: date, outflow: int, reversal: bool = False) -> None:
    """Refuse money going out on a day (or taken back out of the fund's cash, when a payment or an
    exit's proceeds are reversed) that would leave the fund's cash negative on that day or any later one."""
    lowest, when = lowest_cash(load_ledger(fund), day)
    if outflow <= lowest:
        return
    figures = {"date": short_day(when), "cash": money(max(lowest, 0), fund.currency),
               "short": money(outflow - lowest, fund.currency)}
    if reversal:
        raise Refused({field: _("Reversing this entry would leave the fund's cash below zero on %(date)s, by "
                                "%(short)s. Reverse the later expenses, investments or distributions first.",
                                **figures)})
    if when == day:
        raise Refused({field: _("This exceeds the fund's cash on that date (%(cash)s).", **figures)})
    raise Refused({field: _("Later entries need the fund's cash: it would fall below zero on %(date)s. At "
                            "most %(cash)s can go out on this date.", **figures)})


@dataclass(frozen=True)
class CallTerms:
    """A capital call as it would be issued: its dates, amount, purpose and each partner's share."""

    call_date: date
    due_date: date
    amount: int
    purpose: str
    shares: dict[int, int]


def call_terms(fund: Fund, call_date, due_date, amount_text, purpose: str) -> CallTerms:
    """Check a call (what record_call would refuse, it refuses) and allocate it, writing nothing."""
    if purpose not in CALL_PURPOSES:
        raise Refused({"purpose": _("Choose investment, expenses or fees.")})
    amount = positive_amount("amount", amount_text, fund.currency)
    call_date = dated_within_fund("call_date", call_date, fund)
    if not isinstance(due_date, date):
        raise Refused({"due_date": _("Enter a date (YYYY-MM-DD).")})
    if due_date < call_date:
        raise Refused({"due_date": _("The due date cannot be before the call date.")})
    commitments = _commitments(fund)
    if not any(commitments.values()):
        raise Refused({"amount": _("The fund has no committed capital to call.")})
    metrics = fund_metrics(load_ledger(fund), date.max)
    if amount > metrics.unfunded:
        raise Refused({"amount": _("The call exceeds the unfunded commitment (%(unfunded)s).",
                                   unfunded=money(metrics.unfunded, fund.currency))})
    shares = allocate(amount, commitments)
    unfunded = {p.partner_id: p.unfunded for p in metrics.partners}
    for partner_id, share in shares.items():
        if share > unfunded[partner_id]:
            raise Refused({"amount": _("A partner's share would exceed its unfunded commitment.")})
    return CallTerms(call_date, due_date, amount, purpose, shares)


def record_call(actor, fund: Fund, call_date, due_date, amount_text, purpose: str) -> CapitalCall:
    """Call capital, allocated pro-rata to commitments; never more than is unfunded."""
    hold_ledger(fund)
    terms = call_terms(fund, call_date, due_date, amount_text, purpose)
    call = enter(CapitalCall(fund_id=fund.id, call_date=terms.call_date, due_date=terms.due_date,
                             amount=terms.amount, purpose=terms.purpose), actor)
    for partner_id, share in terms.shares.items():
        enter(CallAllocation(call_id=call.id, partner_id=partner_id, amount=share), actor)
    record(actor, "capital_call.create", call, fund_id=fund.id,
           after={"amount": terms.amount, "call_date": str(terms.call_date), "allocations": terms.shares})
    _tell_partners(fund, call, terms.shares)
    return call


def _tell_partners(fund: Fund, call: CapitalCall, shares: dict[int, int]) -> None:
    """Each user who speaks for a partner with a share in the call is told what it owes and by when."""
    speakers = db.session.execute(select(Grant.partner_id, User).join(User, User.id == Grant.user_id)
                                  .where(Grant.fund_id == fund.id, Grant.role == "partner",
                                         Grant.partner_id.in_(shares), User.active)).all()
    for partner_id, user in speakers:
        _tell_partner(user, fund, call, partner_id, shares[partner_id])


def _tell_partner(user: User, fund: Fund, call: CapitalCall, partner_id: int, share: int) -> None:
    def compose():
        values = {"fund": fund.name, "amount": money(share, fund.currency),
                  "date": day(call.due_date)}
        return (_("Capital call of %(fund)s: %(amount)s due on %(date)s", **values),
                _("%(fund)s calls capital: your share is %(amount)s, due on %(date)s. Your statement gives "
                  "what you owe and how to pay it:\n\n%(link)s", **values, link=inbox.address(
                      "capital.statement", True, fund_id=fund.id, partner_id=partner_id)))
    path = inbox.address("capital.statement", fund_id=fund.id, partner_id=partner_id)
    inbox.tell(user, "capital_call", path, compose)


def recent_twins(fund: Fund, terms: CallTerms, minutes: int = 30) -> list[CapitalCall]:
    """Calls in force of the same amount and call date entered in the last minutes: likely the same
    call entered twice."""
    since = utcnow() - timedelta(minutes=minutes)
    return list(db.session.scalars(select(CapitalCall).where(
        CapitalCall.fund_id == fund.id, effective(CapitalCall), CapitalCall.amount == terms.amount,
        CapitalCall.call_date == terms.call_date, CapitalCall.created_at >= since)))


def allocation_for(call: CapitalCall, partner_id: int) -> CallAllocation | None:
    return db.session.scalar(select(CallAllocation).where(CallAllocation.call_id == call.id,
                                                          CallAllocation.partner_id == partner_id))


def paid_on(allocation_id: int) -> int:
    """What has been paid on one allocation (effective payments)."""
    return db.session.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                             .where(Payment.allocation_id == allocation_id, effective(Payment)))


def record_payment(actor, fund: Fund, call: CapitalCall, partner_id, payment_date, amount_text) -> Payment:
    """A partner pays (part of) its allocation; never more than is outstanding."""
    hold_ledger(fund)
    if not is_effective(CapitalCall, call.id):
        raise Refused({"call": _("This call was reversed.")})
    allocation = allocation_for(call, partner_id) if isinstance(partner_id, int) else None
    if allocation is None:
        raise Refused({"partner_id": _("This partner has no share in this call.")})
    amount = positive_amount("amount", amount_text, fund.currency)
    payment_date = dated_within_fund("date", payment_date, fund)
    if payment_date < call.call_date:
        raise Refused({"date": _("The payment date is before the call date.")})
    outstanding = allocation.amount - paid_on(allocation.id)
    if amount > outstanding:
        raise Refused({"amount": _("The payment exceeds what is outstanding (%(outstanding)s).",
                                   outstanding=money(outstanding, fund.currency))})
    payment = enter(Payment(allocation_id=allocation.id, date=payment_date, amount=amount), actor)
    record(actor, "payment.create", payment, fund_id=fund.id)
    return payment


def record_distribution(actor, fund: Fund, distribution_date, amount_text) -> Distribution:
    """Return money to partners, pro-rata to paid-in at the date; never more than the cash."""
    hold_ledger(fund)
    amount = positive_amount("amount", amount_text, fund.currency)
    distribution_date = dated_within_fund("date", distribution_date, fund)
    refuse_beyond_cash(fund, "amount", distribution_date, amount)
    metrics = fund_metrics(load_ledger(fund), distribution_date)
    weights = {p.partner_id: p.paid_in for p in metrics.partners}
    if not sum(weights.values()):
        raise Refused({"date": _("No capital was paid in by that date.")})
    shares = allocate(amount, weights)
    distribution = enter(Distribution(fund_id=fund.id, date=distribution_date, amount=amount), actor)
    for partner_id, share in shares.items():
        enter(DistributionAllocation(distribution_id=distribution.id, partner_id=partner_id, amount=share),
              actor)
    record(actor, "distribution.create", distribution, fund_id=fund.id,
           after={"amount": amount, "date": str(distribution_date), "allocations": shares})
    return distribution


def record_expense(actor, fund: Fund, expense_date, amount_text, category: str,
                   description: str = "") -> Expense:
    """A cost of the fund; it reduces cash, never below zero."""
    hold_ledger(fund)
    if category not in EXPENSE_CATEGORIES:
        raise Refused({"category": _("Choose a category.")})
    amount = positive_amount("amount", amount_text, fund.currency)
    expense_date = dated_within_fund("date", expense_date, fund)
    refuse_beyond_cash(fund, "amount", expense_date, amount)
    expense = enter(Expense(fund_id=fund.id, date=expense_date, amount=amount, category=category,
                            description=description.strip()[:200]), actor)
    record(actor, "expense.create", expense, fund_id=fund.id)
    return expense


def fund_id_of(entry) -> int:
    """The fund a capital ledger row belongs to."""
    if isinstance(entry, Payment):
        return db.session.scalar(select(CapitalCall.fund_id)
                                 .join(CallAllocation, CallAllocation.call_id == CapitalCall.id)
                                 .where(CallAllocation.id == entry.allocation_id))
    return entry.fund_id


def _payments_reversed_first(_fund: Fund, call: CapitalCall) -> None:
    paid = db.session.scalar(
        select(func.count(Payment.id)).join(CallAllocation, Payment.allocation_id == CallAllocation.id)
        .where(CallAllocation.call_id == call.id, effective(Payment)))
    if paid:
        raise Refused({"entry": _("Reverse the payments of this call first.")})


def _cash_kept(fund: Fund, payment: Payment) -> None:
    # the payment's money leaves the fund's cash again, which must not fall below zero
    refuse_beyond_cash(fund, "entry", payment.date, payment.amount, reversal=True)


reversible("capital_call", Reversible(CapitalCall, ("amount",), fund_id_of,
                                      parts=((CallAllocation, "call_id"),), first=_payments_reversed_first))
reversible("payment", Reversible(Payment, ("amount",), fund_id_of, first=_cash_kept))
reversible("distribution", Reversible(Distribution, ("amount",), fund_id_of,
                                      parts=((DistributionAllocation, "distribution_id"),)))
reversible("expense", Reversible(Expense, ("amount",), fund_id_of))
