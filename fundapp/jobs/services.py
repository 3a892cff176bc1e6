"""Use cases of job reporting: headcount reports filed, corrected, verified and imported, and a fund's
job figures as of any date, read from the database once and computed by the pure jobs module."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from fundapp.applications.models import Application
from fundapp.audit.services import record, snapshot
from fundapp.auth.models import Grant
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.jobs.figures import (
    CompanyFigures,
    CompanyJobs,
    GroupFigures,
    JobFigures,
    Report,
    breakdown,
    fte,
    job_figures,
)
from fundapp.jobs.models import HeadcountReport
from fundapp.ledger.entries import effective, hold_ledgers
from fundapp.ledger.loader import load_ledger
from fundapp.ledger.metrics import FundMetrics, fund_metrics
from fundapp.portfolio.constants import HOLDING_STATES
from fundapp.portfolio.models import Company, Exit, Investment
from fundapp.quarters import ends_between, last_ended, parse_period, period_of
from fundapp.reporting.closing import refuse_closed
from fundapp.revisions import cached, touch
from fundapp.web.formatting import sector_label

COUNTS = ("full_time", "part_time", "women", "under_35", "nationals")
BREAKDOWNS = ("women", "under_35", "nationals")
MAX_COUNT = 1_000_000


# --- who may report for which company ---------------------------------------------------------------

def invested_company_ids(fund_id: int | None = None):
    """A query of the companies holding an effective investment (of one fund, or of any)."""
    query = select(Investment.company_id).where(effective(Investment))
    return query.where(Investment.fund_id == fund_id) if fund_id is not None else query


def founder_company(founder, company_id: int) -> Company | None:
    """The founder's own company once a fund has invested in it, else None."""
    return db.session.scalar(select(Company).where(
        Company.id == company_id, Company.owner_id == founder.id, Company.id.in_(invested_company_ids())))


def fund_company(fund: Fund, company_id) -> Company | None:
    """A company the fund has invested in, else None."""
    if not isinstance(company_id, int):
        return None
    return db.session.scalar(select(Company).where(
        Company.id == company_id, Company.id.in_(invested_company_ids(fund.id))))


def managed_company(user, company_id: int) -> Company | None:
    """The company if the user manages a fund invested in it (an admin manages every fund)."""
    query = select(Company).where(Company.id == company_id)
    if user.is_admin:
        return db.session.scalar(query.where(Company.id.in_(invested_company_ids())))
    managed = select(Grant.fund_id).where(Grant.user_id == user.id, Grant.role == "manager")
    invested = select(Investment.company_id).where(effective(Investment), Investment.fund_id.in_(managed))
    return db.session.scalar(query.where(Company.id.in_(invested)))


# --- filing, correcting and verifying ----------------------------------------------------------------

def _count(values: dict, name: str, errors: dict) -> int | None:
    raw = values.get(name)
    if isinstance(raw, bool):
        raw = None
    try:
        number = int(str(raw).strip()) if isinstance(raw, str) else raw
    except ValueError:
        number = None
    if not isinstance(number, int) or isinstance(number, bool):
        errors[name] = _("Enter a whole number of people.")
    elif number < 0:
        errors[name] = _("Enter zero or more people.")
    elif number > MAX_COUNT:
        errors[name] = _("Enter at most %(most)d people.", most=MAX_COUNT)
    else:
        return number
    return None


def checked(values: dict, today: date) -> tuple[str, date, dict]:
    """The report's period, its end and its counts, or Refused naming every wrong field."""
    errors: dict[str, str] = {}
    period_end = parse_period(values.get("period"))
    if period_end is None:
        errors["period"] = _("Enter a quarter such as %(example)s.", example=period_of(today))
    elif period_end > today:
        errors["period"] = _("This quarter has not ended yet.")
    counts = {name: _count(values, name, errors) for name in COUNTS}
    if counts["full_time"] is not None and counts["part_time"] is not None:
        total = counts["full_time"] + counts["part_time"]
        for name in BREAKDOWNS:
            if counts[name] is not None and counts[name] > total:
                errors[name] = _("Cannot exceed the headcount (%(total)d full-time and part-time).",
                                 total=total)
    if errors:
        raise Refused(errors)
    return period_of(period_end), period_end, counts


