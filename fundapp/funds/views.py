"""Pages of funds: the list, and a fund's settings (administrators)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fundapp.auth.permissions import (
    fund_or_404,
    require_admin,
    visible_funds,
)
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds import services
from fundapp.funds.forms import FundForm
from fundapp.funds.models import Country
from fundapp.money import to_major
from fundapp.web.forms import show_refusal

blueprint = Blueprint("funds", __name__, url_prefix="/funds")



def _country_choices(form: FundForm) -> None:
    form.country_id.choices = [
        (country.id, f"{country.name} ({country.code})")
        for country in db.session.scalars(select(Country).order_by(Country.name))
    ]


@blueprint.get("/")
@login_required
def index():
    funds = db.session.scalars(visible_funds(current_user)).all()
    return render_template("funds/index.html", funds=funds)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require_admin(current_user)
    form = FundForm()
    _country_choices(form)
    if not form.country_id.choices:
        flash(_("Add the fund's country first."), "warning")
        return redirect(url_for("admin.countries"))
    if form.validate_on_submit():
        try:
            fund = services.create_fund(current_user, db.session.get(Country, form.country_id.data),
                                        form.values())
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Fund created."), "success")
            return redirect(url_for("dashboard.overview", fund_id=fund.id))
    return render_template("funds/form.html", form=form, fund=None)


@blueprint.route("/<int:fund_id>/edit", methods=["GET", "POST"])
@login_required
def edit(fund_id: int):
    require_admin(current_user)
    fund = fund_or_404(current_user, fund_id)
    form = FundForm(obj=fund)
    _country_choices(form)
    if not form.is_submitted():
        for field in services.FUND_AMOUNTS:
            getattr(form, field).data = to_major(getattr(fund, field), fund.currency)
    if form.validate_on_submit():
        try:
            services.update_fund(current_user, fund, db.session.get(Country, form.country_id.data),
                                 form.values())
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Fund saved."), "success")
            return redirect(url_for("dashboard.overview", fund_id=fund.id))
    return render_template("funds/form.html", form=form, fund=fund)
