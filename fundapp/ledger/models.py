"""The capital ledger: calls and their allocations, payments, distributions and their allocations,
expenses. Money in integers of the fund's minor units; rows are append-only and sealed."""
from datetime import date as Date

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy import Date as DateColumn
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundapp.extensions import db
from fundapp.ledger.rows import LedgerEntry


class CapitalCall(LedgerEntry, db.Model):
    """A call for capital, allocated pro-rata to the partners' commitments."""

    __tablename__ = "capital_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    call_date: Mapped[Date] = mapped_column(DateColumn)
    due_date: Mapped[Date] = mapped_column(DateColumn)
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(20))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("capital_calls.id"), unique=True)

    allocations: Mapped[list["CallAllocation"]] = relationship(
        lazy="raise", order_by="CallAllocation.partner_id")


class CallAllocation(LedgerEntry, db.Model):
    """One partner's share of a capital call."""

    __tablename__ = "call_allocations"
    __table_args__ = (UniqueConstraint("call_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("capital_calls.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class Payment(LedgerEntry, db.Model):
    """A partner paying (part of) its allocation of a call."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("call_allocations.id"), index=True)
    date: Mapped[Date] = mapped_column(DateColumn)
    amount: Mapped[int] = mapped_column(BigInteger)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True)


class Distribution(LedgerEntry, db.Model):
    """Money returned to the partners, allocated pro-rata to paid-in at its date."""

    __tablename__ = "distributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    date: Mapped[Date] = mapped_column(DateColumn)
    amount: Mapped[int] = mapped_column(BigInteger)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("distributions.id"), unique=True)

    allocations: Mapped[list["DistributionAllocation"]] = relationship(
        lazy="raise", order_by="DistributionAllocation.partner_id")


class DistributionAllocation(LedgerEntry, db.Model):
    __tablename__ = "distribution_allocations"
    __table_args__ = (UniqueConstraint("distribution_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(ForeignKey("distributions.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)


class Expense(LedgerEntry, db.Model):
    """A cost of the fund (management fee, operations, …); it reduces cash."""

    __tablename__ = "expenses"

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    date: Mapped[Date] = mapped_column(DateColumn)
    amount: Mapped[int] = mapped_column(BigInteger)
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(200), default="")
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("expenses.id"), unique=True)
