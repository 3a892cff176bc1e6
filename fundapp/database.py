"""The database at the request boundary: a request's changes are committed once, when its view has
answered without a refusal, and rolled back otherwise (services only flush); a request that may write
takes SQLite's write lock when its transaction begins. Also the embedded SQLite database's connection
settings, and the append-only tables of the migrations."""
import sqlite3
from contextlib import contextmanager

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from fundapp.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def listen(target, name: str, listener) -> None:
    """Bind an SQLAlchemy event listener once, however many applications are made (tests make many)."""
    if not event.contains(target, name, listener):
        event.listen(target, name, listener)


def init_app(app: Flask) -> None:
    """Bind the connection settings and the request boundary's lock choice to the application."""
    listen(Engine, "connect", _configure_sqlite)
    listen(Engine, "begin", _begin_sqlite)
    app.before_request(_choose_lock)


def settle(response):
    """The request boundary: commit what the view changed when it answered below 400 and nothing was
    refused on the way; else roll it back. The response, unchanged."""
    if response.status_code < 400 and not g.get("refused"):
        db.session.commit()
    else:
        db.session.rollback()
    return response


def _choose_lock() -> None:
    # A request that may write takes SQLite's write lock when its transaction begins: two writers queue
    # on busy_timeout instead of failing halfway (a read that later writes could not wait: its snapshot
    # would be stale). Pages that only read keep concurrent deferred reads.
    g.write_lock = request.method not in READ_ONLY_METHODS


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


def _begin_sqlite(connection):
    if connection.dialect.name != "sqlite":
        return
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return  # each statement is its own transaction: nothing to begin
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _writes() else "BEGIN")


def _writes() -> bool:
    """Whether the transaction beginning now may write: as the request boundary chose (a bare request
    context, which no boundary saw, by its method); outside a request, always."""
    if not has_request_context():
        return True
    return g.get("write_lock", request.method not in READ_ONLY_METHODS)


@contextmanager
def write_transaction():
    """The one write of a request that otherwise reads (a download log, a token's last use), in a
    transaction of its own that takes the write lock as it begins and commits at the end: on SQLite it
    waits its turn behind a writer instead of failing."""
    db.session.commit()                 # the reading transaction ends: it holds no change
    previous = _writes()
    g.write_lock = True
    try:
        yield
        db.session.commit()
    finally:
        g.write_lock = previous


@contextmanager
def reading():
    """Work that reads at length (a worker's report, the reminders due), in transactions that begin
    without SQLite's write lock so that writers do not wait on it; a write inside it goes through
    write_transaction()."""
    db.session.commit()
    previous = _writes()
    g.write_lock = False
    try:
        yield
    finally:
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
