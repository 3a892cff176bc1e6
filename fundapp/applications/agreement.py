"""How far a fund's reviewers agree (SPEC 14): Krippendorff's alpha for interval data of the review scores,
overall and per criterion, stored on the fund whenever its scores are refreshed, so that a committee knows
how much weight the ranking bears. Each application is a unit, each reviewer a coder; a criterion marked
n/a is a missing value, and an application with fewer than two scores is not pairable."""
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time

import numpy as np
import pandas as pd
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fundapp.applications import scoring
from fundapp.applications.models import Review
from fundapp.extensions import db
from fundapp.web.formatting import ratio

# Krippendorff's guidance (Content Analysis, 2004, p. 241): rely on alpha >= .800, draw tentative
# conclusions only from .667 to .800; at 0 and below the scores agree no better than chance.
RELIABLE, TENTATIVE = 0.800, 0.667
MIN_UNITS = 5       # applications scored at least twice before an alpha is told
READINGS = {  # code -> a short label, and what it means in a sentence
    "reliable": (_l("reliable"), _l(
        "The reviewers' scores agree well enough to rank on (Krippendorff's alpha of %(reliable)s or "
        "more).")),
    "tentative": (_l("tentative"), _l(
        "The reviewers' scores agree enough for tentative conclusions only (Krippendorff's alpha from "
        "%(tentative)s to %(reliable)s): read the ranking with care.")),
    "disagree": (_l("too much disagreement"), _l(
        "The reviewers' scores disagree too much to rank on (Krippendorff's alpha below %(tentative)s).")),
    "chance": (_l("no better than chance"), _l(
        "The reviewers' scores agree no better than chance (Krippendorff's alpha of 0 or less).")),
    "unknown": (_l("not enough reviews yet"), _l(
        "Not enough reviews yet: agreement is measured once five applications are scored by at least two "
        "reviewers and their scores differ.")),
}


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha of some scores (None when it cannot be told), the applications it compares
    (those scored at least twice) and the scores counted in them."""

    alpha: float | None = None
    units: int = 0
    values: int = 0

    @property
    def reading(self) -> str:
        if self.alpha is None:
            return "unknown"
        if self.alpha >= RELIABLE:
            return "reliable"
        if self.alpha >= TENTATIVE:
            return "tentative"
        return "disagree" if self.alpha > 0 else "chance"

    @property
    def label(self) -> str:
        return str(READINGS[self.reading][0])

    @property
    def meaning(self) -> str:
        thresholds = {"reliable": ratio(RELIABLE, 3), "tentative": ratio(TENTATIVE, 3)}
        return str(READINGS[self.reading][1]) % thresholds


def interval_alpha(units, values) -> Agreement:
    """Krippendorff's alpha for interval data of the values, each given with its unit; missing values are
    left out beforehand. One pass over the values, whatever their number and kind.

    With the coincidence-matrix definition and the interval metric (v - v')², the observed disagreement
    is the sum over units of Σ (v_i - v_j)² over the unit's ordered pairs, divided by m_u - 1, over n
    (the pairable values); the expected one is the same sum over every pair of pairable values, over
    n(n - 1). A sum of (v_i - v_j)² over the ordered pairs of m values is 2m times their sum of squared
    deviations from their mean, hence alpha = 1 - (n - 1) Σ_u [m_u SS_u / (m_u - 1)] / (n SS_total),
    without the units × values matrix the definition spells out.
    """
    codes = pd.factorize(np.asarray(units))[0]
    values = np.asarray(values, dtype=float)
    sizes = np.bincount(codes)
    pairable, paired = sizes[codes] >= 2, sizes >= 2
    codes, values, n = codes[pairable], values[pairable], int(pairable.sum())
    if not n or np.ptp(values) <= 1e-9 * np.abs(values).max():     # nothing to compare, or all alike
        return Agreement(None, int(paired.sum()), n)
    means = np.bincount(codes, weights=values, minlength=len(sizes)) / np.maximum(sizes, 1)
    within = np.bincount(codes, weights=(values - means[codes]) ** 2, minlength=len(sizes))
    observed = (sizes[paired] * within[paired] / (sizes[paired] - 1)).sum()
    total = ((values - values.mean()) ** 2).sum()
    return Agreement(float(1 - (n - 1) * observed / (n * total)), int(paired.sum()), n)


def of_reviews(criteria: list[scoring.Criterion], reviews: Iterable[scoring.Review]) -> dict:
    """The fund's agreement, as it is stored: of the review scores (as the ranking weighs them, on the
    rubric as it stands) and of each criterion's own scores."""
    reviews = list(reviews)
    units = np.fromiter((review.application_id for review in reviews), dtype=np.int64, count=len(reviews))

    def agreement_of(scores: list) -> dict:
        values = np.array(scores, dtype=float)      # n/a (None) reads as NaN, and is left out
        given = ~np.isnan(values)
        found = asdict(interval_alpha(units[given], values[given]))
        # kept to Krippendorff's three decimals: pages, report and API show the figure their reading is of;
        # none from fewer applications than MIN_UNITS, whose alpha says more of chance than of the reviewers
        few = found["alpha"] is None or found["units"] < MIN_UNITS
        return found | {"alpha": None if few else round(found["alpha"], 3)}
    overall = agreement_of([scoring.review_score(criteria, review.scores) for review in reviews])
    return {"overall": overall, "criteria": {
        str(criterion.id): agreement_of([review.scores.get(criterion.id) for review in reviews])
        for criterion in criteria}}


def as_of(fund_id: int, criteria: list[scoring.Criterion], day: date) -> dict:
    """The fund's agreement as it stood at the end of the day, from the reviews submitted by then (a
    review changed later counts from its change, as it is now)."""
    end = datetime.combine(day, time.max, tzinfo=UTC)
    rows = db.session.execute(select(Review.application_id, Review.reviewer_id, Review.scores)
                              .where(Review.fund_id == fund_id, Review.submitted_at <= end)
                              .order_by(Review.id))
    return of_reviews(criteria, (scoring.Review(application_id, reviewer_id,
                                                {int(k): v for k, v in scores.items()})
                                 for application_id, reviewer_id, scores in rows))


@dataclass(frozen=True)
class Summary:
    """A stored agreement as pages, the report and the API show it: overall, then each criterion of the
    rubric in its order."""

    overall: Agreement
    criteria: list[tuple[object, Agreement]] = field(default_factory=list)


def summary(stored: dict | None, criteria: list) -> Summary:
    """The stored agreement (None when never computed: no review yet) beside the rubric's criteria
    (anything with an id and a name); a criterion without stored figures has not enough reviews yet."""
    stored = stored or {}
    each = stored.get("criteria", {})
    return Summary(Agreement(**stored.get("overall", {})),
                   [(criterion, Agreement(**each.get(str(criterion.id), {}))) for criterion in criteria])
