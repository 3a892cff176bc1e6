"""Largest-remainder allocation, checked by hand."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundapp.ledger.allocation import allocate


@pytest.mark.parametrize(("total", "weights", "expected"), [
    # 100 over 1:1:1 -> 33.33 each; one unit left goes to the lowest id among equal remainders
    (100, {1: 1, 2: 1, 3: 1}, {1: 34, 2: 33, 3: 33}),
    # ties go to the lower partner id, whatever the order given
    (100, {3: 1, 2: 1, 1: 1}, {1: 34, 2: 33, 3: 33}),
    # 10 over 60:40 exactly
    (10, {1: 60, 2: 40}, {1: 6, 2: 4}),
    # 7 over 3:3:1 -> 3, 3, 1 exactly
    (7, {5: 3, 6: 3, 7: 1}, {5: 3, 6: 3, 7: 1}),
    # 101 over 50:50 -> 50.5 each: the extra unit to id 1
    (101, {1: 50, 2: 50}, {1: 51, 2: 50}),
    # 10 over 1:2:3 -> 1.667, 3.333, 5.0: remainders 0.667, 0.333, 0 -> +1 to id 1
    (10, {1: 1, 2: 2, 3: 3}, {1: 2, 2: 3, 3: 5}),
    # 1000 over 650,000 : 350,000 (a 65/35 fund)
    (1000, {1: 650_000, 2: 350_000}, {1: 650, 2: 350}),
    # 2 over 1:1:1 -> 0.667 each: ids 1 and 2 get one
    (2, {1: 1, 2: 1, 3: 1}, {1: 1, 2: 1, 3: 0}),
    # a zero weight gets nothing
    (5, {1: 0, 2: 1}, {1: 0, 2: 5}),
    # a negative total (a reversal) mirrors the positive split
    (-100, {1: 1, 2: 1, 3: 1}, {1: -34, 2: -33, 3: -33}),
    (0, {1: 1, 2: 3}, {1: 0, 2: 0}),
])
def test_allocation_table(total, weights, expected):
    assert allocate(total, weights) == expected


def test_zero_weights_cannot_take_money():
    with pytest.raises(ValueError):
        allocate(10, {1: 0, 2: 0})


@given(st.integers(min_value=-10**15, max_value=10**15),
       st.dictionaries(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=10**12),
                       min_size=1, max_size=8).filter(lambda w: sum(w.values()) > 0))
def test_allocations_always_sum_exactly_and_stay_within_one_unit(total, weights):
    parts = allocate(total, weights)
    assert sum(parts.values()) == total
    weight_sum = sum(weights.values())
    for key, part in parts.items():
        exact = total * weights[key] / weight_sum
        assert abs(part - exact) < 1 + 1e-6 * abs(exact)