def report_of(company: Company, period_end: date) -> HeadcountReport | None:
    return db.session.scalar(select(HeadcountReport).where(HeadcountReport.company_id == company.id,
                                                          HeadcountReport.period_end == period_end))


def file_report(actor, company: Company, values: dict, *, by_manager: bool,
                today: date | None = None) -> HeadcountReport:
    """File the company's report for a quarter, or correct the one already filed.

    A founder may correct a report until a manager verifies it; a manager may correct any, and a
    corrected report needs verifying again unless the manager verifies it with the correction.
    """
    if values.get("verified") and not by_manager:
        raise Refused({"verified": _("Only the fund's managers verify reports.")}, status=403)
    period, period_end, counts = checked(values, today or date.today())
    funds = funds_of(company.id)
    hold_ledgers(funds)             # as publishing a report does: a report is filed before it or refused
    refuse_closed(funds, "period", period_end)
    report = report_of(company, period_end)
    if report is not None and report.verified and not by_manager:
        raise Refused({"period": _("The fund has verified this quarter's report; ask its managers to "
                                   "correct it.")}, status=409)
    before = snapshot(report) if report is not None else None
    if report is None:
        report = HeadcountReport(company_id=company.id, period=period, period_end=period_end)
        db.session.add(report)
    changed = before is None or any(getattr(report, name) != counts[name] for name in COUNTS)
    for name, number in counts.items():
        setattr(report, name, number)
    if changed:
        report.filed_by_id = actor.id
        report.verified_at = report.verified_by_id = None
    if by_manager and values.get("verified"):
        report.verified_at, report.verified_by_id = utcnow(), actor.id
    if before is None:
        record(actor, "headcount.file", report)
    elif snapshot(report) != before:
        record(actor, "headcount.correct", report, before=before)
    _touch_funds_of(company.id)
    return report


def funds_of(company_id: int) -> list[int]:
    """The funds invested in a company: its headcount counts in each one's job figures."""
    return list(db.session.scalars(select(Investment.fund_id).where(Investment.company_id == company_id)
                                   .distinct()))


def _touch_funds_of(company_id: int) -> None:
    """A company's headcount moves the job figures of every fund invested in it."""
    for fund_id in funds_of(company_id):
        touch(fund_id, figures=True)


def verify(actor, report: HeadcountReport) -> None:
    """A manager's confirmation that the report matches the company's records (idempotent)."""
    if report.verified:
        return
    # Not a new figure, and allowed in a closed quarter: the published report keeps the data quality it
    # printed (its tables are stored), and a correction of it may tell the verification.
    hold_ledgers(funds_of(report.company_id))
    before = snapshot(report)
    report.verified_at, report.verified_by_id = utcnow(), actor.id
    record(actor, "headcount.verify", report, before=before)
    _touch_funds_of(report.company_id)


def fund_report(fund: Fund, report_id: int) -> HeadcountReport | None:
    """A headcount report of a company the fund has invested in, else None."""
    return db.session.scalar(select(HeadcountReport).where(
        HeadcountReport.id == report_id, HeadcountReport.company_id.in_(invested_company_ids(fund.id))))


# --- expected and missing quarters ---------------------------------------------------------------------

def expected_periods(first_investment: date, exited_on: date | None, today: date) -> list[date]:
    """The quarter ends a company reports from its first investment until it leaves the portfolio."""
    until = last_ended(today)
    if exited_on is not None:
        until = min(until, exited_on)
    return ends_between(first_investment, until)


@dataclass
class ReportingStatus:
    company: Company
    first_investment: date
    exited_on: date | None
    expected: list[date]
    filed: dict[date, HeadcountReport]

    @property
    def missing(self) -> list[date]:
        return [day for day in self.expected if day not in self.filed]

    @property
    def unverified(self) -> list[HeadcountReport]:
        return [report for report in self.filed.values() if not report.verified]


