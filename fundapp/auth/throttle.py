"""Limits on guessing, per account as well as per client (Flask-Limiter's limits and storage: Redis in
production, shared by every worker).

Failed sign-ins are counted per address. A browser the account has signed in from before carries a
signed device cookie; its failures are counted apart, so that an attacker who exhausts the address's
allowance from elsewhere slows down everyone but the real user on their own device (OWASP's device
cookies), and nobody is held for longer than the limit's window."""
import secrets

from flask import current_app, request
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse

from fundapp.auth.models import User
from fundapp.extensions import limiter

DEVICE_COOKIE = "fundapp_device"
DEVICE_SALT = "fundapp.device"
DEVICE_LIFETIME = 365 * 24 * 3600           # seconds


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _device(email: str) -> str | None:
    """The device id of this browser's cookie, when it was given to the account of this address."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return None
    try:
        owner, device = _serializer().loads(cookie, max_age=DEVICE_LIFETIME)
    except (BadSignature, ValueError, TypeError):
        return None
    return device if owner == email else None


def _identifiers(kind: str, email: str) -> tuple[str, ...]:
    device = _device(email) if kind == "sign_in" else None
    return (kind, email, device) if device else (kind, email)


def _limit(kind: str):
    return parse(current_app.config[{"sign_in": "SIGN_IN_ACCOUNT_LIMIT",
                                     "reset": "RESET_ADDRESS_LIMIT"}[kind]])


def held(kind: str, email: str) -> bool:
    """Whether attempts of this kind (sign_in, reset) for the address wait until the window passes."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return False
    return not limiter.limiter.test(_limit(kind), *_identifiers(kind, email))


def count(kind: str, email: str) -> None:
    """Count one attempt of this kind for the address (a failed sign-in, a reset asked for)."""
    if current_app.config["RATELIMIT_ENABLED"]:
        limiter.limiter.hit(_limit(kind), *_identifiers(kind, email))


def forget(kind: str, email: str) -> None:
    """Start counting afresh for the address (its owner has just proved it is theirs: a reset)."""
    if current_app.config["RATELIMIT_ENABLED"]:
        limiter.limiter.clear(_limit(kind), kind, email)


def password_checks():
    """A limit on the password checks of a signed-in user (removing a factor, changing the password):
    a stolen session cannot guess the password at leisure."""
    return limiter.limit(lambda: current_app.config["PASSWORD_CHECK_RATE_LIMIT"], methods=["POST"],
                         key_func=lambda: f"password-check:{current_user.id}")


def remember_device(response, user: User):
    """Give this browser a device cookie for the account it has just signed in to."""
    device = _device(user.email) or secrets.token_urlsafe(16)
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps([user.email, device]), max_age=DEVICE_LIFETIME,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response
