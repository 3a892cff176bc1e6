"""/api/v1/users (admins only)."""
from flask import abort, g
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import select

from fundapp.api.auth import admin_only
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import AccountStateSchema, CountrySchema, UserSchema
from fundapp.auth import credentials, services
from fundapp.auth.models import User
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.funds import services as funds

blp = Blueprint("api_users", __name__, url_prefix="/api/v1/users",
                description="Accounts (admins only).")
countries = Blueprint("api_countries", __name__, url_prefix="/api/v1/countries",
                      description="Countries (admins only).")
documented_errors = errors_of(blp)


def user_json(user: User, activation_link: str | None = None) -> dict:
    body = {"id": user.id, "email": user.email, "name": user.name, "language": user.language,
            "is_admin": user.is_admin, "account_type": user.account_type, "active": user.is_active,
            "second_factor": user.second_factor_at is not None,
            "email_confirmed": user.email_confirmed_at is not None}
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




def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@blp.route("/<int:user_id>", methods=["PATCH"])
@admin_only
@blp.arguments(AccountStateSchema)
@blp.response(200, UserSchema)
@documented_errors
def set_active(body, user_id: int):
    """Deactivate an account (its sessions and tokens end at once) or reactivate it; never one's own."""
    person = _user_or_404(user_id)
    if person.id == g.api_user.id:
        raise Refused({"active": _("You cannot deactivate your own account.")})
    services.set_active(g.api_user, person, body["active"])
    return user_json(person)


@blp.route("/<int:user_id>/invitation", methods=["POST"])
@admin_only
@blp.response(201, UserSchema)
@documented_errors
@blp.alt_response(409, schema="Error", description="The account is already active.")
def reinvite(user_id: int):
    """Issue a new activation link to an account never activated."""
    person = _user_or_404(user_id)
    if person.password_hash is not None:
        raise Refused({"user": _("This account is already active.")}, status=409)
    return user_json(person, services.invite(g.api_user, person))


@blp.route("/<int:user_id>/second-factor/reset", methods=["POST"])
@admin_only
@blp.response(200, UserSchema)
@documented_errors
def reset_second_factor(user_id: int):
    """Remove every second factor of a user who lost them (check who is asking first); its sessions end."""
    person = _user_or_404(user_id)
    credentials.reset_second_factor(g.api_user, person)
    return user_json(person)


@blp.route("/<int:user_id>/sessions/end", methods=["POST"])
@admin_only
@blp.response(200, UserSchema)
@documented_errors
def end_sessions(user_id: int):
    """Sign a user out of every browser."""
    person = _user_or_404(user_id)
    services.end_sessions(g.api_user, person)
    return user_json(person)


@countries.route("", methods=["POST"])
@admin_only
@countries.arguments(CountrySchema)
@countries.response(201, CountrySchema)
@errors_of(countries)
def create_country(body):
    """Add a country (ISO 3166 code; its standard name when none is given)."""
    country = funds.create_country(g.api_user, body["code"], body["name"])
    db.session.flush()
    return country
