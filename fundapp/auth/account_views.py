"""The user's own account: profile, language and password; second factors (authenticator app, passkeys,
recovery codes); the sessions signed in; API tokens; reminders; a reviewer's expertise; the confirmation of
a founder's address."""
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import exists, select

from fundapp.applications import suggestions
from fundapp.auth import credentials, passkeys, second_factor, services, sessions, throttle, tokens
from fundapp.auth.forms import (
    AuthenticatorForm,
    ConfirmPasswordForm,
    ExpertiseForm,
    LanguageForm,
    PasswordForm,
    TokenForm,
    reminder_form,
)
from fundapp.auth.models import ApiToken, Grant, Passkey, UserSession
from fundapp.auth.permissions import second_factor_required
from fundapp.auth.views import site, start_session
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import cache, db, limiter
from fundapp.notifications import reminders as reminder_settings
from fundapp.notifications.reminder_rules import OPTIONAL, RULES
from fundapp.web.forms import show_refusal

blueprint = Blueprint("account", __name__, url_prefix="/account")


@blueprint.app_template_global()
def reviews_for_a_fund() -> bool:
    """Whether the signed-in user reviews for a fund: only then does My account offer its expertise."""
    return db.session.scalar(select(exists().where(Grant.user_id == current_user.id,
                                                   Grant.role == "reviewer")))


@blueprint.before_request
@login_required
def _signed_in_only():
    return None


def _me():
    return current_user._get_current_object()


@blueprint.route("", methods=["GET", "POST"])
@throttle.password_checks()
def overview():
    password_form = PasswordForm(prefix="password")
    language_form = LanguageForm(prefix="language", language=current_user.language)
    if password_form.submit.data and password_form.validate_on_submit():
        try:
            credentials.change_password(_me(), password_form.current_password.data,
                                        password_form.password.data)
        except Refused as refusal:
            show_refusal(password_form, refusal)
        else:
            start_session(_me())
            flash(_("Your password is changed. Your other sessions have been signed out."), "success")
            return redirect(url_for("account.overview"))
    elif language_form.submit.data and language_form.validate_on_submit():
        services.change_language(_me(), language_form.language.data)
        flash(_("Language saved."), "success")
        return redirect(url_for("account.overview"))
    return render_template("account/overview.html", password_form=password_form,
                           language_form=language_form)


@blueprint.post("/confirmation")
@limiter.limit(lambda: current_app.config["CONFIRMATION_RATE_LIMIT"],
               key_func=lambda: f"confirmation:{current_user.id}")
def send_confirmation():
    if current_user.email_confirmed_at is None:
        services.send_confirmation(_me())
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("account.overview"))


# --- second factors -------------------------------------------------------------------------------

def _pending_secret() -> str:
    """The authenticator secret offered to this session until the user turns the app on."""
    if not session.get("totp_pending"):
        session["totp_pending"] = second_factor.new_secret()
    return session["totp_pending"]


@blueprint.get("/security")
def security():
    return _security_page(AuthenticatorForm())


def _security_page(form, status: int = 200):
    me = _me()
    uri = None if me.totp_secret else second_factor.provisioning_uri(me, _pending_secret())
    return render_template(
        "account/security.html", authenticator_form=form, uri=uri,
        secret=None if me.totp_secret else second_factor.grouped(_pending_secret()),
        qr_code=second_factor.qr_code(uri) if uri else None, passkeys=passkeys.passkeys_of(me),
        codes_left=second_factor.recovery_codes_left(me), required=second_factor_required(me),
        password_form=ConfirmPasswordForm(formdata=None)), status


def _show_codes(codes: list[str] | None, message: str):
    flash(message, "success")
    if codes is None:
        return redirect(url_for("account.security"))
    return render_template("account/recovery_codes.html", codes=codes)


@blueprint.post("/security/authenticator")
def authenticator():
    form = AuthenticatorForm()
    if not form.validate_on_submit():
        return _security_page(form, 422)
    try:
        codes = credentials.enrol_authenticator(_me(), _pending_secret(), form.code.data)
    except Refused as refusal:
        show_refusal(form, refusal)
        return _security_page(form, refusal.status)
    session.pop("totp_pending", None)
    start_session(_me())       # sessions opened with the password alone end; this one goes on
    return _show_codes(codes, _("The authenticator app is on. You will be asked for a code when you sign "
                                "in."))


@blueprint.post("/security/authenticator/remove")
@throttle.password_checks()
def remove_authenticator():
    try:
        credentials.remove_authenticator(_me(), ConfirmPasswordForm().password.data or "")
    except Refused as refusal:
        flash(next(iter(refusal.fields.values())), "danger")
    else:
        flash(_("The authenticator app is removed."), "success")
    return redirect(url_for("account.security"))


@blueprint.post("/security/recovery-codes")
@throttle.password_checks()
def recovery_codes():
    try:
        codes = credentials.renew_recovery_codes(_me(), ConfirmPasswordForm().password.data or "")
    except Refused as refusal:
        flash(next(iter(refusal.fields.values())), "danger")
        return redirect(url_for("account.security"))
    return _show_codes(codes, _("New recovery codes are issued; the old ones no longer work."))


