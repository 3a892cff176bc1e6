"""Use cases of credentials: signing in (each success and failure in the audit log), passwords changed
or reset through a mailed link, second factors added, used, removed or reset by an administrator. The
user is mailed whenever its password or second factors change."""
import secrets

from flask import current_app, url_for
from flask_babel import gettext as _

from fundapp.audit.services import record
from fundapp.auth import links, passkeys, second_factor, sessions, tokens
from fundapp.auth.models import AccountLink, Passkey, User
from fundapp.auth.passwords import check_password, hash_password
from fundapp.auth.permissions import second_factor_required
from fundapp.auth.services import check_new_password, mail_user, normalize_email, user_by_email
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db

_DUMMY = {}


def _dummy_hash() -> str:
    params = tuple(sorted(current_app.config["PASSWORD_HASH"].items()))
    if params not in _DUMMY:
        _DUMMY[params] = hash_password(secrets.token_hex(16))
    return _DUMMY[params]


def authenticate(email: str, password: str, channel: str = "web") -> User | None:
    """The active user with these credentials, its hash upgraded if its parameters are old; a failure
    is in the audit log, under the user when the address has one."""
    user = user_by_email(email)
    if user is None:
        # Spend the same time as a real check, so that timing does not reveal which emails exist.
        check_password(_dummy_hash(), password)
        record(None, "user.sign_in_failure", User(email=normalize_email(email)),
               after={"email": normalize_email(email)[:254], "channel": channel, "reason": "password"},
               on_pages=False)
        return None
    # an account invited and never activated is refused after as long a check as any other
    ok, new_hash = check_password(user.password_hash or _dummy_hash(), password)
    if not ok or not user.is_active:
        record(user, "user.sign_in_failure", user, after={"channel": channel, "reason": "password"},
               on_pages=False)
        return None
    if new_hash:
        user.password_hash = new_hash
    return user


def signed_in(user: User, method: str, channel: str = "web") -> None:
    """Note a completed sign-in (method: password, totp, recovery_code, passkey)."""
    user.last_login_at = utcnow()
    record(user, "user.sign_in", user, after={"channel": channel, "method": method}, on_pages=False)


def second_step(user: User, code: str) -> second_factor.Attempt:
    """Check the code given at the second step of signing in."""
    attempt = second_factor.check_code(user, code)
    if attempt.accepted and attempt.method == "recovery_code":
        left = second_factor.recovery_codes_left(user)
        _notify(user, lambda: _("A recovery code was used to sign in to your account. %(left)d codes are "
                                "left; you can issue new ones from your account's security page.", left=left))
    return attempt


def passkey_step(user: User, answer: str, site: passkeys.Site) -> second_factor.Attempt:
    """Check a passkey's signature given at the second step; a bad one counts towards the lock."""
    until = second_factor.locked_until(user)
    if until is not None:
        return second_factor.Attempt(False, locked_until=until)
    if passkeys.verify(user, answer, site) is None:
        return second_factor.note_failure(user)
    user.second_factor_failures = 0
    return second_factor.Attempt(True, "passkey")


# --- passwords ------------------------------------------------------------------------------------

def change_password(user: User, current: str, new: str) -> None:
    """Change a password; every session of the user ends (the view opens a new one for this browser)."""
    ok, _unused = check_password(user.password_hash, current)
    if not ok:
        raise Refused({"current_password": _("Your current password is not correct.")})
    _set_password(user, new)
    record(user, "user.password_change", user, on_pages=False)


def _set_password(user: User, new: str) -> None:
    check_new_password(new, user.email)
    user.password_hash = hash_password(new)
    sessions.end_all(user)
    _notify(user, lambda: _("The password of your fundapp account was changed, and every session signed "
                            "out. If it was not you, reset it at once: %(link)s",
                            link=url_for("auth.forgot_password", _external=True)))


