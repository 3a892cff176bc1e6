"""Pages of the capital ledger: calls, payments, distributions, expenses, statements, notices."""
from datetime import date

import pandas as pd
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fundapp.auth.permissions import abilities, fund_or_404, statement_partner_or_404
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.services import partners_of
from fundapp.ledger import capital, reversal, statements
from fundapp.ledger.forms import CallForm, ConfirmedCallForm, DistributionForm, ExpenseForm, PaymentForm
from fundapp.ledger.loader import metrics_as_of
from fundapp.ledger.models import CapitalCall, Distribution, Expense
from fundapp.ledger.numbers import numbers
from fundapp.money import exponent, to_decimal
from fundapp.reporting.statements import statement_download
from fundapp.web.exports import download, money_format
from fundapp.web.files import pdf_response
from fundapp.web.formatting import labels, money, short_day
from fundapp.web.forms import chosen, show_refusal
from fundapp.web.query import query_date

blueprint = Blueprint("capital", __name__, url_prefix="/funds/<int:fund_id>")



def _payment_choices(form: PaymentForm, calls, currency: str) -> None:
    form.allocation.choices = chosen(
        (f"{line.call.id}:{allocation.partner_id}",
         _("Call no. %(number)d of %(date)s — %(partner)s (outstanding %(amount)s)", number=line.number,
           date=short_day(line.call.call_date), partner=allocation.partner_name,
           amount=money(allocation.outstanding, currency)))
        for line in calls if not line.reversed for allocation in line.lines if allocation.outstanding > 0)


def _capital_page(fund, forms: dict | None = None, status: int = 200):
    calls = statements.calls_of(fund)
    forms = forms or {}
    if "call" in forms and "confirm" in forms["call"]:
        del forms["call"]["confirm"]              # shown again on the page: it is confirmed on its own page
    payment_form = forms.get("payment") or PaymentForm(formdata=None, prefix="payment")
    _payment_choices(payment_form, calls, fund.currency)
    metrics = metrics_as_of(fund)
    return render_template(
        "capital/index.html", fund=fund, metrics=metrics, calls=calls, today=date.today(),
        reasons=reversal.reasons(fund),
        partners={p.id: p for p in partners_of(fund)},
        payments=statements.payments_of(fund), call_numbers=numbers(CapitalCall, fund.id),
        distributions=statements.entries_of(Distribution, fund),
        distribution_numbers=numbers(Distribution, fund.id),
        expenses=statements.entries_of(Expense, fund),
        call_form=forms.get("call") or CallForm(formdata=None, prefix="call"), payment_form=payment_form,
        distribution_form=forms.get("distribution") or DistributionForm(formdata=None, prefix="distribution"),
        expense_form=forms.get("expense") or ExpenseForm(formdata=None, prefix="expense"),
        abilities=abilities(current_user, fund.id)), status


@blueprint.get("/capital")
@login_required
def index(fund_id: int):
    return _capital_page(fund_or_404(current_user, fund_id, "manage_capital"))


def _submit(fund_id: int, name: str, form_class, action):
    """Validate one of the capital forms, run its use case, and show the page again on refusal."""
    def prepare(fund, form):
        if name == "payment":
            _payment_choices(form, statements.calls_of(fund), fund.currency)
    return submit_entry(fund_id, form_class(prefix=name), action, prepare,
                        lambda fund, form: _capital_page(fund, {name: form}, 422), "capital.index")


@blueprint.get("/capital/ledger.<any(csv, xlsx):kind>")
@login_required
def export(fund_id: int, kind: str):
    """The capital ledger, every entry and reversal, as CSV or XLSX: each entry's code beside its label in
    the reader's language, exact amounts in major units."""
    fund = fund_or_404(current_user, fund_id, "manage_capital")
    frame = pd.DataFrame(statements.ledger_rows(fund),
                         columns=["date", "entry", "reference", "number", "partner", "amount", "detail",
                                  "reversed"])
    entries = labels(statements.LEDGER_ENTRIES)
    frame.insert(2, "entry_label", [entries[entry] for entry in frame["entry"]])
    frame.insert(7, "currency", fund.currency)
    frame["amount"] = [to_decimal(value, fund.currency) for value in frame["amount"]]
    frame["reversed"] = [_("yes") if value else _("no") for value in frame["reversed"]]
    return download(frame, f"capital-ledger-fund-{fund.id}", kind,
                    formats={"amount": money_format(exponent(fund.currency))})


