"""Second factors: time-based one-time codes (RFC 6238), single-use recovery codes, and the lock on the
second step after repeated wrong codes. Passkeys are in fundapp.auth.passkeys."""
import hmac
import secrets
import time
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, select, update

from fundapp.audit.services import record
from fundapp.auth.links import digest
from fundapp.auth.models import Passkey, RecoveryCode, User
from fundapp.columns import utcnow
from fundapp.extensions import db

ISSUER = "fundapp"
RECOVERY_CODES = 10
LOCK_AFTER = 10                        # wrong codes in a row
LOCK_FOR = timedelta(minutes=15)
CODE_LENGTH = 6


def new_secret() -> str:
    """A random base32 secret for an authenticator app (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads, from the QR code or typed."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, as a person types it (authenticator apps ignore the spaces)."""
    return " ".join(secret[start:start + 4] for start in range(0, len(secret), 4))


def qr_code(uri: str) -> str:
    """The URI as a QR code: an SVG data URI for an <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def matching_step(secret: str, code: str, after_step: int) -> int | None:
    """The time step (of 30 s) whose code this is, allowing one step of clock drift either way, if it
    is later than after_step (RFC 6238: a code accepted once is never accepted again); else None."""
    code = "".join(code.split())
    if len(code) != CODE_LENGTH or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):
        if step > after_step and hmac.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def _normalize_recovery(code: str) -> str:
    return "".join(character for character in code.lower() if character.isalnum())


def _new_recovery_code() -> str:
    raw = b32encode(secrets.token_bytes(10)).decode().lower()      # 16 characters, 80 bits
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}-{raw[12:16]}"


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for the user, replacing any it held; shown once, kept hashed."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _each in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=digest(_normalize_recovery(code)))
                       for code in codes)
    record(user, "user.recovery_codes_issue", user, after={"count": RECOVERY_CODES}, on_pages=False)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def has_passkeys(user: User) -> bool:
    return bool(db.session.scalar(select(func.count(Passkey.id)).where(Passkey.user_id == user.id)))


def refresh_held(user: User) -> None:
    """Note whether the user holds any second factor now (second_factor_at), once one is added or
    removed; its recovery codes go with the last one."""
    held = user.totp_secret is not None or has_passkeys(user)
    if held and user.second_factor_at is None:
        user.second_factor_at = utcnow()
    elif not held:
        user.second_factor_at = None
        db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


@dataclass(frozen=True)
class Attempt:
    """What became of a code given at the second step: accepted (and how) or not, and the lock."""

    accepted: bool
    method: str = ""                       # "totp" or "recovery_code"
    locked_until: datetime | None = None


def locked_until(user: User) -> datetime | None:
    """When the user's second step opens again, while it is locked."""
    until = user.second_factor_locked_until
    return until if until is not None and until > utcnow() else None


def check_code(user: User, code: str) -> Attempt:
    """Check a code from the authenticator app or a recovery code; a wrong one counts towards the lock,
    and both are in the audit log."""
    until = locked_until(user)
    if until is not None:
        return Attempt(False, locked_until=until)
    code = (code or "")[:64]
    step = matching_step(user.totp_secret, code, user.totp_last_step) if user.totp_secret else None
    if step is not None:
        user.totp_last_step = step
        return _accepted(user, "totp")
    recovery = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest(_normalize_recovery(code)),
        RecoveryCode.used_at.is_(None)).with_for_update())
    if recovery is not None:
        recovery.used_at = utcnow()
        record(user, "user.recovery_code_use", user, after={"left": recovery_codes_left(user)},
               on_pages=False)
        return _accepted(user, "recovery_code")
    return note_failure(user)


def _accepted(user: User, method: str) -> Attempt:
    user.second_factor_failures = 0
    user.second_factor_locked_until = None
    return Attempt(True, method)


def note_failure(user: User) -> Attempt:
    """One more wrong second step (counted in the database itself: two at once both count); the tenth
    in a row locks the step for LOCK_FOR."""
    db.session.execute(update(User).where(User.id == user.id).values(
        second_factor_failures=User.second_factor_failures + 1))
    db.session.refresh(user, ["second_factor_failures"])
    until = None
    if user.second_factor_failures >= LOCK_AFTER:
        until = user.second_factor_locked_until = utcnow() + LOCK_FOR
        user.second_factor_failures = 0
        current_app.logger.warning("second step of user %s locked until %s", user.id, until)
    record(user, "user.second_factor_failure", user,
           after={"locked_until": until.isoformat() if until else None}, on_pages=False)
    return Attempt(False, locked_until=until)
