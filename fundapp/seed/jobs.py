"""Quarterly headcount reports for a demo fund's companies, filed through the real use cases: a
baseline before each investment, growth since, the latest quarter not yet verified, a few missing."""
import random
from datetime import UTC, date, datetime, time, timedelta

from fundapp.jobs import services as jobs
from fundapp.quarters import ends_between, last_ended, period_of


def headcount_history(manager, fund, founder=None, today: date | None = None) -> None:
    """File each company's reports from the quarter end before its first investment until it left
    the portfolio. A company the founder owns was filed by the founder lately: its report of the
    quarter before last awaits verification and the last quarter is still missing."""
    today = today or date.today()
    last = last_ended(today)
    statuses = jobs.reporting_status(jobs.invested_company_ids(fund.id), fund.id, today=today)
    for index, status in enumerate(statuses):
        company = status.company
        rng = random.Random(f"{fund.country.code}-{company.name}")  # noqa: S311  (demo figures, repeatable)
        days = [day for day in ends_between(last_ended(status.first_investment), last)
                if status.exited_on is None or day <= status.exited_on]
        full_time, part_time = rng.randint(4, 14), rng.randint(0, 4)
        by_founder = founder is not None and company.owner_id == founder.id
        for position, day in enumerate(days):
            if position:
                full_time = max(1, full_time + rng.choice((-1, 0, 1, 2, 2, 3, 4)))
                part_time = max(0, part_time + rng.choice((-1, 0, 0, 1)))
            latest = day == last
            if latest and position and (by_founder or index % 3 == 2):
                continue                                # not reported yet
            if index % 4 == 1 and position == len(days) // 2 and 0 < position < len(days) - 1:
                continue                                # a quarter the company never reported
            filer = founder if by_founder and position >= len(days) - 2 else manager
            headcount = full_time + part_time
            report = jobs.file_report(filer, company, {
                "period": period_of(day), "full_time": full_time, "part_time": part_time,
                "women": round(headcount * rng.uniform(0.3, 0.55)),
                "under_35": round(headcount * rng.uniform(0.45, 0.75)),
                "nationals": headcount - rng.randint(0, min(2, headcount)),
                "verified": filer is manager and not (latest and index % 2)},
                by_manager=filer is manager, today=today)
            if report.verified:       # checked against the company's payroll some weeks after the quarter
                report.verified_at = min(datetime.combine(day + timedelta(days=24), time(10), tzinfo=UTC),
                                         datetime.now(UTC))
