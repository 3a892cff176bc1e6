"""The capital ledger, portfolio and metrics in the API (SPEC section 7)."""
from datetime import date

from flask import g
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import select

from fundapp.api.auth import authenticated, fund_object, fund_scoped
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import (
    CapitalCallSchema,
    CompanySchema,
    DistributionSchema,
    ExitSchema,
    ExpenseSchema,
    InvestmentSchema,
    MetricsQuerySchema,
    MetricsSchema,
    PaymentSchema,
    ReversalSchema,
    ValuationSchema,
)
from fundapp.auth.permissions import can, fund_or_404, read_partner_account, visible_funds
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.ledger import capital
from fundapp.ledger import reversal as reversals
from fundapp.ledger.entries import effective
from fundapp.ledger.loader import metrics_as_of
from fundapp.ledger.models import CallAllocation, CapitalCall, Distribution, DistributionAllocation, Expense
from fundapp.money import to_major
from fundapp.portfolio import services as portfolio
from fundapp.portfolio.models import Company, Investment

blp = Blueprint("api_capital", __name__, url_prefix="/api/v1",
                description="Capital calls, payments, distributions, expenses, the portfolio and metrics.")

MONEY_FIGURES = ("committed", "called", "unfunded", "paid_in", "distributed", "invested", "expenses", "cash",
                 "nav")
documented_errors = errors_of(blp)


def _allocations(model, key, entry_id: int, currency: str) -> list[dict]:
    rows = db.session.execute(select(model.partner_id, model.amount).where(key == entry_id)
                              .order_by(model.partner_id)).all()
    return [{"partner_id": pid, "amount": to_major(amount, currency)} for pid, amount in rows]


def call_json(call: CapitalCall, currency: str) -> dict:
    return {"id": call.id, "call_date": call.call_date, "due_date": call.due_date,
            "amount": to_major(call.amount, currency), "purpose": call.purpose,
            "allocations": _allocations(CallAllocation, CallAllocation.call_id, call.id, currency)}


def distribution_json(distribution: Distribution, currency: str) -> dict:
    return {"id": distribution.id, "date": distribution.date,
            "amount": to_major(distribution.amount, currency),
            "allocations": _allocations(DistributionAllocation, DistributionAllocation.distribution_id,
                                        distribution.id, currency)}


def investment_json(investment: Investment, currency: str) -> dict:
    pre_money = investment.pre_money_valuation
    return {"id": investment.id, "company_id": investment.company_id, "date": investment.date,
            "amount": to_major(investment.amount, currency), "instrument": investment.instrument,
            "ownership": f"{investment.ownership:.4f}",
            "pre_money_valuation": to_major(pre_money, currency) if pre_money is not None else None}


def company_json(company: Company) -> dict:
    return {key: getattr(company, key) for key in ("id", "name", "registration_number", "country", "region",
                                                   "sector", "founded_on", "website")}


