"""Countries, funds and the partner entities that co-finance them."""
from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db
from fundapp.ledger.rows import Sealed


class Country(db.Model):
    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Fund(db.Model):
    """A national start-up fund; money columns are integers in the currency's minor units."""

    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    language: Mapped[str] = mapped_column(String(5))
    vintage_year: Mapped[int]
    target_size: Mapped[int] = mapped_column(BigInteger)
    min_ticket: Mapped[int] = mapped_column(BigInteger)
    max_ticket: Mapped[int] = mapped_column(BigInteger)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    employee_cap: Mapped[int]
    match_target: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    open_for_applications: Mapped[bool] = mapped_column(default=False)
    blind_review: Mapped[bool] = mapped_column(default=False)
    # Krippendorff's alpha of the fund's review scores, overall and per criterion, stored when scores are
    # refreshed (fundapp.applications.agreement)
    agreement: Mapped[dict | None] = mapped_column(JSON)
    # What a manager starts from when it tells a founder of a decision (it edits the text before sending).
    approval_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    decline_message: Mapped[str] = mapped_column(Text, default="", server_default="")
    # How many votes the investment committee needs before a decision; None: a majority of the members
    # who may vote on the application (those not recused).
    committee_quorum: Mapped[int | None]
    # What a partner's treasury needs to pay a call (SPEC 11): bank, account name, account number or IBAN;
    # and whom to ask. Printed on every call notice.
    payment_instructions: Mapped[str] = mapped_column(Text, default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # Moved when a change commits (fundapp.revisions): figures and whole pages are kept per revision.
    figures_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    activity_revision: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    country: Mapped[Country] = relationship(lazy="raise")

    @property
    def first_day(self) -> Date:
        """The first day of the fund's life: the first of January of its vintage year."""
        return Date(self.vintage_year, 1, 1)
    partners: Mapped[list["Partner"]] = relationship(
        back_populates="fund", lazy="raise", order_by="Partner.id"
    )


class Partner(Sealed, db.Model):
    """An entity that commits capital to a fund: a ministry, OpenAI, another co-investor. Its commitment
    is what calls are allocated by: the row is sealed and never changes."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    commitment: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    fund: Mapped[Fund] = relationship(back_populates="partners", lazy="raise")