def request_reset(email: str) -> None:
    """Mail a single-use link valid for an hour to the active account of this address; an unknown
    address gets nothing, and the page says the same either way."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    link, secret = links.issue(user, "reset")
    address = url_for("auth.reset_password", token=secret, _external=True)
    mail_user(user, lambda: (_("Choose a new fundapp password"), _(
        "Someone, probably you, asked to choose a new password for your fundapp account. Open this link "
        "to do so: %(link)s (it works once, for one hour). If it was not you, you need do nothing: your "
        "password stays as it is.", link=address)))
    record(None, "user.reset_request", link,
           after={"user_id": user.id, "expires_at": link.expires_at.isoformat()}, on_pages=False)


def reset_password(link: AccountLink, new: str) -> User:
    """Set the password of the link's user, spend the link and sign out every session. The address is
    confirmed as well: the link reached it."""
    user = db.session.get(User, link.user_id)
    _set_password(user, new)
    tokens.revoke_all(None, user)                   # whoever took the account loses the API as well
    links.spend(link)
    links.void(user, "reset")
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    record(user, "user.password_reset", user, on_pages=False)
    return user


# --- second factors -------------------------------------------------------------------------------

def enrol_authenticator(user: User, secret: str, code: str) -> list[str] | None:
    """Keep an authenticator app's secret once a code from it checks; the first second factor comes
    with ten recovery codes, returned to be shown once."""
    if user.totp_secret is not None:
        raise Refused({"code": _("An authenticator app is set up already.")}, status=409)
    step = second_factor.matching_step(secret, code or "", 0) if secret else None
    if step is None:
        raise Refused({"code": _("This code does not match. Check the time on your phone and type the "
                                 "code the app shows now.")})
    user.totp_secret, user.totp_last_step = secret, step
    return _factor_added(user, "totp")


def add_passkey(user: User, answer: str, site: passkeys.Site, name: str) -> list[str] | None:
    """Keep a passkey the browser created; the first second factor comes with recovery codes."""
    passkey = passkeys.add(user, answer, site, name)
    return _factor_added(user, "passkey", passkey.name)


def _factor_added(user: User, method: str, name: str = "") -> list[str] | None:
    first = user.second_factor_at is None
    if first:
        sessions.end_all(user)          # they were opened with the password alone (the view opens a new one)
    second_factor.refresh_held(user)
    record(user, "user.second_factor_add", user, after={"method": method, "name": name}, on_pages=False)
    _notify(user, lambda: _("A second factor was added to your fundapp account. If it was not you, tell "
                            "your administrator at once."))
    return second_factor.new_recovery_codes(user) if first or not second_factor.recovery_codes_left(user) \
        else None


def _confirm_password(user: User, password: str) -> None:
    if not check_password(user.password_hash, password or "")[0]:
        raise Refused({"password": _("Your password is not correct.")})


def _refuse_removing_the_last(user: User, remaining: int) -> None:
    if remaining == 0 and second_factor_required(user):
        raise Refused({"password": _("Your role requires a second factor: add another one before removing "
                                     "this one.")}, status=409)


def remove_authenticator(user: User, password: str) -> None:
    """Remove the authenticator app, the password confirming it."""
    _confirm_password(user, password)
    _refuse_removing_the_last(user, len(passkeys.passkeys_of(user)))
    user.totp_secret, user.totp_last_step = None, 0
    _factor_removed(user, "totp")


def remove_passkey(user: User, passkey: Passkey, password: str) -> None:
    """Remove one of the user's passkeys, the password confirming it."""
    _confirm_password(user, password)
    _refuse_removing_the_last(user, len(passkeys.passkeys_of(user)) - 1 + (user.totp_secret is not None))
    db.session.delete(passkey)
    _factor_removed(user, "passkey", passkey.name)


def _factor_removed(user: User, method: str, name: str = "") -> None:
    db.session.flush()
    second_factor.refresh_held(user)
    record(user, "user.second_factor_remove", user, after={"method": method, "name": name}, on_pages=False)
    _notify(user, lambda: _("A second factor was removed from your fundapp account. If it was not you, tell "
                            "your administrator at once."))


def renew_recovery_codes(user: User, password: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), the password confirming it."""
    _confirm_password(user, password)
    if user.second_factor_at is None:
        raise Refused({"password": _("Set up a second factor first.")}, status=409)
    return second_factor.new_recovery_codes(user)


def reset_second_factor(actor: User, user: User) -> None:
    """An administrator removes every second factor of a user who lost them; its sessions end, and it
    sets up a new one at its next sign-in if its role requires one."""
    user.totp_secret, user.totp_last_step = None, 0
    for passkey in passkeys.passkeys_of(user):
        db.session.delete(passkey)
    user.second_factor_failures, user.second_factor_locked_until = 0, None
    db.session.flush()
    second_factor.refresh_held(user)
    sessions.end_all(user)
    tokens.revoke_all(actor, user)
    record(actor, "user.second_factor_reset", user, after={"user_id": user.id}, on_pages=False)
    _notify(user, lambda: _("An administrator removed the second factors of your fundapp account. Set up a "
                            "new one when you next sign in."))


def _notify(user: User, body) -> None:
    """Mail the user about its account's security; body() gives the text in the user's language."""
    mail_user(user, lambda: (_("Security of your fundapp account"), body()))
