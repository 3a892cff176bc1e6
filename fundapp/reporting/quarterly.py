"""What a fund's quarterly report says (SPEC section 6), as typed tables: the PDF formats them for the
fund's language and the downloads give them as CSV and XLSX. Every figure comes from the functions
behind the dashboard, the jobs page and the API."""
import gc
import hashlib
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from fundapp.applications import agreement
from fundapp.applications.models import Application
from fundapp.applications.pipeline import Pipeline, pipeline_meanwhile, quarterly_counts
from fundapp.applications.review import pure_rubric, rubric
from fundapp.applications.workflow import LISTED, STATES
from fundapp.extensions import db
from fundapp.funds.constants import SECTORS
from fundapp.funds.models import Country, Fund, Partner
from fundapp.jobs.figures import JobFigures
from fundapp.jobs.services import HOLDING_STATES, FundJobs, company_table, load_jobs
from fundapp.ledger.constants import CALL_PURPOSES, EXPENSE_CATEGORIES
from fundapp.ledger.entries import effective
from fundapp.ledger.metrics import FundMetrics, fund_metrics
from fundapp.ledger.models import CapitalCall, Distribution, Expense
from fundapp.ledger.numbers import numbers
from fundapp.ledger.verification import ledger_checkpoint
from fundapp.portfolio.constants import INSTRUMENTS
from fundapp.portfolio.models import Investment
from fundapp.quarters import quarter_end, quarter_ends, start_of_quarter_holding
from fundapp.web.formatting import labels, sector_label


# Typed cells: the PDF formats them, the downloads give their plain values.
@dataclass(frozen=True)
class Money:
    minor: int | None


@dataclass(frozen=True)
class Ratio:
    value: Decimal | float | None


@dataclass(frozen=True)
class Share:
    value: Decimal | float | None


@dataclass(frozen=True)
class Fte:
    value: Decimal | None


@dataclass
class ReportTable:
    name: str                 # its file name among the downloads
    title: str
    columns: list[str]
    rows: list[list]
    total: list | None = None
    empty: str = ""           # what the PDF says when there are no rows (None. by default)


@dataclass
class Contents:
    fund: Fund
    country: Country
    year: int
    quarter: int
    start: date
    as_of: date
    metrics: FundMetrics
    history: list[FundMetrics]
    jobs: JobFigures
    jobs_history: list[JobFigures]
    pipeline: Pipeline
    partner_names: dict[int, str]
    missing_reports: int
    ledger_positions: dict[str, int | None]     # the fund's last row in each ledger table
    checkpoint: str                             # their seals' checkpoint, printed in the report
    previous: FundMetrics | None = None         # the figures at the end of the quarter before
    previous_jobs: JobFigures | None = None
    scores_agreement: agreement.Summary | None = None    # of the reviews submitted by the quarter's end
    tables: dict[str, ReportTable] = field(default_factory=dict)


def _partners(fund: Fund) -> list[Partner]:
    return list(db.session.scalars(select(Partner).where(Partner.fund_id == fund.id).order_by(Partner.id)))


@contextmanager
def without_cycle_collection():
    """Python's cycle collector paused while a report is made. A report allocates hundreds of thousands
    of short-lived objects, freed by reference counting as they go, and the collector's passes they set
    off, over every long-lived object of the application, cost about a quarter of the report's own work.
    It runs again when the report is made."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def contents(fund: Fund, year: int, quarter: int) -> Contents:
    """Everything the report for the quarter shows, computed once; its words in the fund's language."""
    with force_locale(fund.language), without_cycle_collection():
        return _contents(fund, year, quarter)


