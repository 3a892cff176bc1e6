"""Pages of the investment committee: the applications before it, declarations, votes and the minutes."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fundapp.applications import committee, workflow
from fundapp.applications.models import Application, Vote
from fundapp.applications.review_forms import VoteForm
from fundapp.applications.review_views import application_page
from fundapp.auth.permissions import (
    abilities,
    application_or_404,
    can,
    fund_or_404,
    see_votes,
    sits_on_committee,
)
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.portfolio.models import Company
from fundapp.reporting.minutes import minutes as minutes_pdf
from fundapp.web.files import pdf_response

blueprint = Blueprint("committee", __name__, url_prefix="/funds/<int:fund_id>")


@blueprint.get("/committee")
@login_required
def index(fund_id: int):
    """The applications before the committee, with what each still waits for from the member."""
    fund = fund_or_404(current_user, fund_id)
    if not (can(current_user, "vote", fund.id) or can(current_user, "manage_fund", fund.id)):
        abort(403)
    rows = db.session.execute(
        select(Application, Company).join(Company, Application.company_id == Company.id)
        .where(Application.fund_id == fund.id, Application.state == "committee")
        .order_by(Application.id)).all()
    own = {seat.application_id: seat for seat in db.session.scalars(select(Vote).where(
        Vote.fund_id == fund.id, Vote.member_id == current_user.id))}
    # what the committee has already dealt with, with its minutes: all of it for managers, what the
    # member voted on for a member
    voted = select(Vote.application_id).where(Vote.fund_id == fund.id)
    if not can(current_user, "manage_fund", fund.id):
        voted = voted.where(Vote.member_id == current_user.id, Vote.vote.is_not(None))
    past = db.session.execute(
        select(Application, Company).join(Company, Application.company_id == Company.id)
        .where(Application.fund_id == fund.id, Application.state != "committee", Application.id.in_(voted))
        .order_by(Application.decided_at.desc().nulls_last(), Application.id.desc()).limit(100)).all()
    return render_template("review/committee.html", fund=fund, rows=rows, own=own, past=past,
                           states=workflow.STATES,
                           tallies=committee.counts(fund, [application.id for application, _company in rows]),
                           members=committee.members_of(fund), vote_labels=committee.VOTES,
                           abilities=abilities(current_user, fund.id))


def _member_application(fund_id: int, application_id: int):
    """The fund and the application, for a member of the fund's committee; else 403."""
    fund = fund_or_404(current_user, fund_id, "vote")
    application = application_or_404(current_user, fund_id, application_id)
    if not sits_on_committee(current_user, fund.id):
        abort(403)
    return fund, application


@blueprint.post("/applications/<int:application_id>/committee/declaration")
@login_required
def declare(fund_id: int, application_id: int):
    fund, application = _member_application(fund_id, application_id)
    conflict = request.form.get("conflict") == "yes"
    try:
        committee.declare(current_user, fund, application, conflict, request.form.get("reason", ""))
    except Refused as refusal:
        flash(" ".join(refusal.fields.values()), "danger")
        return application_page(fund, application, status=refusal.status,
                                conflict_reason=request.form.get("reason", ""), recusal_refused=conflict)
    flash(_("Declaration recorded."), "success")
    return redirect(url_for("review.application", fund_id=fund.id, application_id=application.id))


@blueprint.post("/applications/<int:application_id>/votes")
@login_required
def vote(fund_id: int, application_id: int):
    fund, application = _member_application(fund_id, application_id)
    form = VoteForm().with_votes(committee.VOTES)
    if form.validate_on_submit():
        try:
            committee.cast(current_user, fund, application, form.vote.data, form.comment.data)
        except Refused as refusal:
            for field, message in refusal.fields.items():
                getattr(form, field, form.vote).errors = [message]
            return application_page(fund, application, status=refusal.status, vote_form=form)
        flash(_("Your vote is recorded."), "success")
        return redirect(url_for("review.application", fund_id=fund.id, application_id=application.id))
    return application_page(fund, application, status=422, vote_form=form)


@blueprint.get("/applications/<int:application_id>/minutes.pdf")
@login_required
def minutes(fund_id: int, application_id: int):
    """The committee's minutes on the application: for its managers, and for members once they voted."""
    fund = fund_or_404(current_user, fund_id)
    application = application_or_404(current_user, fund_id, application_id)
    if not see_votes(current_user, application):
        abort(403)
    return pdf_response(minutes_pdf(fund, application, date.today()),
                        f"committee-minutes-application-{application.id}.pdf")
