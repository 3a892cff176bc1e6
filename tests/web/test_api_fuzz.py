"""The API fuzzed from its own OpenAPI document (schemathesis): as a manager and as a founder, no
request gets a server error, and every answer conforms to the document (status, content type, body)."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi import checks

from tests.factories import GrantFactory, api_token_for

# Status, content type, headers and bodies as documented; a request valid by the schema may still break
# a business rule (an unknown country code, an amount above the cash), so rejecting it is no failure.
EXCLUDED = [checks.positive_data_acceptance, checks.ignored_auth, checks.use_after_free,
            checks.ensure_resource_availability]
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                database=None)


@pytest.mark.parametrize("who", ["manager", "founder"])
def test_every_operation_answers_as_documented(app, db, portfolio_, who):
    fund, manager, founder, _companies = portfolio_
    GrantFactory(user=manager, fund=fund, role="manager")
    token = api_token_for(manager if who == "manager" else founder)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:
        @FUZZ
        @given(case=operation.as_strategy())
        def fuzz(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=EXCLUDED)
        fuzz()