def _contents(fund: Fund, year: int, quarter: int) -> Contents:
    as_of = quarter_end(year, quarter)
    start = start_of_quarter_holding(as_of)
    counted = pipeline_meanwhile(fund.id, as_of, start)      # the database counts while figures are made
    data = load_jobs(fund)
    metrics = fund_metrics(data.ledger, as_of, company_irr=False)     # the schedule shows MOIC, not IRR
    partners = _partners(fund)
    positions, checkpoint = ledger_checkpoint(fund)
    before = start - timedelta(days=1)
    previous = fund_metrics(data.ledger, before, company_irr=False)
    criteria = rubric(fund)
    result = Contents(
        fund=fund, country=db.session.get(Country, fund.country_id), year=year, quarter=quarter,
        start=start, as_of=as_of, metrics=metrics,
        history=[fund_metrics(data.ledger, day, company_irr=False)
                 for day in quarter_ends(fund.first_day, as_of)],
        jobs=data.figures(as_of, metrics), jobs_history=data.history(as_of),
        pipeline=counted(), partner_names={p.id: p.name for p in partners},
        missing_reports=data.missing_reports(as_of), ledger_positions=positions, checkpoint=checkpoint,
        previous=previous, previous_jobs=data.figures(before, previous),
        scores_agreement=agreement.summary(agreement.as_of(fund.id, pure_rubric(criteria), as_of), criteria))
    result.tables = {table.name: table for table in _tables(result, partners, data)}
    return result


def _tables(c: Contents, partners: list[Partner], data: FundJobs) -> list[ReportTable]:
    return [_summary(c), _quarter_against_previous(c, data), _capital_accounts(c, partners),
            *_quarter_flows(c, partners, data.ledger), _expenses(c),
            _co_investment(c), _schedule(c, data), _jobs_by_company(c, data), _jobs_totals(c),
            _pipeline_summary(c), _pipeline_states(c), _scores(c), _agreement(c), _sectors(c, data),
            _open_figures(c, partners)]


OPEN_FIGURES = ("committed_government", "committed_co_investors", "invested", "companies",
                "net_jobs_created_fte", "applications_received", "applications_approved")


def _open_figures(c: Contents, partners: list[Partner]) -> ReportTable:
    """The figures the fund's open-data page shows for the quarter, by code: once the report is
    published, the page shows these, stored with it, and never recomputes them (SPEC 11)."""
    received, approved = quarterly_counts(c.fund.id, [c.as_of])[0]
    government_ids = {p.id for p in partners if p.kind == "government"}
    government = sum(p.commitment for p in c.metrics.partners if p.partner_id in government_ids)
    values = [Money(government), Money(c.metrics.committed - government),
              Money(c.metrics.invested), held_companies(c.metrics), Fte(c.jobs.net_created), received,
              approved]
    return ReportTable("open_data", _("Open data"), [_("Figure"), _("Value")],
                       [[code, value] for code, value in zip(OPEN_FIGURES, values, strict=True)])


def held_companies(metrics: FundMetrics) -> int:
    """Companies in the portfolio: held at the date, neither exited nor written off (SPEC 11)."""
    return sum(1 for company in metrics.companies if company.state == "held")


def _summary(c: Contents) -> ReportTable:
    m, j, p = c.metrics, c.jobs, c.pipeline
    return ReportTable("summary", _("Key figures"), [_("Figure"), _("Value")], [
        [_("Committed capital"), Money(m.committed)], [_("Called"), Money(m.called)],
        [_("Paid-in"), Money(m.paid_in)], [_("Distributed"), Money(m.distributed)],
        [_("Invested"), Money(m.invested)], [_("Net asset value (NAV)"), Money(m.nav)],
        [_("TVPI"), Ratio(m.tvpi)], [_("DPI"), Ratio(m.dpi)], [_("Net IRR"), Share(m.net_irr)],
        [_("Companies in the portfolio"), held_companies(m)],
        [_("Net jobs created (FTE)"), Fte(j.net_created)],
        [_("Jobs attributed to the fund (FTE)"), Fte(j.attributed)],
        [_("Applications received this quarter"), p.received_in_quarter],
    ])


