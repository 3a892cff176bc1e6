"""Capital pages: a manager runs calls and payments in the UI; partners read their own account."""
import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fundapp.audit.models import AuditEntry
from fundapp.ledger import capital
from fundapp.ledger.models import CapitalCall, Payment
from tests.factories import FundFactory, GrantFactory, PartnerFactory, UserFactory


@pytest.fixture
def kenya(db):
    fund = FundFactory(name="Kenya National Start-up Fund", currency="KES", vintage_year=2024)
    government = PartnerFactory(fund=fund, name="Ministry of Investments", kind="government",
                                commitment=325_000_000_000)
    openai = PartnerFactory(fund=fund, name="OpenAI", kind="co_investor", commitment=325_000_000_000)
    return fund, government, openai


def partner_user(fund, partner):
    person = UserFactory()
    GrantFactory(user=person, fund=fund, role="partner", partner=partner)
    return person


def test_manager_issues_a_call_and_records_a_partial_payment(client, db, login_as, kenya):
    fund, government, openai = kenya
    login_as("manager", fund)
    call_form = {"call-call_date": "2024-01-15", "call-due_date": "2024-02-15", "call-amount": "975,000,000.01",
                 "call-purpose": "investment"}
    shown = client.post(f"/funds/{fund.id}/capital/calls", data=call_form)      # each share shown first
    assert shown.status_code == 200 and "Check the capital call" in shown.data.decode()
    assert "KES487,500,000.01" in shown.data.decode() and db.session.scalar(select(CapitalCall)) is None
    response = client.post(f"/funds/{fund.id}/capital/calls", data={**call_form, "call-confirm": "1"})
    assert response.status_code == 302
    call = db.session.scalar(select(CapitalCall))
    page = client.get(f"/funds/{fund.id}/capital").data.decode()
    assert "KES487,500,000.01" in page and "KES487,500,000.00" in page  # the odd cent to the lower id
    assert "Overdue" in page
    response = client.post(f"/funds/{fund.id}/capital/payments", data={
        "payment-allocation": f"{call.id}:{openai.id}", "payment-date": "2024-02-01", "payment-amount": "300000000"})
    assert response.status_code == 302
    refused = client.post(f"/funds/{fund.id}/capital/payments", data={
        "payment-allocation": f"{call.id}:{openai.id}", "payment-date": "2024-02-01",
        "payment-amount": "187500000.01"})
    assert refused.status_code == 422 and b"outstanding" in refused.data
    assert b"187500000.01" in refused.data  # what was typed is kept
    assert [p.amount for p in db.session.scalars(select(Payment))] == [30_000_000_000]


def test_bad_call_shows_the_field_error_and_saves_nothing(client, db, login_as, kenya):
    fund = kenya[0]
    login_as("manager", fund)
    response = client.post(f"/funds/{fund.id}/capital/calls", data={
        "call-call_date": "2024-01-15", "call-due_date": "2024-01-01", "call-amount": "10.001",
        "call-purpose": "investment"})
    assert response.status_code == 422
    assert b"decimals" in response.data
    assert db.session.scalar(select(CapitalCall)) is None


def test_reversing_a_payment_from_the_page(client, db, login_as, kenya):
    fund, government, _openai = kenya
    manager = login_as("manager", fund)
    call = capital.record_call(manager, fund, date(2024, 1, 15), date(2024, 2, 15), "1000", "fees")
    payment = capital.record_payment(manager, fund, call, government.id, date(2024, 2, 1), "500")
    db.session.commit()
    path = f"/funds/{fund.id}/capital/payment/{payment.id}/reverse"
    assert client.post(path).status_code == 302                           # no reason: nothing reversed
    assert len(db.session.scalars(select(Payment)).all()) == 1
    assert client.post(path, data={"reason": "Paid into the wrong account"}).status_code == 302
    assert sorted(p.amount for p in db.session.scalars(select(Payment))) == [-50_000, 50_000]
    assert client.post(path, data={"reason": "Again"}).status_code == 302
    assert len(db.session.scalars(select(Payment)).all()) == 2  # reversed once only
    page = client.get(f"/funds/{fund.id}/capital").data.decode()
    assert "Paid into the wrong account" in page                          # the reason beside the entry
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "payment.reverse"))
    assert audit.after["reason"] == "Paid into the wrong account"


