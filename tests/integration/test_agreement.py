"""The agreement of a fund's reviewers (SPEC 14): Krippendorff's alpha (interval) of the review scores, overall
and per criterion, against the published example and the `krippendorff` package; stored as reviews come
in, shown beside the ranking, in the API, and in the quarterly report as of the quarter's end."""
import html
import io
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import update

from fundapp.applications import agreement, review, scoring
from fundapp.applications.agreement import Agreement, interval_alpha
from fundapp.applications.models import Application, Criterion, Review
from fundapp.funds.models import Fund
from fundapp.portfolio.models import Company
from fundapp.reporting.document import render
from fundapp.reporting.quarterly import contents
from tests.conftest import sign_in
from tests.factories import FounderFactory, FundFactory, api_token_for, staff_with_role

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with missing values: four
# observers (rows) and twelve units (columns). Interval alpha = 0.849 (nominal 0.743, ordinal 0.815).
EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
NA = "n/a"


@dataclass
class Panel:
    fund: Fund
    manager: object
    reviewers: list
    applications: list[Application]
    merit: Criterion


@pytest.fixture
def panel(db) -> Panel:
    """A fund with a manager, four reviewers, twelve applications in review and one criterion, Merit (1-5)."""
    fund = FundFactory()
    manager = staff_with_role("manager", fund)
    reviewers = [staff_with_role("reviewer", fund, name=f"Observer {letter}") for letter in "ABCD"]
    founder = FounderFactory()
    applications = []
    for index in range(12):
        company = Company(name=f"Company {index + 1}", country="KE", sector="fintech", owner_id=founder.id)
        db.session.add(company)
        db.session.flush()
        applications.append(Application(fund_id=fund.id, company_id=company.id, founder_id=founder.id,
                                        state="in_review"))
        db.session.add(applications[-1])
    merit = review.add_criterion(manager, fund, "Merit", "", "1", 1, 5)
    db.session.commit()
    return Panel(fund, manager, reviewers, applications, merit)


def reviewed(db, panel: Panel, table, scores) -> None:
    """Each reviewer (a row) reviews each application (a column) it has a value for, through the use case;
    scores(value, reviewer, column) gives the review's scores."""
    for reviewer, row in zip(panel.reviewers, table, strict=False):
        for column, (application, value) in enumerate(zip(panel.applications, row, strict=True)):
            if value is None:
                continue
            if review.assignment_of(reviewer, application) is None:
                review.assign(panel.manager, panel.fund, application, reviewer.id, None)
                review.declare(reviewer, panel.fund, application, conflict=False)
            review.save_review(reviewer, panel.fund, application, scores(value, reviewer, column), "maybe", "")
    db.session.commit()


def stored(db, panel: Panel) -> dict:
    db.session.refresh(panel.fund)
    return panel.fund.agreement


def package_alpha(table) -> float | None:
    """The `krippendorff` package's interval alpha of the table (rows: reviewers), None where it has none."""
    data = np.array([[np.nan if value is None else value for value in row] for row in table], dtype=float)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            found = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
        except ValueError:          # a single value in all, or no unit with two values
            return None
    return None if np.isnan(found) else float(found)


def pairs(table) -> tuple[list, list]:
    cells = [(unit, value) for row in table for unit, value in enumerate(row) if value is not None]
    return [unit for unit, _value in cells], [value for _unit, value in cells]


# --- the pure function ------------------------------------------------------------------------------------

def test_the_published_example_by_the_function_and_by_the_package():
    assert round(interval_alpha(*pairs(EXAMPLE)).alpha, 3) == 0.849
    assert round(package_alpha(EXAMPLE), 3) == 0.849
    assert interval_alpha(*pairs(EXAMPLE)) == Agreement(pytest.approx(package_alpha(EXAMPLE), abs=1e-12), 11, 40)


@pytest.mark.parametrize(("units", "values", "alpha"), [
    ([1, 1, 2, 2], [1, 2, 3, 4], 0.7),      # by hand: SS_u = .5 each, SS_T = 5; 1 - 3 · 2 / (4 · 5)
    ([1, 1, 2, 2], [1, 1, 3, 3], 1.0),      # every unit agrees within itself
    ([1, 1, 2, 2], [1, 3, 3, 1], -0.5),     # worse than chance: 1 - 3 · 4 / (4 · 2)
    ([1, 1, 2], [1, 2, 9], 0.0),            # unit 2 is not pairable; one unit alone tells nothing
    ([1, 2, 3], [1, 2, 3], None),           # no unit has two values
    ([1, 1, 2, 2], [4, 4, 4, 4], None),     # nothing varies
    ([], [], None),
])
def test_alpha_by_hand(units, values, alpha):
    found = interval_alpha(units, values).alpha
    assert found == (None if alpha is None else pytest.approx(alpha))


