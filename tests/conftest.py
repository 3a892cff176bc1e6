"""Fixtures: a fresh database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL), the app,
a client, login_as, query counting. In CI a skipped test fails the run."""
import os
import shutil
import time
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text

from fundapp import create_app
from fundapp.extensions import db as _db
from tests import factories

pytest_plugins = ["tests.jobs_portfolio"]  # the portfolio_ fixture of job reporting

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "SEAL_KEY": "test-seal-key",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    "RATELIMIT_STORAGE_URI": "memory://",
    "MAIL_SERVER": None,
    "SERVER_NAME": None,
}


class Database:
    """Hands each test a database built by the migrations and holding no rows."""

    def __init__(self, tmp_root):
        self.tmp_root = tmp_root
        self.template = None

    def migrate(self) -> None:
        if TEST_DATABASE_URL:
            url = TEST_DATABASE_URL
            app = create_app(self._config(url))
            with app.app_context():
                with _db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE"))
                    connection.execute(text("CREATE SCHEMA public"))
                upgrade()
                self.tables = [table.name for table in reversed(_db.metadata.sorted_tables)]
                _db.engine.dispose()
        else:
            self.template = self.tmp_root / "template.db"
            app = create_app(self._config(f"sqlite:///{self.template}"))
            with app.app_context():
                upgrade()
                _db.engine.dispose()

    def _config(self, url: str) -> dict:
        return {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(self.tmp_root / "instance")}

    def fresh(self, tmp_path) -> str:
        """The URL of an empty, migrated database for one test."""
        if TEST_DATABASE_URL:
            app = create_app(self._config(TEST_DATABASE_URL))
            with app.app_context(), _db.engine.begin() as connection:
                connection.execute(text(
                    f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
            with app.app_context():
                _db.engine.dispose()
            return TEST_DATABASE_URL
        path = tmp_path / "fundapp.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    database = Database(tmp_path_factory.mktemp("database"))
    database.migrate()
    return database


@pytest.fixture
def config(database, tmp_path) -> dict:
    """The configuration of this test's app: a fresh database and its own folders."""
    return {
        **BASE_CONFIG,
        "SQLALCHEMY_DATABASE_URI": database.fresh(tmp_path),
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
        return made[-1]

    yield make
    for each in made:
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
    """Give the client a signed-in session for the user (as Flask-Login would after login)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
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
