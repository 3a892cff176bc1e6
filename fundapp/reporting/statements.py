"""A partner's statement as a document: a PDF in the fund's language and a CSV table (SPEC 11)."""
import pandas as pd
from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Spacer, Table, TableStyle

from fundapp.funds.models import Fund
from fundapp.ledger.constants import CALL_PURPOSES
from fundapp.ledger.numbers import payment_reference
from fundapp.ledger.statements import Statement
from fundapp.money import to_decimal
from fundapp.reporting.pdf import BOLD, build, lines, styles, table, text
from fundapp.web.exports import download
from fundapp.web.files import pdf_response
from fundapp.web.formatting import amount, day, labels, money, percent, ratio, short_day


def summary(fund: Fund, statement: Statement) -> list[tuple[str, str]]:
    """The statement's figures as (label, value), what is owed first."""
    account, currency = statement.account, fund.currency
    overdue = money(statement.overdue, currency)
    if statement.overdue_since:
        overdue = _("%(amount)s, overdue since %(date)s", amount=overdue, date=day(statement.overdue_since))
    next_due = statement.next_due
    return [
        (_("Outstanding (called, not yet paid)"), money(statement.outstanding, currency)),
        (_("Overdue"), overdue),
        (_("Next amount due"), _nothing_or(next_due, currency)),
        (_("Commitment"), money(account.commitment, currency)),
        (_("Called"), money(account.called, currency)),
        (_("Paid-in"), money(account.paid_in, currency)),
        (_("Unfunded"), money(account.unfunded, currency)),
        (_("Distributions"), money(account.distributed, currency)),
        (_("NAV share"), money(account.nav_share, currency)),
        (_("TVPI"), ratio(account.tvpi)),
        (_("IRR"), percent(account.irr)),
    ]


CALL_STATUS = {"paid": _l("Paid"), "overdue": _l("Overdue"), "due": _l("Not yet due")}


def call_status(call) -> str:
    """Where a call stands for the partner: paid, overdue or not yet due."""
    if call.outstanding <= 0:
        return "paid"
    return "overdue" if call.overdue else "due"


def _nothing_or(next_due, currency: str) -> str:
    if next_due is None:
        return _("Nothing due")
    owed = money(next_due.outstanding, currency)
    if next_due.overdue:
        return _("%(amount)s, due since %(date)s (call no. %(number)d)", amount=owed,
                 date=day(next_due.due_date), number=next_due.number)
    return _("%(amount)s on %(date)s (call no. %(number)d)", amount=owed, date=day(next_due.due_date),
             number=next_due.number)


def statement_pdf(fund: Fund, statement: Statement) -> bytes:
    """The statement on A4, in the fund's language: what is owed, then each call, payment and
    distribution (amounts in the fund's currency, named once above each table), and how to pay."""
    style = styles()
    currency = fund.currency
    with force_locale(fund.language):
        title = _("Statement of %(partner)s as of %(date)s", partner=statement.partner.name,
                  date=day(statement.as_of))
        unit = text(_("Amounts in %(currency)s", currency=currency), style["small"])
        cell = ParagraphStyle("statement-cell", parent=style["body"], fontSize=7.5, leading=9)
        story = [text(_("From: %(fund)s", fund=fund.name), style["small"]), text(title, style["title"]),
                 Spacer(1, 6),
                 table([[text(label, style["body"]), text(value, style["body"])]
                        for label, value in summary(fund, statement)], widths=[220, 250], header=False)]
        if fund.payment_instructions and statement.outstanding > 0:     # how to pay, beside what is owed
            story += [Spacer(1, 8), text(_("Pay to"), style["h2"]),
                      lines(fund.payment_instructions, style["body"])]
        story += [Spacer(1, 10), text(_("Capital calls"), style["h2"]), unit]
        calls = [[_("No."), _("Call date"), _("Due date"), _("Share"), _("Paid"), _("Outstanding"),
                  _("Status"), _("Payment reference")]]
        calls += [[str(call.number), short_day(call.call_date), short_day(call.due_date),
                   amount(call.amount, currency), amount(call.paid, currency),
                   amount(call.outstanding, currency),
                   text(CALL_STATUS[call_status(call)], cell),
                   payment_reference(fund.id, call.number, statement.partner.id)]
                  for call in statement.calls]
        story += [_rows(calls, _("No capital call yet."), [24, 58, 58, 70, 70, 70, 54, 84], (0, 3, 4, 5)),
                  Spacer(1, 10), text(_("Payments"), style["h2"]), unit]
        payments = [[_("Date"), _("Call no."), _("Amount")]]
        payments += [[short_day(p.date), str(p.call_number), amount(p.amount, currency)]
                     for p in statement.payments]
        story += [_rows(payments, _("No payment yet."), [80, 60, 100], (1, 2)),
                  Spacer(1, 10), text(_("Distributions"), style["h2"]), unit]
        rows = [[_("No."), _("Date"), _("Share")]]
        rows += [[str(d.number), short_day(d.date), amount(d.amount, currency)]
                 for d in statement.distributions]
        story += [_rows(rows, _("No distribution yet."), [40, 80, 100], (0, 2))]
        if fund.contact_email:
            story += [Spacer(1, 10), text(_("Questions about this statement: %(email)s",
                                            email=fund.contact_email), style["small"])]
        return build(story, title, f"{fund.name} · {statement.partner.name}")


