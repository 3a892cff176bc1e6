"""Headcount reports: a company's people at a quarter's end, as filed by its founder or a manager."""
from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Date as DateColumn
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db
from fundapp.jobs.figures import fte


class HeadcountReport(db.Model):
    """One company's headcount at one quarter end; corrected in place until a manager verifies it."""

    __tablename__ = "headcount_reports"
    __table_args__ = (UniqueConstraint("company_id", "period_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))   # indexed by the unique pair
    period: Mapped[str] = mapped_column(String(6))            # "2026Q3"
    period_end: Mapped[Date] = mapped_column(DateColumn)
    full_time: Mapped[int]
    part_time: Mapped[int]
    women: Mapped[int]
    under_35: Mapped[int]
    nationals: Mapped[int]
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def headcount(self) -> int:
        return self.full_time + self.part_time

    @property
    def fte(self) -> Decimal:
        return fte(self.full_time, self.part_time)
