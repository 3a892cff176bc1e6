"""The migrations build, take down and rebuild the schema, on SQLite and on PostgreSQL."""
import psycopg
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from fundapp.extensions import db
from tests.conftest import TEST_DATABASE_URL


def scratch_database(tmp_path) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS fundapp_migrations")
        connection.execute("CREATE DATABASE fundapp_migrations")
    return TEST_DATABASE_URL.rsplit("/", 1)[0] + "/fundapp_migrations"


def test_down_to_nothing_and_up_again(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=scratch_database(tmp_path))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "funds", "capital_calls", "payments", "applications", "reviews"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables
        assert {table.name for table in db.metadata.sorted_tables} <= tables
