"""What users send, bounded where it enters: whole numbers within the database's integers, dates
within a sane range, text without control characters. One parser for each kind, used by the forms
(fundapp.web.forms), the API's schemas (fundapp.api.schemas) and the query strings (fundapp.web.query);
amounts have theirs in fundapp.money. Pure: no Flask, no database."""
import re
from datetime import date

MAX_ID = 2**31 - 1                  # ids and counts: the database's INTEGER columns
MAX_COUNT = 10**9
MAX_PAGE = 10**6                    # a page number: its offset stays far inside a BIGINT
YEARS_AHEAD = 10                    # no date of the fund's life lies further ahead than this
EARLIEST = date(1900, 1, 1)         # nothing a fund records (a company's founding included) is older
INTEGER_TEXT = 20                   # characters: longer "numbers" are refused before they are read
MAX_INSTRUCTIONS = 2000            # characters of a fund's payment instructions
MAX_INSTRUCTION_LINES = 20         # and lines: a bank's details, never a page of blank lines
MAX_MESSAGE = 5000                  # characters of a message to a founder (and of a fund's message templates)

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; the line and paragraph
# separators; the marks that reorder text (a right-to-left override makes "fdp.exe" read "exe.pdf").
# NUL among them: PostgreSQL cannot store it in text. And lone surrogates, which no encoding stores. No
# keyboard types any of them.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


class InputError(ValueError):
    """A value refused at the edge; its code says why (see fundapp.web.forms.INPUT_MESSAGES)."""


def whole_number(text, minimum: int = 0, maximum: int = MAX_ID) -> int:
    """An integer from text or a number, within [minimum, maximum]; InputError otherwise."""
    if isinstance(text, bool):
        raise InputError("not_a_whole_number")
    if isinstance(text, int):
        value = text
    else:
        cleaned = str(text).strip()
        if len(cleaned) > INTEGER_TEXT or not re.fullmatch(r"[+-]?[0-9]+", cleaned):
            raise InputError("not_a_whole_number")
        value = int(cleaned)
    if not minimum <= value <= maximum:
        raise InputError("out_of_range")
    return value


def latest_date(today: date) -> date:
    """The last day anything may be dated: ten years ahead."""
    return _years_after(today, YEARS_AHEAD)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:                  # 29 February
        return day.replace(year=day.year + years, day=28)


def bounded_date(value: date, earliest: date = EARLIEST, today: date | None = None) -> date:
    """The date if it lies between earliest and ten years after today; InputError otherwise."""
    if value < earliest:
        raise InputError("too_early")
    if value > latest_date(today or date.today()):
        raise InputError("too_late")
    return value


def control_character(text: str) -> str | None:
    """The first control character of the text (tab and line breaks allowed), or None."""
    found = CONTROL.search(text)
    return found.group() if found else None