def test_partner_reads_its_statement_and_notice_but_not_the_other_partners(app, client, db, kenya):
    fund, government, openai = kenya
    manager = UserFactory()
    call = capital.record_call(manager, fund, date(2024, 1, 15), date(2024, 2, 15), "1000000", "investment")
    capital.record_payment(manager, fund, call, openai.id, date(2024, 2, 1), "200000")
    db.session.commit()
    from tests.conftest import sign_in
    sign_in(client, partner_user(fund, openai))
    statement = client.get(f"/funds/{fund.id}/partners/{openai.id}/statement")
    assert statement.status_code == 200
    text = statement.data.decode()
    assert "KES500,000.00" in text and "KES200,000.00" in text and "50.00 %" in text
    assert client.get(f"/funds/{fund.id}/partners/{government.id}/statement").status_code == 404
    assert client.get(f"/funds/{fund.id}/partners/{government.id}/calls/{call.id}/notice.pdf").status_code == 404
    assert client.get(f"/funds/{fund.id}/capital").status_code == 403
    overview = client.get(f"/funds/{fund.id}").data.decode()
    assert "Ministry of Investments" not in overview

    notice = client.get(f"/funds/{fund.id}/partners/{openai.id}/calls/{call.id}/notice.pdf")
    assert notice.status_code == 200 and notice.mimetype == "application/pdf"
    assert "attachment" in notice.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(notice.data)).pages[0].extract_text()
    for expected in ("Capital call notice no.", "OpenAI", "KES1,000,000.00", "50.00%", "KES500,000.00",
                     "15 February 2024", "Investment", "KES3,249,500,000.00"):
        assert expected in text.replace("\xa0", " ").replace(" %", "%"), expected


def test_notice_is_in_the_funds_language(client, db, login_as):
    fund = FundFactory(currency="XOF", language="fr", vintage_year=2024)
    partner = PartnerFactory(fund=fund, name="Ministère des Finances", kind="government", commitment=1_000_000)
    manager = login_as("manager", fund)
    call = capital.record_call(manager, fund, date(2024, 1, 15), date(2024, 2, 15), "100000", "fees")
    db.session.commit()
    notice = client.get(f"/funds/{fund.id}/partners/{partner.id}/calls/{call.id}/notice.pdf")
    text = PdfReader(io.BytesIO(notice.data)).pages[0].extract_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "Avis d'appel de fonds" in text and "Ministère des Finances" in text
    assert "100 000 F CFA" in text and "15 février 2024" in text


def test_notices_are_deterministic(client, db, login_as, kenya):
    fund, government, _ = kenya
    manager = login_as("manager", fund)
    call = capital.record_call(manager, fund, date(2024, 1, 15), date(2024, 2, 15), "1000", "fees")
    db.session.commit()
    url = f"/funds/{fund.id}/partners/{government.id}/calls/{call.id}/notice.pdf"
    assert client.get(url).data == client.get(url).data


