"""The signed-in user of a request: loading, idle timeout, the second factor staff must hold, language
and navigation."""
import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from fundapp.auth import sessions
from fundapp.auth.models import Grant, User
from fundapp.auth.permissions import second_factor_required
from fundapp.database import write_transaction
from fundapp.extensions import db
from fundapp.funds.constants import LANGUAGES
from fundapp.funds.models import Fund

SEEN_EVERY = 60  # seconds


def load_user(session_token: str) -> User | None:
    """Flask-Login's loader: the cookie holds the alternative id (never the primary key) and the secret
    of its session, which must still be open (fundapp.auth.sessions)."""
    found = sessions.find(session_token, session.get("sid"))
    if found is None or not found[0].is_active:
        return None
    user, g.user_session, g.unread_notifications = found
    return user


def select_locale() -> str:
    """The user's language when signed in, else the one chosen on the page, else the browser's."""
    languages = list(LANGUAGES)
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def enforce_idle_timeout():
    """Sign out a session left idle for longer than IDLE_TIMEOUT."""
    if request.endpoint == "static" or request.path.startswith("/api/") or not current_user.is_authenticated:
        return None
    now = time.time()
    if now - session.get("last_seen", 0) > current_app.config["IDLE_TIMEOUT"].total_seconds():
        logout_user()
        session.clear()
        flash(_("You were signed out after a period of inactivity."), "info")
        # back to the page after signing in again; for a form sent, the page it was on (what was typed
        # there is kept in the browser and put back: see static/keep-typed.js)
        next_page = request.full_path if request.method == "GET" else _page_of(request.referrer)
        return redirect(url_for("auth.login", next=next_page))
    # Noted at most once a minute: a page viewed again does not sign and send a new cookie each time,
    # nor write to the database.
    if now - session.get("last_seen", 0) >= SEEN_EVERY:
        session["last_seen"] = now
        session.permanent = True
        with write_transaction():
            sessions.seen(g.user_session)
    return None


# Pages open to staff who must still set up a second factor: setting it up, their language, and leaving.
OPEN_BEFORE_SECOND_FACTOR = frozenset({
    "account.overview", "account.security", "account.authenticator", "account.passkey_options",
    "account.add_passkey", "account.new_codes", "auth.logout", "auth.choose_language", "static",
    "bootstrap.static"})


def require_second_factor():
    """Administrators and fund managers reach nothing but the second-factor page until they hold one."""
    if (request.endpoint in OPEN_BEFORE_SECOND_FACTOR or request.path.startswith("/api/")
            or not current_user.is_authenticated or current_user.second_factor_at is not None):
        return None
    if not second_factor_required(current_user):
        return None
    return redirect(url_for("account.security"))       # which says why


def navigation() -> dict:
    """What the navigation shows: the user's funds and the roles it holds in each, and its unread
    notifications."""
    if not current_user.is_authenticated:
        return {"nav_funds": []}
    return {"nav_funds": _nav_funds(), "unread_notifications": g.get("unread_notifications", 0)}


def _nav_funds() -> list[tuple[int, str, tuple[str, ...]]]:
    if current_user.is_founder:
        return []
    if current_user.is_admin:
        funds = db.session.execute(select(Fund.id, Fund.name).order_by(Fund.name)).all()
        return [(fund_id, name, ("admin",)) for fund_id, name in funds]
    rows = db.session.execute(
        select(Fund.id, Fund.name, Grant.role)
        .join(Grant, Grant.fund_id == Fund.id)
        .where(Grant.user_id == current_user.id)
        .order_by(Fund.name, Grant.role)
    ).all()
    funds: dict[int, tuple[str, list[str]]] = {}
    for fund_id, name, role in rows:
        funds.setdefault(fund_id, (name, []))[1].append(role)
    return [(fund_id, name, tuple(roles)) for fund_id, (name, roles) in funds.items()]


def _page_of(referrer: str | None) -> str | None:
    """The path of a page of this site that sent a form, or None."""
    if not referrer:
        return None
    address = urlsplit(referrer)
    if address.netloc and address.netloc != request.host:
        return None
    return address.path + (f"?{address.query}" if address.query else "")
