"""The bell: what happened that a user should act on, shown in the app as well as mailed, so that a user
without mail still sees it. One channel: telling a user writes both."""
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from sqlalchemy import func, select, update

from fundapp.columns import utcnow
from fundapp.extensions import db
from fundapp.notifications import outbox
from fundapp.notifications.models import Notification

KINDS = ("decision", "changes_requested", "assignment", "capital_call", "task")
TITLE_LIMIT = 200


def address(endpoint: str, external: bool = False, **values) -> str:
    """The path (or, external, the whole address) of a page, in a request or out of one (a worker, a
    command), where the configured PUBLIC_URL names the site."""
    if has_request_context():
        return url_for(endpoint, _external=external, **values)
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=external, **values)


def tell(user, kind: str, link: str, compose) -> Notification:
    """Tell a user in its language, in the bell and by mail: compose() gives the subject (the bell's
    title) and the body; link is the path of the page that settles it."""
    with force_locale(user.language):
        subject, body = compose()
    return told(user, kind, link, str(subject), str(body))


def note(user, kind: str, link: str, title) -> Notification:
    """Tell a user in the bell only (what it asked for itself, such as a background task that ended);
    title is a lazy string, rendered in the user's language."""
    with force_locale(user.language):
        title = str(title)
    notification = Notification(user_id=user.id, kind=kind, title=title[:TITLE_LIMIT], link=link)
    db.session.add(notification)
    return notification


def told(user, kind: str, link: str, subject: str, body: str, title: str | None = None) -> Notification:
    """Tell a user what was already written in its language (the bell's title: the subject, unless
    given)."""
    notification = Notification(user_id=user.id, kind=kind, title=(title or subject)[:TITLE_LIMIT], link=link)
    db.session.add(notification)
    outbox.send(user.email, subject, body, user_id=user.id)
    return notification


def unread_count(user_id):
    """A subquery: how many of the user's notifications are unread (user_id: a value or a column)."""
    return (select(func.count(Notification.id))
            .where(Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery())


def of_user(user):
    """The user's notifications, unread first, then newest first."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.read_at.is_not(None), Notification.id.desc()))


def open_one(user, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read; None when it is not the user's."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    notification.read_at = notification.read_at or utcnow()
    return notification


def read_link(user, link: str) -> None:
    """Mark read the user's notifications that lead to a page it has just read."""
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.link == link,
                                                  Notification.read_at.is_(None))
                       .values(read_at=utcnow()).execution_options(synchronize_session=False))


def read_all(user) -> None:
    """Mark every notification of the user read."""
    db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                  Notification.read_at.is_(None))
                       .values(read_at=utcnow()).execution_options(synchronize_session=False))