CELL = st.one_of(st.none(), st.integers(-3, 12), st.sampled_from([0.5, 2.25, 7.75, 58.333333333333336]))
TABLES = st.tuples(st.integers(2, 5), st.integers(1, 10)).flatmap(lambda size: st.lists(
    st.lists(CELL, min_size=size[1], max_size=size[1]), min_size=size[0], max_size=size[0]))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(table=TABLES)
def test_the_closed_form_is_the_packages_alpha(table):
    found, expected = interval_alpha(*pairs(table)), package_alpha(table)
    assert found.alpha == (None if expected is None else pytest.approx(expected, abs=1e-9))
    counts = [sum(row[unit] is not None for row in table) for unit in range(len(table[0]))]
    assert (found.units, found.values) == (sum(c >= 2 for c in counts), sum(c for c in counts if c >= 2))


def test_400_000_scores_take_a_fraction_of_a_second():
    """A national call's reviews (200,000 applications): about 0.03 s, never a units × values matrix."""
    rng = np.random.default_rng(7)
    units, values = rng.integers(0, 200_000, 400_000), rng.random(400_000) * 100
    started = time.perf_counter()
    interval_alpha(units, values)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("alpha", "reading"), [
    (0.95, "reliable"), (0.8, "reliable"), (0.799, "tentative"), (0.667, "tentative"), (0.666, "disagree"),
    (0.001, "disagree"), (0.0, "chance"), (-0.4, "chance"), (None, "unknown")])
def test_krippendorffs_guidance(app, alpha, reading):
    assert Agreement(alpha).reading == reading
    with app.test_request_context():
        assert Agreement(alpha).meaning        # a sentence for every reading


# --- stored as reviews come in ----------------------------------------------------------------------------

def test_the_published_example_entered_as_reviews(db, panel):
    reviewed(db, panel, EXAMPLE, lambda value, _reviewer, _column: {panel.merit.id: value})
    figures = {"alpha": 0.849, "units": 11, "values": 40}
    assert stored(db, panel) == {"overall": figures, "criteria": {str(panel.merit.id): figures}}


def test_each_criterion_apart_and_na_is_no_score(db, panel):
    impact = review.add_criterion(panel.manager, panel.fund, "Impact", "", "3", 0, 10, allow_na=True)
    db.session.commit()
    # beside each of the example's values: observer A answers n/a on impact throughout, the others score it
    impacts = [[NA] * 9 + [None] * 3,
               [0, 4, 4, 6, 2, 2, 8, 0, 4, 10, None, 6],
               [None, 5, 5, 6, 2, 4, 8, 2, 4, 9, 2, None],
               [1, 4, 6, 6, 3, 7, 8, 0, 4, 10, 2, None]]

    def given(value):
        return None if value == NA else value
    reviewed(db, panel, EXAMPLE, lambda value, reviewer, column: {
        panel.merit.id: value, impact.id: given(impacts[panel.reviewers.index(reviewer)][column])})

    def review_scores(impact_weight):
        rubric = [scoring.Criterion(panel.merit.id, 1, 1, 5), scoring.Criterion(impact.id, impact_weight, 0, 10)]
        return [[None if merit is None else scoring.review_score(rubric, {panel.merit.id: merit,
                                                                          impact.id: given(value)})
                 for merit, value in zip(merits, values, strict=True)]
                for merits, values in zip(EXAMPLE, impacts, strict=True)]
    found = stored(db, panel)
    assert found["criteria"][str(panel.merit.id)] == {"alpha": 0.849, "units": 11, "values": 40}
    left_out = [[given(value) for value in row] for row in impacts]
    assert found["criteria"][str(impact.id)] == {"alpha": round(package_alpha(left_out), 3), "units": 11,
                                                 "values": 31}      # A's nine n/a count for nothing
    as_zero = [[0 if value == NA else value for value in row] for row in impacts]
    assert round(package_alpha(as_zero), 3) != found["criteria"][str(impact.id)]["alpha"]
    assert found["overall"] == {"alpha": round(package_alpha(review_scores(3)), 3), "units": 11, "values": 40}
    review.update_criterion(panel.manager, panel.fund, impact, "Impact", "", "1", 0, 10)   # the rubric changes
    db.session.commit()
    assert stored(db, panel)["overall"]["alpha"] == round(package_alpha(review_scores(1)), 3) != \
        found["overall"]["alpha"]


