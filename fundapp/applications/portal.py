"""The founder portal: companies, applications, pitch decks, submission, withdrawal, messages."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fundapp.applications import services, workflow
from fundapp.applications.forms import (
    ApplicationForm,
    DeckForm,
    FounderCompanyForm,
    StartForm,
    WithdrawForm,
    field_label,
    field_value,
)
from fundapp.applications.models import Application
from fundapp.errors import Refused
from fundapp.extensions import db, limiter
from fundapp.funds.models import Fund
from fundapp.jobs import services as jobs
from fundapp.jobs.forms import HeadcountForm
from fundapp.money import to_major
from fundapp.portfolio import services as portfolio
from fundapp.portfolio.models import Company
from fundapp.quarters import parse_period, period_of
from fundapp.web import files
from fundapp.web.formatting import country_name, money
from fundapp.web.forms import show_refusal
from fundapp.web.query import signed_in_user

blueprint = Blueprint("portal", __name__, url_prefix="/portal")
blueprint.add_app_template_filter(field_label)
blueprint.add_app_template_filter(field_value)


@blueprint.before_request
@login_required
def _founders_only():
    if not current_user.is_founder:
        abort(404)


def _open_funds() -> list[Fund]:
    return list(db.session.scalars(select(Fund).options(joinedload(Fund.country))
                                   .where(Fund.open_for_applications.is_(True)).order_by(Fund.name)))


def _start_form(companies) -> StartForm:
    form = StartForm()
    form.fund_id.choices = [("", _("Choose a fund…"))] + [
        (fund.id, f"{fund.name} ({country_name(fund.country)}, {fund.currency})") for fund in _open_funds()]
    form.company_id.choices = [("", _("Choose a company…"))] + [(c.id, c.name) for c in companies]
    return form


@blueprint.get("/")
def index():
    companies = services.founder_companies(current_user)
    reporting = {status.company.id: status for status in jobs.reporting_status([c.id for c in companies])}
    return render_template("portal/index.html", companies=companies, reporting=reporting,
                           applications=services.founder_applications(current_user),
                           start_form=_start_form(companies), open_funds=_open_funds(),
                           states=workflow.STATES)


@blueprint.route("/companies/new", methods=["GET", "POST"])
def new_company():
    form = FounderCompanyForm()
    if form.validate_on_submit():
        try:
            portfolio.register_company(current_user, None, form.data, owner_id=current_user.id)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Company registered."), "success")
            return redirect(url_for("portal.index"))
    return render_template("portal/company.html", form=form)


@blueprint.route("/companies/<int:company_id>/headcount", methods=["GET", "POST"])
def headcount(company_id: int):
    """The company's quarterly headcount reports: those filed, those missing, and the form to file one."""
    company = jobs.founder_company(current_user, company_id) or abort(404)
    form = HeadcountForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                jobs.file_report(current_user, company, form.data, by_manager=False)
            except Refused as refusal:
                show_refusal(form, refusal)
                status = refusal.status
            else:
                flash(_("Headcount report saved. The fund will verify it."), "success")
                return redirect(url_for("portal.headcount", company_id=company.id))
    else:
        period = request.args.get("period") or ""
        period_end = parse_period(period)
        report = jobs.report_of(company, period_end) if period_end else None
        form = HeadcountForm(formdata=None, obj=report, period=period)
    (reporting,) = jobs.reporting_status([company.id])
    if not form.period.data and reporting.missing:
        form.period.data = period_of(reporting.missing[-1])
    return render_template("portal/headcount.html", company=company, form=form, reporting=reporting,
                           reports=sorted(reporting.filed.values(), key=lambda r: r.period_end,
                                          reverse=True)), status


@blueprint.post("/applications")
def start():
    form = _start_form(services.founder_companies(current_user))
    if not form.validate_on_submit():
        flash(_("Choose an open fund and one of your companies."), "danger")
        return redirect(url_for("portal.index"))
    fund = db.session.get(Fund, form.fund_id.data)
    company = db.session.get(Company, form.company_id.data)
    try:
        application = services.start_application(current_user, fund, company)
    except Refused as refusal:
        flash(" ".join(refusal.fields.values()), "danger")
        return redirect(url_for("portal.index"))
    return redirect(url_for("portal.application", application_id=application.id))


def _own(application_id: int) -> tuple[Application, Fund, Company]:
    """The founder's application with its fund and company; anyone else's answers 404."""
    row = db.session.execute(
        select(Application, Fund, Company).join(Fund, Application.fund_id == Fund.id)
        .join(Company, Application.company_id == Company.id).options(joinedload(Fund.country))
        .where(Application.id == application_id, Application.founder_id == current_user.id)).first()
    if row is None:
        abort(404)
    return row


