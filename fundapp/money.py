"""Money in integers of the currency's minor units, and its text form in major units."""
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies


class AmountError(ValueError):
    """An amount that cannot be taken as given; its message is shown to the user."""


def is_currency(code: str) -> bool:
    """Whether the code is an ISO-4217 currency Babel knows."""
    return code in list_currencies()


def exponent(currency: str) -> int:
    """Number of decimals of the currency (KES 2, XOF 0, JOD 3)."""
    return get_currency_precision(currency)


def parse_amount(text: str, currency: str) -> int:
    """Major-unit text to minor units; refuses negatives and more decimals than the currency has."""
    cleaned = str(text).strip().replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError("not_a_number") from None
    if not value.is_finite():
        raise AmountError("not_a_number")
    if value < 0:
        raise AmountError("negative")
    places = exponent(currency)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        raise AmountError("too_precise")
    return int(minor)


def to_major(minor: int, currency: str) -> str:
    """Minor units to the API's text form: major units with exactly the currency's decimals."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(int(minor)), 10**places)
    return f"{sign}{units}.{cents:0{places}d}" if places else f"{sign}{units}"


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units as an exact Decimal in major units, for display formatting."""
    return Decimal(int(minor)).scaleb(-exponent(currency))
