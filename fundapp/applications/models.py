"""Applications of companies to funds, their state history and the fund's messages to founders."""
from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy import Date as DateColumn
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db

TEXT_FIELDS = ("pitch", "problem", "solution", "market", "business_model", "traction", "team",
               "use_of_funds")


class Application(db.Model):
    """A company's pitch to a fund; money in the fund's minor units."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("fund_id", "company_id"),
        # the queue's default order, within a state and across states, read from the index at any size
        Index("ix_applications_queue_state", "fund_id", "state", "normalized_score", "id"),
        Index("ix_applications_queue", "fund_id", "normalized_score", "id"),
        # the pipeline as of a date, read from the index alone
        Index("ix_applications_pipeline", "fund_id", "submitted_at", "state", "normalized_score", "sector",
              "decided_at", "decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    # its company's sector, copied when the application is started (a company's sector is not edited),
    # so that the pipeline counts sectors from the applications alone
    sector: Mapped[str] = mapped_column(String(30), server_default="")
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
    # While the fund waits for the changes it asked: the founder's edits not sent yet (fields, and a new
    # deck's deck_name, deck_filename and deck_size). The columns above stay what the fund received.
    pending: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The fund's first decision (approved or declined) and when it was taken, as its state history
    # records them; set once, so that the pipeline counts decisions from the applications alone.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(20))
    # Derived from the fund's reviews when one is saved, so that pages never recompute them.
    score: Mapped[float | None] = mapped_column(index=True)
    normalized_score: Mapped[float | None] = mapped_column(index=True)
    disagreement: Mapped[float | None]
    disagreement_flag: Mapped[bool] = mapped_column(default=False)
    failing_criteria: Mapped[list] = mapped_column(JSON, default=list)
    review_count: Mapped[int] = mapped_column(default=0)

    __mapper_args__ = {"version_id_col": version}

    company: Mapped["Company"] = relationship(lazy="raise")  # noqa: F821
    fund: Mapped["Fund"] = relationship(lazy="raise")  # noqa: F821


class StateChange(db.Model):
    """One move of an application through the workflow: who, when, from, to and why."""

    __tablename__ = "state_changes"
    # the pipeline as of a date: the moves made after it
    __table_args__ = (Index("ix_state_changes_at", "at", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")     # internal: never shown to the founder
    message: Mapped[str] = mapped_column(Text, default="", server_default="")  # what the founder was sent
    # why a decision goes against the majority of the committee's votes (for the minutes)
    justification: Mapped[str] = mapped_column(Text, default="", server_default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FundMessage(db.Model):
    """A message from a fund to the founder of an application, kept in the portal."""

    __tablename__ = "fund_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Criterion(db.Model):
    """A criterion of a fund's rubric: what reviewers score, on which scale, with what weight."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    guidance: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    scale_min: Mapped[int] = mapped_column(default=1)
    scale_max: Mapped[int] = mapped_column(default=5)
    minimum: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    allow_na: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)


class Assignment(db.Model):
    """A reviewer asked to review an application by a due date; it declares a conflict or none."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_date: Mapped[Date | None] = mapped_column(DateColumn)
    conflict: Mapped[bool | None]
    conflict_reason: Mapped[str] = mapped_column(Text, default="", server_default="")  # why, for managers
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Review(db.Model):
    """A reviewer's scores of an application, per criterion (None for n/a), and its recommendation."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),
                      # a reviewer's past reviews in a fund's sector, from the index alone (suggestions)
                      Index("ix_reviews_reviewer_sector", "reviewer_id", "fund_id", "sector"))

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    # its application's sector, copied when it is saved (an application's sector is not edited)
    sector: Mapped[str] = mapped_column(String(30), default="", server_default="")
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    recommendation: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Revision(db.Model):
    """One submission of an application as the fund received it: its fields then (values) and the names
    of those that changed since the submission before (changed)."""

    __tablename__ = "application_revisions"
    __table_args__ = (UniqueConstraint("application_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    number: Mapped[int]
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    changed: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RevisionRead(db.Model):
    """The latest revision of an application that a manager or reviewer has seen."""

    __tablename__ = "revision_reads"
    __table_args__ = (UniqueConstraint("application_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    number: Mapped[int]


class Vote(db.Model):
    """A committee member's part in the decision on an application: its declaration of a conflict (and
    why) or of none, then its vote (approve, decline or abstain) with a comment, cast once."""

    __tablename__ = "committee_votes"
    __table_args__ = (UniqueConstraint("application_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    conflict: Mapped[bool]
    conflict_reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    vote: Mapped[str | None] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    voted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Fingerprint(db.Model):
    """One band of an application's pitch-and-problem signature: applications sharing a band are
    candidates for possible duplicates (fundapp.applications.duplicates)."""

    __tablename__ = "application_fingerprints"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    band: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
