"""/api/v1/notifications (one's own bell) and /api/v1/outbox (admins only)."""
from flask import abort, g
from flask_babel import gettext as _
from flask_smorest import Blueprint

from fundapp.api.auth import admin_only, authenticated
from fundapp.api.docs import documented_errors as errors_of
from fundapp.api.schemas import (
    NotificationQuerySchema,
    NotificationSchema,
    OutboxMessageSchema,
    OutboxQuerySchema,
    ReminderSettingsSchema,
)
from fundapp.errors import Refused
from fundapp.extensions import db
from fundapp.notifications import inbox, outbox, reminders
from fundapp.notifications.models import Notification, OutboxMessage
from fundapp.notifications.reminder_rules import OPTIONAL

blp = Blueprint("api_notifications", __name__, url_prefix="/api/v1/notifications",
                description="One's own notifications: what the bell shows.")
outbox_blp = Blueprint("api_outbox", __name__, url_prefix="/api/v1/outbox",
                       description="The outbox: every message, its status and tries (admins only).")
documented_errors = errors_of(blp)
outbox_errors = errors_of(outbox_blp)


def _page(query, arguments):
    return db.session.scalars(query.limit(arguments["per_page"])
                              .offset((arguments["page"] - 1) * arguments["per_page"])).all()


@blp.route("", methods=["GET"])
@authenticated
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationSchema(many=True))
@documented_errors
def list_notifications(query):
    """One's notifications, unread first then newest (only the unread ones with unread=true)."""
    listed = inbox.of_user(g.api_user)
    if query["unread"]:
        listed = listed.where(Notification.read_at.is_(None))
    return _page(listed, query)


@blp.route("/<int:notification_id>/read", methods=["POST"])
@authenticated
@blp.response(200, NotificationSchema)
@documented_errors
def read_notification(notification_id: int):
    """Mark one of one's notifications read."""
    return inbox.open_one(g.api_user, notification_id) or abort(404)


@blp.route("/read", methods=["POST"])
@authenticated
@blp.response(204)
@documented_errors
def read_all():
    """Mark every one of one's notifications read."""
    inbox.read_all(g.api_user)


def _reminder_settings(user) -> dict:
    received = reminders.rules_of(user)
    return {"received": received, "optional": [name for name in received if name in OPTIONAL],
            "muted": sorted(reminders.muted_of(user))}


@blp.route("/reminders", methods=["GET"])
@authenticated
@blp.response(200, ReminderSettingsSchema)
@documented_errors
def reminder_settings():
    """The reminders one receives, those one may turn off, and those turned off."""
    return _reminder_settings(g.api_user)


@blp.route("/reminders", methods=["PUT"])
@authenticated
@blp.arguments(ReminderSettingsSchema)
@blp.response(200, ReminderSettingsSchema)
@documented_errors
def choose_reminders(body):
    """Turn off the optional reminders named in muted, and on the others."""
    optional = [name for name in reminders.rules_of(g.api_user) if name in OPTIONAL]
    unknown = sorted(set(body["muted"]) - set(optional))
    if unknown:
        raise Refused({"muted": _("Only these reminders can be turned off: %(names)s.",
                                  names=", ".join(optional) or "-")})
    reminders.choose(g.api_user, set(optional) - set(body["muted"]))
    return _reminder_settings(g.api_user)


@outbox_blp.route("", methods=["GET"])
@admin_only
@outbox_blp.arguments(OutboxQuerySchema, location="query")
@outbox_blp.response(200, OutboxMessageSchema(many=True))
@outbox_errors
def list_messages(query):
    """Every message, newest first, by status if asked."""
    return _page(outbox.messages(query["status"]), query)


@outbox_blp.route("/<int:message_id>/retry", methods=["POST"])
@admin_only
@outbox_blp.response(200, OutboxMessageSchema)
@outbox_errors
def retry_message(message_id: int):
    """Try a message that is waiting or failed again now."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.status != "sent":
        outbox.retry(message)
    return message
