"""Use cases of the portfolio: companies, investments, marks, exits, and how each is reversed."""
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from fundapp import inputs
from fundapp.applications import workflow
from fundapp.applications.models import Application
from fundapp.applications.services import move
from fundapp.audit.services import record
from fundapp.auth.services import hold_account
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.constants import SECTORS
from fundapp.funds.models import Fund
from fundapp.funds.services import country_name
from fundapp.ledger.capital import refuse_beyond_cash
from fundapp.ledger.entries import (
    dated_within_fund,
    effective,
    enter,
    hold_ledger,
    is_effective,
    positive_amount,
)
from fundapp.ledger.reversal import Reversible, reversible
from fundapp.portfolio.constants import EXIT_KINDS, INSTRUMENTS
from fundapp.portfolio.models import Company, Exit, Investment, Valuation


def register_company(actor, fund: Fund | None, values: dict, owner_id: int | None = None) -> Company:
    """A company registered by a founder (owner) or directly by a fund's managers."""
    errors = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = _("Enter the company's name.")
    country = str(values.get("country") or "").strip().upper()
    if country_name(country) is None:
        errors["country"] = _("Enter an ISO 3166 two-letter country code, such as KE.")
    if values.get("sector") not in SECTORS:
        errors["sector"] = _("Choose a sector.")
    if errors:
        raise Refused(errors)
    registration_number = str(values.get("registration_number") or "").strip()[:100]
    if owner_id is not None:
        # a founder's company registered twice at once (a double click) is one company
        hold_account(owner_id)
        same = db.session.scalar(select(Company).where(
            Company.owner_id == owner_id, func.lower(Company.name) == name[:200].lower(),
            Company.registration_number == registration_number))
        if same is not None:
            return same
    company = Company(
        name=name[:200], country=country, sector=values["sector"],
        registration_number=registration_number,
        region=str(values.get("region") or "").strip()[:100],
        founded_on=values.get("founded_on"), website=str(values.get("website") or "").strip()[:300],
        owner_id=owner_id, registered_by_fund_id=fund.id if fund else None)
    db.session.add(company)
    record(actor, "company.create", company, fund_id=fund.id if fund else None)
    return company


def _of_fund(fund: Fund):
    """A condition on Company: registered, approved or invested in by the fund."""
    invested = select(Investment.company_id).where(Investment.fund_id == fund.id)
    approved = select(Application.company_id).where(Application.fund_id == fund.id,
                                                    Application.state.in_(workflow.APPROVED))
    return or_(Company.registered_by_fund_id == fund.id, Company.id.in_(invested), Company.id.in_(approved))


def companies_of(fund: Fund) -> list[Company]:
    """Companies the fund registered, approved or holds investments in."""
    return list(db.session.scalars(select(Company).where(_of_fund(fund)).order_by(Company.name)))


def company_of(fund: Fund, company_id) -> Company | None:
    """The company if the fund may act on it, else None."""
    if not isinstance(company_id, int):
        return None
    return db.session.scalar(select(Company).where(Company.id == company_id, _of_fund(fund)))


def exit_of(fund: Fund, company_id: int) -> Exit | None:
    return db.session.scalar(select(Exit).where(Exit.fund_id == fund.id, Exit.company_id == company_id,
                                                effective(Exit)))


def _ownership(text) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise Refused({"ownership": _("Enter a fraction between 0 and 1, e.g. 0.1500.")}) from None
    if not value.is_finite() or not 0 <= value <= 1:
        raise Refused({"ownership": _("Enter a fraction between 0 and 1, e.g. 0.1500.")})
    if value != value.quantize(Decimal("0.0001")):
        raise Refused({"ownership": _("Give the ownership with at most four decimals.")})
    return value.quantize(Decimal("0.0001"))


def record_investment(actor, fund: Fund, company_id, investment_date, amount_text, instrument: str,
                      ownership_text, pre_money_text=None, application_id=None) -> Investment:
    """An investment or a follow-on; never more than the fund's cash on that date. Made from an
    approved application, it moves that application to invested."""
    hold_ledger(fund)
    company = company_of(fund, company_id)
    if company is None:
        raise Refused({"company_id": _("Choose a company of this fund.")})
    if instrument not in INSTRUMENTS:
        raise Refused({"instrument": _("Choose equity, SAFE, convertible note or loan.")})
    amount = positive_amount("amount", amount_text, fund.currency)
    ownership = _ownership(ownership_text)
    pre_money = None
    if pre_money_text not in (None, ""):
        pre_money = positive_amount("pre_money_valuation", pre_money_text, fund.currency)
    investment_date = dated_within_fund("date", investment_date, fund)
    if exit_of(fund, company.id):
        raise Refused({"company_id": _("The fund has exited this company.")})
    refuse_beyond_cash(fund, "amount", investment_date, amount)
    application = _application_invested_in(fund, company.id, application_id) if application_id else None
    investment = enter(Investment(fund_id=fund.id, company_id=company.id, date=investment_date,
                                  amount=amount, instrument=instrument, ownership=ownership,
                                  pre_money_valuation=pre_money), actor)
    record(actor, "investment.create", investment, fund_id=fund.id)
    if application is not None:
        move(actor, application, "invested", "investment", _("Investment recorded."))
    return investment


