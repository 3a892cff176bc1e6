"""Scoring against hand-computed tables (SPEC section 4)."""
import math

import pytest

from fundapp.applications.scoring import Criterion, Review, failing_criteria, fund_scores, review_score

TEAM = Criterion(1, weight=2, scale_min=1, scale_max=5, minimum=3)
MARKET = Criterion(2, weight=1, scale_min=1, scale_max=5)
IMPACT = Criterion(3, weight=1, scale_min=0, scale_max=10)
RUBRIC = [TEAM, MARKET, IMPACT]


@pytest.mark.parametrize(("scores", "expected"), [
    # team 2*(4/4)=2, market 1*(2/4)=0.5, impact n/a left out: 2.5/3 -> 83.33
    ({1: 5, 2: 3, 3: None}, 250 / 3),
    # all at the bottom of their scales
    ({1: 1, 2: 1, 3: 0}, 0.0),
    # team 2*(2/4)=1, market 1*(4/4)=1, impact 1*(5/10)=0.5: 2.5/4 -> 62.5
    ({1: 3, 2: 5, 3: 5}, 62.5),
    # only impact scored: 7/10 -> 70
    ({1: None, 2: None, 3: 7}, 70.0),
    # a criterion missing from the scores counts as n/a
    ({1: 5}, 100.0),
    ({1: None, 2: None, 3: None}, None),
])
def test_review_score(scores, expected):
    result = review_score(RUBRIC, scores)
    assert result == (pytest.approx(expected) if expected is not None else None)


def reviews_table() -> list[Review]:
    """Reviewer 10 reviews three applications (its own scale applies); reviewer 20 only two.

    Review scores are set through the impact criterion alone (0-10 scale, weight 1):
    reviewer 10: app 1 -> 80, app 2 -> 60, app 3 -> 70; reviewer 20: app 1 -> 50, app 2 -> 90.
    """
    def review(app, reviewer, impact):
        return Review(app, reviewer, {1: None, 2: None, 3: impact})
    return [review(1, 10, 8), review(2, 10, 6), review(3, 10, 7), review(1, 20, 5), review(2, 20, 9)]


def test_normalized_scores_remove_reviewer_harshness():
    # fund: scores 80, 60, 70, 50, 90 -> mu 70, sigma sqrt(200) = 14.1421
    # reviewer 10: mu 70, sigma sqrt(200/3) = 8.1650 (three reviews: its own scale)
    # reviewer 20: two reviews only -> the fund's scale
    results = fund_scores(RUBRIC, reviews_table())
    sigma_fund, sigma_10 = math.sqrt(200), math.sqrt(200 / 3)
    z_app1 = ((80 - 70) / sigma_10 + (50 - 70) / sigma_fund) / 2          # (1.22474 - 1.41421) / 2
    assert results[1].score == pytest.approx(65)
    assert results[1].normalized_score == pytest.approx(70 + sigma_fund * z_app1)
    assert results[1].normalized_score == pytest.approx(68.660254, abs=1e-6)
    assert results[2].score == pytest.approx(75)
    assert results[2].normalized_score == pytest.approx(71.339746, abs=1e-6)
    assert results[3].score == pytest.approx(70) and results[3].normalized_score == pytest.approx(70)


def test_disagreement_is_the_population_spread_flagged_at_15():
    results = fund_scores(RUBRIC, reviews_table())
    assert results[1].disagreement == pytest.approx(15.0) and results[1].flagged      # 80 vs 50
    assert results[3].disagreement == 0 and not results[3].flagged
    calmer = fund_scores(RUBRIC, [Review(1, 10, {3: 8}), Review(1, 20, {3: 6})])      # 80 vs 60: 10
    assert calmer[1].disagreement == pytest.approx(10.0) and not calmer[1].flagged


def test_all_equal_scores_give_the_mean():
    results = fund_scores(RUBRIC, [Review(1, 10, {3: 5}), Review(2, 10, {3: 5}), Review(2, 20, {3: 5})])
    assert results[1].normalized_score == pytest.approx(50) and results[2].normalized_score == pytest.approx(50)


def test_an_application_with_only_na_reviews_has_no_score():
    results = fund_scores(RUBRIC, [Review(1, 10, {1: None}), Review(2, 10, {3: 5})])
    assert results[1].score is None and results[1].normalized_score is None and results[1].reviews == 0


@pytest.mark.parametrize(("team_scores", "failing"), [
    ([2, 2, 5], [1]),        # median 2 < 3
    ([3, 2, 5], []),         # median 3 is not below 3
    ([2, 4], []),            # median 3.0
    ([1, 4], [1]),           # median 2.5
    ([None, 2], [1]),        # n/a left out: median 2
    ([None, None], []),      # nothing to judge
])
def test_failing_criteria_by_median(team_scores, failing):
    reviews = [Review(1, index, {1: score}) for index, score in enumerate(team_scores)]
    assert failing_criteria(RUBRIC, reviews) == failing
