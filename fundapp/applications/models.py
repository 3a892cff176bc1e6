"""Applications of companies to funds, their state history and the fund's messages to founders."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db

TEXT_FIELDS = ("pitch", "problem", "solution", "market", "business_model", "traction", "team",
               "use_of_funds")


class Application(db.Model):
    """A company's pitch to a fund; money in the fund's minor units."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("fund_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    founder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(default=1)
    requested_amount: Mapped[int | None] = mapped_column(BigInteger)
    stage: Mapped[str] = mapped_column(String(30), default="")
    pitch: Mapped[str] = mapped_column(String(200), default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    market: Mapped[str] = mapped_column(Text, default="")
    business_model: Mapped[str] = mapped_column(Text, default="")
    traction: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(Text, default="")
    use_of_funds: Mapped[str] = mapped_column(Text, default="")
    full_time: Mapped[int | None]
    part_time: Mapped[int | None]
    jobs_expected: Mapped[int | None]
    deck_name: Mapped[str | None] = mapped_column(String(100))
    deck_filename: Mapped[str | None] = mapped_column(String(200))
    deck_size: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}

    company: Mapped["Company"] = relationship(lazy="raise")  # noqa: F821
    fund: Mapped["Fund"] = relationship(lazy="raise")  # noqa: F821


class StateChange(db.Model):
    """One move of an application through the workflow: who, when, from, to and why."""

    __tablename__ = "state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FundMessage(db.Model):
    """A message from a fund to the founder of an application, kept in the portal."""

    __tablename__ = "fund_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
