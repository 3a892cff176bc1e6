"""Quarterly reports in the API (SPEC section 7): generate a draft, publish it, download the PDF."""
from flask import g
from flask_smorest import Blueprint

from fundapp.api.auth import authenticated, fund_object, fund_scoped
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import ReportRequestSchema, ReportSchema
from fundapp.auth.permissions import report_or_404, see_report_drafts
from fundapp.database import write_transaction
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.reporting import services
from fundapp.reporting.models import QuarterlyReport
from fundapp.web.files import pdf_response

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1",
                description="Quarterly reports: drafts, published versions and their PDFs.")
documented_errors = errors_of(blp)


def report_json(report: QuarterlyReport, superseded_by: QuarterlyReport | None = None) -> dict:
    return {key: getattr(report, key) for key in ("id", "fund_id", "year", "quarter", "version", "state",
                                                  "sha256", "note", "created_at", "published_at")} | {
        "superseded_by": superseded_by.id if superseded_by else None}


@blp.route("/funds/<int:fund_id>/reports", methods=["GET"])
@authenticated
@fund_scoped("view_performance")
@blp.response(200, ReportSchema(many=True))
@documented_errors
def list_reports(fund: Fund):
    """The fund's reports, latest quarter first; partners see the published ones only."""
    return [report_json(item.report, item.superseded_by)
            for item in services.reports_of(fund, drafts=see_report_drafts(g.api_user, fund.id))]


@blp.route("/funds/<int:fund_id>/reports", methods=["POST"])
@authenticated
@fund_scoped("manage_fund")
@blp.arguments(ReportRequestSchema)
@blp.response(201, ReportSchema)
@documented_errors
def create_report(body, fund: Fund):
    """Generate a draft of a quarter's report (the open draft if there is one); a new version of a
    published report needs a note saying what it corrects."""
    report = services.generate(g.api_user, fund, body["year"], body["quarter"], body["note"])
    db.session.flush()
    created = report_json(report)
    return created


@blp.route("/reports/<int:report_id>/publish", methods=["POST"])
@authenticated
@fund_object(QuarterlyReport, "report_id", "manage_fund")
@blp.response(200, ReportSchema)
@documented_errors
def publish(report: QuarterlyReport, fund: Fund):
    """Publish a draft: its PDF is stored with its SHA-256 and never changes."""
    services.publish(g.api_user, fund, report)
    published = report_json(report)
    return published


@blp.route("/reports/<int:report_id>/pdf", methods=["GET"])
@authenticated
@fund_object(QuarterlyReport, "report_id", "view_performance")
@blp.doc(responses={"200": {"description": "The report", "content": {"application/pdf": {
    "schema": {"type": "string", "format": "binary"}}}}})
@documented_errors
def pdf(report: QuarterlyReport, fund: Fund):
    """The report's PDF as an attachment; a partner's download of a published report is logged."""
    report = report_or_404(g.api_user, fund, report.id)
    data = services.pdf_of(fund, report)
    with write_transaction():
        services.log_download(g.api_user, report, "api")
    return pdf_response(data, f"report-{fund.id}-{report.period}-v{report.version}.pdf")