def _page(application, fund, company, form=None, withdraw_form=None, status=200, text_saved=False):
    """The founder's application page, as the founder is editing it; text_saved when the words were kept
    but an attached deck was not (the deck's field says why, and nothing reads as "not saved")."""
    edited = services.editing(application)
    if form is None:
        form = ApplicationForm(obj=edited, formdata=None)
        if edited.requested_amount is not None:
            form.requested_amount.data = to_major(edited.requested_amount, fund.currency)
    form.requested_amount.description = _(
        "In %(currency)s: this fund invests from %(low)s to %(high)s.", currency=fund.currency,
        low=money(fund.min_ticket, fund.currency), high=money(fund.max_ticket, fund.currency))
    if application.state == "changes_requested":
        form.save.label.text = _("Save changes")
        form.save_and_submit.label.text = _("Save and resubmit")
    timeline = services.founder_timeline(application)
    asked = next((told for change, told in reversed(timeline) if change.to_state == "changes_requested"), "")
    return render_template(
        "portal/application.html", application=application, edited=edited, fund=fund, company=company,
        form=form, withdraw_form=withdraw_form or WithdrawForm(formdata=None),
        eligibility=services.eligibility_of(edited, fund, company),
        missing=services.missing_fields(edited), timeline=timeline, asked=asked,
        messages=services.messages_of(application), states=workflow.STATES, editable=workflow.EDITABLE,
        text_saved=text_saved,
        can_withdraw=workflow.may_move(application.state, "withdrawn", "founder")), status


@blueprint.route("/applications/<int:application_id>", methods=["GET", "POST"])
def application(application_id: int):
    application, fund, company = _own(application_id)
    form = ApplicationForm()
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services.save_draft(current_user, application, fund, form.data)
            except Refused as refusal:
                show_refusal(form, refusal)
                status = refusal.status
                if status == 409:
                    flash(" ".join(refusal.fields.values()), "danger")
            else:
                return _after_saving(application, fund, company, form)
        application, fund, company = _own(application_id)
        return _page(application, fund, company, form=form, status=status)
    return _page(application, fund, company)


def _after_saving(application, fund, company, form):
    """The founder's words are saved first; then the deck it attached and, when asked, the submission.
    A deck or a submission that cannot go through is said on the page, and the words stay saved."""
    upload = form.deck.data
    if upload and upload.filename:
        with upload.stream:
            data = upload.read(services.DECK_LIMIT + 1)
        problem = services.kept_deck(application, upload.filename, data)
        if problem is not None:
            form.deck.errors = [problem[0]]
            flash(_("Your text is saved; the deck is not, and nothing was sent to the fund: %(problem)s",
                    problem=problem[0]) if form.save_and_submit.data else
                  _("Your text is saved; the deck is not: %(problem)s", problem=problem[0]), "warning")
            return _page(application, fund, company, form=form, text_saved=True)
    if form.save_and_submit.data:
        edited = services.editing(application)
        missing = services.missing_fields(edited)
        problems = services.eligibility_of(edited, fund, company)
        if missing or problems:
            if missing:
                problems = [_("Still missing: %(fields)s", fields=", ".join(map(field_label, missing))),
                            *problems]
            flash(_("Your draft is saved but not submitted: %(problems)s", problems=" ".join(problems)),
                  "warning")
            return redirect(url_for("portal.application", application_id=application.id))
        resubmission = application.state == "changes_requested"
        services.submit(current_user, application, fund, company)
        flash(_("Your changes are sent to the fund.") if resubmission else
              _("Your application is submitted. The fund will tell you of each step here."), "success")
    else:
        flash(_("Your changes are saved; resubmit when you are ready.")
              if application.state == "changes_requested" else _("Draft saved."), "success")
    return redirect(url_for("portal.application", application_id=application.id))


@blueprint.post("/applications/<int:application_id>/deck")
@limiter.limit(lambda: current_app.config["DECK_UPLOAD_RATE_LIMIT"], key_func=signed_in_user)
def upload_deck(application_id: int):
    application, fund, company = _own(application_id)
    form = DeckForm()
    if form.validate_on_submit():
        upload = form.deck.data
        try:
            with upload.stream:
                services.store_deck(application, upload.filename, upload.read(services.DECK_LIMIT + 1))
        except Refused as refusal:
            flash(" ".join(refusal.fields.values()), "danger")
            application, fund, company = _own(application_id)
            return _page(application, fund, company, status=refusal.status)
        flash(_("Pitch deck uploaded."), "success")
        return redirect(url_for("portal.application", application_id=application.id))
    flash(" ".join(error for errors in form.errors.values() for error in errors), "danger")
    return _page(application, fund, company, status=422)


@blueprint.get("/applications/<int:application_id>/deck")
def deck(application_id: int):
    application, _fund, _company = _own(application_id)
    edited = services.editing(application)
    path = services.deck_path(edited)
    if path is None or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=files.safe_name(edited.deck_filename))


@blueprint.post("/applications/<int:application_id>/submit")
def submit(application_id: int):
    application, fund, company = _own(application_id)
    try:
        submitted = services.submit(current_user, application, fund, company)
    except Refused as refusal:
        flash(_("Not submitted: %(problems)s", problems=" ".join(refusal.fields.values())), "danger")
        return redirect(url_for("portal.application", application_id=application_id))
    if submitted:
        flash(_("Your application is submitted. The fund will tell you of each step here."), "success")
    return redirect(url_for("portal.application", application_id=application_id))


@blueprint.post("/applications/<int:application_id>/withdraw")
def withdraw(application_id: int):
    application, fund, company = _own(application_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(current_user, application, form.reason.data)
        except Refused as refusal:
            flash(" ".join(refusal.fields.values()), "danger")
        else:
            flash(_("Your application is withdrawn."), "success")
        return redirect(url_for("portal.application", application_id=application_id))
    return _page(application, fund, company, withdraw_form=form, status=422)