QUARTER_FIGURES = ("called", "paid_in", "invested", "new_investments", "nav", "tvpi", "net_jobs", "decided")


def _quarter_against_previous(c: Contents, data: FundJobs) -> ReportTable:
    """The figures page 1 tells in words, this quarter against the one before (SPEC 11): the first column
    holds each figure's code (QUARTER_FIGURES), which the report's sentences read."""
    before = c.start - timedelta(days=1)
    previous_start = start_of_quarter_holding(before)

    def investments(start, end):
        return sum(1 for flow in data.ledger.investments if start <= flow.date <= end)
    now, then = c.metrics, c.previous
    pairs = [
        (_("Called to date"), Money(now.called), Money(then.called)),
        (_("Paid-in to date"), Money(now.paid_in), Money(then.paid_in)),
        (_("Invested to date"), Money(now.invested), Money(then.invested)),
        (_("Investments made in the quarter"), investments(c.start, c.as_of),
         investments(previous_start, before)),
        (_("Net asset value (NAV)"), Money(now.nav), Money(then.nav)),
        (_("TVPI"), Ratio(now.tvpi), Ratio(then.tvpi)),
        (_("Net jobs created (FTE)"), Fte(c.jobs.net_created), Fte(c.previous_jobs.net_created)),
        (_("Applications decided in the quarter"), decided_between(c.fund.id, c.start, c.as_of),
         decided_between(c.fund.id, previous_start, before)),
    ]
    return ReportTable("quarter", _("The quarter against the previous one"),
                       [_("Code"), _("Figure"), _("This quarter"), _("Previous quarter"), _("Change")],
                       [[code, label, current, earlier, _change(current, earlier)]
                        for code, (label, current, earlier) in zip(QUARTER_FIGURES, pairs, strict=True)])


def _change(current, earlier):
    """The change from the previous quarter, of the same kind as the figures (none when one is unknown)."""
    if isinstance(current, Money):
        return Money(current.minor - earlier.minor)
    if isinstance(current, Ratio | Fte):
        if current.value is None or earlier.value is None:
            return type(current)(None)
        return type(current)(Decimal(current.value) - Decimal(earlier.value))
    return current - earlier


def decided_between(fund_id: int, start: date, end: date) -> int:
    """Applications approved or declined from the start to the end of those days."""
    return db.session.scalar(select(func.count(Application.id)).where(
        Application.fund_id == fund_id, Application.decision.in_(("approved", "declined")),
        Application.decided_at >= datetime.combine(start, time.min, tzinfo=UTC),
        Application.decided_at <= datetime.combine(end, time.max, tzinfo=UTC)))


def _expenses(c: Contents) -> ReportTable:
    """The fund's expenses by category: this quarter and to date."""
    rows = db.session.execute(
        select(Expense.category, Expense.date, Expense.amount)
        .where(Expense.fund_id == c.fund.id, effective(Expense), Expense.date <= c.as_of)).all()
    quarter, to_date = defaultdict(int), defaultdict(int)
    for category, day, amount in rows:
        to_date[category] += amount
        if day >= c.start:
            quarter[category] += amount
    names = labels(EXPENSE_CATEGORIES)
    return ReportTable("expenses", _("Expenses by category"),
                       [_("Category"), _("This quarter"), _("To date")],
                       [[names.get(category, category), Money(quarter[category]), Money(to_date[category])]
                        for category in EXPENSE_CATEGORIES if to_date[category]],
                       total=[_("Total"), Money(sum(quarter.values())), Money(sum(to_date.values()))],
                       empty=_("No expenses yet."))


