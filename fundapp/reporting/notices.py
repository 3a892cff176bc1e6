"""Capital call and distribution notices: one PDF per partner and event, in the fund's language."""
from datetime import date
from decimal import Decimal

from flask_babel import force_locale, format_percent
from flask_babel import gettext as _
from reportlab.platypus import Spacer
from sqlalchemy import select

from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.ledger.capital import paid_on
from fundapp.ledger.constants import CALL_PURPOSES
from fundapp.ledger.entries import effective
from fundapp.ledger.loader import metrics_as_of
from fundapp.ledger.models import CallAllocation, CapitalCall, Distribution, DistributionAllocation
from fundapp.ledger.numbers import number_of, payment_reference
from fundapp.reporting.pdf import build, lines, styles, table, text
from fundapp.web.formatting import day, money


def _notice(fund: Fund, partner: Partner, title: str, dated: date, rows: list[list[str]], note: str,
            pay_to: str | None = None) -> bytes:
    """A notice: who sends it to whom and when, its figures, and for a call how to pay it (the fund's
    instructions, below the figures, as long as they are)."""
    style = styles()
    story = [text(_("From: %(fund)s", fund=fund.name), style["small"]), text(title, style["title"]),
             text(_("To: %(partner)s", partner=partner.name), style["body"]),
             text(_("Date of the notice: %(date)s", date=day(dated)), style["body"]), Spacer(1, 8),
             table([[text(label, style["body"]), text(value, style["body"])]
                    for label, value in rows], widths=[220, 250], header=False)]
    if pay_to is not None:
        story += [Spacer(1, 10), text(_("Pay to"), style["h2"]),
                  lines(pay_to or _("The fund has not set its payment instructions yet: ask it for them "
                                    "before paying."), style["body"])]
    story += [Spacer(1, 10), text(note, style["small"])]
    if fund.contact_email:
        story.append(text(_("Questions about this notice: %(email)s", email=fund.contact_email),
                          style["small"]))
    return build(story, title, f"{fund.name} · fundapp")


def call_notice(fund: Fund, partner: Partner, call_id: int) -> bytes | None:
    """The partner's notice of one capital call, or None if the call is not one of the fund's."""
    row = db.session.execute(
        select(CapitalCall, CallAllocation.id, CallAllocation.amount)
        .join(CallAllocation, CallAllocation.call_id == CapitalCall.id)
        .where(CapitalCall.id == call_id, CapitalCall.fund_id == fund.id,
               CallAllocation.partner_id == partner.id, effective(CapitalCall))).first()
    if row is None:
        return None
    call, allocation_id, share = row
    account = next(p for p in metrics_as_of(fund, call.call_date).partners if p.partner_id == partner.id)
    number = number_of(call)
    today = date.today()
    paid = paid_on(allocation_id)              # payments are never dated ahead: all are paid by today
    with force_locale(fund.language):
        rows = [
            (_("Call date"), day(call.call_date)),
            (_("Purpose"), str(CALL_PURPOSES[call.purpose])),
            (_("Total called from all partners"), money(call.amount, fund.currency)),
            (_("Your share"), format_percent(Decimal(share) / Decimal(call.amount), "#,##0.00 %")),
            (_("Amount due from you"), money(share, fund.currency)),
            (_("Due date"), day(call.due_date)),
            (_("Your commitment"), money(partner.commitment, fund.currency)),
            (_("Your unfunded commitment after this call"), money(account.unfunded, fund.currency)),
            (_("Paid on this call by %(date)s", date=day(today)), money(paid, fund.currency)),
            (_("Balance due"), money(share - paid, fund.currency)),
            (_("Payment reference"), payment_reference(fund.id, number, partner.id)),
        ]
        if share - paid <= 0:
            note = _("Allocated pro-rata to commitments. This call is paid in full: nothing is due on it.")
        elif call.due_date < today:
            note = _("Allocated pro-rata to commitments. This call is overdue since %(date)s: please pay the "
                     "balance due now and quote the payment reference with your transfer.",
                     date=day(call.due_date))
        else:
            note = _("Allocated pro-rata to commitments. Please pay the balance due by the due date and "
                     "quote the payment reference with your transfer.")
        return _notice(fund, partner, _("Capital call notice no. %(number)d", number=number), call.call_date,
                       rows, note, pay_to=fund.payment_instructions if share - paid > 0 else None)


def distribution_notice(fund: Fund, partner: Partner, distribution_id: int) -> bytes | None:
    """The partner's notice of one distribution, or None if it is not one of the fund's."""
    row = db.session.execute(
        select(Distribution, DistributionAllocation.amount)
        .join(DistributionAllocation, DistributionAllocation.distribution_id == Distribution.id)
        .where(Distribution.id == distribution_id, Distribution.fund_id == fund.id,
               DistributionAllocation.partner_id == partner.id, effective(Distribution))).first()
    if row is None:
        return None
    distribution, share = row
    account = next(p for p in metrics_as_of(fund, distribution.date).partners if p.partner_id == partner.id)
    with force_locale(fund.language):
        rows = [
            (_("Distribution date"), day(distribution.date)),
            (_("Total distributed to all partners"), money(distribution.amount, fund.currency)),
            (_("Your share"), format_percent(Decimal(share) / Decimal(distribution.amount), "#,##0.00 %")),
            (_("Amount distributed to you"), money(share, fund.currency)),
            (_("Your paid-in capital at that date"), money(account.paid_in, fund.currency)),
            (_("Your distributions to date"), money(account.distributed, fund.currency)),
        ]
        return _notice(fund, partner, _("Distribution notice no. %(number)d", number=number_of(distribution)),
                       distribution.date, rows,
                       _("Allocated pro-rata to paid-in capital at the distribution date."))
