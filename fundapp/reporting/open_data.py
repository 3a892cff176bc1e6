"""A fund's open data: aggregates only, no personal data, for anyone (SPEC: public money is
accountable to the public)."""
from dataclasses import dataclass
from datetime import date

from fundapp.applications.pipeline import quarterly_counts
from fundapp.funds.models import Fund, Partner
from fundapp.jobs.figures import JobFigures
from fundapp.jobs.services import load_jobs
from fundapp.ledger.metrics import fund_metrics
from fundapp.quarters import ends_between, last_ended
from fundapp.revisions import cached


@dataclass
class QuarterRow:
    end: date
    received: int
    approved: int


@dataclass
class OpenData:
    fund: Fund
    as_of: date
    committed_government: int
    committed_co_investors: int
    invested: int
    companies: int
    jobs: JobFigures
    quarters: list[QuarterRow]


def open_data(fund: Fund, partners: list[Partner], today: date | None = None) -> OpenData:
    """The fund's public figures as of the end of the latest quarter ended. Kept per revision of the
    fund: applications come in and are decided today, after that quarter, so they leave it unchanged."""
    as_of = last_ended(today or date.today())
    return cached("open_data", fund.id, as_of, lambda: _open_data(fund, partners, as_of))


def _open_data(fund: Fund, partners: list[Partner], as_of: date) -> OpenData:
    data = load_jobs(fund)
    metrics = fund_metrics(data.ledger, as_of)
    ends = ends_between(fund.first_day, as_of)
    rows = [QuarterRow(end, received, approved)
            for end, (received, approved) in zip(ends, quarterly_counts(fund.id, ends), strict=True)]
    return OpenData(
        fund=fund, as_of=as_of,
        committed_government=sum(p.commitment for p in partners if p.kind == "government"),
        committed_co_investors=sum(p.commitment for p in partners if p.kind != "government"),
        invested=metrics.invested, companies=sum(1 for c in metrics.companies if c.exited_on is None),
        jobs=data.figures(as_of, metrics), quarters=rows)
