"""Calendar quarters: periods such as "2026Q3", their ends, and the quarters between two dates."""
import re
from datetime import date

PERIOD = re.compile(r"([0-9]{4})Q([1-4])")      # ASCII digits, as a quarter is written everywhere
FIRST_YEAR = 1990


def quarter_of(day: date) -> int:
    """The quarter (1 to 4) holding the day."""
    return (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    month = quarter * 3
    return date(year, month, 31 if month in (3, 12) else 30)


def end_of_quarter_holding(day: date) -> date:
    return quarter_end(day.year, quarter_of(day))


def start_of_quarter_holding(day: date) -> date:
    return date(day.year, (quarter_of(day) - 1) * 3 + 1, 1)


def period_of(day: date) -> str:
    """The period ("2026Q3") of the quarter holding the day."""
    return f"{day.year}Q{quarter_of(day)}"


def parse_period(text) -> date | None:
    """The end of a period written as "2026Q3"; None when it names no quarter."""
    match = PERIOD.fullmatch(str(text or "").strip().upper())
    if match is None or int(match[1]) < FIRST_YEAR:
        return None
    return quarter_end(int(match[1]), int(match[2]))


def last_ended(today: date) -> date:
    """The end of the latest quarter that has ended by today (today itself when it is a quarter end)."""
    end = end_of_quarter_holding(today)
    if end == today:
        return end
    year, quarter = today.year, quarter_of(today)
    return quarter_end(year - 1, 4) if quarter == 1 else quarter_end(year, quarter - 1)


def ends_between(start: date, end: date) -> list[date]:
    """Every quarter end from the one holding start up to end, inclusive."""
    ends = []
    day = end_of_quarter_holding(start)
    while day <= end:
        ends.append(day)
        year, quarter = day.year, day.month // 3
        day = quarter_end(year + 1, 1) if quarter == 4 else quarter_end(year, quarter + 1)
    return ends


def quarter_ends(start: date, end: date) -> list[date]:
    """The quarter ends from the quarter holding start up to end, and end itself."""
    return [*(day for day in ends_between(start, end) if day < end), end]
