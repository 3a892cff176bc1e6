"""Single-use links mailed to a user: activation of a staff account, a password reset, the confirmation
of an address. Only a link's hash is kept; a new link of a purpose voids the user's older ones."""
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select

from fundapp.auth.models import AccountLink, User
from fundapp.columns import utcnow
from fundapp.extensions import db

LIFETIMES = {"activation": "INVITATION_LIFETIME", "reset": "RESET_LIFETIME",
             "confirmation": "CONFIRMATION_LIFETIME"}


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (links, tokens, sessions, recovery codes)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user: User, purpose: str) -> tuple[AccountLink, str]:
    """A fresh link of the purpose for the user, and its secret (shown nowhere but in the mail)."""
    void(user, purpose)
    secret = secrets.token_urlsafe(32)
    link = AccountLink(user_id=user.id, purpose=purpose, token_hash=digest(secret),
                       expires_at=utcnow() + current_app.config[LIFETIMES[purpose]])
    db.session.add(link)
    db.session.flush()
    return link, secret


def void(user: User, purpose: str) -> None:
    """Spend every unused link of the purpose the user holds: an older link stops working."""
    now = utcnow()
    for pending in db.session.scalars(select(AccountLink).where(
            AccountLink.user_id == user.id, AccountLink.purpose == purpose, AccountLink.used_at.is_(None))):
        pending.used_at = now


def pending(secret: str, purpose: str, to_spend: bool = False) -> AccountLink | None:
    """The unused, unexpired link of the purpose behind a secret, or None (unknown, used, expired or of
    another purpose: the pages say the same of each). to_spend: its row is held until the request ends,
    so that two requests racing with one link cannot both use it."""
    if not secret or len(secret) > 100:
        return None
    query = select(AccountLink).where(AccountLink.token_hash == digest(secret))
    link = db.session.scalar(query.with_for_update() if to_spend else query)
    if link is None or link.purpose != purpose or link.used_at is not None or link.expires_at < utcnow():
        return None
    return link


def spend(link: AccountLink) -> None:
    link.used_at = utcnow()
