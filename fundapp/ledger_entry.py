"""What every append-only ledger row has: who entered it, when, what it reverses, a checksum."""
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, Mapper, declared_attr, mapped_column

from fundapp.columns import UTCDateTime, utcnow


class LedgerEntry:
    """Mixin of ledger tables. A row is never updated or deleted: a mistake gets a reversing row
    (reverses_id) that voids it, and the checksum lets verify-ledger detect any edit."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checksum: Mapped[str] = mapped_column(String(64), default="")

    @declared_attr
    def created_by(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    def content(self) -> dict:
        """The row's own values, as the checksum sees them (all but its id and timestamps)."""
        values = {}
        for column in inspect(type(self)).columns:
            if column.key in ("id", "checksum", "created_at"):
                continue
            value = getattr(self, column.key)
            if isinstance(value, date | datetime | Decimal):
                value = str(value)
            values[column.key] = value
        return values

    def compute_checksum(self) -> str:
        return hashlib.sha256(json.dumps(self.content(), sort_keys=True).encode()).hexdigest()


@event.listens_for(Mapper, "before_insert")
def _seal(_mapper, _connection, target) -> None:
    # The row is sealed as it is written; the tables refuse any later UPDATE.
    if isinstance(target, LedgerEntry):
        target.checksum = target.compute_checksum()
