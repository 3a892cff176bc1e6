"""Pure job metrics (SPEC section 5): baseline, current, net, gross, lost, maintained and attributed
FTE, cost per job and the shares of women, under-35s and nationals. No Flask, no SQLAlchemy."""
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter


def fte(full_time: int, part_time: int) -> Decimal:
    """Full-time equivalents: two part-time jobs make one full-time one when hours are unknown."""
    return Decimal(full_time) + Decimal(part_time) / 2


@dataclass(frozen=True)
class Report:
    period_end: date
    full_time: int
    part_time: int
    women: int = 0
    under_35: int = 0
    nationals: int = 0
    verified: bool = False

    @property
    def fte(self) -> Decimal:
        return fte(self.full_time, self.part_time)

    @property
    def headcount(self) -> int:
        return self.full_time + self.part_time


@dataclass(frozen=True)
class CompanyJobs:
    company_id: int
    first_investment: date
    ownership: Decimal                       # sum of fractions acquired (capped at 1 here)
    declared_fte: Decimal | None = None      # from the application, when no report precedes the investment
    exited_on: date | None = None
    written_off: bool = False
    reports: tuple[Report, ...] = ()         # in period order


@dataclass
class CompanyFigures:
    company_id: int
    baseline_fte: Decimal
    current_fte: Decimal
    net_created: Decimal
    attributed: Decimal
    verified: bool
    current_report: Report | None


@dataclass
class JobFigures:
    as_of: date
    baseline_fte: Decimal
    current_fte: Decimal
    net_created: Decimal
    gross_created: Decimal
    lost: Decimal
    maintained: Decimal
    attributed: Decimal
    cost_per_job: Decimal | None
    public_cost_per_job: Decimal | None
    women_share: Decimal | None
    under_35_share: Decimal | None
    nationals_share: Decimal | None
    verified_share: Decimal | None
    companies: list[CompanyFigures] = field(default_factory=list)


def _latest(reports: tuple[Report, ...], until: date) -> Report | None:
    """The last report of a period ended by the date (reports are in period order)."""
    index = bisect_right(reports, until, key=attrgetter("period_end"))
    return reports[index - 1] if index else None


def company_figures(company: CompanyJobs, as_of: date) -> CompanyFigures:
    """Baseline and current FTE of one company, and what the fund can claim of the change."""
    before = _latest(company.reports, company.first_investment)
    baseline = before.fte if before else (company.declared_fte or Decimal(0))
    ended = company.exited_on is not None and company.exited_on <= as_of
    if ended and company.written_off:
        current_report, current = None, Decimal(0)     # a written-off company counts as zero jobs
    else:
        current_report = _latest(company.reports, company.exited_on if ended else as_of)
        current = current_report.fte if current_report else baseline
    ownership = min(Decimal(1), company.ownership)
    return CompanyFigures(company.company_id, baseline, current, current - baseline,
                          (current - baseline) * ownership,
                          bool(current_report and current_report.verified), current_report)


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def job_figures(companies: list[CompanyJobs], as_of: date, invested: int,
                government_share: Decimal | None) -> JobFigures:
    """The fund's job figures as of a date, over the companies it had invested in by then.

    invested is in minor units: cost per job comes out in minor units too.
    """
    rows = [company_figures(c, as_of) for c in companies if c.first_investment <= as_of]
    net = sum((r.net_created for r in rows), Decimal(0))
    current_reports = [r.current_report for r in rows if r.current_report is not None]
    headcount = sum(report.headcount for report in current_reports)
    current = sum((r.current_fte for r in rows), Decimal(0))
    cost = Decimal(invested) / net if net > 0 else None
    return JobFigures(
        as_of=as_of,
        baseline_fte=sum((r.baseline_fte for r in rows), Decimal(0)),
        current_fte=current,
        net_created=net,
        gross_created=sum((max(Decimal(0), r.net_created) for r in rows), Decimal(0)),
        lost=sum((max(Decimal(0), -r.net_created) for r in rows), Decimal(0)),
        maintained=sum((min(r.baseline_fte, r.current_fte) for r in rows), Decimal(0)),
        attributed=sum((r.attributed for r in rows), Decimal(0)),
        cost_per_job=cost,
        public_cost_per_job=cost * government_share if cost is not None and government_share is not None
        else None,
        women_share=_share(sum(r.women for r in current_reports), headcount),
        under_35_share=_share(sum(r.under_35 for r in current_reports), headcount),
        nationals_share=_share(sum(r.nationals for r in current_reports), headcount),
        verified_share=(sum((r.current_fte for r in rows if r.verified), Decimal(0)) / current
                        if current else None),
        companies=rows,
    )


@dataclass
class GroupFigures:
    label: str
    companies: int = 0
    baseline_fte: Decimal = Decimal(0)
    current_fte: Decimal = Decimal(0)
    net_created: Decimal = Decimal(0)
    attributed: Decimal = Decimal(0)


def breakdown(rows: list[CompanyFigures], label_of) -> list[GroupFigures]:
    """The companies' figures summed per label (a sector, a region), largest net creation first."""
    groups: dict[str, GroupFigures] = {}
    for row in rows:
        label = label_of(row.company_id)
        group = groups.setdefault(label, GroupFigures(label))
        group.companies += 1
        group.baseline_fte += row.baseline_fte
        group.current_fte += row.current_fte
        group.net_created += row.net_created
        group.attributed += row.attributed
    return sorted(groups.values(), key=lambda g: (-g.net_created, g.label))
