"""Pages of quarterly reports (for those who run and finance a fund), the public check of a report's
SHA-256, and each fund's open-data page for citizens."""
import hashlib
from datetime import date
from decimal import Decimal

import pandas as pd
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fundapp.auth.permissions import abilities, fund_or_404, report_or_404, see_report_drafts
from fundapp.database import write_transaction
from fundapp.errors import Refused
from fundapp.extensions import db, limiter
from fundapp.funds.models import Fund, Partner
from fundapp.money import exponent, to_decimal
from fundapp.quarters import ends_between, last_ended, parse_period, period_of, quarter_of
from fundapp.reporting import services, tasks
from fundapp.reporting.forms import GenerateForm, PublishForm, VerifyForm
from fundapp.reporting.open_data import open_data
from fundapp.reporting.quarterly import Fte, Money, Ratio, Share
from fundapp.web.exports import Number, download, money_format
from fundapp.web.files import pdf_response
from fundapp.web.formatting import quarter
from fundapp.web.forms import show_refusal

blueprint = Blueprint("reports", __name__, url_prefix="/funds/<int:fund_id>/reports")
public = Blueprint("public", __name__)

PDF_LIMIT = 50 * 1024 * 1024


def _generate_form(fund, form: GenerateForm | None = None) -> GenerateForm:
    form = form or GenerateForm(formdata=None)
    ends = ends_between(fund.first_day, last_ended(date.today()))
    form.period.choices = [(period_of(end), quarter(end)) for end in reversed(ends)]
    return form


def _page(fund, form=None, status: int = 200):
    allowed = abilities(current_user, fund.id)
    runs = "manage_fund" in allowed
    return render_template("reports/index.html", fund=fund, abilities=allowed, runs=runs,
                           reports=services.reports_of(fund, drafts=see_report_drafts(current_user, fund.id)),
                           form=_generate_form(fund, form) if runs else None,
                           publish_form=PublishForm(formdata=None), tables=TABLES), status


@blueprint.get("/")
@login_required
def index(fund_id: int):
    return _page(fund_or_404(current_user, fund_id, "view_performance"))


@blueprint.post("/")
@login_required
def generate(fund_id: int):
    """Check the quarter asked for at once, then make its draft as background work with a page of its own."""
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    form = _generate_form(fund, GenerateForm())
    if form.validate_on_submit():
        end = parse_period(form.period.data)
        try:
            job = tasks.start_draft(current_user, fund, end.year, quarter_of(end), form.note.data)
        except Refused as refusal:
            # the form names the quarter in one field where the service takes a year and a quarter
            fields = {("period" if name in ("year", "quarter") else name): message
                      for name, message in refusal.fields.items()}
            show_refusal(form, Refused(fields))
        else:
            return redirect(url_for("tasks.page", job_id=job.id))
    return _page(fund, form, 422)


