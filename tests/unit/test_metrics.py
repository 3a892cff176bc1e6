"""Fund metrics against hand-computed figures; XIRR against Excel's answers and a bisection."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.ledger.metrics import Flow, Ledger, fund_metrics, lowest_cash, xirr

D = date


def npv_root(flows, low=-0.99, high=10.0):
    """An independent XIRR: bisection on the ACT/365F net present value."""
    start = min(day for day, _ in flows)

    def npv(rate):
        return sum(amount / (1 + rate) ** ((day - start).days / 365) for day, amount in flows)

    for _ in range(200):
        mid = (low + high) / 2
        if (npv(low) > 0) == (npv(mid) > 0):
            low = mid
        else:
            high = mid
    return (low + high) / 2


def scenario() -> Ledger:
    """A 600/400 fund: one call, payments, two companies, a fee, marks, an exit, a write-off,
    and a distribution. Partner 1 is the government."""
    return Ledger(
        commitments={1: 600_000, 2: 400_000},
        government={1},
        call_allocations=[Flow(D(2024, 1, 1), 60_000, partner_id=1, ref=1),
                          Flow(D(2024, 1, 1), 40_000, partner_id=2, ref=1)],
        payments=[Flow(D(2024, 1, 15), 60_000, partner_id=1), Flow(D(2024, 1, 20), 40_000, partner_id=2)],
        expenses=[Flow(D(2024, 3, 1), 5_000)],
        investments=[Flow(D(2024, 2, 1), 50_000, company_id=10, ref=100),
                     Flow(D(2024, 6, 1), 20_000, company_id=11, ref=101)],
        ownership={100: Decimal("0.10"), 101: Decimal("0.05")},
        valuations=[Flow(D(2024, 12, 31), 80_000, ref=100), Flow(D(2024, 12, 31), 10_000, ref=101)],
        exits=[Flow(D(2025, 3, 31), 0, company_id=11), Flow(D(2025, 6, 30), 150_000, company_id=10)],
        distribution_allocations=[Flow(D(2025, 7, 15), 60_000, partner_id=1, ref=1),
                                  Flow(D(2025, 7, 15), 40_000, partner_id=2, ref=1)],
    )


def test_before_any_flow_ratios_are_undefined():
    m = fund_metrics(scenario(), D(2023, 12, 31))
    assert (m.committed, m.called, m.unfunded, m.paid_in, m.nav) == (1_000_000, 0, 1_000_000, 0, 0)
    assert m.dpi is m.rvpi is m.tvpi is m.net_irr is m.private_to_public is None


def test_one_partner_paid():
    m = fund_metrics(scenario(), D(2024, 1, 16))
    assert (m.called, m.paid_in, m.cash, m.nav) == (100_000, 60_000, 60_000, 60_000)
    assert m.private_to_public == 0
    assert m.net_irr == pytest.approx(0.0, abs=1e-9)
    partner_two = m.partners[1]
    assert (partner_two.called, partner_two.paid_in, partner_two.unfunded) == (40_000, 0, 360_000)
    assert partner_two.dpi is None and partner_two.irr is None


def test_year_end_with_marks():
    m = fund_metrics(scenario(), D(2024, 12, 31))
    assert (m.paid_in, m.invested, m.expenses, m.cash) == (100_000, 70_000, 5_000, 25_000)
    assert (m.fair_value, m.nav) == (90_000, 115_000)
    assert (m.dpi, m.rvpi, m.tvpi) == (Decimal(0), Decimal("1.15"), Decimal("1.15"))
    assert m.private_to_public == Decimal(40_000) / Decimal(60_000)
    assert [(p.nav_share, p.rvpi) for p in m.partners] == [(69_000, Decimal("1.15")), (46_000, Decimal("1.15"))]
    flows = [(D(2024, 1, 15), -60_000), (D(2024, 1, 20), -40_000), (D(2024, 12, 31), 115_000)]
    assert m.net_irr == pytest.approx(npv_root(flows), abs=1e-7)
    first, second = m.companies
    assert (first.cost, first.fair_value, first.moic) == (50_000, 80_000, Decimal("1.6"))
    assert (second.cost, second.fair_value, second.moic) == (20_000, 10_000, Decimal("0.5"))
    assert first.gross_irr == pytest.approx(npv_root([(D(2024, 2, 1), -50_000), (D(2024, 12, 31), 80_000)]), abs=1e-7)


def test_after_exit_write_off_and_distribution():
    m = fund_metrics(scenario(), D(2025, 12, 31))
    assert (m.exit_proceeds, m.distributed, m.fair_value, m.cash, m.nav) == (150_000, 100_000, 0, 75_000, 75_000)
    assert (m.dpi, m.rvpi, m.tvpi) == (Decimal(1), Decimal("0.75"), Decimal("1.75"))
    exited, written_off = m.companies
    assert (exited.proceeds, exited.fair_value, exited.moic) == (150_000, 0, Decimal(3))
    assert exited.gross_irr == pytest.approx(npv_root([(D(2024, 2, 1), -50_000), (D(2025, 6, 30), 150_000)]), abs=1e-7)
    assert (written_off.proceeds, written_off.fair_value, written_off.moic) == (0, 0, Decimal(0))
    assert written_off.gross_irr is None  # no positive flow: no IRR rather than a made-up one
    assert [p.distributed for p in m.partners] == [60_000, 40_000]
    assert sum(p.nav_share for p in m.partners) == m.nav


def test_ownership_is_summed_and_capped_at_one():
    ledger = scenario()
    ledger.investments.append(Flow(D(2024, 9, 1), 1_000, company_id=10, ref=102))
    ledger.ownership[102] = Decimal("0.95")
    assert fund_metrics(ledger, D(2024, 12, 31)).companies[0].ownership == Decimal(1)


def test_latest_mark_per_investment_else_cost():
    ledger = scenario()
    ledger.valuations.append(Flow(D(2024, 6, 30), 55_000, ref=100))
    assert fund_metrics(ledger, D(2024, 7, 1)).companies[0].fair_value == 55_000
    assert fund_metrics(ledger, D(2024, 5, 1)).companies[0].fair_value == 50_000


@pytest.mark.parametrize(("flows", "expected"), [
    # Excel's documented XIRR example
    ([(D(2008, 1, 1), -10_000), (D(2008, 3, 1), 2_750), (D(2008, 10, 30), 4_250),
      (D(2009, 2, 15), 3_250), (D(2009, 4, 1), 2_750)], 0.373362535),
    # one year, +10 %: ACT/365F over 2021 (365 days)
    ([(D(2021, 1, 1), -100), (D(2022, 1, 1), 110)], 0.10),
    # a leap year has 366 days: (110/100) ** (365/366) - 1
    ([(D(2020, 1, 1), -100), (D(2021, 1, 1), 110)], 1.1 ** (365 / 366) - 1),
])
def test_xirr_known_answers(flows, expected):
    assert xirr(flows) == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize("flows", [
    [],
    [(D(2024, 1, 1), -100)],
    [(D(2024, 1, 1), 100), (D(2025, 1, 1), 50)],
    [(D(2024, 1, 1), -100), (D(2024, 1, 1), 100)],  # netted on one date: nothing left
])
def test_xirr_is_none_without_a_sign_change(flows):
    assert xirr(flows) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2000), st.integers(-10**9, 10**9)), min_size=2, max_size=8))
def test_xirr_returns_a_true_root_or_none(raw):
    flows = [(date.fromordinal(D(2020, 1, 1).toordinal() + days), amount) for days, amount in raw]
    rate = xirr(flows)
    if rate is None:
        return
    start = min(day for day, _ in flows)
    npv = sum(amount / (1 + rate) ** ((day - start).days / 365) for day, amount in flows)
    scale = sum(abs(amount) for _, amount in flows)
    assert abs(npv) <= 1e-6 * scale


@pytest.mark.parametrize(("start", "lowest"), [
    (D(2024, 1, 1), (0, D(2024, 1, 1))),             # before any payment: nothing to spend
    (D(2024, 1, 20), (25_000, D(2024, 6, 1))),       # 100,000 paid in, then 75,000 out by June
    (D(2024, 6, 1), (25_000, D(2024, 6, 1))),
    (D(2025, 6, 30), (75_000, D(2025, 7, 15))),      # the exit's 150,000 in, the distribution's 100,000 out
    (D(2026, 1, 1), (75_000, D(2026, 1, 1))),
])
def test_lowest_cash_from_a_day_on(start, lowest):
    assert lowest_cash(scenario(), start) == lowest
    assert lowest[0] == min(fund_metrics(scenario(), day).cash
                            for day in (start, D(2024, 6, 1), D(2025, 7, 15), D(2026, 1, 1)) if day >= start)


@pytest.mark.parametrize(("private_to_public", "target", "met"), [
    (None, Decimal("1"), None),                  # nothing public paid in: no answer yet
    (Decimal("0.75"), Decimal("0.75"), True),    # at the target
    (Decimal("0.74"), Decimal("0.75"), False),
    (Decimal("1.5"), Decimal("1"), True),
])
def test_the_match_is_met_at_or_above_the_target(private_to_public, target, met):
    m = replace(fund_metrics(scenario(), D(2024, 1, 16)), private_to_public=private_to_public)
    assert m.meets_match(target) is met
