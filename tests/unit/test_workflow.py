import pytest

from fundapp.applications.eligibility import Rules, reasons
from fundapp.applications.workflow import STATES, TRANSITIONS, may_move, moves

RULES = Rules(country="KE", min_ticket=500_000_000, max_ticket=13_000_000_000,
              sectors=("fintech", "health"), employee_cap=250)


@pytest.mark.parametrize(("args", "expected"), [
    (("KE", "fintech", 1_000_000_000, 10, 4), []),
    (("SN", "fintech", 1_000_000_000, 10, 4), ["country"]),
    (("KE", "tourism", 1_000_000_000, 10, 4), ["sector"]),
    (("KE", "fintech", 499_999_999, 10, 4), ["ticket"]),
    (("KE", "fintech", 13_000_000_000, 10, 4), []),          # bounds are inclusive
    (("KE", "fintech", 13_000_000_001, 10, 4), ["ticket"]),
    (("KE", "fintech", None, 10, 4), ["ticket"]),
    (("KE", "fintech", 1_000_000_000, 240, 10), ["employees"]),   # 250 is not fewer than 250
    (("KE", "fintech", 1_000_000_000, 240, 9), []),
    (("UG", "mining", 1, 300, 0), ["country", "ticket", "sector", "employees"]),
])
def test_eligibility(args, expected):
    assert reasons(RULES, *args) == expected


def test_every_sector_is_eligible_when_the_fund_lists_none():
    assert reasons(Rules("KE", 1, 10, (), 5), "KE", "anything", 5, 1, 0) == []


def test_workflow_table():
    assert set(TRANSITIONS) == set(STATES)
    assert moves("draft", "founder") == ["submitted", "withdrawn"]
    assert moves("committee", "manager") == ["approved", "declined"]
    assert may_move("approved", "invested", "investment")         # only by recording the investment
    assert not may_move("approved", "invested", "manager")
    assert not may_move("approved", "withdrawn", "founder")      # no withdrawal after a decision
    assert not may_move("submitted", "approved", "manager")      # no skipping steps
    assert not may_move("declined", "screening", "manager")
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(STATES)
