"""Statements that say what is owed and notices a treasury can act on (SPEC 11): partial and late payments
against a table computed by hand, as a page, a PDF, a CSV and the API; a partner reads its own only."""
import csv
import io
from datetime import date as D

from pypdf import PdfReader

from fundapp.ledger import capital
from tests.conftest import sign_in
from tests.factories import GrantFactory, UserFactory, api_token_for, fund_with_partners, staff_with_role


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def _late_payer(db):
    """Ministry 6,000.00 and OpenAI 4,000.00 committed. Three calls (1,000, 2,000, 500); the ministry pays
    the first two on time; OpenAI pays the first on time, 300.00 of its 800.00 on the second late, and
    nothing of the third; a distribution of 100.00 on 1 May 2024 (paid-in 1,800 : 700)."""
    fund, ministry, openai = fund_with_partners(name="Kenya fund", payment_instructions=(
        "Central Bank of Kenya\nAccount: Kenya National Start-up Fund\nIBAN KE12 3456 7890"),
        contact_email="treasury@fund.example")
    manager = staff_with_role("manager", fund)
    first = capital.record_call(manager, fund, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    second = capital.record_call(manager, fund, D(2024, 3, 1), D(2024, 4, 1), "2000", "investment")
    capital.record_call(manager, fund, D(2024, 6, 1), D(2024, 7, 15), "500", "fees")
    capital.record_payment(manager, fund, first, ministry.id, D(2024, 2, 1), "600")
    capital.record_payment(manager, fund, first, openai.id, D(2024, 2, 5), "400")
    capital.record_payment(manager, fund, second, ministry.id, D(2024, 3, 20), "1200")
    capital.record_payment(manager, fund, second, openai.id, D(2024, 4, 20), "300")
    capital.record_distribution(manager, fund, D(2024, 5, 1), "100")
    person = UserFactory()
    GrantFactory(user=person, fund=fund, role="partner", partner=openai)
    db.session.commit()
    return fund, ministry, openai, manager, person


# (as of, [(number, amount, paid, outstanding, overdue)], outstanding, overdue, since, next due, paid-in,
#  distributed), all by hand from the docstring above
EXPECTED = [
    ("2024-04-10", [(1, "400.00", "400.00", "0.00", "0.00"), (2, "800.00", "0.00", "800.00", "800.00")],
     "800.00", "800.00", "2024-04-01", {"number": 2, "due_date": "2024-04-01", "amount": "800.00"}, "400.00",
     "0.00"),
    ("2024-07-01", [(1, "400.00", "400.00", "0.00", "0.00"), (2, "800.00", "300.00", "500.00", "500.00"),
                    (3, "200.00", "0.00", "200.00", "0.00")],
     "700.00", "500.00", "2024-04-01", {"number": 2, "due_date": "2024-04-01", "amount": "500.00"},
     "700.00", "28.00"),
    ("2024-08-01", [(1, "400.00", "400.00", "0.00", "0.00"), (2, "800.00", "300.00", "500.00", "500.00"),
                    (3, "200.00", "0.00", "200.00", "200.00")],
     "700.00", "700.00", "2024-04-01", {"number": 2, "due_date": "2024-04-01", "amount": "500.00"},
     "700.00", "28.00"),
]


def test_a_partners_statement_says_what_it_owes_and_since_when(client, db):
    fund, ministry, openai, _manager, person = _late_payer(db)
    headers = {"Authorization": f"Bearer {api_token_for(person)}"}
    url = f"/api/v1/funds/{fund.id}/partners/{openai.id}/statement"
    for as_of, calls, outstanding, overdue, since, next_due, paid_in, distributed in EXPECTED:
        answer = client.get(f"{url}?as_of={as_of}", headers=headers)
        assert answer.status_code == 200, answer.json
        body = answer.json
        assert [(c["number"], c["amount"], c["paid"], c["outstanding"], c["overdue"]) for c in body["calls"]] \
            == calls
        assert (body["outstanding"], body["overdue"], body["overdue_since"], body["next_due"]) == \
            (outstanding, overdue, since, next_due)
        assert (body["paid_in"], body["distributed"], body["commitment"]) == (paid_in, distributed, "4000.00")
        assert body["called"] == f"{sum(float(c[1]) for c in calls):.2f}"
    assert body["distributions"] == [{"number": 1, "date": "2024-05-01", "amount": "28.00"}]
    # the other partner's statement does not exist for OpenAI's officer
    assert client.get(f"/api/v1/funds/{fund.id}/partners/{ministry.id}/statement", headers=headers) \
        .status_code == 404

    sign_in(client, person)
    page = client.get(f"/funds/{fund.id}/partners/{openai.id}/statement?as_of=2024-07-01").data.decode()
    assert "My statement" in page and "KES700.00" in page and "Since 1 Apr 2024" in page
    assert "Call no. 2, due since 1 Apr 2024" in page and f"F{fund.id}-C2-P{openai.id}" in page
    assert "Pay to" in page and "IBAN KE12 3456 7890" in page
    paid_up = client.get(f"/funds/{fund.id}/partners/{openai.id}/statement?as_of=2024-02-20").data.decode()
    assert "Nothing due" in paid_up and "Nothing overdue" in paid_up
    pdf = client.get(f"/funds/{fund.id}/partners/{openai.id}/statement?as_of=2024-07-01&format=pdf")
    assert pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    for expected in ("Statement of OpenAI as of 1 July 2024", "KES500.00, overdue since 1 April 2024",
                     "KES500.00, due since 1 April 2024 (call no. 2)", f"F{fund.id}-C2-P{openai.id}",
                     "2 1 Mar 2024 1 Apr 2024 800.00 300.00 500.00 Overdue", "20 Apr 2024 2 300.00",
                     "treasury@fund.example"):
        assert expected in text, expected
    exported = client.get(f"/funds/{fund.id}/partners/{openai.id}/statement?as_of=2024-07-01&format=csv")
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert [(r["entry"], r["entry_label"], r["number"], r["call_number"], r["date"], r["amount"], r["paid"],
             r["outstanding"], r["overdue"]) for r in rows] == [
        ("capital_call", "Capital call", "1", "1", "2024-01-10", "400.00", "400.00", "0.00", "0.00"),
        ("capital_call", "Capital call", "2", "2", "2024-03-01", "800.00", "300.00", "500.00", "500.00"),
        ("capital_call", "Capital call", "3", "3", "2024-06-01", "200.00", "0.00", "200.00", "0.00"),
        ("payment", "Payment", "", "1", "2024-02-05", "400.00", "", "", ""),
        ("payment", "Payment", "", "2", "2024-04-20", "300.00", "", "", ""),
        ("distribution", "Distribution", "1", "", "2024-05-01", "28.00", "", "", "")]
    assert client.get(f"/api/v1/funds/{fund.id}/partners/{openai.id}/statement?format=csv",
                      headers=headers).mimetype == "text/csv"


def test_a_call_notice_carries_what_a_treasury_needs_to_pay(client, db):
    fund, _ministry, openai, manager, _person = _late_payer(db)
    sign_in(client, manager)
    first, second = client.get(f"/api/v1/funds/{fund.id}/capital-calls",
                               headers={"Authorization": f"Bearer {api_token_for(manager)}"}).json[:2]
    paid_up = _pdf_text(client.get(f"/funds/{fund.id}/partners/{openai.id}/calls/{first['id']}/notice.pdf").data)
    assert "This call is paid in full" in paid_up and "Pay to" not in paid_up
    text = _pdf_text(client.get(f"/funds/{fund.id}/partners/{openai.id}/calls/{second['id']}/notice.pdf").data)
    for expected in ("Capital call notice no. 2", "Amount due from you KES800.00", "Due date 1 April 2024",
                     "Date of the notice: 1 March 2024", "Balance due KES500.00",     # 300.00 paid late
                     "This call is overdue since 1 April 2024: please pay the balance due now",
                     "Central Bank of Kenya", "IBAN KE12 3456 7890", f"Payment reference F{fund.id}-C2-P{openai.id}",
                     "Questions about this notice: treasury@fund.example"):
        assert expected in text, expected


def test_payment_instructions_and_contact_are_fund_settings(client, db):
    fund, *_ = fund_with_partners(name="Kenya fund")
    admin = UserFactory(is_admin=True)
    db.session.commit()
    sign_in(client, admin)
    form = client.get(f"/funds/{fund.id}/edit").data.decode()
    assert 'name="payment_instructions"' in form and 'name="contact_email"' in form
    headers = {"Authorization": f"Bearer {api_token_for(admin)}"}
    answer = client.get(f"/api/v1/funds/{fund.id}", headers=headers)
    for field, value in (("contact_email", "not an address"), ("payment_instructions", "x" * 2001),
                         ("payment_instructions", "line\n" * 56)):
        body = {key: value for key, value in answer.json.items() if key != "id"} | {field: value}
        refused = client.put(f"/api/v1/funds/{fund.id}", json=body, headers=headers)
        assert refused.status_code == 422 and field in refused.json["error"]["fields"], refused.json
    body = {key: value for key, value in answer.json.items() if key != "id"} | {
        "contact_email": " Treasury@Fund.example ", "payment_instructions": "IBAN KE12"}
    saved = client.put(f"/api/v1/funds/{fund.id}", json=body, headers=headers)
    assert (saved.json["contact_email"], saved.json["payment_instructions"]) == ("Treasury@fund.example",
                                                                                  "IBAN KE12")


def test_the_longest_payment_instructions_still_print(client, db):
    fund, _ministry, openai, manager, _person = _late_payer(db)
    fund.payment_instructions = "\n".join(f"Line {n}: " + "IBAN KE12 3456 7890 " * 4 for n in range(20))
    db.session.commit()
    sign_in(client, manager)
    second = client.get(f"/api/v1/funds/{fund.id}/capital-calls",       # 500.00 still owed on it
                        headers={"Authorization": f"Bearer {api_token_for(manager)}"}).json[1]
    notice = client.get(f"/funds/{fund.id}/partners/{openai.id}/calls/{second['id']}/notice.pdf")
    assert notice.status_code == 200 and "Line 19" in _pdf_text(notice.data)
