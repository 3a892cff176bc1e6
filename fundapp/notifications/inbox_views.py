"""The bell's page: a user's notifications, each opening the page that settles it."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fundapp.notifications import inbox
from fundapp.web.pagination import paginate
from fundapp.web.query import query_page

blueprint = Blueprint("inbox", __name__, url_prefix="/notifications")


@blueprint.get("/")
@login_required
def index():
    page = paginate(inbox.of_user(current_user), query_page())
    return render_template("notifications/index.html", page=page)


@blueprint.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    notification = inbox.open_one(current_user, notification_id)
    if notification is None:
        abort(404)
    # Links are paths fundapp wrote; anything else opens the list rather than another site.
    link = notification.link
    return redirect(link if link.startswith("/") and not link.startswith("//") else url_for("inbox.index"))


@blueprint.post("/read")
@login_required
def read_all():
    inbox.read_all(current_user)
    flash(_("Every notification is marked as read."), "success")
    return redirect(url_for("inbox.index"))