def reporting_status(company_ids, fund_id: int | None = None,
                     today: date | None = None) -> list[ReportingStatus]:
    """For each company: the quarters it should report, those filed and those missing."""
    today = today or date.today()
    positions = select(Investment.company_id, Investment.date).where(
        effective(Investment), Investment.company_id.in_(company_ids))
    exits = select(Exit.company_id, Exit.date).where(effective(Exit), Exit.company_id.in_(company_ids))
    if fund_id is not None:
        positions = positions.where(Investment.fund_id == fund_id)
        exits = exits.where(Exit.fund_id == fund_id)
    first: dict[int, date] = {}
    for company_id, day in db.session.execute(positions):
        first[company_id] = min(day, first.get(company_id, day))
    exited = {company_id: day for company_id, day in db.session.execute(exits)}
    filed: dict[int, dict[date, HeadcountReport]] = defaultdict(dict)
    for report in db.session.scalars(select(HeadcountReport).where(HeadcountReport.company_id.in_(first))):
        filed[report.company_id][report.period_end] = report
    companies = db.session.scalars(select(Company).where(Company.id.in_(first)).order_by(Company.name))
    return [ReportingStatus(company, first[company.id], exited.get(company.id),
                            expected_periods(first[company.id], exited.get(company.id), today),
                            filed[company.id])
            for company in companies]


# --- a fund's job figures ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CompanySummary:
    """What the jobs pages and reports show of a company."""

    id: int
    name: str
    sector: str
    region: str


@dataclass
class FundJobs:
    """Everything the fund's job figures are computed from, read in a fixed number of queries; kept
    per revision of the fund (see fundapp.revisions), with the figures computed for each date."""

    fund_id: int
    companies: dict[int, CompanySummary]
    investments: list[tuple[int, date, Decimal]]     # company, date, ownership acquired
    exits: dict[int, tuple[date, str]]
    declared: dict[int, Decimal]
    reports: dict[int, tuple[Report, ...]]
    ledger: object
    computed: dict = field(default_factory=dict)

    def positions(self, as_of: date) -> list[CompanyJobs]:
        """The companies invested in by the date, with the ownership acquired by then."""
        ownership: dict[int, Decimal] = defaultdict(Decimal)
        for company_id, day, acquired in self.investments:
            if day <= as_of:
                ownership[company_id] += acquired
        return [CompanyJobs(company_id, day, ownership[company_id], self.declared.get(company_id), *exit_,
                            self.reports.get(company_id, ()))
                for company_id, (day, exit_) in self._companies().items() if day <= as_of]

    def _companies(self) -> dict[int, tuple[date, tuple[date | None, bool]]]:
        """Each company's first investment, and its exit date and whether it was written off."""
        if "companies" not in self.computed:
            first: dict[int, date] = {}
            for company_id, day, _acquired in self.investments:
                first[company_id] = min(day, first.get(company_id, day))
            companies = {}
            for company_id, day in first.items():
                exited_on, kind = self.exits.get(company_id, (None, ""))
                companies[company_id] = (day, (exited_on, kind == "write_off"))
            self.computed["companies"] = companies
        return self.computed["companies"]

    def missing_reports(self, as_of: date) -> int:
        """How many quarterly reports the companies had not filed as of the date (see expected_periods)."""
        return sum(1 for company_id, (day, (exited_on, _written_off)) in self._companies().items()
                   for end in expected_periods(day, exited_on, as_of) if end not in self.filed(company_id))

    def filed(self, company_id: int) -> set[date]:
        """The quarter ends the company has filed reports for."""
        key = ("filed", company_id)
        if key not in self.computed:
            self.computed[key] = {report.period_end for report in self.reports.get(company_id, ())}
        return self.computed[key]

    def metrics(self, as_of: date) -> FundMetrics:
        return fund_metrics(self.ledger, as_of)

    def figures(self, as_of: date, metrics: FundMetrics | None = None) -> JobFigures:
        if ("figures", as_of) not in self.computed:
            self.computed["figures", as_of] = self._figures(as_of, metrics)
        return self.computed["figures", as_of]

    def _figures(self, as_of: date, metrics: FundMetrics | None) -> JobFigures:
        metrics = metrics or self.metrics(as_of)
        return job_figures(self.positions(as_of), as_of, metrics.invested, metrics.public_share)

    def first_investment(self) -> date | None:
        return min((day for day, _exit in self._companies().values()), default=None)

    def history(self, as_of: date) -> list[JobFigures]:
        """The figures at each quarter end since the first investment, and at as_of."""
        if ("history", as_of) not in self.computed:
            self.computed["history", as_of] = self._history(as_of)
        return self.computed["history", as_of]

    def _history(self, as_of: date) -> list[JobFigures]:
        start = self.first_investment()
        if start is None:
            return []
        days = [day for day in ends_between(start, as_of) if day < as_of] + [as_of]
        return [job_figures(self.positions(day), day, 0, None) for day in days]


