"""The capital ledger through its services, on the real database."""
import threading
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from fundapp.errors import Refused
from fundapp.ledger import capital, reversal
from fundapp.ledger.loader import metrics_as_of
from fundapp.ledger.models import CallAllocation, CapitalCall, Payment
from fundapp.portfolio import services as portfolio
from tests.factories import UserFactory, fund_with_partners

D = date


@pytest.fixture
def fund(db):
    """A KES fund of vintage 2024: the government commits 6,000.00 and OpenAI 4,000.00."""
    return fund_with_partners()[0]


@pytest.fixture
def manager(db, fund):
    return UserFactory()


def partner_ids(fund):
    from fundapp.funds.services import partners_of
    return [p.id for p in partners_of(fund)]


def test_call_is_allocated_pro_rata_to_commitments(db, fund, manager):
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000.01", "investment")
    db.session.commit()
    shares = db.session.scalars(select(CallAllocation.amount).where(CallAllocation.call_id == call.id)
                                .order_by(CallAllocation.partner_id)).all()
    assert shares == [60_001, 40_000]  # 100,001 cents: 60,000.6 and 40,000.4 -> the .6 wins the unit


@pytest.mark.parametrize(("args", "field"), [
    ((D(2024, 1, 10), D(2024, 2, 10), "10000.01", "investment"), "amount"),   # above unfunded
    ((D(2024, 1, 10), D(2024, 2, 10), "10.001", "investment"), "amount"),     # too precise
    ((D(2024, 1, 10), D(2024, 2, 10), "-5", "investment"), "amount"),
    ((D(2024, 1, 10), D(2024, 2, 10), "abc", "investment"), "amount"),
    ((D(2024, 1, 10), D(2024, 2, 10), "0", "investment"), "amount"),
    ((D(2023, 12, 31), D(2024, 2, 10), "10", "investment"), "call_date"),    # before the vintage
    ((D(2024, 1, 10), D(2024, 1, 9), "10", "investment"), "due_date"),       # due before called
    ((D(2024, 1, 10), D(2024, 2, 10), "10", "party"), "purpose"),
])
def test_bad_calls_are_refused_and_nothing_is_saved(db, fund, manager, args, field):
    with pytest.raises(Refused) as refusal:
        capital.record_call(manager, fund, *args)
    assert field in refusal.value.fields
    db.session.rollback()
    assert db.session.scalar(select(CapitalCall)) is None


def test_partial_and_late_payments_and_the_outstanding_check(db, fund, manager):
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "fees")
    ministry, openai = partner_ids(fund)
    capital.record_payment(manager, fund, call, ministry, D(2024, 2, 1), "400")
    capital.record_payment(manager, fund, call, ministry, D(2024, 3, 1), "200")  # late, completes
    with pytest.raises(Refused, match="outstanding"):
        capital.record_payment(manager, fund, call, openai, D(2024, 2, 1), "400.01")
    with pytest.raises(Refused) as before_call:
        capital.record_payment(manager, fund, call, openai, D(2024, 1, 9), "1")
    assert "date" in before_call.value.fields
    with pytest.raises(Refused) as stranger:
        capital.record_payment(manager, fund, call, 99999, D(2024, 2, 1), "1")
    assert "partner_id" in stranger.value.fields
    db.session.commit()
    m = metrics_as_of(fund, D(2024, 12, 31))
    assert (m.called, m.paid_in) == (100_000, 60_000)
    assert [p.paid_in for p in m.partners] == [60_000, 0]


def test_distribution_is_allocated_to_paid_in_at_its_date(db, fund, manager):
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    ministry, openai = partner_ids(fund)
    capital.record_payment(manager, fund, call, ministry, D(2024, 2, 1), "600")
    capital.record_payment(manager, fund, call, openai, D(2024, 5, 1), "100")
    distribution = capital.record_distribution(manager, fund, D(2024, 3, 1), "100")
    # on 1 March only the government had paid in: it gets everything
    assert [(a.partner_id, a.amount) for a in db.session.scalars(
        select(capital.DistributionAllocation).where(
            capital.DistributionAllocation.distribution_id == distribution.id))] == [(ministry, 10_000), (openai, 0)]
    with pytest.raises(Refused, match="cash"):
        capital.record_distribution(manager, fund, D(2024, 3, 2), "600")


