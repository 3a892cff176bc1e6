"""Platform administration: countries, staff, grants, the audit log and the outbox."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fundapp.admin.forms import GrantForm, StaffForm
from fundapp.audit.models import AuditEntry
from fundapp.auth import credentials, sessions, tokens
from fundapp.auth import services as accounts
from fundapp.auth.models import ApiToken, Grant, User
from fundapp.auth.permissions import require_admin, second_factor_required
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds import services as funds
from fundapp.funds.forms import CountryForm
from fundapp.funds.models import Country, Fund, Partner
from fundapp.notifications import outbox as outbox_messages
from fundapp.notifications.models import OutboxMessage
from fundapp.web.forms import chosen, show_refusal
from fundapp.web.pagination import paginate
from fundapp.web.query import query_number, query_page

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
@login_required
def _admins_only():
    require_admin(current_user)


@blueprint.route("/countries", methods=["GET", "POST"])
def countries():
    form = CountryForm()
    if form.validate_on_submit():
        try:
            funds.create_country(current_user, form.code.data, form.name.data or "")
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Country added."), "success")
            return redirect(url_for("admin.countries"))
    rows = db.session.execute(
        select(Country, func.count(Fund.id)).outerjoin(Fund, Fund.country_id == Country.id)
        .group_by(Country.id).order_by(Country.name)
    ).all()
    return render_template("admin/countries.html", form=form, rows=rows)


@blueprint.route("/users", methods=["GET", "POST"])
def users():
    form = StaffForm()
    link = None
    if form.validate_on_submit():
        try:
            user, link = accounts.create_staff(current_user, form.email.data, form.name.data,
                                               form.language.data, form.is_admin.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("%(name)s is invited. Send them the activation link below; it is also in the "
                    "outbox.", name=user.name), "success")
            form = StaffForm(formdata=None)
    query = select(User).order_by(User.name)
    search = request.args.get("q", "").strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(func.lower(User.email).like(pattern) | func.lower(User.name).like(pattern))
    account_type = request.args.get("type")
    if account_type in ("staff", "founder"):
        query = query.where(User.account_type == account_type)
    page = paginate(query, query_page())
    return render_template("admin/users.html", form=form, page=page, link=link, search=search,
                           account_type=account_type)


def _grant_form() -> GrantForm:
    form = GrantForm()
    form.fund_id.choices = chosen((fund_id, name) for fund_id, name in
                                  db.session.execute(select(Fund.id, Fund.name).order_by(Fund.name)))
    form.partner_id.choices = [(0, "—")] + [
        (partner_id, f"{fund_name} — {name}") for partner_id, name, fund_name in db.session.execute(
            select(Partner.id, Partner.name, Fund.name).join(Fund).order_by(Fund.name, Partner.name))
    ]
    return form


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    form = _grant_form()
    if form.validate_on_submit():
        fund = db.session.get(Fund, form.fund_id.data) or abort(404)
        try:
            accounts.grant_role(current_user, person, fund, form.role.data, form.partner_id.data or None)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Role granted."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    grants = db.session.scalars(
        select(Grant).options(joinedload(Grant.fund), joinedload(Grant.partner))
        .where(Grant.user_id == person.id).order_by(Grant.id)
    ).all()
    open_sessions = len(sessions.live_sessions(person, current_app.config["IDLE_TIMEOUT"]))
    return render_template("admin/user.html", person=person, grants=grants, form=form,
                           required=second_factor_required(person), open_sessions=open_sessions,
                           api_tokens=tokens.tokens_of(person), now=utcnow())


@blueprint.post("/users/<int:user_id>/second-factor/reset")
def reset_second_factor(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    credentials.reset_second_factor(current_user, person)
    flash(_("The second factor of %(name)s is reset; they set up a new one at their next sign-in.",
            name=person.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@blueprint.post("/users/<int:user_id>/sessions/end")
def end_sessions(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    accounts.end_sessions(current_user, person)
    flash(_("Every session of %(name)s is ended.", name=person.name), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@blueprint.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_token(user_id: int, token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    if token.revoked_at is None:
        tokens.revoke_token(current_user, token)
        flash(_("The token is revoked."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@blueprint.post("/users/<int:user_id>/grants/<int:grant_id>/revoke")
def revoke_grant(user_id: int, grant_id: int):
    grant = db.session.get(Grant, grant_id)
    if grant is None or grant.user_id != user_id:
        abort(404)
    accounts.revoke_grant(current_user, grant)
    flash(_("Role revoked."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@blueprint.post("/users/<int:user_id>/invitation")
def reinvite(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if person.password_hash is not None:
        flash(_("This account is already active."), "warning")
        return redirect(url_for("admin.user", user_id=user_id))
    link = accounts.invite(current_user, person)
    flash(_("A new activation link was issued: %(link)s", link=link), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@blueprint.post("/users/<int:user_id>/active")
def set_active(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if person.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "warning")
    else:
        accounts.set_active(current_user, person, not person.active)
        flash(_("Account reactivated.") if person.active else _("Account deactivated."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@blueprint.get("/audit")
def audit():
    query = select(AuditEntry).options(joinedload(AuditEntry.user), joinedload(AuditEntry.fund))
    filters = {key: request.args.get(key, "").strip() for key in ("user", "fund", "action")}
    user_id, fund_id = query_number("user"), query_number("fund")
    if user_id:
        query = query.where(AuditEntry.user_id == user_id)
    if fund_id:
        query = query.where(AuditEntry.fund_id == fund_id)
    if filters["action"]:
        query = query.where(AuditEntry.action.startswith(filters["action"]))
    page = paginate(query.order_by(AuditEntry.id.desc()), query_page())
    people = db.session.execute(select(User.id, User.name).order_by(User.name)).all()
    fund_names = db.session.execute(select(Fund.id, Fund.name).order_by(Fund.name)).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return render_template("admin/audit.html", page=page, filters=filters, people=people,
                           fund_names=fund_names, actions=actions)


@blueprint.get("/outbox")
def outbox():
    status = request.args.get("status", "")
    query = outbox_messages.messages(status)
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count())
                                     .group_by(OutboxMessage.status)).all())
    page = paginate(query, query_page())
    return render_template("admin/outbox.html", page=page, status=status, counts=counts,
                           mail_server=current_app.config.get("MAIL_SERVER"),
                           tries=len(current_app.config["OUTBOX_RETRY_DELAYS"]) + 1)


@blueprint.post("/outbox/<int:message_id>/retry")
def retry_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.status == "sent":
        flash(_("This message was sent already."), "info")
    else:
        outbox_messages.retry(message)
        flash(_("The message to %(recipient)s will be tried again now.", recipient=message.recipient),
              "success")
    return redirect(url_for("admin.outbox", status=request.args.get("status", "")))