def _capital_accounts(c: Contents, partners: list[Partner]) -> ReportTable:
    accounts = {p.partner_id: p for p in c.metrics.partners}
    m = c.metrics

    def row(label, figure, fund_value):
        return [label, *(figure(accounts[p.id]) for p in partners), fund_value]
    return ReportTable("capital_accounts", _("Capital account of each partner"),
                       [_("Figure"), *(p.name for p in partners), _("Fund")], [
        row(_("Commitment"), lambda a: Money(a.commitment), Money(m.committed)),
        row(_("Called"), lambda a: Money(a.called), Money(m.called)),
        row(_("Paid-in"), lambda a: Money(a.paid_in), Money(m.paid_in)),
        row(_("Unfunded"), lambda a: Money(a.unfunded), Money(m.unfunded)),
        row(_("Distributions"), lambda a: Money(a.distributed), Money(m.distributed)),
        row(_("NAV share"), lambda a: Money(a.nav_share), Money(m.nav)),
        row(_("TVPI"), lambda a: Ratio(a.tvpi), Ratio(m.tvpi)),
        row(_("IRR"), lambda a: Share(a.irr), Share(m.net_irr)),
    ])


def _quarter_flows(c: Contents, partners: list[Partner], ledger) -> list[ReportTable]:
    """The quarter's calls and distributions, with each partner's share."""
    def grouped(flows):
        entries: dict[int, dict] = {}
        for flow in flows:
            if c.start <= flow.date <= c.as_of:
                entry = entries.setdefault(flow.ref, {"date": flow.date, "shares": defaultdict(int)})
                entry["shares"][flow.partner_id] += flow.amount
        return sorted(entries.items(), key=lambda item: (item[1]["date"], item[0]))

    calls = {call.id: call for call in db.session.scalars(select(CapitalCall).where(
        CapitalCall.fund_id == c.fund.id, CapitalCall.call_date.between(c.start, c.as_of)))}
    call_numbers, distribution_numbers = numbers(CapitalCall, c.fund.id), numbers(Distribution, c.fund.id)
    names = [p.name for p in partners]
    return [
        ReportTable("calls", _("Capital calls this quarter"),
                    [_("No."), _("Call date"), _("Due date"), _("Purpose"), _("Amount"), *names],
                    [[call_numbers[ref], entry["date"], calls[ref].due_date,
                      str(CALL_PURPOSES.get(calls[ref].purpose, "")), Money(sum(entry["shares"].values())),
                      *(Money(entry["shares"][p.id]) for p in partners)]
                     for ref, entry in grouped(ledger.call_allocations)],
                    empty=_("No capital call this quarter.")),
        ReportTable("distributions", _("Distributions this quarter"),
                    [_("No."), _("Date"), _("Amount"), *names],
                    [[distribution_numbers[ref], entry["date"], Money(sum(entry["shares"].values())),
                      *(Money(entry["shares"][p.id]) for p in partners)]
                     for ref, entry in grouped(ledger.distribution_allocations)],
                    empty=_("No distribution this quarter.")),
    ]


def _co_investment(c: Contents) -> ReportTable:
    m = c.metrics
    met = m.meets_match(c.fund.match_target)
    return ReportTable("co_investment", _("Co-investment"), [_("Figure"), _("Value")], [
        [_("Paid-in by the government"), Money(m.public_paid_in)],
        [_("Paid-in by co-investors"), Money(m.paid_in - m.public_paid_in)],
        [_("Private-to-public ratio"), Ratio(c.metrics.private_to_public)],
        [_("Target"), Ratio(c.fund.match_target)],
        [_("Status"), _("At or above the target") if met else _("Below the target")],
    ])