@blueprint.post("/<int:report_id>/publish")
@login_required
def publish(fund_id: int, report_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_fund")
    report = report_or_404(current_user, fund, report_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        services.publish(current_user, fund, report)
    except Refused as refusal:
        flash(" ".join(refusal.fields.values()), "warning")
    else:
        flash(_("Report published. Its SHA-256 is %(sha)s.", sha=report.sha256), "success")
    return redirect(url_for("reports.index", fund_id=fund.id))


@blueprint.get("/<int:report_id>.pdf")
@login_required
def pdf(fund_id: int, report_id: int):
    fund = fund_or_404(current_user, fund_id, "view_performance")
    report = report_or_404(current_user, fund, report_id)
    data = services.pdf_of(fund, report)
    with write_transaction():
        services.log_download(current_user, report, "web")
    return pdf_response(data, services.pdf_name(fund, report))


PLACES = {Ratio: (Decimal("0.0001"), "0.00"), Share: (Decimal("0.0001"), "0.0%"),
          Fte: (Decimal("0.1"), "#,##0.0")}


def plain(value, currency: str):
    """A typed cell as a number for spreadsheets, never a binary float, with its XLSX format: an amount
    exact in major units with its currency's decimals, a ratio to four places, a share as a fraction to
    four places shown as a percentage, FTE to one decimal; counts and text as they are."""
    if isinstance(value, Money):
        minor = value.minor
        return Number(to_decimal(minor, currency) if minor is not None else None,
                      money_format(exponent(currency)))
    if isinstance(value, Ratio | Share | Fte):
        places, number_format = PLACES[type(value)]
        number = None if value.value is None else Decimal(str(value.value)).quantize(places)
        return Number(number, number_format)
    return value


TABLES = {"summary": _l("Key figures"), "quarter": _l("The quarter against the previous one"),
          "capital_accounts": _l("Capital account of each partner"), "expenses": _l("Expenses by category"),
          "calls": _l("Capital calls this quarter"), "distributions": _l("Distributions this quarter"),
          "co_investment": _l("Co-investment"), "schedule": _l("Schedule of investments"),
          "jobs_by_company": _l("Jobs by company"), "jobs": _l("Job creation"), "pipeline": _l("Pipeline"),
          "pipeline_states": _l("Applications by state"), "scores": _l("Score distribution"),
          "agreement": _l("Agreement between reviewers"), "sectors": _l("Sector mix")}


@blueprint.get("/<int:report_id>/tables/<name>.<any(csv, xlsx):kind>")
@login_required
def table(fund_id: int, report_id: int, name: str, kind: str):
    """One table of the report as CSV or XLSX, from the same figures as the PDF."""
    fund = fund_or_404(current_user, fund_id, "view_performance")
    report = report_or_404(current_user, fund, report_id)
    found = services.tables_of_report(fund, report).get(name) if name in TABLES else None
    if found is None:       # a report published before the table was added stored none
        abort(404)
    rows = [*found.rows, *([found.total] if found.total else [])]
    frame = pd.DataFrame([[plain(v, fund.currency) for v in row] for row in rows], columns=found.columns)
    suffix = "" if report.published else "-draft"
    title = str(TABLES[name]) if report.published else _("DRAFT") + " " + str(TABLES[name])
    return download(frame, f"report-{fund.id}-{report.period}-v{report.version}{suffix}-{name}", kind,
                    title=title)


# --- public pages --------------------------------------------------------------------------------------

@public.route("/reports/verify", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], methods=["POST"])
def verify():
    """Anyone holding a report checks it against the published record, by SHA-256 or by the file."""
    form = VerifyForm()
    result, checkpoint, digest, status = None, None, None, 200
    if form.validate_on_submit():
        upload = form.report.data
        if upload:
            digest = hashlib.sha256(upload.read(PDF_LIMIT + 1)).hexdigest()
        elif form.sha256.data:
            digest = form.sha256.data.strip().lower()
        if digest is None or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            form.sha256.errors = [_("Enter a SHA-256 (64 hexadecimal characters) or choose the file.")]
            digest, status = None, 422
        else:
            result = services.verification(digest)
            checkpoint = None if result or upload else services.checkpoint_verification(digest)
    elif request.method == "POST":
        status = 400
    return render_template("reports/verify.html", form=form, digest=digest, result=result,
                           checkpoint=checkpoint), status


def _public_fund(fund_id: int) -> tuple[Fund, list[Partner]]:
    fund = db.session.get(Fund, fund_id, options=[joinedload(Fund.country)])
    if fund is None:
        abort(404)
    return fund, list(db.session.scalars(select(Partner).where(Partner.fund_id == fund.id)))


@public.get("/open-data/")
def open_data_index():
    funds = db.session.scalars(select(Fund).options(joinedload(Fund.country)).order_by(Fund.name)).all()
    return render_template("reports/open_data_index.html", funds=funds)


@public.get("/open-data/<int:fund_id>")
def open_data_page(fund_id: int):
    fund, partners = _public_fund(fund_id)
    return render_template("reports/open_data.html", fund=fund, data=open_data(fund, partners))


OPEN_LABELS = {"committed_government": _l("Committed by the government"),
               "committed_co_investors": _l("Committed by co-investors"), "invested": _l("Invested"),
               "companies": _l("Companies in the portfolio"),
               "net_jobs_created_fte": _l("Net jobs created (FTE)"),
               "applications_received": _l("Applications received"),
               "applications_approved": _l("Applications approved")}


@public.get("/open-data/<int:fund_id>.csv")
def open_data_csv(fund_id: int):
    """Every quarter's public figures, one per row, with whether they are published (and by which
    version of the report) or provisional (and when they were read)."""
    fund, partners = _public_fund(fund_id)
    money = {"committed_government", "committed_co_investors", "invested"}
    rows = []
    for row in open_data(fund, partners).quarters:
        values = dict(zip(OPEN_LABELS, (row.committed_government, row.committed_co_investors, row.invested,
                                        row.companies, row.net_jobs_created, row.received, row.approved),
                          strict=True))
        rows += [{"period": period_of(row.end), "quarter_end": row.end, "figure": code,
                  "figure_label": str(OPEN_LABELS[code]), "currency": fund.currency if code in money else "",
                  "value": (to_decimal(value, fund.currency) if code in money
                            else Decimal(value).quantize(Decimal("0.1")) if code == "net_jobs_created_fte"
                            else value),
                  "status": row.status, "report_version": row.version,
                  "figures_of": row.read_on if row.provisional else row.end}
                 for code, value in values.items()]
    frame = pd.DataFrame(rows, columns=["period", "quarter_end", "figure", "figure_label", "currency",
                                        "value", "status", "report_version", "figures_of"])
    frame["report_version"] = frame["report_version"].astype("Int64")
    return download(frame, f"open-data-{fund.id}", "csv")
