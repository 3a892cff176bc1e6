"""Evidence that cannot be rewritten quietly: someone with direct access to the database (the append-only
triggers taken off, plain SQL) edits, re-seals, deletes, inserts or rewrites, and `verify-ledger` names
the table and the row; a published report prints the fund's ledger checkpoint and the ledger is proved
against it. On SQLite and on PostgreSQL."""
import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from fundapp.funds.services import partners_of
from fundapp.ledger import capital, seals
from fundapp.ledger.models import Expense, Payment
from fundapp.reporting import services as reports
from fundapp.reporting.models import QuarterlyReport
from tests.conftest import unprotected
from tests.factories import UserFactory, fund_with_partners

D = date


@pytest.fixture
def sealed(db):
    """A fund with a call, its payments, three expenses and a published report for 2024 Q1."""
    fund, _ministry, _openai = fund_with_partners()
    manager = UserFactory()
    call = capital.record_call(manager, fund, D(2024, 1, 2), D(2024, 1, 31), "5000", "investment")
    for partner in partners_of(fund):
        capital.record_payment(manager, fund, call, partner.id, D(2024, 1, 10), "2000")
    for day in (D(2024, 2, 1), D(2024, 2, 15), D(2024, 3, 1)):
        capital.record_expense(manager, fund, day, "10", "operations", f"Rent {day:%B}")
    db.session.commit()
    report = reports.publish(manager, fund, reports.generate(manager, fund, 2024, 1))
    db.session.commit()
    return fund, manager, report


def verify(runner) -> tuple[int, str]:
    result = runner.invoke(args=["verify-ledger"])
    return result.exit_code, result.output


def test_an_untouched_ledger_verifies(runner, sealed):
    code, output = verify(runner)
    assert code == 0, output


def test_an_edited_row_is_named(runner, db, sealed):
    expense = db.session.scalars(select(Expense).order_by(Expense.id)).first()
    with unprotected(db, "expenses"):
        db.session.execute(text("UPDATE expenses SET amount = 1 WHERE id = :id"), {"id": expense.id})
    code, output = verify(runner)
    assert code == 1 and f"expenses row {expense.id} does not match its seal" in output


def test_a_row_resealed_without_the_key_is_named(runner, db, sealed):
    """The edit is re-sealed as an unkeyed checksum would be, and with a guessed key: neither holds."""
    expense = db.session.scalars(select(Expense).order_by(Expense.id)).first()
    values = {**expense.content(), "amount": 1}
    unkeyed = hashlib.sha256(seals.canonical(values)).hexdigest()
    guessed = seals.seal(b"fundapp", expense.previous_seal, values)
    for forged in (unkeyed, guessed):
        with unprotected(db, "expenses"):
            db.session.execute(text("UPDATE expenses SET amount = 1, seal = :seal WHERE id = :id"),
                               {"seal": forged, "id": expense.id})
        code, output = verify(runner)
        assert code == 1 and f"expenses row {expense.id} does not match its seal" in output


def test_a_deleted_row_is_named(runner, db, sealed):
    _first, second, third = db.session.scalars(select(Expense.id).order_by(Expense.id)).all()
    with unprotected(db, "expenses"):
        db.session.execute(text("DELETE FROM expenses WHERE id = :id"), {"id": second})
    code, output = verify(runner)
    assert code == 1
    assert f"expenses row {third} is not linked to the row before it" in output
    assert f"expenses row {second} was written (audit log) and is missing" in output


def test_the_newest_row_deleted_with_its_audit_entry_is_named_by_the_report_checkpoint(runner, db, sealed):
    fund, manager, _report = sealed
    last = db.session.scalar(select(Payment.id).order_by(Payment.id.desc()))
    with unprotected(db, "payments"), unprotected(db, "audit_entries"):
        db.session.execute(text("DELETE FROM payments WHERE id = :id"), {"id": last})
        db.session.execute(text("DELETE FROM audit_entries WHERE object_type = 'Payment' AND object_id = :id"),
                           {"id": last})
    code, output = verify(runner)
    assert code == 1 and f"payments row {last} of the checkpoint is missing" in output


def test_an_inserted_row_is_named(runner, db, sealed):
    fund, manager, _report = sealed
    head = db.session.scalars(select(Expense).order_by(Expense.id.desc())).first()
    forged = {"fund_id": fund.id, "date": "2024-03-05", "amount": 100_000, "category": "operations",
              "description": "Consulting", "reverses_id": None, "created_by": manager.id,
              "created_at": "2024-03-05 10:00:00"}
    with unprotected(db, "expenses"):
        db.session.execute(text(
            "INSERT INTO expenses (fund_id, date, amount, category, description, reverses_id, created_by, "
            "created_at, seal, previous_seal) VALUES (:fund_id, :date, :amount, :category, :description, "
            ":reverses_id, :created_by, :created_at, :seal, :previous_seal)"),
            {**forged, "seal": hashlib.sha256(b"forged").hexdigest(), "previous_seal": head.seal})
    code, output = verify(runner)
    assert code == 1 and re.search(r"expenses row \d+ does not match its seal", output)