@blueprint.post("/security/passkeys/options")
def passkey_options():
    return current_app.response_class(passkeys.creation_options(_me(), site()), mimetype="application/json")


@blueprint.post("/security/passkeys")
def add_passkey():
    name = request.args.get("name", "")[:100]
    try:
        codes = credentials.add_passkey(_me(), request.get_data(as_text=True), site(), name)
    except Refused as refusal:
        return jsonify(error=next(iter(refusal.fields.values()))), 422
    start_session(_me())
    if codes is not None:
        # shown on the next page, once: kept on the server, never in the cookie (which a copy replays)
        key = secrets.token_urlsafe(16)
        cache.set(f"recovery-codes:{key}", codes, timeout=300)
        session["new_recovery_codes"] = key
        return jsonify(redirect=url_for("account.new_codes"))
    flash(_("The passkey is added."), "success")
    return jsonify(redirect=url_for("account.security"))


@blueprint.get("/security/new-codes")
def new_codes():
    """The recovery codes that came with a passkey added by script, shown once."""
    key = f"recovery-codes:{session.pop('new_recovery_codes', '')}"
    codes = cache.get(key)
    cache.delete(key)
    if not codes:
        return redirect(url_for("account.security"))
    return _show_codes(codes, _("The passkey is added."))


@blueprint.post("/security/passkeys/<int:passkey_id>/remove")
@throttle.password_checks()
def remove_passkey(passkey_id: int):
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != current_user.id:
        abort(404)
    try:
        credentials.remove_passkey(_me(), passkey, ConfirmPasswordForm().password.data or "")
    except Refused as refusal:
        flash(next(iter(refusal.fields.values())), "danger")
    else:
        flash(_("The passkey is removed."), "success")
    return redirect(url_for("account.security"))


# --- sessions and tokens --------------------------------------------------------------------------

@blueprint.get("/sessions")
def session_list():
    live = sessions.live_sessions(_me(), current_app.config["IDLE_TIMEOUT"])
    return render_template("account/sessions.html", sessions=live, current=g.user_session.id,
                           browser_of=sessions.browser_of)


@blueprint.post("/sessions/<int:session_id>/end")
def end_session(session_id: int):
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != current_user.id:
        abort(404)
    if record.id == g.user_session.id:
        flash(_("To end this session, sign out."), "info")
    else:
        sessions.end(record)
        flash(_("The session is ended."), "success")
    return redirect(url_for("account.session_list"))


@blueprint.post("/sessions/end-others")
def end_other_sessions():
    for record in sessions.live_sessions(_me(), current_app.config["IDLE_TIMEOUT"]):
        if record.id != g.user_session.id:
            sessions.end(record)
    flash(_("Every other session is ended."), "success")
    return redirect(url_for("account.session_list"))


@blueprint.route("/tokens", methods=["GET", "POST"])
def token_list():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        _token, secret = tokens.create_token(_me(), form.name.data, form.days)
        form = TokenForm(formdata=None)
    return render_template("account/tokens.html", form=form, secret=secret,
                           api_tokens=tokens.tokens_of(_me()), now=utcnow())


@blueprint.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if token.revoked_at is None:
        tokens.revoke_token(_me(), token)
        flash(_("The token is revoked."), "success")
    return redirect(url_for("account.token_list"))


# --- reminders ------------------------------------------------------------------------------------

@blueprint.route("/reminders", methods=["GET", "POST"])
def reminders():
    """The reminders the user receives: the optional ones it may turn off, and those always sent."""
    me = _me()
    offered = reminder_settings.rules_of(me)
    optional = [name for name in offered if name in OPTIONAL]
    form = reminder_form(optional, reminder_settings.muted_of(me))
    if optional and form.validate_on_submit():
        reminder_settings.choose(me, form.wanted())
        flash(_("Your reminders are saved."), "success")
        return redirect(url_for("account.reminders"))
    always = [name for name in offered if name not in OPTIONAL]
    return render_template("account/reminders.html", form=form, optional=optional, always=always,
                           rules=RULES), 422 if form.errors else 200


# --- expertise ------------------------------------------------------------------------------------

@blueprint.route("/expertise", methods=["GET", "POST"])
def expertise():
    """The sectors and keywords a reviewer knows, which the suggestions of reviewers read (staff only: a
    founder reviews for no fund)."""
    me = _me()
    if me.is_founder:
        abort(404)
    form = ExpertiseForm(sectors=me.expertise_sectors or [], keywords=me.expertise_keywords)
    if form.validate_on_submit():
        try:
            suggestions.declare_expertise(me, form.sectors.data, (form.keywords.data or "").split(","))
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Your expertise is saved."), "success")
            return redirect(url_for("account.expertise"))
    return render_template("account/expertise.html", form=form), 422 if form.errors else 200
