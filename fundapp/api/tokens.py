"""POST /api/v1/tokens: exchange an email and password (and the second factor's code, for an account that
holds one) for a bearer token."""
from flask import current_app, g
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from fundapp.api.auth import authenticated
from fundapp.api.schemas import TokenRequestSchema, TokenSchema
from fundapp.auth import credentials, throttle, tokens
from fundapp.auth.models import ApiToken
from fundapp.auth.permissions import second_factor_required
from fundapp.auth.services import normalize_email
from fundapp.database import write_transaction
from fundapp.errors import Refused
from fundapp.extensions import db, limiter

blp = Blueprint("api_tokens", __name__, url_prefix="/api/v1/tokens",
                description="Bearer tokens for the API.")

# An account that must hold a second factor and has not set one up yet gets a token for a day at most,
# from its password alone; it sets up its factor in the browser.
UNSECURED_DAYS = tokens.UNSECURED_LIFETIME.days


@blp.route("", methods=["POST"])
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(401, schema="Error", description="Email, password or second-factor code is not correct.")
@blp.alt_response(429, schema="Error", description="Too many attempts.")
@blp.doc(security=[])
def create_token(body):
    """Create a token for the user with these credentials; it is shown once."""
    email = normalize_email(body["email"])
    if throttle.held("sign_in", email):
        abort(429, message=_("Too many failed sign-ins with this address. Wait a few minutes and try again."))
    with write_transaction():           # a failure stays in the audit log although the answer is an error
        user = credentials.authenticate(email, body["password"], channel="api")
    if user is None:
        throttle.count("sign_in", email)
        abort(401, message=_("Email or password is not correct."))
    days = body.get("expires_in_days")
    method = "password"
    if user.second_factor_at is not None:
        if not body.get("code"):
            raise Refused({"code": _("This account holds a second factor: give the code of its "
                                     "authenticator app, or a recovery code.")}, status=401)
        with write_transaction():       # a wrong code counts towards the lock although the answer is an error
            attempt = credentials.second_step(user, body["code"])
        if not attempt.accepted:
            message = (_("Too many wrong codes: the second step is locked for 15 minutes.")
                       if attempt.locked_until else _("This code is not correct, or was used already."))
            raise Refused({"code": message}, status=401)
        method = attempt.method
    elif second_factor_required(user):
        days = min(days or UNSECURED_DAYS, UNSECURED_DAYS)
    credentials.signed_in(user, method, channel="api")
    token, secret = tokens.create_token(user, body["name"], days)
    return {"id": token.id, "name": token.name, "token": secret, "expires_at": token.expires_at}


@blp.route("/<int:token_id>", methods=["DELETE"])
@authenticated
@blp.response(204)
@blp.alt_response(401, schema="Error")
@blp.alt_response(404, schema="Error")
def revoke_token(token_id: int):
    """Revoke one of one's own tokens (an admin: anyone's); it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != g.api_user.id and not g.api_user.is_admin):
        abort(404)
    if token.revoked_at is None:
        tokens.revoke_token(g.api_user, token)