def test_reversal_restores_every_figure(db, fund, manager):
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    ministry, openai = partner_ids(fund)
    payment = capital.record_payment(manager, fund, call, ministry, D(2024, 2, 1), "600")
    db.session.commit()
    before = metrics_as_of(fund, D(2024, 12, 31))
    wrong = capital.record_expense(manager, fund, D(2024, 3, 1), "50", "operations")
    assert metrics_as_of(fund, D(2024, 12, 31)).cash == before.cash - 5_000
    reversal.reverse(manager, fund, "expense", wrong, "Entered by mistake")
    assert metrics_as_of(fund, D(2024, 12, 31)) == before
    with pytest.raises(Refused, match="payments of this call first"):
        reversal.reverse(manager, fund, "capital_call", call, "Entered by mistake")
    reversal.reverse(manager, fund, "payment", payment, "Entered by mistake")
    reversal.reverse(manager, fund, "capital_call", call, "Entered by mistake")
    db.session.commit()
    after = metrics_as_of(fund, D(2024, 12, 31))
    assert (after.called, after.paid_in, after.unfunded) == (0, 0, 1_000_000)
    with pytest.raises(Refused, match="already reversed"):
        reversal.reverse(manager, fund, "capital_call", call, "Entered by mistake")


def test_ledger_rows_cannot_be_edited_or_deleted(db, fund, manager):
    capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    db.session.commit()
    for statement in ("UPDATE capital_calls SET amount = 1", "DELETE FROM call_allocations"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


def test_investment_mark_exit_cycle(db, fund, manager):
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    ministry, openai = partner_ids(fund)
    capital.record_payment(manager, fund, call, ministry, D(2024, 2, 1), "600")
    capital.record_payment(manager, fund, call, openai, D(2024, 2, 1), "400")
    company = portfolio.register_company(manager, fund, {"name": "Shamba AI", "country": "KE", "sector": "ai"})
    with pytest.raises(Refused, match="cash"):
        portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "1000.01", "equity", "0.1")
    with pytest.raises(Refused) as precise:
        portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "500", "equity", "0.12345")
    assert "ownership" in precise.value.fields
    investment = portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "500", "equity", "0.15")
    portfolio.record_investment(manager, fund, company.id, D(2024, 6, 1), "100", "safe", "0.02")
    portfolio.record_valuation(manager, fund, investment, D(2024, 12, 31), "900")
    with pytest.raises(Refused, match="before the investment"):
        portfolio.record_valuation(manager, fund, investment, D(2024, 2, 1), "900")
    portfolio.record_exit(manager, fund, company.id, D(2025, 6, 30), "2000", "acquisition")
    with pytest.raises(Refused, match="exited"):
        portfolio.record_investment(manager, fund, company.id, D(2025, 7, 1), "1", "equity", "0")
    db.session.commit()
    held = metrics_as_of(fund, D(2024, 12, 31)).companies[0]
    assert (held.cost, held.fair_value) == (60_000, 100_000)
    assert str(held.ownership) == "0.1700"
    exited = metrics_as_of(fund, D(2025, 12, 31))
    assert (exited.companies[0].proceeds, exited.fair_value, exited.cash) == (200_000, 0, 240_000)


@pytest.mark.parametrize("kind", ["write_off"])
def test_write_off_has_no_proceeds(db, fund, manager, kind):
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    for pid in partner_ids(fund):
        capital.record_payment(manager, fund, call, pid, D(2024, 2, 1), "500" if pid == partner_ids(fund)[0] else "400")
    company = portfolio.register_company(manager, fund, {"name": "Gone", "country": "KE", "sector": "ai"})
    portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "100", "loan", "0")
    with pytest.raises(Refused, match="no proceeds"):
        portfolio.record_exit(manager, fund, company.id, D(2024, 9, 1), "1", kind)
    portfolio.record_exit(manager, fund, company.id, D(2024, 9, 1), "0", kind)
    db.session.commit()
    assert metrics_as_of(fund, D(2024, 12, 31)).companies[0].moic == 0


