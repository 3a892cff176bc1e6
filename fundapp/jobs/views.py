"""Pages of job creation: the fund's jobs figures, and its managers' headcount reports."""
from datetime import date

import pandas as pd
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from fundapp.auth.permissions import abilities, fund_or_404
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.jobs import imports, services
from fundapp.jobs.forms import ImportForm, ManagerHeadcountForm
from fundapp.jobs.models import HeadcountReport
from fundapp.portfolio.models import Company
from fundapp.quarters import ends_between, last_ended, period_of
from fundapp.web.exports import download
from fundapp.web.formatting import quarter, sector_label
from fundapp.web.forms import show_refusal
from fundapp.web.pagination import page_of, paginate
from fundapp.web.query import form_ids, query_date, query_number, query_page

blueprint = Blueprint("jobs", __name__, url_prefix="/funds/<int:fund_id>")


def quarter_as_of() -> date:
    """The page's ?as_of= date; the end of the latest quarter ended when absent (reports are quarterly)."""
    return query_date(default=last_ended(date.today()))


@blueprint.get("/jobs")
@login_required
def index(fund_id: int):
    fund = fund_or_404(current_user, fund_id, "view_performance")
    as_of = quarter_as_of()
    data = services.load_jobs(fund)
    figures = data.figures(as_of)
    first = data.first_investment()
    quarters = list(reversed(ends_between(first, last_ended(date.today())))) if first else []
    rows = page_of(services.company_table(data, figures), query_page())
    return render_template("jobs/index.html", fund=fund, as_of=as_of, figures=figures, quarters=quarters,
                           rows=rows,
                           groups=services.group_tables(data, figures),
                           abilities=abilities(current_user, fund.id))


@blueprint.get("/jobs/companies.<any(csv, xlsx):kind>")
@login_required
def export(fund_id: int, kind: str):
    fund = fund_or_404(current_user, fund_id, "view_performance")
    as_of = quarter_as_of()
    data = services.load_jobs(fund)
    frame = pd.DataFrame([{
        _("Company"): row.company.name, _("Sector"): sector_label(row.company.sector),
        _("Region"): row.company.region, _("Baseline FTE"): row.figures.baseline_fte,
        _("Current FTE"): row.figures.current_fte,
        _("Net jobs created"): row.figures.net_created,
        _("Attributed to the fund"): round(row.figures.attributed, 2),
        _("Latest report"): quarter(row.report_day) if row.report_day else "",
        _("Latest report's quarter end"): row.report_day,
        _("Verified"): _("yes") if row.figures.verified else _("no"), _("Status"): row.status,
        _("Status code"): row.state, _("Sector code"): row.company.sector,
    } for row in services.company_table(data, data.figures(as_of))])
    return download(frame, f"jobs-{fund.id}-{as_of.isoformat()}", kind)


# --- headcount reports, for managers ---------------------------------------------------------------

def _entry_form(fund, form: ManagerHeadcountForm | None = None) -> ManagerHeadcountForm:
    if form is None:
        report = None
        if query_number("edit"):
            report = services.fund_report(fund, query_number("edit")) or abort(404)
        form = ManagerHeadcountForm(formdata=None, obj=report, prefix="report",
                                    company_id=query_number("company_id"),
                                    period=request.args.get("period") or period_of(last_ended(date.today())))
    form.company_id.choices = [(c.id, c.name) for c in db.session.scalars(
        select(Company).where(Company.id.in_(services.invested_company_ids(fund.id))).order_by(Company.name))]
    return form


def _reports_page(fund, form=None, import_form=None, status: int = 200):
    statuses = services.reporting_status(services.invested_company_ids(fund.id), fund.id)
    query = (select(HeadcountReport, Company.name).join(Company, HeadcountReport.company_id == Company.id)
             .where(HeadcountReport.company_id.in_(services.invested_company_ids(fund.id))))
    company_id = query_number("company")
    if company_id:
        query = query.where(HeadcountReport.company_id == company_id)
    shown = request.args.get("show", "")
    if shown == "unverified":
        query = query.where(HeadcountReport.verified_at.is_(None))
    elif shown == "verified":
        query = query.where(HeadcountReport.verified_at.is_not(None))
    page = paginate(query.order_by(HeadcountReport.period_end.desc(), Company.name, HeadcountReport.id),
                    query_page(), rows=True)
    return render_template(
        "jobs/reports.html", fund=fund, statuses=statuses, page=page, form=_entry_form(fund, form),
        import_form=import_form or ImportForm(formdata=None), company_id=company_id,
        shown=shown, unverified=sum(len(s.unverified) for s in statuses),
        missing=sum(len(s.missing) for s in statuses)), status


@blueprint.get("/headcount")
@login_required
def reports(fund_id: int):
    return _reports_page(fund_or_404(current_user, fund_id, "manage_capital"))


@blueprint.post("/headcount")
@login_required
def enter(fund_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_capital")
    form = _entry_form(fund, ManagerHeadcountForm(prefix="report"))
    if form.validate_on_submit():
        company = services.fund_company(fund, form.company_id.data) or abort(404)
        try:
            services.file_report(current_user, company, form.data, by_manager=True)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Headcount report saved for %(company)s.", company=company.name), "success")
            return redirect(url_for("jobs.reports", fund_id=fund.id))
    return _reports_page(fund, form=form, status=422)


@blueprint.post("/headcount/verify")
@login_required
def verify(fund_id: int):
    """Verify the one report whose button was pressed, or every report ticked."""
    fund = fund_or_404(current_user, fund_id, "manage_capital")
    chosen = form_ids("only") or form_ids("report_ids")
    reports = [services.fund_report(fund, report_id) or abort(404) for report_id in chosen]
    for report in reports:
        services.verify(current_user, report)
    if reports:
        flash(ngettext("%(num)d report verified.", "%(num)d reports verified.", len(reports)), "success")
    else:
        flash(_("Tick the reports to verify first."), "warning")
    back = request.form.get("next", "")
    return redirect(back if back.startswith(f"/funds/{fund.id}/headcount") else
                    url_for("jobs.reports", fund_id=fund.id))


@blueprint.post("/headcount/import")
@login_required
def import_reports(fund_id: int):
    """Start the import of the uploaded file as background work, whose page shows its lines checked."""
    fund = fund_or_404(current_user, fund_id, "manage_capital")
    form = ImportForm()
    if form.validate_on_submit():
        with form.sheet.data.stream as stream:
            job = imports.start_import(current_user, fund, stream.read(imports.IMPORT_LIMIT + 1))
        return redirect(url_for("tasks.page", job_id=job.id))
    return _reports_page(fund, import_form=form, status=422)


@blueprint.get("/headcount/reports.<any(csv, xlsx):kind>")
@login_required
def export_reports(fund_id: int, kind: str):
    """Every report of the fund's companies, in the columns the import reads back."""
    fund = fund_or_404(current_user, fund_id, "manage_capital")
    rows = db.session.execute(
        select(HeadcountReport, Company.name).join(Company, HeadcountReport.company_id == Company.id)
        .where(HeadcountReport.company_id.in_(services.invested_company_ids(fund.id)))
        .order_by(Company.name, HeadcountReport.period_end)).all()
    frame = pd.DataFrame(
        [{"company_id": r.company_id, "company": name, "period": r.period, "full_time": r.full_time,
          "part_time": r.part_time, "women": r.women, "under_35": r.under_35, "nationals": r.nationals,
          "verified": "yes" if r.verified else "no"} for r, name in rows],
        columns=["company_id", "company", "period", *services.COUNTS, "verified"])
    return download(frame, f"headcount-{fund.id}", kind)
