"""Signed-in sessions as the user sees them: each browser signed in, when it was first and last seen, and
the means to end any of them."""
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from ua_parser import parse

from fundapp.auth.links import digest
from fundapp.auth.models import User, UserSession, new_session_token
from fundapp.columns import utcnow
from fundapp.extensions import db
from fundapp.notifications.inbox import unread_count


def open_session(user: User, user_agent: str) -> tuple[UserSession, str]:
    """Record a new signed-in session; the secret goes in the browser's cookie, its hash here."""
    secret = secrets.token_urlsafe(32)
    record = UserSession(user_id=user.id, secret_hash=digest(secret), browser=(user_agent or "")[:300])
    db.session.add(record)
    db.session.flush()
    return record, secret


def find(user_token: str, secret: str | None) -> tuple[User, UserSession, int] | None:
    """The user and its session behind a cookie's alternative id and session secret, while both hold,
    with the count of its unread notifications (the bell on every page, in the same query)."""
    if not secret or not user_token:
        return None
    row = db.session.execute(
        select(User, UserSession, unread_count(User.id)).join(UserSession, UserSession.user_id == User.id)
        .where(User.session_token == user_token, UserSession.secret_hash == digest(secret),
               UserSession.ended_at.is_(None))
    ).first()
    return (row[0], row[1], row[2]) if row else None


def seen(record: UserSession) -> None:
    record.last_seen_at = utcnow()


def live_sessions(user: User, idle: timedelta) -> list[UserSession]:
    """The user's sessions still open (seen within the idle timeout), the latest seen first."""
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                  UserSession.last_seen_at > utcnow() - idle)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def end(record: UserSession) -> None:
    """End one session: its cookie opens nothing any more."""
    if record.ended_at is None:
        record.ended_at = utcnow()


def end_all(user: User) -> None:
    """End every session of the user (a new password, a second factor reset, a deactivation): the
    alternative id rotates too, so that no cookie issued before opens anything."""
    user.session_token = new_session_token()
    db.session.execute(update(UserSession)
                       .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


def browser_of(record: UserSession) -> str:
    """A session's browser and system as a person reads them ("Firefox on Windows")."""
    parsed = parse(record.browser)
    browser = parsed.user_agent.family if parsed.user_agent else ""
    system = parsed.os.family if parsed.os else ""
    return " · ".join(part for part in (browser, system) if part and part != "Other") or record.browser[:60]
