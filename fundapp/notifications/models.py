"""The outbox (every message fundapp mails is stored here first and sent by a worker after commit), the
notifications shown in the app, the reminders sent, and the long pieces of work run off the request."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db

MESSAGE_STATUSES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    """A message to mail: pending until a worker has sent it; failed once every try has failed."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    tries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A worker holds the message while it sends; another takes it over only once this has passed.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # The message's Message-ID: a message sent again after a worker died mid-send is known as the same.
    send_key: Mapped[str] = mapped_column(String(64), unique=True)


class Notification(db.Model):
    """An item in a user's bell: what happened, in its language, and the page that settles it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderSent(db.Model):
    """A reminder sent: one per rule, recipient, subject and period, which is what makes it once only."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("rule", "user_id", "subject_key", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject_key: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))
    sent_on: Mapped[date] = mapped_column(Date)


class MutedReminder(db.Model):
    """An optional reminder a user turned off in its account."""

    __tablename__ = "muted_reminders"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(30), primary_key=True)


JOB_STATUSES = ("queued", "running", "done", "failed")


class BackgroundJob(db.Model):
    """A long piece of work asked for on a page (a report, an export, an import), run by a worker; the
    page shows its progress and, when it is done, its outcome."""

    __tablename__ = "background_jobs"
    __table_args__ = (Index("ix_background_jobs_due", "status", "claimed_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id"))
    params: Mapped[str] = mapped_column(Text, default="{}")    # JSON
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    tries: Mapped[int] = mapped_column(default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)          # what the user reads when it ends (JSON)
    result_file: Mapped[str | None] = mapped_column(String(200))   # a file kept for the user, if any
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
