"""Pure scoring of applications (SPEC section 4): review scores, harshness-normalized scores,
disagreement and failing criteria. Imports neither Flask nor SQLAlchemy."""
from collections import defaultdict
from dataclasses import dataclass, field
from statistics import fmean, median, pstdev

DISAGREEMENT_FLAG = 15.0
MIN_REVIEWS_FOR_OWN_SCALE = 3


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: float
    scale_min: int = 1
    scale_max: int = 5
    minimum: float | None = None


@dataclass(frozen=True)
class Review:
    application_id: int
    reviewer_id: int
    scores: dict[int, int | None]  # criterion id -> score, None for n/a


@dataclass
class ApplicationScores:
    score: float | None
    normalized_score: float | None
    disagreement: float | None
    flagged: bool
    failing_criteria: list[int] = field(default_factory=list)
    reviews: int = 0


def review_score(criteria: list[Criterion], scores: dict[int, int | None]) -> float | None:
    """0-100: the weighted mean of each scored criterion's place on its scale; n/a is left out of
    both sums (never counted as 0). None when every criterion is n/a."""
    weighted, weights = 0.0, 0.0
    for criterion in criteria:
        value = scores.get(criterion.id)
        if value is None:
            continue
        span = criterion.scale_max - criterion.scale_min
        weighted += criterion.weight * (value - criterion.scale_min) / span
        weights += criterion.weight
    return weighted / weights * 100 if weights else None


def _z(score: float, mean: float, spread: float) -> float:
    return (score - mean) / spread if spread else 0.0


def fund_scores(criteria: list[Criterion], reviews: list[Review]) -> dict[int, ApplicationScores]:
    """Every application's scores from all of a fund's submitted reviews.

    A reviewer with at least three reviews and a non-zero spread is measured against its own mean
    and spread; others against the fund's. The normalized score maps the mean z back onto the fund's
    scale: mu + sigma * mean(z).
    """
    scored = [(review, review_score(criteria, review.scores)) for review in reviews]
    scored = [(review, score) for review, score in scored if score is not None]
    all_scores = [score for _review, score in scored]
    fund_mean = fmean(all_scores) if all_scores else 0.0
    fund_spread = pstdev(all_scores) if len(all_scores) > 1 else 0.0
    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for review, score in scored:
        by_reviewer[review.reviewer_id].append(score)
    own_scale = {reviewer: (fmean(values), pstdev(values)) for reviewer, values in by_reviewer.items()
                 if len(values) >= MIN_REVIEWS_FOR_OWN_SCALE and pstdev(values) > 0}

    by_application: dict[int, list[tuple[Review, float]]] = defaultdict(list)
    for review, score in scored:
        by_application[review.application_id].append((review, score))
    reviews_of: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        reviews_of[review.application_id].append(review)
    results = {}
    for application_id, own_reviews in reviews_of.items():
        pairs = by_application.get(application_id, [])
        scores = [score for _review, score in pairs]
        zs = [_z(score, *own_scale.get(review.reviewer_id, (fund_mean, fund_spread)))
              for review, score in pairs]
        disagreement = pstdev(scores) if scores else None
        results[application_id] = ApplicationScores(
            score=fmean(scores) if scores else None,
            normalized_score=fund_mean + fund_spread * fmean(zs) if zs else None,
            disagreement=disagreement,
            flagged=disagreement is not None and disagreement >= DISAGREEMENT_FLAG,
            failing_criteria=failing_criteria(criteria, own_reviews),
            reviews=len(scores))
    return results


def failing_criteria(criteria: list[Criterion], reviews: list[Review]) -> list[int]:
    """Criteria whose median score (n/a left out) is below their minimum."""
    failing = []
    for criterion in criteria:
        if criterion.minimum is None:
            continue
        values = [r.scores.get(criterion.id) for r in reviews if r.scores.get(criterion.id) is not None]
        if values and median(values) < criterion.minimum:
            failing.append(criterion.id)
    return failing
