"""A partner's statement as a document: a PDF in the fund's language and a CSV table (SPEC 11)."""
import pandas as pd
from flask import Response
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.platypus import Spacer

from fundapp.funds.models import Fund
from fundapp.ledger.constants import CALL_PURPOSES
from fundapp.ledger.numbers import payment_reference
from fundapp.ledger.statements import Statement
from fundapp.money import to_decimal
from fundapp.reporting.pdf import build, styles, table, text
from fundapp.web.exports import download
from fundapp.web.files import pdf_response
from fundapp.web.formatting import day, money, percent, ratio


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
        (_("Next amount due"), _("%(amount)s on %(date)s (call no. %(number)d)",
                                 amount=money(next_due.outstanding, currency), date=day(next_due.due_date),
                                 number=next_due.number) if next_due else _("Nothing due")),
        (_("Commitment"), money(account.commitment, currency)),
        (_("Called"), money(account.called, currency)),
        (_("Paid-in"), money(account.paid_in, currency)),
        (_("Unfunded"), money(account.unfunded, currency)),
        (_("Distributions"), money(account.distributed, currency)),
        (_("NAV share"), money(account.nav_share, currency)),
        (_("TVPI"), ratio(account.tvpi)),
        (_("IRR"), percent(account.irr)),
    ]


def statement_pdf(fund: Fund, statement: Statement) -> bytes:
    """The statement on A4, in the fund's language: figures, then each call and distribution."""
    style = styles()
    currency = fund.currency
    with force_locale(fund.language):
        title = _("Statement of %(partner)s as of %(date)s", partner=statement.partner.name,
                  date=day(statement.as_of))
        story = [text(fund.name, style["small"]), text(title, style["title"]), Spacer(1, 6),
                 table([[text(label, style["body"]), text(value, style["body"])]
                        for label, value in summary(fund, statement)], widths=[200, 270], header=False),
                 Spacer(1, 10), text(_("Capital calls"), style["h2"])]
        calls = [[_("No."), _("Call date"), _("Due date"), _("Your share"), _("Paid"), _("Outstanding"),
                  _("Payment reference")]]
        calls += [[str(call.number), day(call.call_date), day(call.due_date), money(call.amount, currency),
                   money(call.paid, currency),
                   money(call.outstanding, currency) + (" " + _("(overdue)") if call.overdue else ""),
                   payment_reference(fund.id, call.number, statement.partner.id)]
                  for call in statement.calls]
        if len(calls) == 1:
            calls.append([_("No capital call yet."), "", "", "", "", "", ""])
        story += [table(calls, widths=[28, 62, 62, 82, 82, 92, 66], numeric=(0, 3, 4, 5), size=8),
                  Spacer(1, 10), text(_("Distributions"), style["h2"])]
        rows = [[_("No."), _("Date"), _("Your share")]]
        rows += [[str(d.number), day(d.date), money(d.amount, currency)] for d in statement.distributions]
        if len(rows) == 1:
            rows.append([_("No distribution yet."), "", ""])
        story += [table(rows, widths=[40, 100, 120], numeric=(0, 2), size=8)]
        if fund.contact_email:
            story += [Spacer(1, 10), text(_("Questions about this statement: %(email)s",
                                            email=fund.contact_email), style["small"])]
        return build(story, title, f"{fund.name} · {statement.partner.name}")


def statement_frame(fund: Fund, statement: Statement) -> pd.DataFrame:
    """Each call and distribution of the statement as a row: codes beside labels, exact amounts."""
    currency = fund.currency
    rows = [{"entry": "capital_call", "entry_label": _("Capital call"), "number": call.number,
             "date": call.call_date, "due_date": call.due_date, "purpose": call.purpose,
             "purpose_label": str(CALL_PURPOSES[call.purpose]), "currency": currency,
             "amount": to_decimal(call.amount, currency), "paid": to_decimal(call.paid, currency),
             "outstanding": to_decimal(call.outstanding, currency),
             "overdue": to_decimal(call.overdue, currency),
             "payment_reference": payment_reference(fund.id, call.number, statement.partner.id)}
            for call in statement.calls]
    rows += [{"entry": "distribution", "entry_label": _("Distribution"), "number": d.number, "date": d.date,
              "due_date": None, "purpose": "", "purpose_label": "", "currency": currency,
              "amount": to_decimal(d.amount, currency), "paid": None, "outstanding": None, "overdue": None,
              "payment_reference": ""} for d in statement.distributions]
    return pd.DataFrame(rows, columns=["entry", "entry_label", "number", "date", "due_date", "purpose",
                                       "purpose_label", "currency", "amount", "paid", "outstanding",
                                       "overdue", "payment_reference"])


def statement_download(fund: Fund, statement: Statement, kind: str | None) -> Response | None:
    """The statement as a PDF or CSV file when asked for one (?format=pdf|csv), else None."""
    name = f"statement-{fund.id}-{statement.partner.id}-{statement.as_of.isoformat()}"
    if kind == "pdf":
        return pdf_response(statement_pdf(fund, statement), f"{name}.pdf")
    if kind == "csv":
        return download(statement_frame(fund, statement), name, "csv")
    return None
