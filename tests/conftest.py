"""Fixtures: a database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL) copied from one built
once per session, empty or seeded, the app, a client, login_as, query counting. In CI a skipped test fails the run."""
import os
import secrets
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import jinja2
import psycopg
import pytest
from flask_migrate import upgrade
from psycopg import sql
from sqlalchemy import event, text

from fundapp import create_app
from fundapp.auth.links import digest
from fundapp.auth.permissions import second_factor_required
from fundapp.columns import utcnow
from fundapp.extensions import db as _db
from fundapp.notifications.queue import stop_embedded
from tests import factories

pytest_plugins = ["tests.jobs_portfolio", "tests.world", "tests.mailbox"]  # the portfolio_ fixture of job reporting; the world

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "SEAL_KEY": "test-seal-key",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    "RATELIMIT_STORAGE_URI": "memory://",
    "MAIL_SERVER": None,
    "JOB_QUEUE": "manual",              # background work runs when a test runs the worker's tick
    "REMINDER_INTERVAL": None,          # reminders are sent when a test asks, for the day it gives
    "SERVER_NAME": None,
}


SEEDS = {}  # name -> builder(db) -> plain values (ids, tokens) the tests find their rows by


def seed(name: str):
    """Register a seed: a builder run once per session on an empty database, whose rows (and stored
    files) every test marked `@pytest.mark.seeded(name)` then finds in its own copy."""
    def register(build):
        SEEDS[name] = build
        return build
    return register


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per session rather than once per test's app (Jinja still checks each
    against its source's checksum)."""

    def __init__(self):
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.kept:
            bucket.bytecode_from_string(self.kept[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


class Database:
    """Hands each test its own copy of a database built once per session by the migrations: with no
    rows, or holding a registered seed. SQLite copies the file; PostgreSQL creates the test's
    database from a template database (much faster than emptying or seeding one)."""

    EMPTY = "empty"

    def __init__(self, tmp_root):
        self.tmp_root = tmp_root
        self.values: dict[str, dict] = {}

    def url(self, name: str | None = None) -> str:
        """The URL of a template (by name) or, without one, of the test's own PostgreSQL database."""
        if TEST_DATABASE_URL:
            base, database = TEST_DATABASE_URL.rsplit("/", 1)
            return f"{base}/{database}_{name}" if name else TEST_DATABASE_URL
        return f"sqlite:///{self.tmp_root / name}.db"

    def copy(self, source: str, target_url: str) -> None:
        if TEST_DATABASE_URL:
            target = target_url.rsplit("/", 1)[1]
            template = self.url(source).rsplit("/", 1)[1]
            with psycopg.connect(TEST_DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as server:
                server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
                server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(target), sql.Identifier(template)))
        else:
            shutil.copyfile(self.tmp_root / f"{source}.db", target_url.removeprefix("sqlite:///"))

    def migrate(self) -> None:
        """Build the empty template (PostgreSQL: creating it from the server's own empty template)."""
        if TEST_DATABASE_URL:
            with psycopg.connect(TEST_DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as server:
                name = sql.Identifier(self.url(self.EMPTY).rsplit("/", 1)[1])
                server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
                server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(name))
        self._build(self.url(self.EMPTY), {}, lambda _db: upgrade())

    def _config(self, url: str) -> dict:
        return {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(self.tmp_root / "instance")}

    def _build(self, url: str, folders: dict, build):
        app = create_app({**self._config(url), **folders})
        with app.app_context():
            values = build(_db)
            _db.session.commit()
            _db.session.remove()
            _db.engine.dispose()
        return values

    def folders(self, name: str) -> dict:
        root = self.tmp_root / "seeds" / name
        return {"UPLOAD_DIR": str(root / "uploads"), "REPORTS_DIR": str(root / "reports")}

    def seeded(self, name: str) -> dict:
        """What the seed's builder returned, building it on a copy of the empty template the first time."""
        if name not in self.values:
            self.copy(self.EMPTY, self.url(name))
            self.values[name] = self._build(self.url(name), self.folders(name), SEEDS[name])
            from fundapp.revisions import forget
            forget()
        return self.values[name]

    def fresh(self, tmp_path, seed: str | None = None) -> str:
        """The URL of this test's own database: a copy of the seed, or of the empty template; the
        seed's stored files (decks, reports) are copied into the test's folders."""
        url = self.url() if TEST_DATABASE_URL else f"sqlite:///{tmp_path / 'fundapp.db'}"
        if seed:
            self.seeded(seed)
            for folder in self.folders(seed).values():
                if Path(folder).exists():
                    shutil.copytree(folder, tmp_path / Path(folder).name)
        self.copy(seed or self.EMPTY, url)
        return url


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    database = Database(tmp_path_factory.mktemp("database"))
    database.migrate()
    return database


@pytest.fixture
def config(database, tmp_path, request) -> dict:
    """The configuration of this test's app: its own database (holding the seed the test is marked
    with, if any) and its own folders."""
    marker = request.node.get_closest_marker("seeded")
    return {
        **BASE_CONFIG,
        "SQLALCHEMY_DATABASE_URI": database.fresh(tmp_path, marker.args[0] if marker else None),
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REPORTS_DIR": str(tmp_path / "reports"),
    }


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Figures kept in memory belong to one test's database."""
    from fundapp.revisions import forget
    forget()


@pytest.fixture
def make_app(config):
    """make_app(**overrides) -> an app on this test's database, its connections closed at the end."""
    made = []

    def make(**overrides):
        made.append(create_app({**config, **overrides}))
        made[-1].jinja_env.bytecode_cache = COMPILED_TEMPLATES
        return made[-1]

    yield make
    for each in made:
        stop_embedded(each)
        with each.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    """The application under test. Its requests open their own app contexts."""
    return make_app()


@pytest.fixture
def db(make_app):
    """The database as seen from outside the app under test: a second app on the same database,
    so that test-side sessions never leak into the requests being tested, in autocommit mode, so
    that each of its reads sees what the requests committed and holds no lock."""
    observer = make_app(SQLALCHEMY_ENGINE_OPTIONS={
        "execution_options": {"isolation_level": "AUTOCOMMIT"}})
    with observer.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def sign_in(client, user) -> None:
    """Give the client a signed-in session for the user, recorded as the sign-in would (its second step
    passed, for a user holding a second factor; one who must hold one and does not, such as the demo's
    managers, is given the authenticator app it would have set up first)."""
    if user.second_factor_at is None and second_factor_required(user):
        user.totp_secret, user.second_factor_at = factories.TOTP_SECRET, utcnow()
        _db.session.commit()
    secret = secrets.token_urlsafe(16)
    factories.UserSessionFactory(user_id=user.id, secret_hash=digest(secret))
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
        session["sid"] = secret
        session["last_seen"] = time.time()


@pytest.fixture
def login_as(client, db):
    """login_as(role, fund=None) -> user: a new user holding the role, signed in on the client.

    role is one of admin, founder, manager, reviewer, partner (the last three need a fund).
    """
    def login(role: str, fund=None, **user_fields):
        if role == "admin":
            user = factories.AdminFactory(**user_fields)
        elif role == "founder":
            user = factories.FounderFactory(**user_fields)
        else:
            user = factories.staff_with_role(role, fund, **user_fields)
        sign_in(client, user)
        return user
    return login


@pytest.fixture
def count_queries(app):
    """count_queries() is a context manager whose value's .count is the SQL statements run."""
    @contextmanager
    def counting():
        counter = type("Counter", (), {"count": 0, "statements": []})()

        def before(conn, cursor, statement, *args):
            counter.count += 1
            counter.statements.append(statement)

        with app.app_context():
            engine = _db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)
    return counting


@contextmanager
def unprotected(db, table: str, trigger: str | None = None):
    """The table's append-only trigger off, as someone with the database's own access could do (on
    PostgreSQL it is put back afterwards: the next tests share the schema; SQLite's file is the test's)."""
    if db.engine.dialect.name == "sqlite":
        for event in ("update", "delete"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {trigger or table + '_no'}_{event}"))
        yield
        db.session.commit()
        return
    trigger = trigger or f"{table}_append_only"
    db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
    try:
        yield
        db.session.commit()
    finally:
        db.session.rollback()
        db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
        db.session.commit()


def pytest_sessionfinish(session, exitstatus):
    """In CI, a skipped test hides a failure: make it fail the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"{skipped} test(s) skipped in CI: failing the run.", red=True)
        session.exitstatus = 1
