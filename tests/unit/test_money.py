import pytest

from fundapp.money import AmountError, exponent, parse_amount, to_major


@pytest.mark.parametrize(("currency", "places"), [("KES", 2), ("XOF", 0), ("JOD", 3), ("USD", 2)])
def test_exponent_follows_iso_4217(currency, places):
    assert exponent(currency) == places


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("1250000.00", "KES", 125_000_000),
    ("1250000", "KES", 125_000_000),
    ("0.01", "KES", 1),
    ("1250000", "XOF", 1_250_000),
    ("12.5", "JOD", 12_500),
    ("12.500", "JOD", 12_500),
    ("0.001", "JOD", 1),
    ("1,250,000.50", "KES", 125_000_050),
    ("0", "XOF", 0),
])
def test_parse_amount_to_minor_units(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(("text", "currency", "code"), [
    ("1.001", "KES", "too_precise"),
    ("1.5", "XOF", "too_precise"),
    ("0.0001", "JOD", "too_precise"),
    ("-5", "KES", "negative"),
    ("abc", "KES", "not_a_number"),
    ("", "KES", "not_a_number"),
    ("NaN", "KES", "not_a_number"),
    ("Infinity", "KES", "not_a_number"),
])
def test_parse_amount_refuses(text, currency, code):
    with pytest.raises(AmountError, match=code):
        parse_amount(text, currency)


@pytest.mark.parametrize(("minor", "currency", "text"), [
    (125_000_000, "KES", "1250000.00"),
    (1_250_000, "XOF", "1250000"),
    (12_500, "JOD", "12.500"),
    (5, "KES", "0.05"),
    (-5, "JOD", "-0.005"),
])
def test_to_major_has_the_currency_decimals(minor, currency, text):
    assert to_major(minor, currency) == text


@pytest.mark.parametrize("minor", [0, 1, 99, 100, 123456789012])
@pytest.mark.parametrize("currency", ["KES", "XOF", "JOD"])
def test_round_trip(minor, currency):
    assert parse_amount(to_major(minor, currency), currency) == minor
