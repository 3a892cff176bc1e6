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


def test_sectors_and_first_decisions_are_filled_in_from_companies_and_the_state_history(make_app, tmp_path):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from fundapp.applications.models import Application
    from fundapp.applications.services import move
    from fundapp.portfolio.models import Company
    from tests.factories import FounderFactory, FundFactory, staff_with_role
    app = make_app(SQLALCHEMY_DATABASE_URI=scratch_database(tmp_path))
    with app.app_context():
        upgrade()
        fund, founder = FundFactory(), FounderFactory()
        manager = staff_with_role("manager", fund)
        for index, path in enumerate([("screening", "declined"), ("screening", "in_review", "due_diligence",
                                                                   "committee", "approved", "invested"), ()]):
            company = Company(name=f"C{index}", country="KE", sector=("health", "ai", "fintech")[index],
                              owner_id=founder.id)
            db.session.add(company)
            db.session.flush()
            application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                      sector=company.sector, state="submitted",
                                      submitted_at=datetime.now(UTC) - timedelta(days=2))
            db.session.add(application)
            db.session.flush()
            for to in path:
                move(manager, application, to, "investment" if to == "invested" else "manager")
        db.session.commit()
        query = select(Application.id, Application.sector, Application.decided_at, Application.decision)
        recorded = db.session.execute(query.order_by(Application.id)).all()
        assert [(row.sector, row.decision) for row in recorded] == [
            ("health", "declined"), ("ai", "approved"), ("fintech", None)]
        db.session.remove()
        downgrade(revision="18ccef596e9a")     # before applications kept their sector and first decision
        upgrade()
        assert db.session.execute(query.order_by(Application.id)).all() == recorded


def old_fund():
    """A fund written with the columns funds had before the seals (today's model has more)."""
    from types import SimpleNamespace

    from sqlalchemy import text
    db.session.execute(text("INSERT INTO countries (code, name, created_at) VALUES ('KE', 'Kenya', '2024-01-01')"))
    fund_id = db.session.execute(text(
        "INSERT INTO funds (name, country_id, currency, language, vintage_year, target_size, min_ticket, "
        "max_ticket, sectors, employee_cap, match_target, open_for_applications, blind_review, created_at) "
        "SELECT 'Fund', id, 'KES', 'en', 2024, 100000, 100, 1000, '[]', 100, 1, false, false, "
        "'2024-01-01 00:00:00' FROM countries RETURNING id")).scalar_one()
    return SimpleNamespace(id=fund_id)


def test_existing_ledger_rows_and_published_reports_are_sealed_by_the_migration(make_app, tmp_path):
    import pytest
    from sqlalchemy import select, text
    from sqlalchemy.exc import DBAPIError

    from fundapp.ledger.models import Expense
    from fundapp.ledger.seals import GENESIS
    from fundapp.ledger.verification import broken_chains
    from fundapp.reporting.services import report_problems
    app = make_app(SQLALCHEMY_DATABASE_URI=scratch_database(tmp_path))
    with app.app_context():
        upgrade(revision="dbbc298ccd8f")      # before the seals: rows with unkeyed checksums
        fund = old_fund()
        for day, amount in (("2024-02-01", 100), ("2024-03-01", 250), ("2024-04-01", 75)):
            db.session.execute(text(
                "INSERT INTO expenses (fund_id, date, amount, category, description, checksum, created_at) "
                "VALUES (:fund, :day, :amount, 'operations', 'Rent', 'unkeyed', :at)"),
                {"fund": fund.id, "day": day, "amount": amount, "at": f"{day} 09:30:00.123456"})
        db.session.execute(text(
            "INSERT INTO quarterly_reports (fund_id, year, quarter, version, state, note, sha256, filename, "
            "created_at, published_at) VALUES (:fund, 2024, 1, 1, 'published', '', :sha, 'fund-1/2024Q1-v1.pdf', "
            "'2024-04-02 10:00:00', '2024-04-03 10:00:00')"), {"fund": fund.id, "sha": "a" * 64})
        db.session.commit()
        upgrade()
        expenses = db.session.scalars(select(Expense).order_by(Expense.id)).all()
        assert [e.previous_seal for e in expenses] == [GENESIS, expenses[0].seal, expenses[1].seal]
        assert broken_chains() == []
        assert not [p for p in report_problems() if "seal" in p or "linked" in p]
        with pytest.raises(DBAPIError):       # append-only again
            db.session.execute(text("UPDATE expenses SET amount = 1"))
        db.session.rollback()
        db.session.remove()
        downgrade(revision="dbbc298ccd8f")
        upgrade()
        assert broken_chains() == []


def test_search_fingerprints_keys_sectors_and_agreement_are_filled_in_for_existing_data(make_app, tmp_path):
    from sqlalchemy import select, text

    from fundapp.applications import duplicates, review
    from fundapp.applications.models import Application
    from fundapp.applications.queue import Filters, queue
    from fundapp.funds.models import Fund
    from fundapp.portfolio.models import Company
    from tests.factories import FounderFactory, FundFactory, staff_with_role
    app = make_app(SQLALCHEMY_DATABASE_URI=scratch_database(tmp_path))
    with app.app_context():
        upgrade()
        fund, founder = FundFactory(), FounderFactory()
        manager = staff_with_role("manager", fund)
        reviewers = [staff_with_role("reviewer", fund) for _ in range(2)]
        team = review.add_criterion(manager, fund, "Team", "", "1", 1, 5)
        problem = "Smallholder farmers lose a third of their harvest before it reaches a buyer in Kisumu."
        ids = []
        for index, number in enumerate(("RC 12-345/b", "rc12345B")):
            company = Company(name=f"Shamba {index}", country="KE", sector="agriculture", owner_id=founder.id,
                              registration_number=number)
            db.session.add(company)
            db.session.flush()
            application = Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                      sector="agriculture", state="in_review", pitch="Cold rooms", problem=problem)
            db.session.add(application)
            db.session.flush()
            ids.append(application.id)
            for reviewer, score in zip(reviewers, (index + 2, index + 3), strict=True):
                review.assign(manager, fund, application, reviewer.id, None)
                review.declare(reviewer, fund, application, conflict=False)
                review.save_review(reviewer, fund, application, {team.id: score}, "invest", "")
        db.session.commit()
        stored = db.session.get(Fund, fund.id).agreement
        db.session.remove()
        downgrade(revision="b7e3c1d9a4f2")      # before search, fingerprints and agreement
        upgrade()
        assert db.session.scalars(select(Company.registration_key).order_by(Company.id)).all() == [
            "rc12345b", "rc12345b"]
        assert set(db.session.scalars(text("SELECT sector FROM reviews"))) == {"agriculture"}
        assert [a.id for a, _c in db.session.execute(queue(fund.id, Filters(q="farmer harvests")))] == ids[::-1]
        assert [d.application_id for d in duplicates.find([ids[0]], [fund.id])[ids[0]]] == [ids[1]]
        assert db.session.get(Fund, fund.id).agreement == stored and stored["overall"]["units"] == 2
