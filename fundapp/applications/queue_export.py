"""The manager's queue as a CSV or XLSX file, made off the request: its rows counted as they are written
into the table, the file kept for its user to download from the page that shows the progress."""
from dataclasses import asdict
from decimal import Decimal

import pandas as pd
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from fundapp.applications import workflow
from fundapp.applications.models import Application
from fundapp.applications.queue import Filters, queue
from fundapp.auth.models import User
from fundapp.extensions import db
from fundapp.funds.constants import SECTORS
from fundapp.funds.models import Fund
from fundapp.money import exponent, to_decimal
from fundapp.notifications import background
from fundapp.notifications.models import BackgroundJob
from fundapp.portfolio.models import Company
from fundapp.web.exports import encoded, money_format
from fundapp.web.formatting import labels

KIND = "queue_export"
FORMATS = ("csv", "xlsx")
EVERY = 500              # rows between two reports of progress
# What the file shows of each application: columns only, read at once (no row is loaded as an object,
# which the commits of progress would expire and load again one by one).
COLUMNS = (Application.id, Company.name.label("company"), Company.sector.label("sector"),
           Company.region.label("region"), Application.state, Application.requested_amount, Application.score,
           Application.normalized_score, Application.disagreement, Application.failing_criteria,
           Application.review_count, Application.submitted_at)
HEADINGS = ("id", "company", "sector", "sector_label", "region", "state", "state_label", "currency",
            "requested_amount", "score", "normalized_score", "normalized_score_exact", "disagreement",
            "failing_criteria", "reviews", "submitted_at")


def start_export(user: User, fund: Fund, filters: Filters, kind: str) -> BackgroundJob:
    """Ask for the fund's queue, as filtered, as a CSV or XLSX file made by a worker."""
    return background.start(user, fund.id, KIND, {"format": kind, "filters": asdict(filters)})


@background.task(KIND, _l("Export of the applications"), "manage_fund")
def export_queue(job: BackgroundJob, params: dict, progress) -> dict:
    """Write the queue's rows into a table, counting them, and keep the file for the user."""
    user, fund = db.session.get(User, job.user_id), db.session.get(Fund, job.fund_id)
    kind, name = params["format"], f"applications-fund-{fund.id}"
    with force_locale(user.language):
        rows = db.session.execute(queue(fund.id, Filters(**params["filters"]))
                                  .with_only_columns(*COLUMNS, maintain_column_froms=False)).all()
        frame = queue_frame(fund, rows, progress)
        data = encoded(frame, kind, name, formats={"requested_amount": money_format(exponent(fund.currency))})
    return {"rows": len(frame), **background.keep_result(job, f"{name}.{kind}", data)}


def _rounded(value, places: int = 2) -> Decimal | None:
    return None if value is None else round(Decimal(str(value)), places)


def queue_frame(fund: Fund, rows: list, progress=None) -> pd.DataFrame:
    """The queue as a table of data: coded and labelled, amounts exact, scores rounded (and exact), dates."""
    sectors, states, currency = labels(SECTORS), labels(workflow.STATES), fund.currency
    records = []
    for done, row in enumerate(rows):
        if progress and done % EVERY == 0:
            progress(done, len(rows))
        records.append({
            "id": row.id, "company": row.company, "sector": row.sector,
            "sector_label": sectors.get(row.sector, row.sector), "region": row.region, "state": row.state,
            "state_label": states.get(row.state, row.state), "currency": currency,
            "requested_amount": (to_decimal(row.requested_amount, currency)
                                 if row.requested_amount is not None else None),
            "score": _rounded(row.score), "normalized_score": _rounded(row.normalized_score),
            "normalized_score_exact": row.normalized_score, "disagreement": _rounded(row.disagreement),
            "failing_criteria": len(row.failing_criteria or []), "reviews": row.review_count,
            "submitted_at": (row.submitted_at.replace(tzinfo=None, microsecond=0) if row.submitted_at
                             else None)})
    return pd.DataFrame(records, columns=list(HEADINGS))