def _schedule(c: Contents, data: FundJobs) -> ReportTable:
    instruments: dict[int, set[str]] = defaultdict(set)
    for company_id, instrument in db.session.execute(
            select(Investment.company_id, Investment.instrument)
            .where(Investment.fund_id == c.fund.id, effective(Investment), Investment.date <= c.as_of)):
        instruments[company_id].add(instrument)
    sectors, instrument_names, states = labels(SECTORS), labels(INSTRUMENTS), labels(HOLDING_STATES)
    rows = []
    for row in sorted(c.metrics.companies, key=lambda r: data.companies[r.company_id].name.lower()):
        company = data.companies[row.company_id]
        rows.append([company.name, sectors.get(company.sector, company.sector), company.region,
                     row.first_investment,
                     ", ".join(sorted(instrument_names.get(i, i) for i in instruments[row.company_id])),
                     Money(row.cost), Money(row.fair_value), Money(row.proceeds), Ratio(row.moic),
                     Share(row.ownership), states[row.state]])
    m = c.metrics
    return ReportTable("schedule", _("Schedule of investments"),
                       [_("Company"), _("Sector"), _("Region"), _("First investment"), _("Instrument"),
                        _("Cost"), _("Fair value"), _("Proceeds"), _("MOIC"), _("Ownership"), _("Status")],
                       rows, total=[_("Total"), "", "", "", "", Money(sum(r.cost for r in m.companies)),
                                    Money(m.fair_value), Money(m.exit_proceeds), "", "", ""],
                       empty=_("No investment yet."))


def _jobs_by_company(c: Contents, data: FundJobs) -> ReportTable:
    verified, states = {True: _("yes"), False: _("no")}, labels(HOLDING_STATES)
    rows = [[row.company.name, Fte(row.figures.baseline_fte), Fte(row.figures.current_fte),
             Fte(row.figures.net_created), Fte(row.figures.attributed), verified[row.figures.verified],
             states[row.state]]
            for row in company_table(data, c.jobs)]
    j = c.jobs
    return ReportTable("jobs_by_company", _("Jobs by company"),
                       [_("Company"), _("Baseline FTE"), _("Current FTE"), _("Net created"), _("Attributed"),
                        _("Verified"), _("Status")], rows,
                       total=[_("Fund"), Fte(j.baseline_fte), Fte(j.current_fte), Fte(j.net_created),
                              Fte(j.attributed), "", ""], empty=_("No company invested in yet."))


def _jobs_totals(c: Contents) -> ReportTable:
    j = c.jobs

    def rounded(value):
        return Money(int(value.to_integral_value())) if value is not None else Money(None)
    return ReportTable("jobs", _("Job creation"), [_("Figure"), _("Value")], [
        [_("Net jobs created (FTE)"), Fte(j.net_created)], [_("Gross jobs created"), Fte(j.gross_created)],
        [_("Jobs lost"), Fte(j.lost)], [_("Jobs maintained"), Fte(j.maintained)],
        [_("Attributed to the fund (FTE)"), Fte(j.attributed)], [_("Cost per job"), rounded(j.cost_per_job)],
        [_("Public cost per job"), rounded(j.public_cost_per_job)], [_("Women"), Share(j.women_share)],
        [_("Under 35"), Share(j.under_35_share)], [_("Nationals"), Share(j.nationals_share)],
        [_("Share of current FTE from verified reports"), Share(j.verified_share)],
        [_("Quarterly reports missing"), c.missing_reports],
    ])


def _pipeline_summary(c: Contents) -> ReportTable:
    p = c.pipeline
    return ReportTable("pipeline", _("Pipeline"), [_("Figure"), _("Value")], [
        [_("Applications received since the fund opened"), p.received],
        [_("Applications received this quarter"), p.received_in_quarter],
        [_("Approved"), p.approved], [_("Declined"), p.declined],
        [_("Approval rate"), Share(p.approval_rate)],
        [_("Median days from submission to decision"),
         Ratio(Decimal(str(round(p.median_days_to_decision, 1))) if p.median_days_to_decision is not None
               else None)],
    ])


def _pipeline_states(c: Contents) -> ReportTable:
    counts = c.pipeline.by_state
    return ReportTable("pipeline_states", _("Applications by state"), [_("State"), _("Applications")],
                       [[str(STATES[state]), counts[state]] for state in LISTED if counts[state]],
                       empty=_("No application yet."))


