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
    StatementQuerySchema,
    StatementSchema,
    ValuationSchema,
)
from fundapp.auth.permissions import (
    can,
    fund_or_404,
    read_partner_account,
    statement_partner_or_404,
    visible_funds,
)
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.ledger import capital, statements
from fundapp.ledger import reversal as reversals
from fundapp.ledger.entries import effective
from fundapp.ledger.loader import metrics_as_of
from fundapp.ledger.models import CallAllocation, CapitalCall, Distribution, DistributionAllocation, Expense
from fundapp.ledger.numbers import number_of, numbers
from fundapp.portfolio import services as portfolio
from fundapp.portfolio.models import Investment
from fundapp.reporting.statements import statement_download

blp = Blueprint("api_capital", __name__, url_prefix="/api/v1",
                description="Capital calls, payments, distributions, expenses, the portfolio and metrics.")

documented_errors = errors_of(blp)


def with_allocations(entry, model, key, number: int | None = None) -> dict:
    """A call or a distribution with its number in the fund and its partners' shares, for its schema to
    write (the number given when the caller has them all at hand)."""
    shares = db.session.execute(select(model.partner_id, model.amount).where(key == entry.id)
                                .order_by(model.partner_id)).mappings().all()
    return {column: getattr(entry, column) for column in ("id", "call_date", "due_date", "date", "amount",
                                                          "purpose") if hasattr(entry, column)} | {
        "number": number or number_of(entry), "allocations": shares}


def call_with_allocations(call: CapitalCall, number: int | None = None) -> dict:
    return with_allocations(call, CallAllocation, CallAllocation.call_id, number)


def distribution_with_allocations(distribution: Distribution, number: int | None = None) -> dict:
    return with_allocations(distribution, DistributionAllocation, DistributionAllocation.distribution_id,
                            number)


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
    call_numbers = numbers(CapitalCall, fund.id)
    return [call_with_allocations(call, call_numbers[call.id]) for call in calls]


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
    return call_with_allocations(call)


@blp.route("/capital-calls/<int:call_id>/payments", methods=["POST"])
@authenticated
@fund_object(CapitalCall, "call_id", "manage_capital")
@blp.arguments(PaymentSchema)
@blp.response(201, PaymentSchema)
@documented_errors
def create_payment(body, call: CapitalCall, fund: Fund):
    """A partner pays (part of) its share of the call; never more than is outstanding."""
    payment = capital.record_payment(g.api_user, fund, call, body["partner_id"], body["date"], body["amount"])
    return {"id": payment.id, "partner_id": body["partner_id"], "date": payment.date,
            "amount": payment.amount}


