"""Pages of accounts: sign in and out, registration, activation, the user's own settings."""
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from fundapp.auth import services
from fundapp.auth.forms import ActivateForm, LanguageForm, LoginForm, PasswordForm, RegisterForm, TokenForm
from fundapp.auth.models import ApiToken, User
from fundapp.errors import Refused
from fundapp.extensions import db, limiter
from fundapp.funds.constants import LANGUAGES
from fundapp.web.forms import show_refusal

blueprint = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def start_session(user) -> None:
    """A new session for a fresh sign-in: nothing of the anonymous one is carried over."""
    session.clear()
    login_user(user)
    session["last_seen"] = time.time()
    session.permanent = True


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(_("Email or password is not correct."))
    return render_template("auth/login.html", form=form)


@blueprint.post("/logout")
@login_required
def logout():
    services.end_sessions(current_user)
    logout_user()
    session.clear()
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
            user = services.register_founder(form.email.data, form.name.data, form.password.data,
                                             form.language.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            start_session(user)
            flash(_("Welcome to fundapp. Your account is ready."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@blueprint.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    invitation = services.pending_invitation(token)
    if invitation is None:
        return render_template("auth/activate_invalid.html"), 404
    # The page speaks the language the administrator chose for the invitee.
    session["language"] = db.session.get(User, invitation.user_id).language
    refresh()
    form = ActivateForm()
    if form.validate_on_submit():
        try:
            user = services.activate(invitation, form.password.data)
        except Refused as refusal:
            show_refusal(form, refusal)
        else:
            start_session(user)
            flash(_("Your account is active."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/activate.html", form=form)


@blueprint.post("/language")
def choose_language():
    """The language of a visitor who is not signed in (signed-in users save it in their account)."""
    language = request.form.get("language")
    if language in LANGUAGES:
        session["language"] = language
    return redirect(_safe_next(request.form.get("next")))


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def account():
    password_form = PasswordForm(prefix="password")
    language_form = LanguageForm(prefix="language", language=current_user.language)
    if password_form.submit.data and password_form.validate_on_submit():
        try:
            services.change_password(current_user, password_form.current_password.data,
                                     password_form.password.data)
        except Refused as refusal:
            show_refusal(password_form, refusal)
        else:
            start_session(current_user._get_current_object())
            flash(_("Your password is changed. Your other sessions have been signed out."), "success")
            return redirect(url_for("auth.account"))
    elif language_form.submit.data and language_form.validate_on_submit():
        services.change_language(current_user, language_form.language.data)
        flash(_("Language saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", password_form=password_form,
                           language_form=language_form)


@blueprint.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        _token, secret = services.create_token(current_user, form.name.data)
        form = TokenForm(formdata=None)
    api_tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("auth/tokens.html", form=form, secret=secret, api_tokens=api_tokens)


@blueprint.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if token.revoked_at is None:
        services.revoke_token(current_user, token)
        flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.tokens"))
