"""Pages of signing in and getting in again: sign in and its second step, sign out, registration and the
confirmation of an address, activation, a forgotten password."""
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    after_this_request,
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
from flask_babel import format_datetime, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from fundapp.auth import credentials, links, passkeys, second_factor, services, sessions, throttle
from fundapp.auth.forms import (
    ActivateForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    SecondStepForm,
)
from fundapp.auth.models import User
from fundapp.errors import Refused
from fundapp.extensions import db, limiter
from fundapp.funds.constants import LANGUAGES
from fundapp.web.forms import show_refusal

blueprint = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def start_session(user: User) -> None:
    """A new session for a fresh sign-in: nothing of the anonymous one is carried over, and the session
    is recorded for the user to see and end."""
    session.clear()
    _record, secret = sessions.open_session(user, request.user_agent.string)
    login_user(user)
    session["sid"] = secret
    session["last_seen"] = time.time()
    session.permanent = True


def site() -> passkeys.Site:
    """This site as WebAuthn names it: the host passkeys are bound to, and the pages' origin."""
    return passkeys.Site(rp_id=current_app.config["WEBAUTHN_RP_ID"] or request.host.split(":")[0],
                         origin=request.host_url.rstrip("/"))


def _finish_sign_in(user: User, method: str, next_page: str | None):
    credentials.signed_in(user, method)
    start_session(user)
    after_this_request(lambda response: throttle.remember_device(response, user))
    return safe_next(next_page)


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        if throttle.held("sign_in", email):
            form.form_errors.append(_("Too many failed sign-ins with this address. Wait a few minutes and "
                                      "try again, or choose a new password through “Forgot your password?”."))
            return render_template("auth/login.html", form=form), 429
        user = credentials.authenticate(email, form.password.data)
        if user is None:
            throttle.count("sign_in", email)
            form.form_errors.append(_("Email or password is not correct."))
        elif user.second_factor_at is not None:
            session.clear()
            session["second_step"] = {"user": user.id, "token": user.session_token, "at": time.time(),
                                      "next": request.args.get("next")}
            session["language"] = user.language
            return redirect(url_for("auth.second_step"))
        else:
            return redirect(_finish_sign_in(user, "password", request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _pending_user() -> User | None:
    """The user who gave its password in this browser moments ago and owes its second factor."""
    pending = session.get("second_step")
    if not isinstance(pending, dict):
        return None
    lifetime = current_app.config["SECOND_STEP_LIFETIME"].total_seconds()
    if time.time() - pending.get("at", 0) > lifetime:
        session.pop("second_step", None)
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.is_active or user.session_token != pending.get("token"):
        return None
    return user


def _refusal(attempt: second_factor.Attempt) -> str:
    if attempt.locked_until is not None:
        return _("Too many wrong codes: the second step is locked until %(time)s. Wait, or ask your "
                 "administrator to reset your second factor.",
                 time=format_datetime(attempt.locked_until, "short"))
    return _("This code is not correct, or was used already.")


@blueprint.route("/login/second-step", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SECOND_STEP_RATE_LIMIT"], methods=["POST"])
def second_step():
    user = _pending_user()
    if user is None:
        flash(_("Sign in again: the second step waits five minutes at most."), "info")
        return redirect(url_for("auth.login"))
    form = SecondStepForm()
    if form.validate_on_submit():
        attempt = credentials.second_step(user, form.code.data)
        if attempt.accepted:
            return redirect(_finish_sign_in(user, attempt.method, session["second_step"].get("next")))
        if attempt.locked_until is None:                       # a lock is said once, atop the page
            form.code.errors = [_refusal(attempt)]
    if user.totp_secret is None:
        form.code.label.text = _("Recovery code")
    locked = second_factor.locked_until(user)
    return render_template("auth/second_step.html", form=form, locked=locked,
                           has_passkeys=second_factor.has_passkeys(user),
                           has_authenticator=user.totp_secret is not None)


@blueprint.post("/login/passkey/options")
@limiter.limit(lambda: current_app.config["SECOND_STEP_RATE_LIMIT"])
def passkey_sign_in_options():
    user = _pending_user()
    if user is None:
        return jsonify(error=_("Sign in again: the second step waits five minutes at most.")), 401
    return current_app.response_class(passkeys.request_options(user, site()), mimetype="application/json")


@blueprint.post("/login/passkey")
@limiter.limit(lambda: current_app.config["SECOND_STEP_RATE_LIMIT"])
def passkey_sign_in():
    user = _pending_user()
    if user is None:
        return jsonify(error=_("Sign in again: the second step waits five minutes at most.")), 401
    attempt = credentials.passkey_step(user, request.get_data(as_text=True), site())
    if not attempt.accepted:
        message = _refusal(attempt) if attempt.locked_until else _("The passkey was not accepted. Try again, "
                                                                    "or type a code.")
        return jsonify(error=message), 200
    return jsonify(redirect=_finish_sign_in(user, "passkey", session["second_step"].get("next")))


@blueprint.post("/logout")
@login_required
def logout():
    sessions.end(g.user_session)
    language = current_user.language
    logout_user()
    session.clear()
    session["language"] = language          # the sign-in page goes on in the user's language
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if request.method == "GET":
        form.language.data = session.get("language") or request.accept_languages.best_match(
            list(LANGUAGES)) or current_app.config["BABEL_DEFAULT_LOCALE"]
    if form.validate_on_submit():
        try:
            services.register_founder(form.email.data, form.name.data, form.password.data, form.language.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            # The same answer whether the address had an account or not.
            return render_template("auth/register_sent.html", email=services.normalize_email(form.email.data))
    return render_template("auth/register.html", form=form)


def _link_invalid(purpose: str):
    return render_template("auth/link_invalid.html", purpose=purpose), 404


def _opened_link(token: str, purpose: str):
    """The link behind a mailed address (held when a form spends it), its page speaking the language its
    mail spoke to a visitor not signed in; None when it is not valid."""
    link = links.pending(token, purpose, to_spend=request.method == "POST")
    if link is not None and not current_user.is_authenticated:
        session["language"] = db.session.get(User, link.user_id).language
        refresh()
    return link


@blueprint.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    # A page with a button: a mail scanner that opens the link confirms nothing.
    link = _opened_link(token, "confirmation")
    if link is None:
        return _link_invalid("confirmation")
    form = ConfirmForm()
    if form.validate_on_submit():
        user = services.confirm_email(link)
        flash(_("Your email address is confirmed. You can submit applications."), "success")
        signed_in = current_user.is_authenticated and current_user.id == user.id
        return redirect(url_for("main.home") if signed_in else url_for("auth.login"))
    return render_template("auth/confirm.html", form=form)


@blueprint.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    link = _opened_link(token, "activation")       # in the language the administrator chose for the invitee
    if link is None:
        return _link_invalid("activation")
    form = ActivateForm()
    if form.validate_on_submit():
        try:
            user = services.activate(link, form.password.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Your account is active."), "success")
            return redirect(_finish_sign_in(user, "password", None))
    return render_template("auth/activate.html", form=form)


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        # Past the address's allowance, the answer is the same and nothing is sent.
        if not throttle.held("reset", email):
            throttle.count("reset", email)
            credentials.request_reset(email)
        return render_template("auth/forgot_sent.html", email=email)
    return render_template("auth/forgot.html", form=form)


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    link = _opened_link(token, "reset")
    if link is None:
        return _link_invalid("reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = credentials.reset_password(link, form.password.data)
            throttle.forget("sign_in", user.email)      # the owner is back: the address is no longer held
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            session["language"] = user.language             # the sign-in page goes on in it
            flash(_("Your new password is set and every session was signed out. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@blueprint.post("/language")
def choose_language():
    """The language of a visitor who is not signed in (signed-in users save it in their account)."""
    language = request.form.get("language")
    if language in LANGUAGES:
        session["language"] = language
    return redirect(safe_next(request.form.get("next")))
