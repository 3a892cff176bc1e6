"""Pages of the portfolio: companies, investments, marks and exits, and the schedule of investments."""
from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fundapp.applications.models import Application
from fundapp.auth.permissions import fund_or_404
from fundapp.extensions import db
from fundapp.ledger import reversal
from fundapp.ledger.entries import effective
from fundapp.ledger.loader import metrics_as_of
from fundapp.ledger.statements import reversed_ids
from fundapp.ledger.views import reverse_entry, submit_entry
from fundapp.money import to_major
from fundapp.portfolio import services
from fundapp.portfolio.constants import INSTRUMENTS
from fundapp.portfolio.forms import CompanyForm, ExitForm, InvestmentForm, ValuationForm
from fundapp.portfolio.models import Exit, Investment, Valuation
from fundapp.web.formatting import labels, money, short_day
from fundapp.web.forms import chosen
from fundapp.web.query import query_number

blueprint = Blueprint("portfolio", __name__, url_prefix="/funds/<int:fund_id>/portfolio")



def _choices(fund, forms: dict) -> None:
    companies = services.companies_of(fund)
    names = {c.id: c.name for c in companies}
    forms["investment"].company_id.choices = chosen((c.id, c.name) for c in companies)
    forms["exit"].company_id.choices = chosen((c.id, c.name) for c in companies)
    investments = db.session.scalars(select(Investment).where(
        Investment.fund_id == fund.id, effective(Investment)).order_by(Investment.date)).all()
    instruments = labels(INSTRUMENTS)
    forms["valuation"].investment_id.choices = chosen([
        (i.id, _("%(company)s — %(instrument)s of %(date)s (%(amount)s)", company=names.get(i.company_id, ""),
                 instrument=instruments.get(i.instrument, i.instrument), date=short_day(i.date),
                 amount=money(i.amount, fund.currency)))
        for i in investments])


def _blank_forms(fund) -> dict:
    return {"company": CompanyForm(formdata=None, prefix="company", country=fund.country.code),
            "investment": InvestmentForm(formdata=None, prefix="investment"),
            "valuation": ValuationForm(formdata=None, prefix="valuation"),
            "exit": ExitForm(formdata=None, prefix="exit")}


def _page(fund, forms: dict | None = None, status: int = 200):
    forms = {**_blank_forms(fund), **(forms or {})}
    _choices(fund, forms)
    companies = {c.id: c for c in services.companies_of(fund)}
    investments = db.session.scalars(select(Investment).where(Investment.fund_id == fund.id)
                                     .order_by(Investment.date.desc(), Investment.id.desc())).all()
    valuations = db.session.execute(
        select(Valuation, Investment.company_id).join(Investment, Valuation.investment_id == Investment.id)
        .where(Investment.fund_id == fund.id).order_by(Valuation.date.desc(), Valuation.id.desc())).all()
    exits = db.session.scalars(select(Exit).where(Exit.fund_id == fund.id).order_by(Exit.date.desc())).all()
    voided = {
        "investments": reversed_ids(Investment, Investment.fund_id == fund.id),
        "valuations": set(v.reverses_id for v, _c in valuations if v.reverses_id),
        "exits": reversed_ids(Exit, Exit.fund_id == fund.id),
    }
    return render_template("portfolio/index.html", fund=fund, forms=forms, companies=companies,
                           metrics=metrics_as_of(fund), investments=investments, valuations=valuations,
                           exits=exits, voided=voided, reasons=reversal.reasons(fund)), status


@blueprint.get("/")
@login_required
def index(fund_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_capital")
    forms = {}
    source = query_number("from_application")
    application = db.session.get(Application, source) if source else None
    if application is not None and application.fund_id == fund.id and application.state == "approved":
        # Prefilled from the approved application: its company and the amount it asked for.
        forms["investment"] = InvestmentForm(
            formdata=None, prefix="investment", company_id=application.company_id,
            application_id=application.id, amount=to_major(application.requested_amount or 0, fund.currency))
    return _page(fund, forms)


def _submit(fund_id: int, name: str, form_class, action):
    """Validate one of the portfolio forms, run its use case, and show the page again on refusal."""
    return submit_entry(fund_id, form_class(prefix=name), action,
                        lambda fund, form: _choices(fund, {**_blank_forms(fund), name: form}),
                        lambda fund, form: _page(fund, {name: form}, 422), "portfolio.index")


@blueprint.post("/companies")
@login_required
def create_company(fund_id: int):
    return _submit(fund_id, "company", CompanyForm, lambda fund, form: services.register_company(
        current_user, fund, form.data))


@blueprint.post("/investments")
@login_required
def create_investment(fund_id: int):
    return _submit(fund_id, "investment", InvestmentForm, lambda fund, form: services.record_investment(
        current_user, fund, form.company_id.data, form.date.data, form.amount.data, form.instrument.data,
        form.ownership.data, form.pre_money_valuation.data, form.application_id.data or None))


@blueprint.post("/valuations")
@login_required
def create_valuation(fund_id: int):
    def mark(fund, form):
        investment = services.investment_of(fund, form.investment_id.data) or abort(404)
        services.record_valuation(current_user, fund, investment, form.date.data, form.fair_value.data)
    return _submit(fund_id, "valuation", ValuationForm, mark)


@blueprint.post("/exits")
@login_required
def create_exit(fund_id: int):
    return _submit(fund_id, "exit", ExitForm, lambda fund, form: services.record_exit(
        current_user, fund, form.company_id.data, form.date.data, form.proceeds.data, form.kind.data))


@blueprint.post("/<kind>/<int:entry_id>/reverse")
@login_required
def reverse(fund_id: int, kind: str, entry_id: int):
    return reverse_entry(fund_id, kind, entry_id, "portfolio.index")