"""Quarterly reports of a fund: drafts, published versions (immutable, with their SHA-256) and every
download of them."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, inspect
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db

ADDED_LATER = frozenset({"tables", "content_sha256"})


class QuarterlyReport(db.Model):
    """One version of a fund's report for a quarter. Once published, the database refuses any change."""

    __tablename__ = "quarterly_reports"
    __table_args__ = (UniqueConstraint("fund_id", "year", "quarter", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    year: Mapped[int]
    quarter: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(10), default="draft")      # draft or published
    note: Mapped[str] = mapped_column(Text, default="")                  # what a new version corrects
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    filename: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The fund's ledger as the report printed it: its last row in each ledger table and their checkpoint
    # (fundapp.ledger.seals.checkpoint). A published report is sealed, chained to the one published before it.
    ledger_positions: Mapped[dict | None] = mapped_column(JSON)
    ledger_checkpoint: Mapped[str | None] = mapped_column(String(64))
    seal: Mapped[str | None] = mapped_column(String(64))
    previous_seal: Mapped[str | None] = mapped_column(String(64))
    # Stored as it is published (SPEC 11): its tables as typed cells in JSON (quarterly.stored_tables),
    # which its downloads give from then on; and the digest of what it says apart from its version, so
    # that a correction saying the same is refused.
    tables: Mapped[dict | None] = mapped_column(JSON)
    content_sha256: Mapped[str | None] = mapped_column(String(64))

    def content(self) -> dict:
        """The report's own values, as its seal reads them (the columns added since the first reports
        were published count once they hold a value, so that those reports' seals still hold)."""
        return {column.key: getattr(self, column.key) for column in inspect(type(self)).columns
                if column.key not in ADDED_LATER or getattr(self, column.key) is not None}

    @property
    def period(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def published(self) -> bool:
        return self.state == "published"


class ReportDownload(db.Model):
    """Who downloaded which published report, when, and through which door (append-only)."""

    __tablename__ = "report_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("quarterly_reports.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(10))                     # web or api
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
