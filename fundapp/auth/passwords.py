"""Password hashing (argon2id) and the rules a new password must meet."""
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > 256:
        return _("Use at most 256 characters.")
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        return _("This password is too common; choose another.")
    if email and lowered == email.lower():
        return _("Do not use your email address as a password.")
    return None


def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH"])


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one used older parameters."""
    if not password_hash:
        return False, None
    hasher = _hasher()
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(password_hash) else None
