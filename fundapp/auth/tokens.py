"""API tokens: created by their user (shown once, kept hashed), possibly expiring, their last use noted,
revoked by their user or by an administrator."""
import secrets
from datetime import timedelta

from sqlalchemy import select

from fundapp.audit.services import record, snapshot
from fundapp.auth.links import digest
from fundapp.auth.models import ApiToken, User
from fundapp.auth.permissions import second_factor_required
from fundapp.columns import utcnow
from fundapp.extensions import db

TOKEN_PREFIX = "fa_"  # noqa: S105  (a public marker, not a secret)
LIFETIMES = (7, 30, 90, 365)          # days a user may choose; or none


def create_token(user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new API token, valid for days when given; the secret is returned once and only its hash kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip() or "API", token_hash=digest(secret),
                     prefix=secret[:10], expires_at=utcnow() + timedelta(days=days) if days else None)
    db.session.add(token)
    record(user, "token.create", token, on_pages=False)
    return token, secret


def revoke_token(actor: User | None, token: ApiToken) -> None:
    before = snapshot(token)
    token.revoked_at = utcnow()
    record(actor, "token.revoke", token, before=before, on_pages=False)


def revoke_all(actor: User | None, user: User) -> None:
    """Revoke every token of the user still working (its account was recovered or reset)."""
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                           ApiToken.revoked_at.is_(None))):
        revoke_token(actor, token)


def user_for_token(secret: str) -> tuple[User, ApiToken] | tuple[None, None]:
    """The active user behind a bearer token that has neither been revoked nor expired, and the token."""
    if len(secret) > 200:
        return None, None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or not token.works(utcnow()):
        return None, None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None, None
    return user, token


# A token taken with a password alone by a user who must hold a second factor and has none yet works this
# long at most (fundapp.api.tokens gives such a user no longer one; a user promoted since keeps no older).
UNSECURED_LIFETIME = timedelta(days=1)


def fits_its_user(user: User, token: ApiToken) -> bool:
    """Whether the token may still act for its user: any token, once the user holds a second factor or
    needs none; else only one taken within UNSECURED_LIFETIME."""
    if user.second_factor_at is not None or token.created_at > utcnow() - UNSECURED_LIFETIME:
        return True
    return not second_factor_required(user)


def token_use_to_note(token: ApiToken, every: timedelta) -> bool:
    """Whether the token's last use is older than every (so that reads mostly stay reads)."""
    return token.last_used_at is None or utcnow() - token.last_used_at > every


def note_token_use(token: ApiToken) -> None:
    token.last_used_at = utcnow()


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id.desc())))
