from datetime import date

from fundapp.quarters import ends_between, last_ended, parse_period, period_of, quarter_ends


def test_periods_name_quarters_and_their_ends():
    assert parse_period("2026Q3") == date(2026, 9, 30)
    assert parse_period(" 2024q1 ") == date(2024, 3, 31)
    assert parse_period("2026Q4") == date(2026, 12, 31)
    for text in ("2026Q5", "2026Q0", "2026-Q3", "26Q3", "", None, "1200Q1", "2026Q3x"):
        assert parse_period(text) is None
    assert period_of(date(2026, 11, 24)) == "2026Q4"
    assert period_of(date(2026, 1, 1)) == "2026Q1"


def test_the_last_ended_quarter():
    assert last_ended(date(2026, 11, 24)) == date(2026, 9, 30)
    assert last_ended(date(2026, 9, 30)) == date(2026, 9, 30)
    assert last_ended(date(2026, 2, 1)) == date(2025, 12, 31)


def test_quarter_ends_between_dates():
    assert ends_between(date(2025, 11, 5), date(2026, 6, 30)) == [
        date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30)]
    assert ends_between(date(2026, 7, 1), date(2026, 6, 30)) == []
    assert quarter_ends(date(2026, 1, 1), date(2026, 5, 2)) == [date(2026, 3, 31), date(2026, 5, 2)]
    assert quarter_ends(date(2026, 1, 1), date(2026, 6, 30)) == [date(2026, 3, 31), date(2026, 6, 30)]
