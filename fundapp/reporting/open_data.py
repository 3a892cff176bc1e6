"""A fund's open data: aggregates only, no personal data, for anyone (SPEC: public money is
accountable to the public).

Published figures stay published (SPEC 11): a quarter whose report is published shows the figures that
report stored (its latest version), never recomputed; only a quarter not yet reported is computed from
today's data, marked provisional with the date its figures were read."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from fundapp.applications.pipeline import quarterly_counts
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.jobs.services import load_jobs
from fundapp.ledger.metrics import fund_metrics
from fundapp.quarters import ends_between, last_ended, quarter_end
from fundapp.reporting.closing import closed_through
from fundapp.reporting.models import QuarterlyReport
from fundapp.reporting.quarterly import OPEN_FIGURES, Fte, Money, held_companies, tables_of
from fundapp.revisions import cached


@dataclass
class QuarterFigures:
    """One quarter's public figures, as its published report stored them or, provisional, as of today."""
    end: date
    committed_government: int
    committed_co_investors: int
    invested: int
    companies: int
    net_jobs_created: object          # Decimal FTE
    received: int
    approved: int
    version: int | None = None        # the published report's version, when it has one
    read_on: date | None = None       # when figures of a quarter without a report were read
    closed_by: date | None = None     # the end of the later quarter whose published report closed it

    @property
    def status(self) -> str:
        """published (its own report's figures), closed (no report of its own, but a later published
        report closed it: its figures can no longer move) or provisional."""
        if self.version is not None:
            return "published"
        return "closed" if self.closed_by is not None else "provisional"

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"


@dataclass
class OpenData:
    fund: Fund
    latest: QuarterFigures | None     # the latest quarter ended
    quarters: list[QuarterFigures]    # every quarter since the fund's first day, oldest first

    @property
    def as_of(self) -> date | None:
        return self.latest.end if self.latest else None


def open_data(fund: Fund, partners: list[Partner], today: date | None = None) -> OpenData:
    """The fund's public figures for each quarter ended, published ones as published. Kept per revision
    of the fund and per set of published reports."""
    today = today or date.today()
    as_of = last_ended(today)
    published = _published(fund)
    key = (as_of, today, tuple(sorted((end, report.id) for end, report in published.items())))
    return cached("open_data", fund.id, key, lambda: _open_data(fund, partners, as_of, today, published))


def _published(fund: Fund) -> dict[date, QuarterlyReport]:
    """The latest published version of each reported quarter that stored its tables."""
    reports = db.session.scalars(select(QuarterlyReport).where(
        QuarterlyReport.fund_id == fund.id, QuarterlyReport.state == "published",
        QuarterlyReport.tables.is_not(None)).order_by(QuarterlyReport.version))
    return {quarter_end(report.year, report.quarter): report for report in reports
            if "open_data" in report.tables}


def _from_report(end: date, report: QuarterlyReport) -> QuarterFigures:
    stored = tables_of({"open_data": report.tables["open_data"]})["open_data"]
    rows = {code: value for code, value in stored.rows}
    return QuarterFigures(end, *(_plain(rows[code]) for code in OPEN_FIGURES), version=report.version)


def _plain(value):
    if isinstance(value, Money):
        return value.minor
    if isinstance(value, Fte):
        return value.value
    return value


def _open_data(fund: Fund, partners: list[Partner], as_of: date, today: date,
               published: dict[date, QuarterlyReport]) -> OpenData:
    ends = ends_between(fund.first_day, as_of)
    if not ends:
        return OpenData(fund, None, [])
    government_ids = {p.id for p in partners if p.kind == "government"}
    counts = dict(zip(ends, quarterly_counts(fund.id, ends), strict=True))
    closed = closed_through([fund.id])
    data = load_jobs(fund)
    quarters = []
    for end in ends:
        if end in published:
            quarters.append(_from_report(end, published[end]))
            continue
        metrics = fund_metrics(data.ledger, end, company_irr=False)
        received, approved = counts[end]
        government = sum(p.commitment for p in metrics.partners if p.partner_id in government_ids)
        quarters.append(QuarterFigures(end, government, metrics.committed - government, metrics.invested,
                                       held_companies(metrics), data.figures(end, metrics).net_created,
                                       received, approved, read_on=today,
                                       closed_by=closed if closed and end <= closed else None))
    return OpenData(fund, quarters[-1], quarters)
