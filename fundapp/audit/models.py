"""The audit log: who changed what, when, from what to what. Rows are never updated or deleted."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped["User | None"] = relationship(lazy="raise")  # noqa: F821
    fund: Mapped["Fund | None"] = relationship(lazy="raise")  # noqa: F821

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """The fields that differ between before and after, as (field, before, after)."""
        before, after = self.before or {}, self.after or {}
        if not before or not after:
            return []
        return [(key, before.get(key), after.get(key)) for key in sorted(before.keys() | after.keys())
                if before.get(key) != after.get(key)]
