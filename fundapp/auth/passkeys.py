"""Passkeys (WebAuthn) as a second factor, through the webauthn library: the options a browser needs to
create or use one, and the checks of its answers."""
import base64
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from fundapp.auth.models import Passkey, User
from fundapp.columns import utcnow
from fundapp.errors import Refused
from fundapp.extensions import db

RP_NAME = "fundapp"
MAX_ANSWER = 16_000         # characters of a browser's answer: far above any real one


@dataclass(frozen=True)
class Site:
    """Who asks: the relying party's id (the site's host name) and the origin pages are served from."""

    rp_id: str
    origin: str


def _keep_challenge(user: User, challenge: bytes) -> None:
    user.webauthn_challenge = base64.b64encode(challenge).decode()


def take_challenge(user: User) -> bytes:
    """The challenge issued to the user last, spent: a second answer to it finds none (the user's row is
    held until the request ends, so two answers at once cannot both take it)."""
    stored = db.session.scalar(select(User.webauthn_challenge).where(User.id == user.id).with_for_update())
    user.webauthn_challenge = None
    db.session.flush()
    return base64.b64decode(stored) if stored else b""


def passkeys_of(user: User) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)))


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=passkey.credential_id) for passkey in passkeys_of(user)]


def creation_options(user: User, site: Site) -> str:
    """The options for the browser to create a passkey (JSON); the challenge to expect back is kept."""
    options = generate_registration_options(
        rp_id=site.rp_id, rp_name=RP_NAME, user_id=str(user.id).encode(), user_name=user.email,
        user_display_name=user.name, exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED))
    _keep_challenge(user, options.challenge)
    return options_to_json(options)


def add(user: User, answer: str, site: Site, name: str) -> Passkey:
    """Keep the passkey the browser created, once its answer checks out against the challenge."""
    challenge = take_challenge(user)
    if not answer or len(answer) > MAX_ANSWER or not challenge:
        raise Refused({"passkey": _("The passkey could not be checked. Try again.")})
    try:
        verified = verify_registration_response(credential=answer, expected_challenge=challenge,
                                                expected_rp_id=site.rp_id, expected_origin=site.origin)
    except (WebAuthnException, ValueError, TypeError, KeyError):
        raise Refused({"passkey": _("The passkey could not be checked. Try again.")}) from None
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)):
        raise Refused({"passkey": _("This passkey is registered already.")})
    passkey = Passkey(user_id=user.id, name=name.strip()[:100] or _("Passkey"),
                      credential_id=verified.credential_id, public_key=verified.credential_public_key,
                      sign_count=verified.sign_count)
    db.session.add(passkey)
    db.session.flush()
    return passkey


def request_options(user: User, site: Site) -> str:
    """The options for the browser to sign with one of the user's passkeys; the challenge is kept."""
    options = generate_authentication_options(rp_id=site.rp_id, allow_credentials=_descriptors(user),
                                              user_verification=UserVerificationRequirement.PREFERRED)
    _keep_challenge(user, options.challenge)
    return options_to_json(options)


def verify(user: User, answer: str, site: Site) -> Passkey | None:
    """The user's passkey that signed the challenge issued last, its use noted; None when the answer does
    not check out (another user's key, an old or spent challenge, a signature counter gone backwards)."""
    challenge = take_challenge(user)
    if not answer or len(answer) > MAX_ANSWER or not challenge:
        return None
    try:
        credential = parse_authentication_credential_json(answer)
        passkey = next((each for each in passkeys_of(user) if each.credential_id == credential.raw_id), None)
        if passkey is None:
            return None
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=site.rp_id,
            expected_origin=site.origin, credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count)
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    return passkey