def _scores(c: Contents) -> ReportTable:
    return ReportTable("scores", _("Score distribution"), [_("Normalized score"), _("Applications")],
                       [[band, count] for band, count in c.pipeline.score_bands], empty=_("No score yet."))


def _agreement(c: Contents) -> ReportTable:
    """Krippendorff's alpha of the review scores and of each criterion's, from the reviews submitted by
    the quarter's end."""
    def row(name, figures: agreement.Agreement):
        alpha = "—" if figures.alpha is None else Decimal(f"{figures.alpha:.3f}")
        return [name, alpha, figures.units, figures.values, figures.label]
    shown = c.scores_agreement
    return ReportTable("agreement", _("Agreement between reviewers"),
                       [_("Scores"), _("Krippendorff's alpha"), _("Applications compared"),
                        _("Scores compared"), _("Reading")],
                       [row(_("Review score"), shown.overall),
                        *(row(criterion.name, figures) for criterion, figures in shown.criteria)])


def _sectors(c: Contents, data: FundJobs) -> ReportTable:
    held = defaultdict(int)
    for row in c.metrics.companies:
        if row.state == "held":
            held[data.companies[row.company_id].sector] += 1
    sectors = sorted(set(c.pipeline.sectors) | set(held), key=lambda s: (-c.pipeline.sectors[s], s))
    return ReportTable("sectors", _("Sector mix"),
                       [_("Sector"), _("Applications"), _("Companies in the portfolio")],
                       [[sector_label(s), c.pipeline.sectors[s], held[s]] for s in sectors],
                       empty=_("No application yet."))


# --- a published report's tables, stored with it (SPEC 11) ------------------------------------------------
# Each cell as [kind, value] in JSON: the same typed cells come back, to the unit, whenever the tables are
# downloaded, and the seal of the report covers them.

def _stored_cell(value) -> list:
    if isinstance(value, Money):
        return ["money", value.minor]
    for kind, typed in (("ratio", Ratio), ("share", Share), ("fte", Fte)):
        if isinstance(value, typed):
            return [kind, None if value.value is None else str(value.value)]
    if isinstance(value, date):
        return ["date", value.isoformat()]
    if isinstance(value, bool):
        return ["text", str(value)]
    if isinstance(value, int | Decimal):
        return ["number", str(value)]
    return ["text", str(value)]


def _typed_cell(stored: list):
    kind, value = stored
    if kind == "money":
        return Money(value)
    if kind in ("ratio", "share", "fte"):
        typed = {"ratio": Ratio, "share": Share, "fte": Fte}[kind]
        return typed(None if value is None else Decimal(value))
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "number":
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() and "." not in value else number
    return value


def stored_tables(tables: dict[str, ReportTable]) -> dict:
    """The tables as JSON values, to be stored with the published report."""
    return {name: {"title": t.title, "columns": list(t.columns), "empty": t.empty,
                   "rows": [[_stored_cell(v) for v in row] for row in t.rows],
                   "total": [_stored_cell(v) for v in t.total] if t.total else None}
            for name, t in tables.items()}


def tables_of(stored: dict) -> dict[str, ReportTable]:
    """The typed tables of a published report, as it stored them."""
    return {name: ReportTable(name, t["title"], t["columns"],
                              [[_typed_cell(v) for v in row] for row in t["rows"]],
                              [_typed_cell(v) for v in t["total"]] if t["total"] else None, t["empty"])
            for name, t in stored.items()}


def content_digest(c: Contents) -> str:
    """What the report says, apart from which version it is: its tables and its charts' series. Two
    versions with the same digest print the same figures."""
    said = {"tables": stored_tables(c.tables),
            "history": [[str(m.as_of), m.nav, m.paid_in, str(m.tvpi), str(m.dpi)] for m in c.history],
            "jobs": [[str(f.as_of), str(f.current_fte), str(f.baseline_fte)] for f in c.jobs_history]}
    return hashlib.sha256(json.dumps(said, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
