"""The capital resources of the API: amounts as strings in major units, allocations, metrics."""
import pytest
from sqlalchemy import select

from fundapp.ledger.models import CapitalCall, Payment
from tests.factories import FundFactory, PartnerFactory, api_token_for, staff_with_role


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def jordan(db):
    """A JOD fund (three decimals): the government commits 600.000, OpenAI 400.000."""
    fund = FundFactory(currency="JOD", vintage_year=2024)
    government = PartnerFactory(fund=fund, name="Ministry", kind="government", commitment=600_000)
    openai = PartnerFactory(fund=fund, name="OpenAI", kind="co_investor", commitment=400_000)
    return fund, government, openai


def test_a_year_of_capital_through_the_api(client, db, jordan):
    fund, government, openai = jordan
    token = bearer(api_token_for(staff_with_role("manager", fund)))
    call = client.post(f"/api/v1/funds/{fund.id}/capital-calls", headers=token, json={
        "call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "100.001", "purpose": "investment"})
    assert call.status_code == 201, call.json
    assert call.json["amount"] == "100.001"
    assert call.json["allocations"] == [{"partner_id": government.id, "amount": "60.001"},
                                        {"partner_id": openai.id, "amount": "40.000"}]
    call_id = call.json["id"]
    paid = client.post(f"/api/v1/capital-calls/{call_id}/payments", headers=token,
                       json={"partner_id": government.id, "date": "2024-02-01", "amount": "60.001"})
    assert paid.status_code == 201 and paid.json["amount"] == "60.001"
    over = client.post(f"/api/v1/capital-calls/{call_id}/payments", headers=token,
                       json={"partner_id": openai.id, "date": "2024-02-01", "amount": "40.001"})
    assert over.status_code == 422 and "amount" in over.json["error"]["fields"]
    client.post(f"/api/v1/capital-calls/{call_id}/payments", headers=token,
                json={"partner_id": openai.id, "date": "2024-03-01", "amount": "10"})
    company = client.post("/api/v1/companies", headers=token, json={
        "name": "Petra Health", "country": "JO", "sector": "health", "fund_id": fund.id})
    assert company.status_code == 201
    investment = client.post(f"/api/v1/funds/{fund.id}/investments", headers=token, json={
        "company_id": company.json["id"], "date": "2024-03-15", "amount": "50", "instrument": "equity",
        "ownership": "0.1500", "pre_money_valuation": "250"})
    assert investment.status_code == 201 and investment.json["ownership"] == "0.1500"
    mark = client.post(f"/api/v1/investments/{investment.json['id']}/valuations", headers=token,
                       json={"date": "2024-12-31", "fair_value": "80.5"})
    assert mark.status_code == 201 and mark.json["fair_value"] == "80.500"
    expense = client.post(f"/api/v1/funds/{fund.id}/expenses", headers=token, json={
        "date": "2024-06-30", "amount": "1.5", "category": "management_fee"})
    assert expense.status_code == 201
    distribution = client.post(f"/api/v1/funds/{fund.id}/distributions", headers=token,
                               json={"date": "2024-07-01", "amount": "7"})
    assert distribution.status_code == 201
    # paid-in on 1 July: 60.001 and 10.000 -> 7.000 split 6.000 / 1.000 (remainders to the largest)
    assert [a["amount"] for a in distribution.json["allocations"]] == ["6.000", "1.000"]

    metrics = client.get(f"/api/v1/funds/{fund.id}/metrics?as_of=2024-12-31", headers=token).json
    assert metrics["paid_in"] == "70.001" and metrics["invested"] == "50.000"
    # cash = 70.001 - 50 - 1.5 - 7 = 11.501; NAV = 80.5 + 11.501
    assert metrics["cash"] == "11.501" and metrics["nav"] == "92.001"
    assert metrics["private_to_public"] == pytest.approx(10 / 60.001)
    assert metrics["companies"][0]["moic"] == pytest.approx(80.5 / 50)
    assert {p["partner_id"] for p in metrics["partners"]} == {government.id, openai.id}
    assert isinstance(metrics["net_irr"], float)

    exit_ = client.post(f"/api/v1/funds/{fund.id}/exits", headers=token, json={
        "company_id": company.json["id"], "date": "2025-01-15", "proceeds": "0.0001", "kind": "acquisition"})
    assert exit_.status_code == 422 and "proceeds" in exit_.json["error"]["fields"]


@pytest.mark.parametrize(("body", "field"), [
    ({"call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "1000.001", "purpose": "investment"}, "amount"),
    ({"call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "-1", "purpose": "investment"}, "amount"),
    ({"call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "ten", "purpose": "investment"}, "amount"),
    ({"call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "1.0001", "purpose": "investment"}, "amount"),
    ({"call_date": "2023-01-10", "due_date": "2024-02-10", "amount": "1", "purpose": "investment"}, "call_date"),
    ({"call_date": "2024-01-10", "due_date": "2024-01-01", "amount": "1", "purpose": "investment"}, "due_date"),
    ({"call_date": "not a date", "due_date": "2024-01-01", "amount": "1", "purpose": "investment"}, "call_date"),
    ({"call_date": "2024-01-10", "due_date": "2024-02-10", "amount": 5, "purpose": "investment"}, "amount"),
])
def test_bad_calls_are_422_and_save_nothing(client, db, jordan, body, field):
    fund = jordan[0]
    token = bearer(api_token_for(staff_with_role("manager", fund)))
    response = client.post(f"/api/v1/funds/{fund.id}/capital-calls", headers=token, json=body)
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    assert db.session.scalar(select(CapitalCall)) is None


def test_other_funds_ids_answer_404(client, db, jordan):
    fund = jordan[0]
    other = FundFactory()
    PartnerFactory(fund=other, commitment=1000)
    token = bearer(api_token_for(staff_with_role("manager", other)))
    assert client.post(f"/api/v1/funds/{fund.id}/capital-calls", headers=token, json={}).status_code == 404
    manager = bearer(api_token_for(staff_with_role("manager", fund)))
    call = client.post(f"/api/v1/funds/{fund.id}/capital-calls", headers=manager, json={
        "call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "1", "purpose": "fees"}).json
    response = client.post(f"/api/v1/capital-calls/{call['id']}/payments", headers=token,
                           json={"partner_id": jordan[1].id, "date": "2024-02-01", "amount": "0.6"})
    assert response.status_code == 404
    assert db.session.scalar(select(Payment)) is None


def test_partner_sees_fund_totals_and_only_its_own_account(client, db, jordan):
    fund, government, openai = jordan
    manager = bearer(api_token_for(staff_with_role("manager", fund)))
    client.post(f"/api/v1/funds/{fund.id}/capital-calls", headers=manager, json={
        "call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "100", "purpose": "fees"})
    from fundapp.auth.models import Grant
    from tests.factories import GrantFactory, UserFactory
    person = UserFactory()
    GrantFactory(user=person, fund=fund, role="partner", partner=openai)
    token = bearer(api_token_for(person))
    metrics = client.get(f"/api/v1/funds/{fund.id}/metrics", headers=token).json
    assert metrics["called"] == "100.000"
    assert [p["partner_id"] for p in metrics["partners"]] == [openai.id]
    assert client.get(f"/api/v1/funds/{fund.id}/capital-calls", headers=token).status_code == 403
    assert Grant


def test_reversal_through_the_api_restores_the_figures(client, db, jordan):
    fund, government, openai = jordan
    token = bearer(api_token_for(staff_with_role("manager", fund)))
    call = client.post(f"/api/v1/funds/{fund.id}/capital-calls", headers=token, json={
        "call_date": "2024-01-10", "due_date": "2024-02-10", "amount": "100", "purpose": "investment"}).json
    before = client.get(f"/api/v1/funds/{fund.id}/metrics?as_of=2024-12-31", headers=token).json
    paid = client.post(f"/api/v1/capital-calls/{call['id']}/payments", headers=token,
                       json={"partner_id": government.id, "date": "2024-02-01", "amount": "60"}).json
    refused = client.post(f"/api/v1/funds/{fund.id}/reversals", headers=token,
                          json={"kind": "capital_call", "entry_id": call["id"], "reason": "Entered twice"})
    assert refused.status_code == 422 and "payments of this call first" in refused.json["error"]["fields"]["entry"]
    silent = client.post(f"/api/v1/funds/{fund.id}/reversals", headers=token,
                         json={"kind": "payment", "entry_id": paid["id"]})
    assert silent.status_code == 422 and "reason" in silent.json["error"]["fields"]      # why is required
    reversed_ = client.post(f"/api/v1/funds/{fund.id}/reversals", headers=token,
                            json={"kind": "payment", "entry_id": paid["id"], "reason": "Entered twice"})
    assert reversed_.status_code == 201 and reversed_.json["reversal_id"] != paid["id"]
    assert client.get(f"/api/v1/funds/{fund.id}/metrics?as_of=2024-12-31", headers=token).json == before
    again = client.post(f"/api/v1/funds/{fund.id}/reversals", headers=token,
                        json={"kind": "payment", "entry_id": paid["id"], "reason": "Entered twice"})
    assert again.status_code == 422
    unknown = client.post(f"/api/v1/funds/{fund.id}/reversals", headers=token,
                          json={"kind": "expense", "entry_id": 99999, "reason": "Entered twice"})
    assert unknown.status_code == 422 and "entry_id" in unknown.json["error"]["fields"]
