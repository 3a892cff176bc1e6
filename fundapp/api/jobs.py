"""Headcount reports and a fund's job figures in the API (SPEC sections 5 and 7)."""
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import wraps

from flask import abort, g
from flask_smorest import Blueprint
from sqlalchemy import select

from fundapp.api.auth import authenticated, fund_scoped
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import HeadcountSchema, ImportedSchema, JobsSchema, MetricsQuerySchema, SheetSchema
from fundapp.extensions import db
from fundapp.funds.models import Fund
from fundapp.jobs import imports, services
from fundapp.jobs.figures import fte
from fundapp.jobs.models import HeadcountReport
from fundapp.portfolio.models import Company
from fundapp.quarters import period_of

blp = Blueprint("api_jobs", __name__, url_prefix="/api/v1",
                description="Headcount reports of companies and the jobs figures of funds.")
documented_errors = errors_of(blp)


def reporting_company(view):
    """Resolve the path's company for the token's user before the body is read: its founder (once
    invested) or a manager of a fund invested in it; anyone else gets 404. The view gets company= and
    by_manager=."""
    @wraps(view)
    def wrapper(*args, company_id: int, **kwargs):
        user = g.api_user
        company = services.managed_company(user, company_id)
        by_manager = company is not None
        if company is None and user.is_founder:
            company = services.founder_company(user, company_id)
        if company is None:
            abort(404)
        return view(*args, company=company, by_manager=by_manager, **kwargs)
    return wrapper


def report_json(report: HeadcountReport) -> dict:
    return {"id": report.id, "company_id": report.company_id, "period": report.period,
            **{name: getattr(report, name) for name in services.COUNTS}, "verified": report.verified,
            "fte": float(fte(report.full_time, report.part_time))}


@blp.route("/companies/<int:company_id>/headcount", methods=["GET"])
@authenticated
@reporting_company
@blp.response(200, HeadcountSchema(many=True))
@documented_errors
def list_headcount(company: Company, by_manager: bool):
    """The company's headcount reports, latest quarter first."""
    return [report_json(r) for r in db.session.scalars(
        select(HeadcountReport).where(HeadcountReport.company_id == company.id)
        .order_by(HeadcountReport.period_end.desc()))]


@blp.route("/companies/<int:company_id>/headcount", methods=["POST"])
@authenticated
@reporting_company
@blp.arguments(HeadcountSchema)
@blp.response(201, HeadcountSchema)
@documented_errors
def create_headcount(body, company: Company, by_manager: bool):
    """File the company's report for a quarter, or correct it until a manager verifies it.

    Only managers may send verified: true.
    """
    report = services.file_report(g.api_user, company, body, by_manager=by_manager)
    db.session.flush()
    created = report_json(report)
    return created


def _whole(value: Decimal | None) -> int | None:
    """An amount computed in fractions of the minor unit (a cost per job), to the nearest unit."""
    return None if value is None else int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@blp.route("/funds/<int:fund_id>/jobs", methods=["GET"])
@authenticated
@fund_scoped("view_performance")
@blp.arguments(MetricsQuerySchema, location="query")
@blp.response(200, JobsSchema)
@documented_errors
def fund_jobs(query, fund: Fund):
    """The fund's job figures as of a date (today by default), with one row per company."""
    as_of = query["as_of"] or date.today()
    data = services.load_jobs(fund)
    f = data.figures(as_of)
    return vars(f) | {
        "as_of": as_of, "cost_per_job": _whole(f.cost_per_job),
        "public_cost_per_job": _whole(f.public_cost_per_job),
        "companies": [vars(row.figures) | {
            "company_id": row.company.id, "name": row.company.name, "sector": row.company.sector,
            "region": row.company.region, "first_investment": row.first_investment,
            "current_period": period_of(row.report_day) if row.report_day else None, "status": row.state,
        } for row in services.company_table(data, f)],
    }


@blp.route("/funds/<int:fund_id>/headcount/<int:report_id>/verify", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.response(200, HeadcountSchema)
@documented_errors
def verify(fund: Fund, report_id: int):
    """A manager verifies a headcount report of a company the fund invested in."""
    report = services.fund_report(fund, report_id) or abort(404)
    services.verify(g.api_user, report)
    return report_json(report)


@blp.route("/funds/<int:fund_id>/headcount/import", methods=["POST"])
@authenticated
@fund_scoped("manage_capital")
@blp.arguments(SheetSchema, location="files")
@blp.response(201, ImportedSchema)
@documented_errors
def import_headcount(files, fund: Fund):
    """Import headcount reports from a CSV or XLSX file (multipart field `sheet`): every row is checked
    first, and nothing is saved unless all are good."""
    upload = files["sheet"]
    with upload.stream:
        count = imports.import_reports(g.api_user, fund, upload.read(imports.IMPORT_LIMIT + 1))
    return {"imported": count}
