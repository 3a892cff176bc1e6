"""Every HTML form and every page's query string fuzzed with hypothesis: whatever a manager or a founder
posts or asks for, no answer is a server error, and a refused post (4xx) saves nothing."""
import re

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import sign_in

# What people type, and what attackers do: numbers, dates, quarters, long and hostile text.
VALUES = st.one_of(
    st.text(max_size=40), st.integers(-10**20, 10**20).map(str), st.sampled_from(
        ["", "0", "-1", "1e9", "NaN", "2026-02-30", "2026Q9", "2025Q2", "1 000,50", "=1+1", "' OR 1=1 --",
         "<script>alert(1)</script>", "\x00", "9" * 40, "0.12345678", "yes", "on", "1e400000", "\x0b",
         "2300-01-01", "9999-12-31", "0001-01-01", str(2**64 + 1), "-" + "9" * 30, "१२३"]))
# The query string's names the pages use, and some they do not.
QUERY_NAMES = ["page", "as_of", "state", "sort", "sector", "region", "min_amount", "max_amount", "min_score",
               "max_score", "flag", "reviewer", "format", "company", "company_id", "show", "edit", "period",
               "from_application", "q", "type", "user", "fund", "action", "next", "kind"]


def posted_routes(app, people_of) -> list[str]:
    """The HTML routes taking a form (the API has its own fuzzing), as the endpoints they are."""
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and not rule.endpoint.startswith(("api", "auth.")))


def field_names(client, paths: list[str]) -> list[str]:
    names = set()
    for path in paths:
        names |= set(re.findall(r'name="([\w-]+)"', client.get(path).data.decode()))
    return sorted(names - {"csrf_token"}) or ["name"]


@pytest.mark.seeded("world")
@pytest.mark.parametrize("who", ["manager_a", "founder"])
def test_no_form_answers_a_server_error_and_refusals_save_nothing(app, db, world, who):
    from fundapp.extensions import db as extension
    people, _tokens, params = world
    client = app.test_client()
    sign_in(client, people[who])
    fund = params["fund_id"]
    pages = ([f"/funds/{fund}/capital", f"/funds/{fund}/portfolio/", f"/funds/{fund}/rubric",
              f"/funds/{fund}/applications", f"/funds/{fund}/headcount", f"/funds/{fund}/reports/",
              f"/funds/{fund}/applications/{params['application_id']}", f"/funds/{fund}"]
             if who == "manager_a" else
             ["/portal/", "/portal/companies/new", f"/portal/applications/{params['application_id']}",
              f"/portal/companies/{params['company_id']}/headcount"])
    names = field_names(client, pages)
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}

    def counts():
        return [db.session.scalar(select(func.count()).select_from(table))
                for table in extension.metadata.sorted_tables if table.name != "report_downloads"]

    for endpoint in posted_routes(app, people):
        rule = rules[endpoint]
        overrides = params["overrides"].get(endpoint, {})
        with app.test_request_context():
            path = url_for(endpoint, **{name: overrides.get(name, params.get(name)) for name in rule.arguments})
        fuzz(client, path, names, counts)


def fuzz(client, path: str, names: list[str], counts) -> None:
    """Post hypothesis's forms made of the page's field names to one route."""
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    @given(form=st.dictionaries(st.sampled_from(names), VALUES, max_size=8))
    def post(form):
        before = counts()
        response = client.post(path, data=form)
        assert response.status_code < 500, (path, form, response.status_code)
        if response.status_code >= 400:
            assert counts() == before, (path, form, response.status_code)
    post()


@pytest.mark.seeded("world")
@pytest.mark.parametrize("who", ["manager_a", "founder"])
def test_no_query_string_answers_a_server_error(app, db, world, who):
    people, _tokens, params = world
    client = app.test_client()
    sign_in(client, people[who])
    pages = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.startswith(("api", "static", "bootstrap")) \
                or rule.endpoint in ("auth.logout",):
            continue
        overrides = params["overrides"].get(rule.endpoint, {})
        with app.test_request_context():
            path = url_for(rule.endpoint, **{name: overrides.get(name, params.get(name))
                                             for name in rule.arguments})
        ask(client, path)
        pages += 1
    assert pages > 40


def ask(client, path: str) -> None:
    """Ask hypothesis's query strings of one page."""
    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
              database=None)
    @given(query=st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, max_size=4))
    def get(query):
        response = client.get(path, query_string=query)
        assert response.status_code < 500, (path, query, response.status_code)
        response.close()
    get()