@blueprint.post("/capital/calls")
@login_required
def create_call(fund_id: int):
    """Issue a call: first shown with each partner's share (and any twin entered minutes ago), then
    issued once confirmed."""
    fund = fund_or_404(current_user, fund_id, "manage_capital")
    form = ConfirmedCallForm(prefix="call")
    if form.validate_on_submit() and not form.confirm.data:
        try:
            terms = capital.call_terms(fund, form.call_date.data, form.due_date.data, form.amount.data,
                                       form.purpose.data)
        except Refused as refusal:
            show_refusal(form, refusal)
            return _capital_page(fund, {"call": form}, 422)
        return render_template("capital/call_confirm.html", fund=fund, form=form, terms=terms,
                               partners={p.id: p for p in partners_of(fund)},
                               twins=capital.recent_twins(fund, terms),
                               twin_numbers=numbers(CapitalCall, fund.id),
                               abilities=abilities(current_user, fund.id))
    return _submit(fund_id, "call", ConfirmedCallForm, lambda fund, form: capital.record_call(
        current_user, fund, form.call_date.data, form.due_date.data, form.amount.data, form.purpose.data))


@blueprint.post("/capital/payments")
@login_required
def create_payment(fund_id: int):
    def pay(fund, form):
        call_id, partner_id = (int(part) for part in form.allocation.data.split(":"))
        call = db.session.get(CapitalCall, call_id)
        if call is None or call.fund_id != fund.id:
            abort(404)
        capital.record_payment(current_user, fund, call, partner_id, form.date.data, form.amount.data)
    return _submit(fund_id, "payment", PaymentForm, pay)


@blueprint.post("/capital/distributions")
@login_required
def create_distribution(fund_id: int):
    return _submit(fund_id, "distribution", DistributionForm, lambda fund, form: capital.record_distribution(
        current_user, fund, form.date.data, form.amount.data))


@blueprint.post("/capital/expenses")
@login_required
def create_expense(fund_id: int):
    return _submit(fund_id, "expense", ExpenseForm, lambda fund, form: capital.record_expense(
        current_user, fund, form.date.data, form.amount.data, form.category.data, form.description.data))


@blueprint.post("/capital/<kind>/<int:entry_id>/reverse")
@login_required
def reverse(fund_id: int, kind: str, entry_id: int):
    return reverse_entry(fund_id, kind, entry_id, "capital.index")


@blueprint.get("/partners/<int:partner_id>/statement")
@login_required
def statement(fund_id: int, partner_id: int):
    """A partner's statement: what it owes, each call's paid and outstanding parts, its history; as a page,
    or as a PDF or CSV (?format=)."""
    fund = fund_or_404(current_user, fund_id, "view_performance")
    partner = statement_partner_or_404(current_user, fund_id, partner_id)
    as_of = query_date()
    statement = statements.statement(fund, partner, as_of)
    answer = statement_download(fund, statement, request.args.get("format"))
    if answer is not None:
        return answer
    return render_template("capital/statement.html", fund=fund, partner=partner, statement=statement,
                           account=statement.account, as_of=as_of, abilities=abilities(current_user, fund.id),
                           events=statement.events())



@blueprint.get("/partners/<int:partner_id>/<kind>/<int:event_id>/notice.pdf")
@login_required
def notice(fund_id: int, partner_id: int, kind: str, event_id: int):
    from fundapp.reporting.notices import call_notice, distribution_notice
    fund = fund_or_404(current_user, fund_id, "view_performance")
    partner = statement_partner_or_404(current_user, fund_id, partner_id)
    if kind == "calls":
        pdf = call_notice(fund, partner, event_id)
    elif kind == "distributions":
        pdf = distribution_notice(fund, partner, event_id)
    else:
        abort(404)
    if pdf is None:
        abort(404)
    return pdf_response(pdf, f"{kind[:-1]}-notice-{event_id}-{partner.id}.pdf")


# --- every ledger entry's form, submitted and reversed from a page (the portfolio's too) ---------------

def reverse_entry(fund_id: int, kind: str, entry_id: int, back: str, ability: str = "manage_capital"):
    """Reverse one ledger entry of the fund, then go back to the page it was shown on."""
    fund = fund_or_404(current_user, fund_id, ability)
    entry = reversal.entry_of(fund, kind, entry_id)
    if entry is None:
        abort(404)
    try:
        reversal.reverse(current_user, fund, kind, entry, request.form.get("reason", ""))
    except Refused as refusal:
        flash(" ".join(refusal.fields.values()), "danger")
    else:
        flash(_("The entry is reversed."), "success")
    return redirect(url_for(back, fund_id=fund.id))


def submit_entry(fund_id: int, form, action, prepare, page, back: str, ability: str = "manage_capital"):
    """Validate a ledger form, run its use case and go back to the page; on refusal show the page
    again with the form's errors (422), nothing saved. prepare(fund, form) fills its choices."""
    fund = fund_or_404(current_user, fund_id, ability)
    prepare(fund, form)
    if form.validate_on_submit():
        try:
            action(fund, form)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Recorded."), "success")
            return redirect(url_for(back, fund_id=fund.id))
    return page(fund_or_404(current_user, fund_id, ability), form)