@blp.route("/funds/<int:fund_id>/distributions", methods=["GET"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, DistributionSchema(many=True))
@documented_errors
def list_distributions(fund: Fund):
    """The fund's distributions in force, oldest first."""
    rows = db.session.scalars(select(Distribution).where(Distribution.fund_id == fund.id,
                                                          effective(Distribution)).order_by(Distribution.date))
    distribution_numbers = numbers(Distribution, fund.id)
    return [distribution_with_allocations(row, distribution_numbers[row.id]) for row in rows]


@blp.route("/funds/<int:fund_id>/distributions", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(DistributionSchema)
@blp.response(201, DistributionSchema)
@documented_errors
def create_distribution(body, fund: Fund):
    """Distribute cash, allocated pro-rata to paid-in at the date."""
    distribution = capital.record_distribution(g.api_user, fund, body["date"], body["amount"])
    return distribution_with_allocations(distribution)


@blp.route("/funds/<int:fund_id>/expenses", methods=["GET"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, ExpenseSchema(many=True))
@documented_errors
def list_expenses(fund: Fund):
    """The fund's expenses in force, oldest first."""
    rows = db.session.scalars(select(Expense).where(Expense.fund_id == fund.id, effective(Expense))
                              .order_by(Expense.date))
    return list(rows)


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
    return expense


@blp.route("/funds/<int:fund_id>/investments", methods=["GET"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, InvestmentSchema(many=True))
@documented_errors
def list_investments(fund: Fund):
    """The fund's investments and follow-ons in force, oldest first."""
    rows = db.session.scalars(select(Investment).where(Investment.fund_id == fund.id, effective(Investment))
                              .order_by(Investment.date, Investment.id))
    return list(rows)


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
    return investment


@blp.route("/investments/<int:investment_id>/valuations", methods=["POST"])
@authenticated
@fund_object(Investment, "investment_id", "manage_capital")
@blp.arguments(ValuationSchema)
@blp.response(201, ValuationSchema)
@documented_errors
def create_valuation(body, investment: Investment, fund: Fund):
    """Mark an investment at its fair value on a date."""
    valuation = portfolio.record_valuation(g.api_user, fund, investment, body["date"], body["fair_value"])
    return valuation


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
    return exit_


@blp.route("/funds/<int:fund_id>/metrics", methods=["GET"])
@authenticated
@fund_scoped("view_performance")
@blp.arguments(MetricsQuerySchema, location="query")
@blp.response(200, MetricsSchema)
@documented_errors
def metrics(query, fund: Fund):
    """Every figure of the fund as of a date (today by default); a partner sees its own account only."""
    m = metrics_as_of(fund, query["as_of"] or date.today())
    return vars(m) | {"match_target": fund.match_target, "partners": [
        p for p in m.partners if read_partner_account(g.api_user, fund.id, p.partner_id)]}


@blp.route("/funds/<int:fund_id>/partners/<int:partner_id>/statement", methods=["GET"])
@authenticated
@fund_scoped("view_performance")
@blp.arguments(StatementQuerySchema, location="query")
@blp.response(200, StatementSchema)
@blp.alt_response(200, description="The statement as a PDF (format=pdf) or CSV (format=csv)",
                  content_type="application/pdf", success=True)
@documented_errors
def statement(query, fund: Fund, partner_id: int):
    """A partner's statement as of a date: what it owes (overdue and since when, the next amount due) and
    each call's paid and outstanding parts; a partner reads its own only (others answer 404)."""
    partner = statement_partner_or_404(g.api_user, fund.id, partner_id)
    made = statements.statement(fund, partner, query["as_of"] or date.today())
    answer = statement_download(fund, made, query["format"])
    if answer is not None:
        return answer
    account, next_due = made.account, made.next_due
    return {"as_of": made.as_of, "partner_id": partner.id, "outstanding": made.outstanding,
            "overdue": made.overdue, "overdue_since": made.overdue_since, "calls": made.calls,
            "next_due": next_due and {"number": next_due.number, "due_date": next_due.due_date,
                                      "amount": next_due.outstanding},
            "distributions": made.distributions} | {
        name: getattr(account, name)
        for name in ("commitment", "called", "paid_in", "unfunded", "distributed", "nav_share", "tvpi",
                     "irr")}


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
    return sorted(companies.values(), key=lambda c: c.name)


@blp.route("/companies", methods=["POST"])
@authenticated
@blp.arguments(CompanySchema)
@blp.response(201, CompanySchema)
@documented_errors
def create_company(body):
    """A founder registers its own company (no fund_id), as in the portal; a manager registers one
    directly for a fund it manages (fund_id)."""
    if g.api_user.is_founder:
        if body["fund_id"] is not None:
            raise Refused({"fund_id": _("A founder registers its own company: leave fund_id out.")})
        company = portfolio.register_company(g.api_user, None, body, owner_id=g.api_user.id)
        db.session.flush()
        return company
    if body["fund_id"] is None:
        raise Refused({"fund_id": _("Name the fund registering the company.")})
    fund = fund_or_404(g.api_user, body["fund_id"], "manage_capital")
    company = portfolio.register_company(g.api_user, fund, body)
    db.session.flush()
    return company


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
    reversal = reversals.reverse(g.api_user, fund, body["kind"], entry, body["reason"])
    return {"kind": body["kind"], "entry_id": entry.id, "reversal_id": reversal.id, "reason": body["reason"]}