def test_not_enough_reviews_yet(app, db, panel):
    with app.test_request_context():
        assert agreement.summary(panel.fund.agreement, [panel.merit]).overall.meaning.startswith(
            "Not enough reviews yet")                                       # never computed: no review
    reviewed(db, panel, [[3, 4, 5] + [None] * 9], lambda value, *_: {panel.merit.id: value})
    assert stored(db, panel)["overall"] == {"alpha": None, "units": 0, "values": 0}     # one review each
    reviewed(db, panel, [[None] * 12, [3, 4, 5] + [None] * 9], lambda value, *_: {panel.merit.id: value})
    assert stored(db, panel)["overall"] == {"alpha": None, "units": 3, "values": 6}     # too few to tell
    reviewed(db, panel, [[None] * 3 + [2, 1] + [None] * 7, [None] * 3 + [2, 1] + [None] * 7],
             lambda value, *_: {panel.merit.id: value})
    assert stored(db, panel)["overall"] == {"alpha": 1.0, "units": 5, "values": 10}     # five agree
    reviewed(db, panel, [[3] * 5 + [None] * 7, [3] * 5 + [None] * 7], lambda value, *_: {panel.merit.id: value})
    assert stored(db, panel)["overall"] == {"alpha": None, "units": 5, "values": 10}    # nothing varies


# --- shown beside the ranking, in the API and in the report -------------------------------------------------

def test_the_queue_shows_alpha_and_what_it_means(client, db, panel):
    reviewed(db, panel, EXAMPLE, lambda value, *_: {panel.merit.id: value})
    sign_in(client, panel.manager)
    page = " ".join(html.unescape(client.get(f"/funds/{panel.fund.id}/applications").data.decode()).split())
    assert ("<strong>Krippendorff's α: 0.849</strong> · The reviewers' scores agree well enough to rank on "
            "(Krippendorff's alpha of 0.800 or more).") in page
    assert "Measured on 11 applications scored by at least two reviewers (40 scores)." in page
    assert '<th scope="row" class="fw-normal">Merit</th><td class="num">0.849</td>' in page


def test_the_api_gives_the_agreement_to_managers_and_the_committee(client, db, panel):
    reviewed(db, panel, EXAMPLE, lambda value, *_: {panel.merit.id: value})
    member, other = staff_with_role("committee", panel.fund), staff_with_role("manager", FundFactory())
    url = f"/api/v1/funds/{panel.fund.id}/agreement"
    for user in (panel.manager, member):
        answer = client.get(url, headers={"Authorization": f"Bearer {api_token_for(user)}"})
        assert answer.status_code == 200
        figures = {"alpha": 0.849, "units": 11, "values": 40, "reading": "reliable"}
        assert answer.json["overall"].items() >= figures.items()
        assert answer.json["criteria"] == [{"criterion_id": panel.merit.id, "name": "Merit", **figures,
                                            "meaning": answer.json["overall"]["meaning"]}]
    assert client.get(url, headers={"Authorization": f"Bearer {api_token_for(panel.reviewers[0])}"}
                      ).status_code == 403
    assert client.get(url, headers={"Authorization": f"Bearer {api_token_for(other)}"}).status_code == 404


def test_the_report_states_the_agreement_as_of_the_quarters_end(app, db, panel):
    """The example's reviews were all in by 30 June 2025; observer A's three later reviews, in August,
    disagree with the others and lower today's alpha, not the second quarter's."""
    reviewed(db, panel, EXAMPLE, lambda value, *_: {panel.merit.id: value})
    db.session.execute(update(Review).values(submitted_at=datetime(2025, 5, 15, 10, tzinfo=UTC)))
    db.session.commit()
    reviewed(db, panel, [[None] * 9 + [1, 5, 1]], lambda value, *_: {panel.merit.id: value})
    later = [application.id for application in panel.applications[9:]]
    db.session.execute(update(Review).where(Review.application_id.in_(later), Review.reviewer_id ==
                                            panel.reviewers[0].id)
                       .values(submitted_at=datetime(2025, 8, 1, 10, tzinfo=UTC)))
    db.session.commit()
    today = stored(db, panel)["overall"]
    assert today["alpha"] < 0.667 and today["units"] == 12
    with app.test_request_context():
        made = contents(panel.fund, 2025, 2)
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(render(made))).pages)
                        .split())
        later_quarter = contents(panel.fund, 2025, 3).tables["agreement"].rows[0]
    assert made.tables["agreement"].rows[0][1:4] == [Decimal("0.849"), 11, 40]
    assert later_quarter[1:4] == [Decimal(str(today["alpha"])), 12, 44]     # B's lone 3 is now paired
    assert ("On 30 June 2025, Krippendorff's alpha of the review scores was 0.849, over 11 applications scored "
            "by at least two reviewers. The reviewers' scores agree well enough to rank on (Krippendorff's "
            "alpha of 0.800 or more).") in text
    assert "Agreement between reviewers" in text and "Merit 0.849 11 40 reliable" in text
