"""The outbox: a message is written in the transaction that causes it and mailed by a worker only after
that transaction commits, tried again with growing delays when the mail server fails."""
import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import or_, select, update

from fundapp.columns import utcnow
from fundapp.extensions import db
from fundapp.notifications import queue
from fundapp.notifications.models import MESSAGE_STATUSES, OutboxMessage

ERROR_LIMIT = 500
SUBJECT_LIMIT = 200
# Refusals of one message (its recipient, its content): the server itself answers, others may pass.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)
# A mail server that failed (down, or silent until the timeout) is left alone for MAIL_PAUSE seconds by
# this process: the messages behind the one that failed wait for the schedule instead of each waiting
# out the timeout.
_paused: dict[tuple[str, int], datetime] = {}


def send(recipient: str, subject: str, body: str, user_id: int | None = None) -> OutboxMessage:
    """Write a message to the outbox; a worker mails it once this transaction has committed."""
    # A subject is one line: a line break a user put in a name (a company's, a fund's) is a space here.
    subject = " ".join(str(subject).split())[:SUBJECT_LIMIT]
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, user_id=user_id,
                            send_key=uuid.uuid4().hex)
    db.session.add(message)
    db.session.flush()
    queue.after_commit("deliver", message.id)
    return message


def retry(message: OutboxMessage) -> None:
    """An administrator sends a message again now, whatever its tries so far (a failed one gets one
    more try)."""
    message.status = "pending"
    message.next_attempt_at = None
    message.claimed_until = None
    queue.after_commit("deliver", message.id)


def messages(status: str = ""):
    """The outbox, newest first; only the messages of a status when one is given."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    return query.where(OutboxMessage.status == status) if status in MESSAGE_STATUSES else query


def due_ids(now: datetime, limit: int = 500) -> list[int]:
    """The messages a worker should try now: pending, due, and held by no other worker."""
    return list(db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == "pending", *_free(now))
        .order_by(OutboxMessage.id).limit(limit)))


def _free(now: datetime) -> tuple:
    return (or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def deliver(message_id: int, now: datetime | None = None) -> str:
    """Mail one message if it is due and no other worker holds it: "sent", "retry" (a later try is
    planned), "failed" (no try left), "paused" (the mail server failed moments ago) or "skipped". The
    message is claimed in a transaction of its own, which ends before the mail server is reached."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return "skipped"        # no mail server: the message waits in the outbox, where admins read it
    now = now or utcnow()
    server = (config["MAIL_SERVER"], config["MAIL_PORT"])
    if _paused.get(server, now) > now:
        return "paused"         # the schedule finds it again once the pause is over
    if not _claim(message_id, now):
        return "skipped"
    try:
        email = _email(db.session.get(OutboxMessage, message_id))
    except ValueError as error:     # a message no mail can carry: no try will do better
        db.session.rollback()
        outcome = _failed(message_id, error, now, last=True)
        db.session.commit()
        return outcome
    db.session.commit()         # no transaction (on SQLite, no write lock) while the mail server answers
    try:
        _mail(email)
    except (OSError, smtplib.SMTPException) as error:
        if not isinstance(error, MESSAGE_ERRORS):
            _paused[server] = now + timedelta(seconds=config["MAIL_PAUSE"])
        outcome = _failed(message_id, error, now)
    else:
        _paused.pop(server, None)
        message = db.session.get(OutboxMessage, message_id)
        message.status, message.sent_at, message.claimed_until = "sent", utcnow(), None
        outcome = "sent"
    db.session.commit()
    return outcome


def _claim(message_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
                                    *_free(now))
        .values(claimed_until=now + current_app.config["OUTBOX_LEASE"], tries=OutboxMessage.tries + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(claimed)


def _failed(message_id: int, error: Exception, now: datetime, last: bool = False) -> str:
    delays = current_app.config["OUTBOX_RETRY_DELAYS"]
    message = db.session.get(OutboxMessage, message_id)
    message.last_error = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
    message.claimed_until = None
    if last or message.tries > len(delays):
        message.status = "failed"
    else:
        message.next_attempt_at = now + timedelta(seconds=delays[message.tries - 1])
    current_app.logger.warning("mail %s to %s not sent (try %d): %s", message.id, message.recipient,
                               message.tries, message.last_error)
    return "failed" if message.status == "failed" else "retry"


def _email(message: OutboxMessage) -> EmailMessage:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    # The same message sent twice (a worker killed between sending and recording it) carries the same
    # Message-ID, by which mail servers and readers know it as one.
    email["Message-ID"] = f"<{message.send_key}@fundapp>"
    email.set_content(message.body)
    return email


def _mail(email: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        smtp.send_message(email)