def test_dashboard_flags_a_match_below_target_and_serves_charts(client, db, login_as, kenya):
    fund, government, openai = kenya
    manager = login_as("manager", fund)
    call = capital.record_call(manager, fund, date(2024, 1, 15), date(2024, 2, 15), "1000", "fees")
    capital.record_payment(manager, fund, call, government.id, date(2024, 2, 1), "500")
    capital.record_payment(manager, fund, call, openai.id, date(2024, 2, 1), "250")
    db.session.commit()
    page = client.get(f"/funds/{fund.id}?as_of=2024-12-31").data.decode()
    assert "Below the target of 1.00" in page and "0.50" in page
    for name in ("capital", "nav", "tvpi"):
        chart = client.get(f"/funds/{fund.id}/charts/{name}.svg?as_of=2024-12-31")
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        assert b"<svg" in chart.data and b"<script" not in chart.data
        policy = dict(part.strip().split(" ", 1) for part in chart.headers["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'"
    assert client.get(f"/funds/{fund.id}/charts/other.svg").status_code == 404


def test_verify_ledger_names_an_edited_row(runner, db, kenya):
    fund, government, _ = kenya
    manager = UserFactory()
    call = capital.record_call(manager, fund, date(2024, 1, 15), date(2024, 2, 15), "1000", "fees")
    capital.record_payment(manager, fund, call, government.id, date(2024, 2, 1), "500")
    db.session.commit()
    assert runner.invoke(args=["verify-ledger"]).exit_code == 0
    from sqlalchemy import text

    from tests.conftest import unprotected
    # Someone with direct access to the database bypasses the append-only triggers.
    with unprotected(db, "payments"):
        db.session.execute(text("UPDATE payments SET amount = 60000"))
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    assert "payments row 1 does not match its seal" in result.output


def test_demo_ledger_reconciles(runner, db):
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 0, result.output
    assert "3 funds checked" in result.output


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_ledger_export_neutralises_formulas(client, db, login_as, kenya, kind):
    import pandas as pd
    fund, government, _ = kenya
    manager = login_as("manager", fund)
    call = capital.record_call(manager, fund, date(2024, 1, 15), date(2024, 2, 15), "1000", "fees")
    capital.record_payment(manager, fund, call, government.id, date(2024, 2, 1), "500")
    capital.record_expense(manager, fund, date(2024, 3, 1), "10.5", "other", "=HYPERLINK(\"http://x\")")
    db.session.commit()
    response = client.get(f"/funds/{fund.id}/capital/ledger.{kind}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    frame = (pd.read_csv(io.BytesIO(response.data)) if kind == "csv"
             else pd.read_excel(io.BytesIO(response.data), engine="openpyxl"))
    assert list(frame["entry"]) == ["capital_call", "call_allocation", "call_allocation", "payment", "expense"]
    assert list(frame["amount"]) == [1000.0, 500.0, 500.0, 500.0, 10.5]
    if kind == "csv":
        assert frame["detail"].iloc[-1] == "'=HYPERLINK(\"http://x\")"
    else:       # a text cell holding the text as written: never a formula
        import openpyxl
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        detail = [cell for cell in sheet[sheet.max_row] if cell.value == "=HYPERLINK(\"http://x\")"]
        assert detail and detail[0].data_type == "s"


def test_a_call_entered_twice_in_minutes_is_flagged_before_it_is_issued(client, db, login_as, kenya):
    fund = kenya[0]
    login_as("manager", fund)
    call_form = {"call-call_date": "2024-01-15", "call-due_date": "2024-02-15", "call-amount": "1000",
                 "call-purpose": "fees"}
    first = client.post(f"/funds/{fund.id}/capital/calls", data=call_form).data.decode()
    assert "is this the same call?" not in first
    assert client.post(f"/funds/{fund.id}/capital/calls", data={**call_form, "call-confirm": "1"}).status_code == 302
    again = client.post(f"/funds/{fund.id}/capital/calls", data=call_form).data.decode()
    assert "is this the same call?" in again
    assert len(db.session.scalars(select(CapitalCall)).all()) == 1


def test_nothing_is_chosen_for_the_manager(client, db, login_as, kenya):
    """The purpose of a call, the call a payment settles and an expense's category are the manager's to
    choose: the pickers start empty and an empty choice is refused on its field, nothing saved."""
    from fundapp.ledger.models import Expense
    fund, _government, _openai = kenya
    login_as("manager", fund)
    page = client.get(f"/funds/{fund.id}/capital").data.decode()
    for field in ("call-purpose", "payment-allocation", "expense-category"):
        select_html = page[page.index(f'name="{field}"'):]
        select_html = select_html[:select_html.index("</select>")]
        assert '><option value="">Choose…</option>' in select_html and "selected" not in select_html, field
    refused = client.post(f"/funds/{fund.id}/capital/expenses", data={
        "expense-date": "2024-03-01", "expense-amount": "10", "expense-category": "",
        "expense-description": "Audit"})
    assert refused.status_code == 422 and "Category</a>: Choose the expense" in refused.data.decode()
    assert db.session.scalar(select(Expense)) is None