def load_jobs(fund: Fund) -> FundJobs:
    """The fund's positions, exits, declared baselines, headcount reports and ledger (kept per revision)."""
    return cached("jobs", fund.id, None, lambda: _load_jobs(fund))


def _load_jobs(fund: Fund) -> FundJobs:
    investments = db.session.execute(select(Investment.company_id, Investment.date, Investment.ownership)
                                     .where(Investment.fund_id == fund.id, effective(Investment))).all()
    company_ids = {company_id for company_id, _d, _o in investments}
    exits = {company_id: (day, kind) for company_id, day, kind in db.session.execute(
        select(Exit.company_id, Exit.date, Exit.kind).where(Exit.fund_id == fund.id, effective(Exit)))}
    declared = {
        company_id: fte(full_time or 0, part_time or 0)
        for company_id, full_time, part_time in db.session.execute(
            select(Application.company_id, Application.full_time, Application.part_time)
            .where(Application.fund_id == fund.id, Application.company_id.in_(company_ids)))
        if full_time is not None or part_time is not None}
    reports: dict[int, list[Report]] = defaultdict(list)
    h = HeadcountReport
    for row in db.session.execute(select(h.company_id, h.period_end, h.full_time, h.part_time, h.women,
                                         h.under_35, h.nationals, h.verified_at.is_not(None))
                                  .where(h.company_id.in_(company_ids)).order_by(h.period_end)):
        reports[row.company_id].append(Report(*row[1:]))
    rows = db.session.execute(select(Company.id, Company.name, Company.sector, Company.region)
                              .where(Company.id.in_(company_ids)))
    companies = {row.id: CompanySummary(row.id, row.name, row.sector, row.region) for row in rows}
    return FundJobs(fund.id, companies, [(c, d, o) for c, d, o in investments], exits, declared,
                    {company_id: tuple(rows) for company_id, rows in reports.items()}, load_ledger(fund))


# --- the tables of the jobs page ---------------------------------------------------------------------------



@dataclass
class CompanyRow:
    company: CompanySummary
    figures: CompanyFigures
    first_investment: date
    state: str              # held, exited or written_off

    @property
    def status(self) -> str:
        return str(HOLDING_STATES[self.state])

    @property
    def report_day(self) -> date | None:
        return self.figures.current_report.period_end if self.figures.current_report else None


def company_table(data: FundJobs, figures: JobFigures) -> list[CompanyRow]:
    """One row per company invested in by the date, by name: its figures and where it stands."""
    if ("table", figures.as_of) not in data.computed:
        data.computed["table", figures.as_of] = _company_table(data, figures)
    return data.computed["table", figures.as_of]


def _company_table(data: FundJobs, figures: JobFigures) -> list[CompanyRow]:
    first = {company_id: day for company_id, day in
             ((c.company_id, c.first_investment) for c in data.positions(figures.as_of))}
    rows = []
    for row in figures.companies:
        exited = data.exits.get(row.company_id)
        state = "held"
        if exited and exited[0] <= figures.as_of:
            state = "written_off" if exited[1] == "write_off" else "exited"
        rows.append(CompanyRow(data.companies[row.company_id], row, first[row.company_id], state))
    return sorted(rows, key=lambda r: r.company.name.lower())


def group_tables(data: FundJobs, figures: JobFigures) -> dict[str, list[GroupFigures]]:
    """The companies' figures by sector and by region (labels in the reader's language)."""
    key = ("groups", figures.as_of, str(get_locale()))
    if key not in data.computed:
        data.computed[key] = _group_tables(data, figures)
    return data.computed[key]


def _group_tables(data: FundJobs, figures: JobFigures) -> dict[str, list[GroupFigures]]:
    return {
        "sector": breakdown(figures.companies, lambda c: sector_label(data.companies[c].sector)),
        "region": breakdown(figures.companies, lambda c: data.companies[c].region or _("Region not given")),
    }
