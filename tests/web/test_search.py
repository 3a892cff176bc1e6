"""Search and possible duplicates as a manager meets them: the queue page, the application's page and
the API."""
import pytest

from fundapp.auth.models import Grant
from fundapp.extensions import db as database
from tests.conftest import sign_in
from tests.factories import FundFactory, api_token_for, staff_with_role
from tests.integration.test_search import TEXT, apply


@pytest.fixture
def queue_of(db):
    fund, other = FundFactory(), FundFactory()
    manager = staff_with_role("manager", fund)
    shamba = apply(fund, "Shamba Cold", region="Nairobi", number="KE-2024-01",
                   pitch="Cold rooms for <farmers>", problem=TEXT)
    apply(fund, "Duka Books", region="nairobi", pitch="Bookkeeping by SMS", problem="Shops lose notebooks.")
    apply(fund, "Agri Fr", region="Thiès", pitch="Pour l'agriculteur", problem="Les récoltes se perdent.")
    copy = apply(other, "SHAMBA COLD LTD", number="ke 2024 01", pitch="Cold rooms", problem="Other words.")
    database.session.commit()
    return fund, other, manager, shamba, copy


def test_a_manager_searches_the_queue_and_sees_the_words_found(client, queue_of):
    fund, _other, manager, shamba, _copy = queue_of
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications?q=FARMER").get_data(as_text=True)
    assert "Shamba Cold" in page and "Duka Books" not in page and "1 application" in page
    assert "Cold rooms for &lt;<mark>farmers</mark>&gt;" in page          # found, marked and escaped
    assert '<option value="relevance" selected>' in page
    page = client.get(f"/funds/{fund.id}/applications?q=agriculteurs").get_data(as_text=True)
    assert "Agri Fr" in page and "<mark>agriculteur</mark>" in page and "Shamba Cold" not in page
    page = client.get(f"/funds/{fund.id}/applications?q=shamba").get_data(as_text=True)
    assert "<mark>Shamba</mark> Cold" in page


def test_the_region_filter_offers_the_funds_regions_and_ignores_case(client, queue_of):
    fund, _other, manager, *_ = queue_of
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications?region=NAIROBI").get_data(as_text=True)
    assert '<option value="Nairobi" selected>' in page and page.count('<option value="Nairobi"') == 1
    assert '<option value="Thiès"' in page and "2 applications" in page
    assert "Agri Fr" not in page


def test_syntax_a_user_types_is_never_an_error(client, queue_of):
    fund, _other, manager, *_ = queue_of
    sign_in(client, manager)
    for typed in ('"', "NEAR(", "a OR", "*", "(x", "title:x", "!&|", "x" * 300):
        assert client.get(f"/funds/{fund.id}/applications", query_string={"q": typed}).status_code == 200
    headers = {"Authorization": f"Bearer {api_token_for(manager)}"}
    for typed in ('"', "NEAR(", "a OR", "*", "(x", "title:x", "!&|"):
        answer = client.get(f"/api/v1/funds/{fund.id}/applications", query_string={"q": typed}, headers=headers)
        assert answer.status_code == 200 and isinstance(answer.json, list)
    answer = client.get(f"/api/v1/funds/{fund.id}/applications", query_string={"q": "x" * 201}, headers=headers)
    assert answer.status_code == 422 and "q" in answer.json["error"]["fields"]


def test_the_api_lists_what_a_search_found_and_where(client, queue_of):
    fund, _other, manager, shamba, _copy = queue_of
    headers = {"Authorization": f"Bearer {api_token_for(manager)}"}
    listed = client.get(f"/api/v1/funds/{fund.id}/applications?q=farmer+nairobi&region=NAIROBI",
                        headers=headers).json
    assert [a["id"] for a in listed] == [shamba.id]
    assert listed[0]["matched"] == ["farmers", "Nairobi"]
    assert listed[0]["excerpt"].startswith("Cold rooms for <farmers>")
    assert listed[0]["possible_duplicates"] == []       # its twin is in a fund this manager does not run


def test_possible_duplicates_are_flagged_in_the_funds_a_manager_runs(client, queue_of):
    fund, other, manager, shamba, copy = queue_of
    database.session.add(Grant(user_id=manager.id, fund_id=other.id, role="manager"))
    database.session.commit()
    sign_in(client, manager)
    page = client.get(f"/funds/{fund.id}/applications").get_data(as_text=True)
    assert page.count("Possible duplicate") == 1 and f"/applications/{shamba.id}#duplicates" in page
    page = client.get(f"/funds/{fund.id}/applications/{shamba.id}").get_data(as_text=True)
    assert 'id="duplicates"' in page and "SHAMBA COLD LTD" in page and "The same registration number" in page
    assert f"/funds/{other.id}/applications/{copy.id}" in page
    headers = {"Authorization": f"Bearer {api_token_for(manager)}"}
    listed = client.get(f"/api/v1/applications/{shamba.id}/duplicates", headers=headers).json
    assert listed == [{"application_id": copy.id, "fund_id": other.id, "fund_name": other.name,
                       "company_name": "SHAMBA COLD LTD", "state": "submitted", "same_company": False,
                       "same_registration": True, "similarity": None}]
    listed = client.get(f"/api/v1/funds/{fund.id}/applications", headers=headers).json
    assert {a["id"]: a["possible_duplicates"] for a in listed}[shamba.id] == [copy.id]


def test_a_manager_of_one_fund_does_not_learn_of_the_other(client, queue_of):
    fund, other, manager, shamba, copy = queue_of
    headers = {"Authorization": f"Bearer {api_token_for(manager)}"}
    assert client.get(f"/api/v1/applications/{shamba.id}/duplicates", headers=headers).json == []
    assert client.get(f"/api/v1/applications/{copy.id}/duplicates", headers=headers).status_code == 404
    outsider = {"Authorization": f"Bearer {api_token_for(staff_with_role('manager', other))}"}
    assert client.get(f"/api/v1/applications/{shamba.id}/duplicates", headers=outsider).status_code == 404
