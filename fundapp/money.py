"""Money in integers of the currency's minor units, and its text form in major units."""
import re
from decimal import Decimal

from babel.numbers import get_currency_precision, list_currencies


class AmountError(ValueError):
    """An amount that cannot be taken as given; its message is shown to the user."""


def is_currency(code: str) -> bool:
    """Whether the code is an ISO-4217 currency Babel knows."""
    return code in list_currencies()


def exponent(currency: str) -> int:
    """Number of decimals of the currency (KES 2, XOF 0, JOD 3)."""
    return get_currency_precision(currency)


# An amount as people type it: digits, an optional decimal part, thousands separated by commas or
# spaces. Never an exponent: "1e400000" would cost seconds of CPU to expand. Whole units are bounded
# (a quadrillion fits a BIGINT of minor units in every currency), and so is the text itself.
AMOUNT_TEXT_LIMIT = 40
WHOLE_DIGITS = 15
AMOUNT = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")      # ASCII digits: what every keyboard types
SEPARATORS = str.maketrans("", "", ", \u00a0\u202f")


def parse_amount(text: str, currency: str) -> int:
    """Major-unit text to minor units; refuses negatives, exponents, more decimals than the currency
    has and more than fifteen whole digits, each at a cost bounded by the text's length."""
    text = str(text)
    if len(text) > AMOUNT_TEXT_LIMIT:
        raise AmountError("too_large")
    match = AMOUNT.fullmatch(text.strip().translate(SEPARATORS))
    if match is None or not (match[2] or match[3]):
        raise AmountError("not_a_number")
    sign, whole, fraction = match.groups()
    if sign == "-" and (int(whole or 0) or (fraction or "").strip("0")):
        raise AmountError("negative")
    if len(whole.lstrip("0")) > WHOLE_DIGITS:
        raise AmountError("too_large")
    places = exponent(currency)
    fraction = (fraction or "").rstrip("0")
    if len(fraction) > places:
        raise AmountError("too_precise")
    return int(whole or 0) * 10**places + int(fraction.ljust(places, "0") or 0)


def to_major(minor: int, currency: str) -> str:
    """Minor units to the API's text form: major units with exactly the currency's decimals."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(int(minor)), 10**places)
    return f"{sign}{units}.{cents:0{places}d}" if places else f"{sign}{units}"


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units as an exact Decimal in major units, for display formatting."""
    return Decimal(int(minor)).scaleb(-exponent(currency))
