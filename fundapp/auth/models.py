"""People and what they may do: users, fund-scoped grants, mailed links, second factors, sessions and API
tokens."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db

ACCOUNT_TYPES = ("staff", "founder")


def new_session_token() -> str:
    """A fresh alternative id: rotating it ends every session the user holds."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="en")
    account_type: Mapped[str] = mapped_column(String(10), default="staff")
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A founder's address is confirmed through a mailed link before it may submit (staff are invited by
    # a mailed link: theirs is confirmed when they activate).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Second factors: an RFC 6238 secret (base32) once confirmed, and the last time step a code was
    # accepted at (a code is never accepted twice); second_factor_at is set while any factor is held.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int] = mapped_column(default=0)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_factor_failures: Mapped[int] = mapped_column(default=0)
    second_factor_locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The challenge a browser's passkey must sign next, kept here rather than in the cookie so that it
    # is used once (an old cookie replayed brings no challenge back).
    webauthn_challenge: Mapped[str | None] = mapped_column(String(100))
    # What a reviewer declares it knows, for the suggestions of reviewers: sectors (codes) and keywords
    expertise_sectors: Mapped[list[str] | None] = mapped_column(JSON)
    expertise_keywords: Mapped[str] = mapped_column(String(300), default="", server_default="")

    grants: Mapped[list["Grant"]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None

    @property
    def is_founder(self) -> bool:
        return self.account_type == "founder"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Grant(db.Model):
    """A role held by a user in one fund; a partner grant names the partner entity it speaks for."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("user_id", "fund_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", lazy="raise")
    fund: Mapped["Fund"] = relationship(lazy="raise")  # noqa: F821
    partner: Mapped["Partner | None"] = relationship(lazy="raise")  # noqa: F821


LINK_PURPOSES = ("activation", "reset", "confirmation")


class AccountLink(db.Model):
    """A single-use link mailed to a user: to activate a staff account, reset a password or confirm an
    address. Only its hash is kept."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise")

    def works(self, now: datetime) -> bool:
        """Whether the token still opens the API: not revoked and not expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class RecoveryCode(db.Model):
    """One of a user's ten single-use codes for when its second factor is out of reach; hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Passkey(db.Model):
    """A WebAuthn credential a user signs in with as its second factor."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(db.Model):
    """A signed-in browser: the cookie holds a secret whose hash is kept here, so that the user sees
    its sessions and ends any of them."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    browser: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
