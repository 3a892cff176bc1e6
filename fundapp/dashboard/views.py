"""The fund's overview: its partners and commitments, and for those who may see them its figures as of
any date, the schedule of investments, and the charts the quarterly report draws too. It reads the
ledger, the jobs and the reporting features; nothing reads it."""
from decimal import Decimal

import pandas as pd
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fundapp import CONTENT_SECURITY_POLICY
from fundapp.auth.permissions import abilities, fund_or_404, fund_roles, partner_accounts, partner_of
from fundapp.errors import Refused
from fundapp.extensions import db, talisman
from fundapp.funds import services
from fundapp.funds.forms import PartnerForm
from fundapp.jobs.services import load_jobs
from fundapp.ledger.loader import history, metrics_as_of
from fundapp.money import exponent, to_decimal
from fundapp.portfolio.constants import HOLDING_STATES
from fundapp.portfolio.models import Company
from fundapp.reporting import figures
from fundapp.reporting.charts import SCREEN, to_svg
from fundapp.web.exports import download, money_format
from fundapp.web.formatting import sector_label
from fundapp.web.forms import show_refusal
from fundapp.web.pagination import page_of
from fundapp.web.query import query_date, query_page

blueprint = Blueprint("dashboard", __name__, url_prefix="/funds")

# reportlab's SVG carries its styles in attributes: inline styles are allowed for these images only;
# scripts stay limited to the site's own files.
CHART_POLICY = {**CONTENT_SECURITY_POLICY, "style-src": "'self' 'unsafe-inline'"}


@blueprint.get("/<int:fund_id>")
@login_required
def overview(fund_id: int):
    fund = fund_or_404(current_user, fund_id)
    return _overview(fund, PartnerForm())


def _overview(fund, partner_form: PartnerForm, status: int = 200):
    partners = services.partners_of(fund)
    total_commitment = sum(partner.commitment for partner in partners)
    allowed = abilities(current_user, fund.id)
    as_of = query_date()
    performance = None
    if "view_performance" in allowed:
        metrics = metrics_as_of(fund, as_of)
        # the largest positions first, a page at a time; the whole schedule is a download
        schedule = page_of(sorted(metrics.companies, key=lambda row: (-row.cost, row.company_id)),
                           query_page())
        names = [row.company_id for row in schedule.items]
        performance = {"metrics": metrics, "schedule": schedule,
                       "companies": {c.id: c for c in db.session.scalars(select(Company).where(
                           Company.id.in_(names)))},
                       "own_partner": partner_of(current_user, fund.id)}
    return render_template("dashboard/overview.html", fund=fund, total_commitment=total_commitment,
                           partners=partner_accounts(current_user, fund.id, partners),
                           roles=fund_roles(current_user, fund.id), abilities=allowed,
                           can_manage="manage_partners" in allowed, performance=performance,
                           as_of=as_of, partner_form=partner_form), status


@blueprint.get("/<int:fund_id>/schedule.<any(csv, xlsx):kind>")
@login_required
def schedule(fund_id: int, kind: str):
    """The whole schedule of investments as of a date, as CSV or XLSX."""
    fund = fund_or_404(current_user, fund_id, "view_performance")
    as_of = query_date()
    metrics = metrics_as_of(fund, as_of)
    companies = {c.id: c for c in db.session.scalars(select(Company).where(
        Company.id.in_([row.company_id for row in metrics.companies])))}

    def major(minor):
        return to_decimal(minor, fund.currency)

    def line(row):
        company = companies[row.company_id]
        return {_("Company"): company.name, _("Sector"): sector_label(company.sector),
                _("Region"): company.region, _("First investment"): row.first_investment,
                _("Currency"): fund.currency,
                _("Cost"): major(row.cost), _("Fair value"): major(row.fair_value),
                _("Proceeds"): major(row.proceeds),
                _("MOIC"): row.moic.quantize(Decimal("0.0001")) if row.moic is not None else None,
                _("Gross IRR"): round(Decimal(row.gross_irr), 6) if row.gross_irr is not None else None,
                _("Ownership"): row.ownership, _("Status"): str(HOLDING_STATES[row.state]),
                _("Status code"): row.state,
                _("Exited on"): row.exited_on, _("Sector code"): company.sector}
    frame = pd.DataFrame([line(row) for row in metrics.companies])
    amounts = money_format(exponent(fund.currency))
    return download(frame, f"schedule-{fund.id}-{as_of.isoformat()}", kind,
                    formats={_("Cost"): amounts, _("Fair value"): amounts, _("Proceeds"): amounts})


@blueprint.get("/<int:fund_id>/charts/<name>.svg")
@login_required
@talisman(content_security_policy=CHART_POLICY)
def chart(fund_id: int, name: str):
    """A chart of the dashboard as an SVG image (the same drawing the reports embed)."""
    fund = fund_or_404(current_user, fund_id, "view_performance")
    as_of = query_date()
    if name == "capital":
        fund_or_404(current_user, fund_id, "view_all_partners")
        names = {p.id: p.name for p in services.partners_of(fund)}
        drawing = figures.capital_by_partner(fund, metrics_as_of(fund, as_of), names, SCREEN)
    elif name == "nav":
        drawing = figures.nav_history(fund, history(fund, as_of), SCREEN)
    elif name == "tvpi":
        drawing = figures.tvpi_history(history(fund, as_of), SCREEN)
    elif name == "fte":
        drawing = figures.fte_history(load_jobs(fund).history(as_of), SCREEN)
    else:
        abort(404)
    return Response(to_svg(drawing), mimetype="image/svg+xml")


@blueprint.post("/<int:fund_id>/partners")
@login_required
def add_partner(fund_id: int):
    fund = fund_or_404(current_user, fund_id, "manage_partners")
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            services.create_partner(current_user, fund, form.name.data, form.kind.data,
                                    form.commitment.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Partner added."), "success")
            return redirect(url_for("dashboard.overview", fund_id=fund.id))
    return _overview(fund, form, 422)
