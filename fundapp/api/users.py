"""/api/v1/users (admins only)."""
from flask import g
from flask_smorest import Blueprint
from sqlalchemy import select

from fundapp.api.auth import admin_only
from fundapp.api.schemas import UserSchema
from fundapp.auth import services
from fundapp.auth.models import User
from fundapp.extensions import db

blp = Blueprint("api_users", __name__, url_prefix="/api/v1/users",
                description="Accounts (admins only).")


def user_json(user: User, activation_link: str | None = None) -> dict:
    body = {"id": user.id, "email": user.email, "name": user.name, "language": user.language,
            "is_admin": user.is_admin, "account_type": user.account_type, "active": user.is_active}
    if activation_link:
        body["activation_link"] = activation_link
    return body


@blp.route("", methods=["GET"])
@admin_only
@blp.response(200, UserSchema(many=True))
@blp.alt_response(401, schema="Error")
@blp.alt_response(404, schema="Error")
def list_users():
    """Every account, by name."""
    return [user_json(user) for user in db.session.scalars(select(User).order_by(User.name))]


@blp.route("", methods=["POST"])
@admin_only
@blp.arguments(UserSchema)
@blp.response(201, UserSchema)
@blp.alt_response(401, schema="Error")
@blp.alt_response(404, schema="Error")
def create_user(body):
    """Create a staff account, with a password or invited by an activation link."""
    user, link = services.create_staff(g.api_user, body["email"], body["name"], body["language"],
                                       body["is_admin"], body.get("password"))
    created = user_json(user, link)
    return created