def _application_invested_in(fund: Fund, company_id: int, application_id) -> Application:
    """The fund's application of the company that an investment comes from; refused when it is not."""
    try:
        application = db.session.get(Application, inputs.whole_number(application_id, 1, inputs.MAX_ID))
    except inputs.InputError:
        application = None
    if application is None or application.fund_id != fund.id or application.company_id != company_id:
        raise Refused({"company_id": _("The investment does not match the application it comes from.")})
    if not workflow.may_move(application.state, "invested", "investment"):
        raise Refused({"company_id": _("This move is not possible from the state %(state)s.",
                                       state=workflow.STATES[application.state])}, status=409)
    return application


def investment_of(fund: Fund, investment_id) -> Investment | None:
    investment = db.session.get(Investment, investment_id) if isinstance(investment_id, int) else None
    return investment if investment is not None and investment.fund_id == fund.id else None


def record_valuation(actor, fund: Fund, investment: Investment, valuation_date, fair_value_text) -> Valuation:
    """Mark an investment at its fair value on a date."""
    hold_ledger(fund)
    if investment.reverses_id is not None or not is_effective(Investment, investment.id):
        raise Refused({"investment_id": _("This investment was reversed.")})
    fair_value = positive_amount("fair_value", fair_value_text, fund.currency, allow_zero=True)
    valuation_date = dated_within_fund("date", valuation_date, fund)
    if valuation_date < investment.date:
        raise Refused({"date": _("The mark is dated before the investment.")})
    if exit_of(fund, investment.company_id):
        raise Refused({"investment_id": _("The fund has exited this company.")})
    valuation = enter(Valuation(investment_id=investment.id, date=valuation_date, fair_value=fair_value),
                      actor)
    record(actor, "valuation.create", valuation, fund_id=fund.id)
    return valuation


def record_exit(actor, fund: Fund, company_id, exit_date, proceeds_text, kind: str) -> Exit:
    """Close the fund's whole position in a company; a write-off has no proceeds."""
    hold_ledger(fund)
    company = company_of(fund, company_id)
    if company is None:
        raise Refused({"company_id": _("Choose a company of this fund.")})
    if kind not in EXIT_KINDS:
        raise Refused({"kind": _("Choose acquisition, IPO, buyback or write-off.")})
    proceeds = positive_amount("proceeds", proceeds_text, fund.currency, allow_zero=True)
    if kind == "write_off" and proceeds:
        raise Refused({"proceeds": _("A write-off has no proceeds.")})
    exit_date = dated_within_fund("date", exit_date, fund)
    last = db.session.scalar(select(func.max(Investment.date)).where(
        Investment.fund_id == fund.id, Investment.company_id == company.id, effective(Investment)))
    if last is None:
        raise Refused({"company_id": _("The fund holds no investment in this company.")})
    if exit_date < last:
        raise Refused({"date": _("The exit is dated before the last investment.")})
    if exit_of(fund, company.id):
        raise Refused({"company_id": _("The fund has already exited this company.")})
    exit_ = enter(Exit(fund_id=fund.id, company_id=company.id, date=exit_date, proceeds=proceeds,
                       kind=kind), actor)
    record(actor, "exit.create", exit_, fund_id=fund.id)
    return exit_


def _marks_and_exit_first(fund: Fund, investment: Investment) -> None:
    marks = db.session.scalar(select(func.count(Valuation.id)).where(
        Valuation.investment_id == investment.id, effective(Valuation)))
    if marks or exit_of(fund, investment.company_id):
        raise Refused({"entry": _("Reverse this investment's marks and the company's exit first.")})


def _proceeds_kept(fund: Fund, exit_: Exit) -> None:
    # the exit's proceeds leave the fund's cash again, which must not fall below zero
    refuse_beyond_cash(fund, "entry", exit_.date, exit_.proceeds, reversal=True)


def _approved_again(actor, fund: Fund, investment: Investment) -> None:
    """The fund's invested application of a company it no longer holds any investment in is approved
    again: the step it took when the investment was recorded is undone with it."""
    company_id = investment.company_id
    held = db.session.scalar(select(func.count(Investment.id)).where(
        Investment.fund_id == fund.id, Investment.company_id == company_id, effective(Investment)))
    application = db.session.scalar(select(Application).where(
        Application.fund_id == fund.id, Application.company_id == company_id,
        Application.state == "invested"))
    if not held and application is not None:
        move(actor, application, "approved", "investment", _("Investment reversed."))


def fund_id_of(entry) -> int:
    """The fund a portfolio ledger row belongs to."""
    if isinstance(entry, Valuation):
        return db.session.scalar(select(Investment.fund_id).where(Investment.id == entry.investment_id))
    return entry.fund_id


reversible("investment", Reversible(Investment, ("amount", "ownership"), fund_id_of,
                                    first=_marks_and_exit_first, then=_approved_again))
reversible("valuation", Reversible(Valuation, ("fair_value",), fund_id_of))
reversible("exit", Reversible(Exit, ("proceeds",), fund_id_of, first=_proceeds_kept))