def _rows(rows: list[list[str]], empty: str, widths: list[float], numeric) -> Table:
    """A ruled table of the statement at 7.5 points, its headings wrapping in their columns (a row saying
    so when it has none)."""
    heading = ParagraphStyle("statement-heading", parent=styles()["body"], fontName=BOLD, fontSize=7.5,
                             leading=9)
    right = ParagraphStyle("statement-heading-right", parent=heading, alignment=TA_RIGHT)
    headings = [text(label, right if i in numeric else heading) for i, label in enumerate(rows[0])]
    if len(rows) == 1:
        rows = [*rows, [empty] + [""] * (len(rows[0]) - 1)]
    made = table([headings, *rows[1:]], widths=widths, numeric=numeric, size=7.5)
    if rows[1][0] == empty:
        made.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return made


def statement_frame(fund: Fund, statement: Statement) -> pd.DataFrame:
    """Each call, payment and distribution of the statement as a row: codes beside labels, exact
    amounts, dates as dates."""
    currency = fund.currency
    statuses = labels(CALL_STATUS)
    rows = [{"entry": "capital_call", "entry_label": _("Capital call"), "number": call.number,
             "call_number": call.number,
             "date": call.call_date, "due_date": call.due_date, "purpose": call.purpose,
             "purpose_label": str(CALL_PURPOSES[call.purpose]), "currency": currency,
             "amount": to_decimal(call.amount, currency), "paid": to_decimal(call.paid, currency),
             "outstanding": to_decimal(call.outstanding, currency),
             "overdue": to_decimal(call.overdue, currency), "status": call_status(call),
             "status_label": statuses[call_status(call)],
             "payment_reference": payment_reference(fund.id, call.number, statement.partner.id)}
            for call in statement.calls]
    rows += [{"entry": "payment", "entry_label": _("Payment"), "call_number": p.call_number, "date": p.date,
              "currency": currency, "amount": to_decimal(p.amount, currency),
              "payment_reference": payment_reference(fund.id, p.call_number, statement.partner.id)}
             for p in statement.payments]
    rows += [{"entry": "distribution", "entry_label": _("Distribution"), "number": d.number, "date": d.date,
              "currency": currency, "amount": to_decimal(d.amount, currency)}
             for d in statement.distributions]
    frame = pd.DataFrame(rows, columns=["entry", "entry_label", "number", "call_number", "date", "due_date",
                                        "purpose", "purpose_label", "currency", "amount", "paid",
                                        "outstanding", "overdue", "status", "status_label",
                                        "payment_reference"])
    for column in ("number", "call_number"):        # whole numbers, empty where they do not apply
        frame[column] = frame[column].astype("Int64")
    return frame


def statement_download(fund: Fund, statement: Statement, kind: str | None) -> Response | None:
    """The statement as a PDF or CSV file when asked for one (?format=pdf|csv), else None."""
    name = f"statement-{fund.id}-{statement.partner.id}-{statement.as_of.isoformat()}"
    if kind == "pdf":
        return pdf_response(statement_pdf(fund, statement), f"{name}.pdf")
    if kind == "csv":
        return download(statement_frame(fund, statement), name, "csv")
    return None
