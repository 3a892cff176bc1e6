"""The home page each role lands on."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from fundapp.applications import committee, review
from fundapp.auth.models import User
from fundapp.auth.permissions import visible_funds
from fundapp.extensions import db
from fundapp.funds.models import Country

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.is_founder:
        return redirect(url_for("portal.index"))
    funds = db.session.scalars(visible_funds(current_user)).all()
    counts = None
    if current_user.is_admin:
        counts = {
            "funds": len(funds),
            "countries": db.session.scalar(select(func.count(Country.id))),
            "staff": db.session.scalar(select(func.count(User.id)).where(User.account_type == "staff")),
            "founders": db.session.scalar(select(func.count(User.id)).where(User.account_type == "founder")),
        }
    return render_template("main/home.html", funds=funds, counts=counts,
                           waiting=review.waiting_reviews(current_user),
                           waiting_votes=committee.waiting_votes(current_user))


@blueprint.get("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
