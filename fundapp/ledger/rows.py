"""What every append-only ledger row has: who entered it, when, what it reverses, and its keyed seal
chained to the row before it in its table (fundapp.ledger.seals). Partners, whose commitments the ledger
allocates by, are sealed rows too."""
from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, String, func, inspect, select
from sqlalchemy.orm import Mapped, Mapper, Session, declared_attr, mapped_column, object_session

from fundapp.columns import UTCDateTime, utcnow
from fundapp.database import listen
from fundapp.ledger import seals

CHAIN_LOCK = 2      # the advisory lock (PostgreSQL) under which the chains of seals grow, one row at a time
_HEADS = "fundapp.chain_heads"


class Sealed:
    """Mixin of append-only tables whose rows are sealed as they are written (see _seal below), each
    linked to the row before it in its table."""

    seal: Mapped[str] = mapped_column(String(64), default="")
    previous_seal: Mapped[str] = mapped_column(String(64), default="")

    def content(self) -> dict:
        """The row's own values, as its seal reads them."""
        return {column.key: getattr(self, column.key) for column in inspect(type(self)).columns}


class LedgerEntry(Sealed):
    """Mixin of ledger tables. A row is never updated or deleted: a mistake gets a reversing row
    (reverses_id) that voids it."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def created_by(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))


def seal_key() -> bytes:
    """The key of every seal: SEAL_KEY, kept outside the database."""
    return current_app.config["SEAL_KEY"].encode()


def take_chain_lock(connection) -> None:
    """Make this transaction the only one adding to the chains of seals until it ends (PostgreSQL;
    on SQLite a writer holds the database's write lock already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK, 0)))


def chain_head(connection, table) -> str:
    """The seal of the last row of a table's chain (its highest id), or the chain's beginning."""
    return connection.scalar(select(table.c.seal).order_by(table.c.id.desc()).limit(1)) or seals.GENESIS


def _seal(mapper, connection, target) -> None:
    # The row is sealed as it is written, after its table's last row; the tables refuse any later
    # UPDATE. The heads are kept for the transaction, which alone adds to the chains until it ends.
    if not isinstance(target, Sealed):
        return
    session = object_session(target)
    heads = session.info.get(_HEADS)
    if heads is None:
        take_chain_lock(connection)
        heads = session.info[_HEADS] = {}
    table = mapper.local_table
    if table.name not in heads:
        heads[table.name] = chain_head(connection, table)
    _apply_defaults(mapper, target)
    target.previous_seal = heads[table.name]
    target.seal = heads[table.name] = seals.seal(seal_key(), target.previous_seal, target.content())


def _apply_defaults(mapper, target) -> None:
    """Give the row its columns' defaults now (created_at, an empty description, …): the seal must read
    the values the row will hold."""
    for column in mapper.columns:
        if column.primary_key or column.default is None or getattr(target, column.key) is not None:
            continue
        default = column.default
        setattr(target, column.key, default.arg(None) if default.is_callable else default.arg)


def _forget_heads(session: Session, _transaction) -> None:
    # a transaction (or a savepoint) that ends may take rows away: the heads are read again
    session.info.pop(_HEADS, None)


def init_app(_app) -> None:
    """Bind this module's listeners (once, however many applications are made)."""
    listen(Mapper, "before_insert", _seal)
    listen(Session, "after_transaction_end", _forget_heads)
