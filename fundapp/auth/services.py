"""Use cases of accounts: registration and its confirmation, staff invitations and activation, language,
deactivation, grants. Passwords and second factors are in fundapp.auth.credentials, API tokens in
fundapp.auth.tokens."""
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from fundapp.audit.services import record, snapshot
from fundapp.auth import links, sessions, tokens
from fundapp.auth.models import AccountLink, Grant, User
from fundapp.auth.passwords import hash_password, password_problem
from fundapp.auth.permissions import forget_roles
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds.models import Fund, Partner
from fundapp.notifications.outbox import send


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def check_new_password(password: str, email: str) -> None:
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


def mail_user(user: User, compose) -> None:
    """Mail the user in its own language: compose() gives the subject and the body."""
    with force_locale(user.language):
        subject, body = compose()
        send(user.email, subject, body, user_id=user.id)


def register_founder(email: str, name: str, password: str, language: str,
                     confirmed: bool = False) -> User | None:
    """A founder opens its own account, to be confirmed through a mailed link (unless it is known to be
    confirmed: the demo's founders); None when the address has an account already, whose owner is told
    by mail (the page says the same either way)."""
    email = normalize_email(email)
    check_new_password(password, email)
    password_hash = hash_password(password)       # spent either way: the time says nothing either
    existing = user_by_email(email)
    if existing is not None:
        mail_user(existing, lambda: (_("Your fundapp account"), _(
            "Someone asked to create a fundapp account with this address, which has one already. If it "
            "was you, sign in at %(login)s, or choose a new password at %(forgot)s. If not, you need do "
            "nothing.", login=url_for("auth.login", _external=True),
            forgot=url_for("auth.forgot_password", _external=True))))
        return None
    user = User(email=email, name=name.strip(), password_hash=password_hash, language=language,
                account_type="founder", email_confirmed_at=utcnow() if confirmed else None)
    db.session.add(user)
    record(None, "user.register", user, on_pages=False)
    if not confirmed:
        send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    """Mail a fresh link confirming the user's address (an older one stops working)."""
    link, secret = links.issue(user, "confirmation")
    address = url_for("auth.confirm_email", token=secret, _external=True)
    mail_user(user, lambda: (_("Confirm your email address"), _(
        "Open this link to confirm your address for fundapp: %(link)s (it works once, for 72 hours). "
        "You can save drafts meanwhile; submitting an application waits for the confirmation.",
        link=address)))
    record(user, "user.confirmation_send", link, after={"expires_at": link.expires_at.isoformat()},
           on_pages=False)


def confirm_email(link: AccountLink) -> User:
    """The address behind the link is confirmed and the link spent."""
    user = db.session.get(User, link.user_id)
    links.spend(link)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record(user, "user.email_confirm", user, after={"email": user.email}, on_pages=False)
    return user


def create_staff(actor: User, email: str, name: str, language: str, is_admin: bool = False,
                 password: str | None = None) -> tuple[User, str | None]:
    """Create a staff account: with a password, or invited through an activation link.

    Returns the user and the activation link when one was issued.
    """
    email = normalize_email(email)
    _check_email_free(email)
    if password is not None:
        check_new_password(password, email)
    user = User(email=email, name=name.strip(), language=language, is_admin=is_admin,
                password_hash=hash_password(password) if password is not None else None,
                email_confirmed_at=utcnow() if password is not None else None)
    db.session.add(user)
    record(actor, "user.create", user)
    link = None if password is not None else invite(actor, user)
    return user, link


def invite(actor: User, user: User) -> str:
    """Issue a fresh single-use activation link, write it to the outbox and return it."""
    link, secret = links.issue(user, "activation")
    address = url_for("auth.activate", token=secret, _external=True)
    mail_user(user, lambda: (_("Your fundapp account"), _(
        "You have been invited to fundapp. Choose your password here: %(link)s "
        "(the link works once, for 72 hours).", link=address)))
    record(actor, "user.invite", link, after={"user_id": user.id, "expires_at": link.expires_at.isoformat()})
    return address


def activate(link: AccountLink, password: str) -> User:
    """Set the invited user's first password and spend the link (which confirms its address)."""
    user = db.session.get(User, link.user_id)
    check_new_password(password, user.email)
    user.password_hash = hash_password(password)
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    sessions.end_all(user)
    links.spend(link)
    record(user, "user.activate", user)
    return user


def change_language(user: User, language: str) -> None:
    before = snapshot(user)
    user.language = language
    record(user, "user.language_change", user, before=before)


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivation ends its sessions and tokens."""
    before = snapshot(user)
    user.active = active
    if not active:
        sessions.end_all(user)
        tokens.revoke_all(actor, user)
    record(actor, "user.activate_account" if active else "user.deactivate", user, before=before)


def end_sessions(actor: User, user: User) -> None:
    """An administrator signs a user out everywhere."""
    sessions.end_all(user)
    record(actor, "user.sessions_end", user, after={"user_id": user.id}, on_pages=False)


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
        mail_user(manager, compose)