def test_two_payments_racing_cannot_overpay(db, fund, manager, make_app):
    """Two connections pay the same allocation at once: one succeeds, the other is refused."""
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    ministry = partner_ids(fund)[0]
    db.session.commit()
    call_id, manager_id, fund_id, fund_type = call.id, manager.id, fund.id, type(fund)
    barrier = threading.Barrier(2, timeout=20)
    outcomes = []

    def pay(app):
        with app.app_context():
            from fundapp.auth.models import User
            from fundapp.extensions import db as inner
            inner_fund = inner.session.get(fund_type, fund_id)
            inner_call = inner.session.get(CapitalCall, call_id)
            actor = inner.session.get(User, manager_id)
            inner.session.commit()  # end the reading transaction: each payment is its own, as in a request
            barrier.wait()
            try:
                capital.record_payment(actor, inner_fund, inner_call, ministry, D(2024, 2, 1), "600")
                inner.session.commit()
                outcomes.append("paid")
            except Refused:
                inner.session.rollback()
                outcomes.append("refused")

    apps = [make_app(), make_app()]  # two servers: each has its own connection to the database
    threads = [threading.Thread(target=pay, args=(app,), daemon=True) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["paid", "refused"]
    assert sum(db.session.scalars(select(Payment.amount))) == 60_000


def test_checksums_seal_every_row(db, fund, manager):
    capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    db.session.commit()
    for row in db.session.scalars(select(CallAllocation)):
        assert len(row.seal) == 64 and len(row.previous_seal) == 64


def paid_in_fund(db, fund, manager):
    call = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    for partner_id, share in zip(partner_ids(fund), ("600", "400"), strict=True):
        capital.record_payment(manager, fund, call, partner_id, D(2024, 1, 20), share)
    db.session.commit()
    return call


def test_an_entry_dated_back_may_not_leave_a_later_day_without_cash(db, fund, manager):
    paid_in_fund(db, fund, manager)                               # 1,000.00 in on 20 January
    capital.record_distribution(manager, fund, D(2024, 6, 1), "800")
    db.session.commit()
    with pytest.raises(Refused, match=r"below zero on 1 Jun 2024. At most KES.?200.00 can go out"):
        capital.record_expense(manager, fund, D(2024, 3, 1), "300", "operations")
    capital.record_expense(manager, fund, D(2024, 3, 1), "200", "operations")
    with pytest.raises(Refused, match=r"exceeds the fund's cash on that date \(KES.?0.00\)"):
        capital.record_distribution(manager, fund, D(2024, 7, 1), "0.01")


def test_a_reversal_may_not_leave_the_fund_without_cash(db, fund, manager):
    call = paid_in_fund(db, fund, manager)
    portfolio.register_company(manager, fund, {"name": "Shamba", "country": "KE", "sector": "ai"})
    db.session.commit()
    company = db.session.scalar(select(portfolio.Company))
    portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "900", "equity", "0.1")
    db.session.commit()
    payment = db.session.scalars(select(Payment).join(CallAllocation).where(CallAllocation.call_id == call.id)
                                 ).first()
    with pytest.raises(Refused, match=r"Reversing this entry would leave the fund's cash below zero on 1 Mar "
                                      r"2024, by KES.?500.00"):
        reversal.reverse(manager, fund, "payment", payment, "Entered by mistake")


def test_verify_ledger_finds_negative_cash_and_unfunded_on_any_date(runner, db, fund, manager):
    """Rows entered past the use cases (as a buggy import would), sealed as any row: the balances
    themselves give the break away."""
    from fundapp.ledger.entries import enter
    from fundapp.ledger.models import Expense
    paid_in_fund(db, fund, manager)
    enter(Expense(fund_id=fund.id, date=D(2024, 1, 15), amount=5_000, category="operations"), manager)
    call = enter(CapitalCall(fund_id=fund.id, call_date=D(2024, 5, 1), due_date=D(2024, 6, 1),
                             amount=2_000_000, purpose="fees"), manager)
    for partner_id, share in zip(partner_ids(fund), (1_200_000, 800_000), strict=True):
        enter(CallAllocation(call_id=call.id, partner_id=partner_id, amount=share), manager)
    db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    assert "the fund's cash is negative on 2024-01-15 (-5000)" in result.output
    assert "the fund's unfunded commitment is negative (-1100000)" in result.output
    assert "called beyond its commitment" in result.output


def test_reversing_the_investment_of_an_application_approves_it_again(db, fund, manager):
    from fundapp.applications.models import Application, StateChange
    from tests.factories import FounderFactory
    paid_in_fund(db, fund, manager)
    founder = FounderFactory()
    company = portfolio.register_company(manager, fund, {"name": "Afya", "country": "KE", "sector": "health"},
                                         owner_id=founder.id)
    db.session.flush()
    application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id, state="approved")
    db.session.add(application)
    db.session.commit()
    investment = portfolio.record_investment(manager, fund, company.id, D(2024, 3, 1), "500", "equity", "0.1",
                                             application_id=application.id)
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "invested"
    reversal.reverse(manager, fund, "investment", investment, "Entered by mistake")
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "approved"
    last = db.session.scalars(select(StateChange).order_by(StateChange.id.desc())).first()
    assert (last.from_state, last.to_state, last.reason) == ("invested", "approved", "Investment reversed.")