def test_a_rewritten_published_report_is_named(runner, db, sealed):
    fund, _manager, report = sealed
    folder = Path(runner.app.config["REPORTS_DIR"])
    path = folder / report.filename
    original = path.read_bytes()
    path.write_bytes(original + b"\n% one more line\n")
    code, output = verify(runner)
    assert code == 1 and f"published report {report.id} ({report.filename}) was changed on disk" in output
    # the row is rewritten to match the new file: its seal gives it away
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with unprotected(db, "quarterly_reports", "quarterly_reports_published"):
        db.session.execute(text("UPDATE quarterly_reports SET sha256 = :sha WHERE id = :id"),
                           {"sha": digest, "id": report.id})
    code, output = verify(runner)
    assert code == 1 and f"quarterly_reports row {report.id} does not match its seal" in output
    # a file no published report names
    path.write_bytes(original)
    (folder / f"fund-{fund.id}" / "2024Q1-v9-planted.pdf").write_bytes(original)
    code, output = verify(runner)
    assert "2024Q1-v9-planted.pdf is in the reports folder but no published report names it" in output


def test_the_report_prints_its_ledger_checkpoint(runner, db, sealed):
    fund, _manager, report = sealed
    data = (Path(runner.app.config["REPORTS_DIR"]) / report.filename).read_bytes()
    text_ = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    printed = re.search(r"Ledger checkpoint: ([0-9a-f]{64})", text_.replace("\n", ""))
    assert printed and printed.group(1) == report.ledger_checkpoint
    assert set(report.ledger_positions) == {"partners", "capital_calls", "call_allocations", "payments", "distributions",
                                            "distribution_allocations", "expenses", "investments", "valuations",
                                            "exits"}
    assert json.dumps(report.ledger_positions)           # kept as plain JSON
    # a later entry moves the fund's checkpoint, never the published one: the ledger still proves it
    capital.record_expense(UserFactory(), db.session.get(type(fund), fund.id), D(2024, 4, 1), "5",
                           "operations")
    db.session.commit()
    code, output = verify(runner)
    assert code == 0, output
    db.session.refresh(report)
    assert report.ledger_checkpoint == printed.group(1)


def test_the_chain_of_seals_links_each_row_to_the_one_before(db, sealed):
    rows = db.session.scalars(select(Expense).order_by(Expense.id)).all()
    assert rows[0].previous_seal == seals.GENESIS
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.previous_seal == before.seal
    published = db.session.scalars(select(QuarterlyReport).where(QuarterlyReport.state == "published")).all()
    assert published[0].previous_seal == seals.GENESIS and len(published[0].seal) == 64


def test_anyone_checks_a_reports_ledger_checkpoint_on_the_verify_page(app, runner, db, sealed):
    _fund, _manager, report = sealed
    anyone = app.test_client()
    page = anyone.post("/reports/verify", data={"sha256": report.ledger_checkpoint}).data.decode()
    assert "This is a ledger checkpoint, not a file's fingerprint." in page
    assert "ledger still matches it" in page and "version 1" in page
    expense = db.session.scalar(select(Expense.id).order_by(Expense.id))
    with unprotected(db, "expenses"):
        db.session.execute(text("UPDATE expenses SET seal = :seal WHERE id = :id"),
                           {"seal": "0" * 64, "id": expense})
    page = anyone.post("/reports/verify", data={"sha256": report.ledger_checkpoint}).data.decode()
    assert "ledger no longer matches it" in page


def test_a_partners_commitment_changed_is_named(runner, db, sealed):
    """Commitments are what calls are allocated by: doubling them all keeps the pro-rata shares, so
    only the partners' seals give it away."""
    with unprotected(db, "partners"):
        db.session.execute(text("UPDATE partners SET commitment = commitment * 2, kind = 'government'"))
    code, output = verify(runner)
    assert code == 1 and re.search(r"partners row \d+ does not match its seal", output)


def test_a_published_report_put_back_to_draft_is_named(runner, db, sealed):
    _fund, _manager, report = sealed
    with unprotected(db, "quarterly_reports", "quarterly_reports_published"):
        db.session.execute(text("UPDATE quarterly_reports SET state = 'draft' WHERE id = :id"), {"id": report.id})
    code, output = verify(runner)
    assert code == 1 and f"quarterly_reports row {report.id} was published (audit log) and is no longer" in output


def test_verify_ledger_prints_each_funds_checkpoint(runner, db, sealed):
    fund, _manager, report = sealed
    code, output = verify(runner)
    assert code == 0
    assert f"fund {fund.id} ({fund.name}): ledger checkpoint {report.ledger_checkpoint}" in output


def test_a_partner_joining_later_breaks_no_earlier_call(runner, db, sealed):
    from fundapp.funds.services import create_partner
    fund, manager, _report = sealed
    create_partner(manager, db.session.get(type(fund), fund.id), "Second co-investor", "co_investor", "2500")
    db.session.commit()
    code, output = verify(runner)
    assert code == 0, output
