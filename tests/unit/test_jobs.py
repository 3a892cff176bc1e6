"""Job metrics against a hand-computed table (SPEC section 5)."""
from datetime import date
from decimal import Decimal

from fundapp.jobs.figures import CompanyJobs, Report, breakdown, job_figures

D = date
Q = lambda year, quarter: D(year, quarter * 3, 30 if quarter in (2, 3) else 31)  # noqa: E731


def portfolio() -> list[CompanyJobs]:
    return [
        # A: report before the investment (baseline 10 + 0.5*4 = 12), a follow-on later (first investment
        # counts), now 20 + 0.5*6 = 23, verified; ownership 0.15 + 0.05 = 0.20
        CompanyJobs(1, D(2024, 3, 1), Decimal("0.20"), reports=(
            Report(Q(2023, 4), 10, 4, women=5, under_35=8, nationals=14, verified=True),
            Report(Q(2025, 2), 20, 6, women=12, under_35=15, nationals=24, verified=True))),
        # B: no report before the investment: the application's 5 FTE is the baseline; now 8, unverified
        CompanyJobs(2, D(2024, 6, 1), Decimal("0.10"), declared_fte=Decimal(5), reports=(
            Report(Q(2025, 2), 8, 0, women=4, under_35=6, nationals=7),)),
        # C: written off in 2025: baseline 6, counts as 0 from then on
        CompanyJobs(3, D(2024, 4, 1), Decimal("0.30"), exited_on=D(2025, 3, 31), written_off=True, reports=(
            Report(Q(2024, 1), 6, 0, verified=True), Report(Q(2024, 4), 9, 0, verified=True))),
        # D: sold in 2025 (not a write-off): its last report before the exit stands; a later one is ignored
        CompanyJobs(4, D(2024, 1, 15), Decimal("1.40"), exited_on=D(2025, 4, 30), reports=(
            Report(Q(2023, 4), 4, 0, verified=True), Report(Q(2025, 1), 7, 2, women=3, under_35=4, nationals=9,
                                                           verified=True),
            Report(Q(2025, 2), 30, 0, verified=True))),
    ]


def test_fund_figures_at_mid_2025():
    figures = job_figures(portfolio(), D(2025, 6, 30), invested=1_000_000_00, government_share=Decimal("0.6"))
    by_company = {c.company_id: c for c in figures.companies}
    assert (by_company[1].baseline_fte, by_company[1].current_fte) == (12, 23)
    assert (by_company[2].baseline_fte, by_company[2].current_fte) == (5, 8)
    assert (by_company[3].baseline_fte, by_company[3].current_fte) == (6, 0)
    assert (by_company[4].baseline_fte, by_company[4].current_fte) == (4, 8)   # 7 + 0.5*2, not 30
    # net: 11 + 3 - 6 + 4 = 12; gross 18; lost 6; maintained 12 + 5 + 0 + 4 = 21
    assert (figures.net_created, figures.gross_created, figures.lost, figures.maintained) == (12, 18, 6, 21)
    # attributed: 11*0.20 + 3*0.10 - 6*0.30 + 4*1 (1.40 capped at 1) = 2.2 + 0.3 - 1.8 + 4 = 4.7
    assert figures.attributed == Decimal("4.7")
    assert figures.cost_per_job == Decimal(1_000_000_00) / 12
    assert figures.public_cost_per_job == Decimal(1_000_000_00) / 12 * Decimal("0.6")
    # shares over the current reports (A, B, D; C has none): women 12+4+3 / 26+8+9 = 19/43
    assert figures.women_share == Decimal(19) / 43
    assert figures.under_35_share == Decimal(25) / 43 and figures.nationals_share == Decimal(40) / 43
    # verified share of current FTE: A 23 and D 8 verified, B 8 not: 31 / 39
    assert figures.verified_share == Decimal(31) / 39


def test_before_the_write_off_the_company_still_counts():
    figures = job_figures(portfolio(), D(2024, 12, 31), invested=100, government_share=None)
    c = {c.company_id: c for c in figures.companies}[3]
    assert (c.baseline_fte, c.current_fte) == (6, 9)
    assert figures.public_cost_per_job is None


def test_only_companies_invested_by_the_date_count_and_no_jobs_means_no_cost():
    figures = job_figures(portfolio(), D(2024, 2, 1), invested=100, government_share=Decimal(1))
    assert [c.company_id for c in figures.companies] == [4]
    assert figures.net_created == 0 and figures.cost_per_job is None
    empty = job_figures([], D(2024, 2, 1), invested=0, government_share=None)
    assert empty.women_share is None and empty.verified_share is None


def test_breakdown_sums_companies_per_label():
    figures = job_figures(portfolio(), D(2025, 6, 30), invested=100, government_share=None)
    sectors = {1: "fintech", 2: "health", 3: "fintech", 4: "health"}
    groups = {g.label: g for g in breakdown(figures.companies, sectors.__getitem__)}
    # fintech: A (12 -> 23) and C (6 -> 0); health: B (5 -> 8) and D (4 -> 8)
    assert (groups["fintech"].companies, groups["fintech"].baseline_fte, groups["fintech"].current_fte) == (2, 18, 23)
    assert groups["fintech"].net_created == 5 and groups["fintech"].attributed == Decimal("0.4")
    assert (groups["health"].net_created, groups["health"].attributed) == (7, Decimal("4.3"))
    assert [g.label for g in breakdown(figures.companies, sectors.__getitem__)] == ["health", "fintech"]
