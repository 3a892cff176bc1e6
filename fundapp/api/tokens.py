"""POST /api/v1/tokens: exchange an email and password for a bearer token."""
from flask import current_app, g
from flask_smorest import Blueprint, abort

from fundapp.api.auth import authenticated
from fundapp.api.schemas import TokenRequestSchema, TokenSchema
from fundapp.auth import services
from fundapp.auth.models import ApiToken
from fundapp.extensions import db, limiter

blp = Blueprint("api_tokens", __name__, url_prefix="/api/v1/tokens",
                description="Bearer tokens for the API.")


@blp.route("", methods=["POST"])
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"])
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(401, schema="Error", description="Email or password is not correct.")
@blp.alt_response(429, schema="Error", description="Too many attempts.")
@blp.doc(security=[])
def create_token(body):
    """Create a token for the user with these credentials; it is shown once."""
    user = services.authenticate(body["email"], body["password"])
    if user is None:
        abort(401, message="Email or password is not correct.")
    token, secret = services.create_token(user, body["name"])
    return {"id": token.id, "name": token.name, "token": secret}


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
        services.revoke_token(g.api_user, token)
