"""Closed quarters (SPEC 11): publishing a quarter's report closes that quarter, and every one before it,
for the fund's ledger and its companies' headcount. An entry or a headcount report dated in a closed
quarter is refused, naming the quarter; a correction is entered in an open quarter, as accountants do.
So the figures a published report printed can never move under it."""
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.quarters import quarter_end
from fundapp.reporting.models import QuarterlyReport
from fundapp.web.formatting import day as day_of
from fundapp.web.formatting import quarter


def closed_through(fund_ids) -> date | None:
    """The last day of the latest quarter published for any of the funds (closed up to it), or None."""
    latest = db.session.execute(
        select(QuarterlyReport.year, QuarterlyReport.quarter)
        .where(QuarterlyReport.fund_id.in_(list(fund_ids)), QuarterlyReport.state == "published")
        .order_by(QuarterlyReport.year.desc(), QuarterlyReport.quarter.desc()).limit(1)).first()
    return quarter_end(*latest) if latest else None


def joining_days(fund_id: int, added: dict[int, datetime]) -> dict[int, date]:
    """For partners added to the fund (id: when), the first day their commitment counts, when a quarter
    was already closed as they were added: the day after it. A commitment made later never reaches back
    into a quarter a published report closed; one made before any publication counts from the start."""
    published = db.session.execute(select(QuarterlyReport.year, QuarterlyReport.quarter,
                                          QuarterlyReport.published_at).where(
        QuarterlyReport.fund_id == fund_id, QuarterlyReport.state == "published")).all()
    joining = {}
    for partner_id, when in added.items():
        closed = [quarter_end(year, quarter) for year, quarter, at in published
                  if at is not None and at <= when]
        if closed:
            joining[partner_id] = max(closed) + timedelta(days=1)
    return joining


def refuse_closed(fund_ids, field: str, day: date) -> None:
    """Refuse (422) a date in a quarter that a published report has closed, naming that quarter."""
    closed = closed_through(fund_ids)
    if closed is not None and day <= closed:
        raise Refused({field: _("The books are closed up to %(closed)s: the report for %(quarter)s is "
                                "published. Date this on %(next)s or later; an earlier entry is corrected "
                                "by an entry dated then too.", closed=day_of(closed), quarter=quarter(closed),
                                next=day_of(closed + timedelta(days=1)))})

