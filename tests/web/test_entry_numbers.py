"""Numbers per fund (SPEC 11): calls and distributions are numbered 1, 2, 3… within each fund, in order of
entry, never reused or renumbered; a reversed call keeps its number; the number is on the pages, the
notices, the statement, the report's tables and the API (`number`)."""
import io
from datetime import date as D

from pypdf import PdfReader

from fundapp.ledger import capital, reversal
from fundapp.ledger.models import CapitalCall
from fundapp.ledger.numbers import number_of, numbers
from tests.conftest import sign_in
from tests.factories import api_token_for, fund_with_partners, staff_with_role


def test_each_fund_numbers_its_own_calls_and_distributions(client, db):
    kenya, ministry, _openai = fund_with_partners(name="Kenya fund")
    senegal, *_ = fund_with_partners(name="Senegal fund", currency="XOF")
    kenya_manager, senegal_manager = staff_with_role("manager", kenya), staff_with_role("manager", senegal)
    first = capital.record_call(kenya_manager, kenya, D(2024, 1, 10), D(2024, 2, 10), "1000", "investment")
    senegal_first = capital.record_call(senegal_manager, senegal, D(2024, 1, 12), D(2024, 2, 12), "500",
                                        "fees")
    second = capital.record_call(kenya_manager, kenya, D(2024, 3, 10), D(2024, 4, 10), "2000", "investment")
    reversal.reverse(kenya_manager, kenya, "capital_call", second, "Entered twice")
    third = capital.record_call(kenya_manager, kenya, D(2024, 5, 10), D(2024, 6, 10), "1500", "investment")
    capital.record_payment(kenya_manager, kenya, first, ministry.id, D(2024, 2, 1), "600")
    distribution = capital.record_distribution(kenya_manager, kenya, D(2024, 3, 1), "100")
    db.session.commit()

    assert (number_of(first), number_of(senegal_first), number_of(second), number_of(third)) == (1, 1, 2, 3)
    reversing = db.session.query(CapitalCall).filter(CapitalCall.reverses_id == second.id).one()
    assert number_of(reversing) == 2 and numbers(CapitalCall, kenya.id)[reversing.id] == 2
    assert number_of(distribution) == 1

    calls = client.get(f"/api/v1/funds/{kenya.id}/capital-calls",
                       headers={"Authorization": f"Bearer {api_token_for(kenya_manager)}"}).json
    assert [call["number"] for call in calls] == [1, 3]               # the reversed call is not in force
    assert third.id == 5                  # ids run across funds; numbers do not
    sign_in(client, kenya_manager)
    page = client.get(f"/funds/{kenya.id}/capital").data.decode()
    assert "No. 3 ·" in page and "No. 2 ·" in page and "No. 5 ·" not in page
    statement = client.get(f"/funds/{kenya.id}/partners/{ministry.id}/statement").data.decode()
    assert "Capital call no. 3" in statement and "Payment on call no. 1" in statement
    assert "Distribution no. 1" in statement
    pdf = client.get(f"/funds/{kenya.id}/partners/{ministry.id}/calls/{third.id}/notice.pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Capital call notice no. 3" in text
