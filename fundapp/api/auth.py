"""Bearer-token authentication of API requests."""
from datetime import timedelta
from functools import wraps

from flask import abort, g, request

from fundapp.auth import tokens
from fundapp.auth.models import User
from fundapp.auth.permissions import fund_or_404, require_admin
from fundapp.database import write_transaction
from fundapp.extensions import db

NOTE_USE_EVERY = timedelta(minutes=5)


def _bearer_user() -> User | None:
    """The token's user, its last use noted at most every five minutes in a write of its own."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    user, token = tokens.user_for_token(secret.strip())
    if user is not None and not tokens.fits_its_user(user, token):
        return None
    if token is not None and tokens.token_use_to_note(token, NOTE_USE_EVERY):
        with write_transaction():
            tokens.note_token_use(token)
    return user


def authenticated(view):
    """Require a valid bearer token; the view finds its user in g.api_user."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = _bearer_user()
        if user is None:
            abort(401)
        g.api_user = user
        return view(*args, **kwargs)
    return wrapper


def admin_only(view):
    """Require an admin's bearer token."""
    @wraps(view)
    @authenticated
    def wrapper(*args, **kwargs):
        require_admin(g.api_user)
        return view(*args, **kwargs)
    return wrapper


def fund_scoped(ability: str = "view_fund"):
    """Resolve the path's fund_id for the token's user before anything else is read.

    A fund the user holds no role in answers 404 whatever the body; the view receives fund=.
    """
    def decorate(view):
        @wraps(view)
        def wrapper(*args, fund_id: int, **kwargs):
            fund = fund_or_404(g.api_user, fund_id, ability)
            g.currency = fund.currency          # the amounts of the answer are in the fund's currency
            return view(*args, fund=fund, **kwargs)
        return wrapper
    return decorate


def fund_object(model, param: str, ability: str):
    """Resolve the path's object (by param) and its fund for the token's user before the body is read.

    The view receives the object under the param's name without its "_id", and fund=.
    """
    name = param.removesuffix("_id")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            entry = db.session.get(model, kwargs.pop(param))
            if entry is None:
                abort(404)
            fund = fund_or_404(g.api_user, entry.fund_id, ability)
            g.currency = fund.currency
            return view(*args, fund=fund, **{name: entry}, **kwargs)
        return wrapper
    return decorate
