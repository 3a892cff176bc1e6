"""Messages to people: stored in the outbox, and sent through SMTP when it is configured."""
import smtplib
from email.message import EmailMessage

from flask import current_app

from fundapp.columns import utcnow
from fundapp.extensions import db
from fundapp.notifications.models import OutboxMessage


def send(recipient: str, subject: str, body: str, user_id: int | None = None) -> OutboxMessage:
    """Store a message in the outbox and mail it when an SMTP server is configured."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, user_id=user_id)
    db.session.add(message)
    server = current_app.config.get("MAIL_SERVER")
    if server:
        email = EmailMessage()
        email["From"] = current_app.config["MAIL_SENDER"]
        email["To"] = recipient
        email["Subject"] = subject
        email.set_content(body)
        try:
            with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
                smtp.send_message(email)
            message.sent_at = utcnow()
        except (OSError, smtplib.SMTPException):
            current_app.logger.exception("mail to %s not sent; it stays in the outbox", recipient)
    db.session.flush()
    return message