@blp.route("/funds/<int:fund_id>/capital-calls", methods=["GET"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, CapitalCallSchema(many=True))
@documented_errors
def list_calls(fund: Fund):
    """The fund's capital calls in force, oldest first."""
    calls = db.session.scalars(select(CapitalCall)
                               .where(CapitalCall.fund_id == fund.id, effective(CapitalCall))
                               .order_by(CapitalCall.call_date, CapitalCall.id))
    return [call_json(call, fund.currency) for call in calls]


@blp.route("/funds/<int:fund_id>/capital-calls", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(CapitalCallSchema)
@blp.response(201, CapitalCallSchema)
@documented_errors
def create_call(body, fund: Fund):
    """Call capital; it is allocated pro-rata to commitments (largest remainder)."""
    call = capital.record_call(g.api_user, fund, body["call_date"], body["due_date"], body["amount"],
                               body["purpose"])
    created = call_json(call, fund.currency)
    return created


@blp.route("/capital-calls/<int:call_id>/payments", methods=["POST"])
@authenticated
@fund_object(CapitalCall, "call_id", "manage_capital")
@blp.arguments(PaymentSchema)
@blp.response(201, PaymentSchema)
@documented_errors
def create_payment(body, call: CapitalCall, fund: Fund):
    """A partner pays (part of) its share of the call; never more than is outstanding."""
    payment = capital.record_payment(g.api_user, fund, call, body["partner_id"], body["date"], body["amount"])
    created = {"id": payment.id, "partner_id": body["partner_id"], "date": payment.date,
               "amount": to_major(payment.amount, fund.currency)}
    return created


@blp.route("/funds/<int:fund_id>/distributions", methods=["GET"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, DistributionSchema(many=True))
@documented_errors
def list_distributions(fund: Fund):
    """The fund's distributions in force, oldest first."""
    rows = db.session.scalars(select(Distribution).where(Distribution.fund_id == fund.id,
                                                          effective(Distribution)).order_by(Distribution.date))
    return [distribution_json(row, fund.currency) for row in rows]


@blp.route("/funds/<int:fund_id>/distributions", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(DistributionSchema)
@blp.response(201, DistributionSchema)
@documented_errors
def create_distribution(body, fund: Fund):
    """Distribute cash, allocated pro-rata to paid-in at the date."""
    distribution = capital.record_distribution(g.api_user, fund, body["date"], body["amount"])
    created = distribution_json(distribution, fund.currency)
    return created


@blp.route("/funds/<int:fund_id>/expenses", methods=["GET"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, ExpenseSchema(many=True))
@documented_errors
def list_expenses(fund: Fund):
    """The fund's expenses in force, oldest first."""
    rows = db.session.scalars(select(Expense).where(Expense.fund_id == fund.id, effective(Expense))
                              .order_by(Expense.date))
    return [{"id": e.id, "date": e.date, "amount": to_major(e.amount, fund.currency), "category": e.category,
             "description": e.description} for e in rows]


@blp.route("/funds/<int:fund_id>/expenses", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(ExpenseSchema)
@blp.response(201, ExpenseSchema)
@documented_errors
def create_expense(body, fund: Fund):
    """Record a fee or cost of the fund."""
    expense = capital.record_expense(g.api_user, fund, body["date"], body["amount"], body["category"],
                                     body["description"])
    created = {"id": expense.id, "date": expense.date, "amount": to_major(expense.amount, fund.currency),
               "category": expense.category, "description": expense.description}
    return created


@blp.route("/funds/<int:fund_id>/investments", methods=["GET"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, InvestmentSchema(many=True))
@documented_errors
def list_investments(fund: Fund):
    """The fund's investments and follow-ons in force, oldest first."""
    rows = db.session.scalars(select(Investment).where(Investment.fund_id == fund.id, effective(Investment))
                              .order_by(Investment.date, Investment.id))
    return [investment_json(row, fund.currency) for row in rows]


@blp.route("/funds/<int:fund_id>/investments", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(InvestmentSchema)
@blp.response(201, InvestmentSchema)
@documented_errors
def create_investment(body, fund: Fund):
    """Record an investment or a follow-on; never more than the fund's cash on that date."""
    investment = portfolio.record_investment(
        g.api_user, fund, body["company_id"], body["date"], body["amount"], body["instrument"],
        body["ownership"], body["pre_money_valuation"])
    created = investment_json(investment, fund.currency)
    return created


@blp.route("/investments/<int:investment_id>/valuations", methods=["POST"])
@authenticated
@fund_object(Investment, "investment_id", "manage_capital")
@blp.arguments(ValuationSchema)
@blp.response(201, ValuationSchema)
@documented_errors
def create_valuation(body, investment: Investment, fund: Fund):
    """Mark an investment at its fair value on a date."""
    valuation = portfolio.record_valuation(g.api_user, fund, investment, body["date"], body["fair_value"])
    created = {"id": valuation.id, "date": valuation.date,
               "fair_value": to_major(valuation.fair_value, fund.currency)}
    return created


@blp.route("/funds/<int:fund_id>/exits", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(ExitSchema)
@blp.response(201, ExitSchema)
@documented_errors
def create_exit(body, fund: Fund):
    """Close the fund's whole position in a company."""
    exit_ = portfolio.record_exit(g.api_user, fund, body["company_id"], body["date"], body["proceeds"],
                                  body["kind"])
    created = {"id": exit_.id, "company_id": exit_.company_id, "date": exit_.date,
               "proceeds": to_major(exit_.proceeds, fund.currency), "kind": exit_.kind}
    return created


@blp.route("/funds/<int:fund_id>/metrics", methods=["GET"])
@authenticated
@fund_scoped("view_performance")
@blp.arguments(MetricsQuerySchema, location="query")
@blp.response(200, MetricsSchema)
@documented_errors
def metrics(query, fund: Fund):
    """Every figure of the fund as of a date (today by default); a partner sees its own account only."""
    as_of = query["as_of"] or date.today()
    m = metrics_as_of(fund, as_of)

    def money(value):
        return to_major(value, fund.currency)

    def number(value):
        return float(value) if value is not None else None

    return {
        "as_of": as_of, **{key: money(getattr(m, key)) for key in MONEY_FIGURES},
        "dpi": number(m.dpi), "rvpi": number(m.rvpi), "tvpi": number(m.tvpi), "net_irr": m.net_irr,
        "private_to_public": number(m.private_to_public), "match_target": float(fund.match_target),
        "partners": [{"partner_id": p.partner_id, "paid_in": money(p.paid_in),
                      "distributed": money(p.distributed),
                      "nav_share": money(p.nav_share), "dpi": number(p.dpi), "rvpi": number(p.rvpi),
                      "tvpi": number(p.tvpi), "irr": p.irr}
                     for p in m.partners if read_partner_account(g.api_user, fund.id, p.partner_id)],
        "companies": [{"company_id": c.company_id, "cost": money(c.cost), "fair_value": money(c.fair_value),
                       "proceeds": money(c.proceeds), "moic": number(c.moic), "gross_irr": c.gross_irr}
                      for c in m.companies],
    }


@blp.route("/companies", methods=["GET"])
@authenticated
@blp.response(200, CompanySchema(many=True))
@documented_errors
def list_companies():
    """The companies of the funds the caller manages."""
    companies = {}
    for fund in db.session.scalars(visible_funds(g.api_user)):
        if can(g.api_user, "manage_capital", fund.id):
            companies.update({c.id: c for c in portfolio.companies_of(fund)})
    return [company_json(c) for c in sorted(companies.values(), key=lambda c: c.name)]


@blp.route("/companies", methods=["POST"])
@authenticated
@blp.arguments(CompanySchema)
@blp.response(201, CompanySchema)
@documented_errors
def create_company(body):
    """Register a company directly for a fund the caller manages (fund_id)."""
    if body["fund_id"] is None:
        raise Refused({"fund_id": _("Name the fund registering the company.")})
    fund = fund_or_404(g.api_user, body["fund_id"], "manage_capital")
    company = portfolio.register_company(g.api_user, fund, body)
    db.session.flush()
    created = company_json(company)
    return created


@blp.route("/funds/<int:fund_id>/reversals", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(ReversalSchema)
@blp.response(201, ReversalSchema)
@documented_errors
def create_reversal(body, fund: Fund):
    """Correct a mistake: a reversing entry voids one ledger entry (never an edit or a delete)."""
    entry = reversals.entry_of(fund, body["kind"], body["entry_id"])
    if entry is None:
        raise Refused({"entry_id": _("No such entry in this fund.")})
    reversal = reversals.reverse(g.api_user, fund, body["kind"], entry)
    created = {"kind": body["kind"], "entry_id": entry.id, "reversal_id": reversal.id}
    return created
