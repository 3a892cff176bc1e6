"""Connection settings for the embedded SQLite database, and the write lock of a request."""
import sqlite3
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from fundapp.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Take transactions out of the driver's hands so that "begin" below decides how they start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return  # each statement is its own transaction: nothing to begin
    # A writer takes the write lock when it starts, so two writers queue on busy_timeout instead of
    # failing halfway (a read that later writes cannot wait: its snapshot would be stale); page views
    # keep concurrent deferred reads.
    if _writes():
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _writes() -> bool:
    """Whether the transaction beginning now may write: outside a request, always; in a request, when
    its method changes things or while it records something (write_transaction)."""
    if not has_request_context():
        return True
    return g.get("write_lock", request.method not in READ_ONLY_METHODS)


@contextmanager
def write_transaction():
    """The one write of a request that otherwise reads (a download log, a token's last use), in a
    transaction of its own that takes the write lock as it begins and commits at the end: on SQLite it
    waits its turn behind a writer instead of failing."""
    db.session.commit()                 # the reading transaction ends: it holds no change
    previous = g.pop("write_lock", None)
    g.write_lock = True
    try:
        yield
        db.session.commit()
    finally:
        g.pop("write_lock")
        if previous is not None:
            g.write_lock = previous


def make_append_only(op, table: str) -> None:
    """In a migration: refuse UPDATE and DELETE on a table in the database itself."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
        )


def drop_append_only(op, table: str) -> None:
    """In a migration: undo make_append_only."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
