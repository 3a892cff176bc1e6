"""Numbers, money and dates formatted for the reader's language (Babel), and amount parsing."""
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, parse_pattern
from flask_babel import (
    format_time,
    get_locale,
    to_user_timezone,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fundapp import inputs
from fundapp.auth.constants import role_label
from fundapp.funds.constants import LANGUAGES, PARTNER_KINDS, SECTORS
from fundapp.ledger.constants import CALL_PURPOSES, EXPENSE_CATEGORIES
from fundapp.ledger.numbers import payment_reference
from fundapp.money import AmountError, exponent, parse_amount, to_decimal
from fundapp.portfolio.constants import EXIT_KINDS, INSTRUMENTS
from fundapp.quarters import period_of, quarter_of
from fundapp.reporting.charts import SCREEN
from fundapp.web.diff import word_diff

AMOUNT_MESSAGES = {
    "not_a_number": _l("Enter an amount such as 1250000."),
    "negative": _l("The amount cannot be negative."),
    "too_precise": _l("This currency does not have that many decimals."),
    "too_large": _l("Enter an amount of at most fifteen digits before the decimals."),
}


def amount_from_text(text: str, currency: str) -> int:
    """Minor units from what a user typed; AmountError carries a translated message."""
    try:
        return parse_amount(text, currency)
    except AmountError as error:
        raise AmountError(str(AMOUNT_MESSAGES[str(error)])) from None


def money(minor: int | None, currency: str) -> str:
    """An amount in minor units, formatted with its currency for the current locale."""
    if minor is None:
        return "—"
    return _money(minor, currency, get_locale())


@lru_cache(maxsize=65536)
def _money(minor: int, currency: str, locale) -> str:
    return format_currency(to_decimal(minor, currency), currency, locale=locale)


@lru_cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@lru_cache(maxsize=65536, typed=True)
def _decimal(value, pattern: str, locale) -> str:
    return _pattern(pattern).apply(value, locale)


def decimal(value, pattern: str) -> str:
    """A number in a Babel pattern (such as "#,##0.00"), for the current locale. Tables of thousands
    of figures repeat many of them: each is formatted once."""
    return _decimal(value, pattern, get_locale())


def amount(minor: int | None, currency: str) -> str:
    """An amount without its currency sign, with the currency's decimals (for tables headed by it)."""
    if minor is None:
        return "—"
    places = exponent(currency)
    decimals = "." + "0" * places if places else ""
    return decimal(to_decimal(minor, currency), "#,##0" + decimals)


def ratio(value: Decimal | float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return decimal(value, f"#,##0.{'0' * digits}")


def plain(value: Decimal | None) -> str:
    """A number with the decimals it needs and no more (a minimum of 3, or 2.5)."""
    if value is None:
        return "—"
    return decimal(value, "#,##0.###")


def percent(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return decimal(value, f"#,##0.{'0' * digits} %")


def fte(value: Decimal | None) -> str:
    """Full-time equivalents, with one decimal (two part-time jobs make one)."""
    return "—" if value is None else decimal(value, "#,##0.0")


def quarter(day) -> str:
    """The quarter holding a date, as readers write it ("2026 Q3")."""
    return _("%(year)d Q%(quarter)d", year=day.year, quarter=quarter_of(day)) if day else "—"


def label_of(choices: dict):
    """A function giving the translated label of a code among choices (the code if unknown)."""
    return lambda code: str(choices.get(code, code))


def labels(choices: dict) -> dict:
    """Every code's translated label, for tables that repeat them on thousands of rows."""
    return {code: str(label) for code, label in choices.items()}


sector_label = label_of(SECTORS)
partner_kind_label = label_of(PARTNER_KINDS)


def country_name(country) -> str:
    """The country's name in the reader's language (Babel), else the name recorded for it."""
    return get_locale().territories.get(country.code, country.name) if get_locale() else country.name


@lru_cache(maxsize=4096)
def _date(value, locale) -> str:
    """A date as its readers write it, day, month in words, year ("26 Nov 2026", "26 nov. 2026"): never
    ambiguous (a table repeats the same quarter ends and dates many times)."""
    return format_date(value, "d MMM y", locale=locale)


def short_day(value) -> str:
    """A date as tables show it ("26 Nov 2026")."""
    return _date(value, get_locale()) if value else "—"


def day(value) -> str:
    """A date in full words, day first ("26 November 2026", "26 novembre 2026"), for documents."""
    return format_date(value, "d MMMM y", locale=get_locale()) if value else "—"


def native_language_name(code: str) -> str:
    """A language's name in itself, as a reader looks for it in a language switch."""
    return Locale.parse(code).display_name.capitalize()


def moment(value) -> str:
    """A moment as a reader takes it in: the day with its month in words, then the time of day."""
    if not value:
        return "—"
    return f"{_date(to_user_timezone(value).date(), get_locale())}, {format_time(value, 'short')}"


def own_partner(fund_id: int) -> int | None:
    """The partner entity the signed-in user speaks for in the fund (its "My statement" tab), if any."""
    from flask_login import current_user

    from fundapp.auth.permissions import partner_of
    return partner_of(current_user, fund_id) if current_user.is_authenticated else None


def register_filters(app) -> None:
    app.jinja_env.globals.update(get_locale=get_locale, role_label=role_label, sector_label=sector_label,
                                 languages=LANGUAGES, language_name=lambda code: str(LANGUAGES[code]),
                                 native_language_name=native_language_name,
                                 partner_kind_label=partner_kind_label,
                                 call_purpose_label=label_of(CALL_PURPOSES),
                                 expense_category_label=label_of(EXPENSE_CATEGORIES),
                                 instrument_label=label_of(INSTRUMENTS), exit_kind_label=label_of(EXIT_KINDS),
                                 earliest_date=lambda: inputs.EARLIEST, own_partner=own_partner,
                                 payment_reference=payment_reference, chart_size=SCREEN,
                                 latest_date=lambda: inputs.latest_date(date.today()))
    app.jinja_env.filters.update(
        money=money,
        amount=amount,
        ratio=ratio,
        plain=plain,
        percent=percent,
        fte=fte,
        quarter=quarter,
        period=period_of,
        sector_label=sector_label,
        country_name=country_name,
        word_diff=word_diff,
        date=short_day,
        datetime=moment,
    )
