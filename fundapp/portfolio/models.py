"""Companies and the fund's positions in them: investments, valuations (marks) and exits."""
from datetime import date as Date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Numeric, String
from sqlalchemy import Date as DateColumn
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundapp.columns import UTCDateTime, utcnow
from fundapp.extensions import db
from fundapp.ledger.rows import LedgerEntry
from fundapp.text import comparable_key


class Company(db.Model):
    """A start-up: registered by its founder, or directly by a fund's managers."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    registration_number: Mapped[str] = mapped_column(String(100), default="")
    # the number as written without case, accents, spaces or punctuation: "RC 12-345/b" and "rc12345B"
    # are the same company's (possible duplicates are found on it); empty when it names nobody ("N/A")
    registration_key: Mapped[str] = mapped_column(String(100), default="", server_default="", index=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(100), default="")
    sector: Mapped[str] = mapped_column(String(30))
    founded_on: Mapped[Date | None] = mapped_column(DateColumn)
    website: Mapped[str] = mapped_column(String(300), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    registered_by_fund_id: Mapped[int | None] = mapped_column(ForeignKey("funds.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @validates("registration_number")
    def _key(self, _name: str, value: str) -> str:
        self.registration_key = comparable_key(value)
        return value


class Investment(LedgerEntry, db.Model):
    """Money the fund put into a company; a follow-on is another investment in the same company."""

    __tablename__ = "investments"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    date: Mapped[Date] = mapped_column(DateColumn)
    amount: Mapped[int] = mapped_column(BigInteger)
    instrument: Mapped[str] = mapped_column(String(20))
    ownership: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    pre_money_valuation: Mapped[int | None] = mapped_column(BigInteger)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("investments.id"), unique=True)

    company: Mapped[Company] = relationship(lazy="raise")


class Valuation(LedgerEntry, db.Model):
    """A mark: the fair value of one investment at a date."""

    __tablename__ = "valuations"

    id: Mapped[int] = mapped_column(primary_key=True)
    investment_id: Mapped[int] = mapped_column(ForeignKey("investments.id"), index=True)
    date: Mapped[Date] = mapped_column(DateColumn)
    fair_value: Mapped[int] = mapped_column(BigInteger)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("valuations.id"), unique=True)


class Exit(LedgerEntry, db.Model):
    """The end of the fund's whole position in a company: a sale, an IPO, a buyback or a write-off."""

    __tablename__ = "exits"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    date: Mapped[Date] = mapped_column(DateColumn)
    proceeds: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("exits.id"), unique=True)
