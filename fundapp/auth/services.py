"""Use cases of accounts: registration, login, invitations, passwords, API tokens, grants."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from fundapp.audit.services import record, snapshot
from fundapp.auth.models import ApiToken, Grant, Invitation, User, new_session_token
from fundapp.auth.passwords import check_password, hash_password, password_problem
from fundapp.auth.permissions import forget_roles
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.notifications.services import send

TOKEN_PREFIX = "fa_"  # noqa: S105  (a public marker, not a secret)


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (tokens and activation links)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def _check_new_password(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem:
        raise Refused({"password": problem})


def _check_email_free(email: str) -> None:
    if user_by_email(email) is not None:
        raise Refused({"email": _("An account with this email already exists.")})


def hold_account(user_id: int) -> None:
    """Make this transaction the only writer of what is counted per user (a founder's decks and
    companies) until it ends: the user's row is locked (PostgreSQL; a SQLite writer holds the write lock
    already)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def register_founder(email: str, name: str, password: str, language: str) -> User:
    """A founder opens its own account."""
    email = normalize_email(email)
    _check_email_free(email)
    _check_new_password(password, email)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password),
                language=language, account_type="founder")
    db.session.add(user)
    record(None, "user.register", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, its hash upgraded if its parameters are old."""
    user = user_by_email(email)
    if user is None:
        # Spend the same time as a real check, so that timing does not reveal which emails exist.
        check_password(_dummy_hash(), password)
        return None
    ok, new_hash = check_password(user.password_hash, password)
    if not ok or not user.is_active:
        return None
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    db.session.flush()
    return user


_DUMMY = {}


def _dummy_hash() -> str:
    params = tuple(sorted(current_app.config["PASSWORD_HASH"].items()))
    if params not in _DUMMY:
        _DUMMY[params] = hash_password(secrets.token_hex(16))
    return _DUMMY[params]


def create_staff(actor: User, email: str, name: str, language: str, is_admin: bool = False,
                 password: str | None = None) -> tuple[User, str | None]:
    """Create a staff account: with a password, or invited through an activation link.

    Returns the user and the activation link when one was issued.
    """
    email = normalize_email(email)
    _check_email_free(email)
    if password is not None:
        _check_new_password(password, email)
    user = User(email=email, name=name.strip(), language=language, is_admin=is_admin,
                password_hash=hash_password(password) if password is not None else None)
    db.session.add(user)
    record(actor, "user.create", user)
    link = None if password is not None else invite(actor, user)
    return user, link


def invite(actor: User, user: User) -> str:
    """Issue a fresh single-use activation link, write it to the outbox and return it."""
    now = utcnow()
    for pending in db.session.scalars(
        select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
    ):
        pending.used_at = now  # an older link stops working when a new one is issued
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(user_id=user.id, token_hash=digest(secret),
                            expires_at=now + current_app.config["INVITATION_LIFETIME"])
    db.session.add(invitation)
    link = url_for("auth.activate", token=secret, _external=True)
    with force_locale(user.language):
        send(user.email, _("Your fundapp account"),
             _("You have been invited to fundapp. Choose your password here: %(link)s "
               "(the link works once, for 72 hours).", link=link), user_id=user.id)
    record(actor, "user.invite", invitation, after={"user_id": user.id,
                                                     "expires_at": invitation.expires_at.isoformat()})
    return link


def pending_invitation(secret: str) -> Invitation | None:
    """The unused, unexpired invitation behind an activation link."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(secret))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        return None
    return invitation


def activate(invitation: Invitation, password: str) -> User:
    """Set the invited user's first password and spend the link."""
    user = db.session.get(User, invitation.user_id)
    _check_new_password(password, user.email)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    invitation.used_at = utcnow()
    record(user, "user.activate", user)
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a password; every other session of the user ends."""
    ok, _unused = check_password(user.password_hash, current)
    if not ok:
        raise Refused({"current_password": _("Your current password is not correct.")})
    _check_new_password(new, user.email)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    record(user, "user.password_change", user)


def change_language(user: User, language: str) -> None:
    before = snapshot(user)
    user.language = language
    record(user, "user.language_change", user, before=before)


def end_sessions(user: User) -> None:
    """Rotate the alternative id: every session of the user stops being valid."""
    user.session_token = new_session_token()
    db.session.flush()


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivation ends its sessions and tokens."""
    before = snapshot(user)
    user.active = active
    if not active:
        user.session_token = new_session_token()
        now = utcnow()
        for token in db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = now
    record(actor, "user.activate_account" if active else "user.deactivate", user, before=before)


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and only its hash is stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip() or "API", token_hash=digest(secret),
                     prefix=secret[:10])
    db.session.add(token)
    record(user, "token.create", token)
    return token, secret


def revoke_token(user: User, token: ApiToken) -> None:
    before = snapshot(token)
    token.revoked_at = utcnow()
    record(user, "token.revoke", token, before=before)


def user_for_token(secret: str) -> tuple[User, ApiToken] | tuple[None, None]:
    """The active user behind a bearer token that has not been revoked, and the token."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    )
    if token is None:
        return None, None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None, None
    return user, token


def token_use_to_note(token: ApiToken, every: timedelta) -> bool:
    """Whether the token's last use is older than every (so that reads mostly stay reads)."""
    return token.last_used_at is None or utcnow() - token.last_used_at > every


def note_token_use(token: ApiToken) -> None:
    token.last_used_at = utcnow()


def grant_role(actor: User, user: User, fund: Fund, role: str,
               partner_id: int | None = None) -> Grant:
    """Give a user a role in a fund; a partner role names one of the fund's partner entities."""
    if user.is_founder:
        raise Refused({"user_id": _("Founders cannot hold a role in a fund.")})
    if role == "partner":
        partner = db.session.get(Partner, partner_id) if partner_id else None
        if partner is None or partner.fund_id != fund.id:
            raise Refused({"partner_id": _("Choose a partner entity of this fund.")})
    else:
        partner_id = None
    exists = db.session.scalar(
        select(func.count(Grant.id)).where(
            Grant.user_id == user.id, Grant.fund_id == fund.id, Grant.role == role
        )
    )
    if exists:
        raise Refused({"role": _("This user already holds this role in this fund.")})
    grant = Grant(user_id=user.id, fund_id=fund.id, role=role, partner_id=partner_id)
    db.session.add(grant)
    record(actor, "grant.create", grant, fund_id=fund.id)
    forget_roles()
    return grant


def revoke_grant(actor: User, grant: Grant) -> None:
    before = snapshot(grant)
    db.session.delete(grant)
    record(actor, "grant.revoke", grant, before=before, after={}, fund_id=grant.fund_id)
    forget_roles()



def holders(fund_id: int, role: str) -> list[User]:
    """The users who hold a role in a fund, by name."""
    return list(db.session.scalars(select(User).join(Grant, Grant.user_id == User.id)
                                   .where(Grant.fund_id == fund_id, Grant.role == role).order_by(User.name)))


def tell_managers(fund_id: int, compose) -> None:
    """Mail the fund's managers, each in its own language: compose() gives the subject and the body, and
    is called in each manager's language."""
    for manager in holders(fund_id, "manager"):
        with force_locale(manager.language):
            subject, body = compose()
            send(manager.email, subject, body, user_id=manager.id)
