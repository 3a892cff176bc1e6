"""The committee's quorum and majority (SPEC 10), on plain values."""
import pytest

from fundapp.applications.committee import against_majority, quorum, tally


@pytest.mark.parametrize(("setting", "eligible", "needed"), [
    (None, 5, 3), (None, 4, 3), (None, 3, 2), (None, 1, 1), (None, 0, 1), (2, 5, 2), (4, 3, 4)])
def test_the_quorum_is_the_setting_or_a_majority_of_those_who_may_vote(setting, eligible, needed):
    assert quorum(setting, eligible) == needed


def test_recused_members_do_not_count_towards_the_default_quorum():
    result = tally(["approve", "decline", None], recused=2, members=5, setting=None)
    assert (result.eligible, result.required, result.cast, result.quorate) == (3, 2, 2, True)
    assert tally(["approve", None, None], recused=0, members=3, setting=None).quorate is False


def test_abstentions_count_towards_the_quorum_but_not_the_majority():
    result = tally(["abstain", "abstain", "approve"], recused=0, members=3, setting=None)
    assert result.quorate and result.majority == "approved"
    assert tally(["abstain", "abstain"], recused=0, members=3, setting=None).majority is None


def test_a_decision_against_the_majority_is_named_and_a_tie_has_none():
    declined = tally(["decline", "decline", "approve"], recused=0, members=3, setting=None)
    assert against_majority(declined, "approved") and not against_majority(declined, "declined")
    tied = tally(["decline", "approve"], recused=0, members=2, setting=None)
    assert tied.majority is None and not against_majority(tied, "approved")


def test_a_committee_all_recused_never_reaches_quorum():
    assert not tally([], recused=3, members=3, setting=None).quorate
    assert not tally(["approve"], recused=0, members=1, setting=2).quorate
