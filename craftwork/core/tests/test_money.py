from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from craftwork.core.money import (
    CURRENCIES,
    MAX_MINOR,
    CurrencyMismatch,
    InvalidAmount,
    Money,
    UnknownCurrency,
    money_property,
)

currencies = st.sampled_from(sorted(CURRENCIES))
amounts = st.integers(min_value=-(10**15), max_value=10**15)
non_negative = st.integers(min_value=0, max_value=10**15)
bps = st.integers(min_value=0, max_value=10_000)
ratios = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12).filter(
    lambda r: sum(r) > 0
)


# --- construction -----------------------------------------------------------------------


def test_float_is_refused_everywhere():
    with pytest.raises(TypeError):
        Money(1.5, "USD")
    with pytest.raises(TypeError):
        Money(100, "USD") * 1.5
    with pytest.raises(TypeError):
        Money(100, "USD").fee(2.5)
    with pytest.raises(TypeError):
        Money(100, "USD").allocate([1.0, 2.0])
    with pytest.raises(TypeError):
        Money.parse(12.34, "USD")
    with pytest.raises(TypeError):
        Money.from_decimal(12.34, "USD")


def test_bool_and_decimal_are_not_minor_units():
    with pytest.raises(TypeError):
        Money(True, "USD")
    with pytest.raises(TypeError):
        Money(Decimal("1"), "USD")


def test_unknown_currency():
    with pytest.raises(UnknownCurrency):
        Money(1, "XXX")
    with pytest.raises(UnknownCurrency):
        Money(1, "usd")
    with pytest.raises(TypeError):
        Money(1, None)


def test_too_large_for_the_database():
    Money(MAX_MINOR, "USD")
    with pytest.raises(InvalidAmount):
        Money(MAX_MINOR + 1, "USD")


def test_immutable_and_hashable():
    money = Money(5, "EUR")
    with pytest.raises(AttributeError):
        money.minor = 6
    assert {money, Money(5, "EUR")} == {money}


def test_exponents():
    assert CURRENCIES["JPY"].exponent == 0
    assert CURRENCIES["USD"].exponent == 2
    assert CURRENCIES["KWD"].exponent == 3
    assert CURRENCIES["BHD"].exponent == 3
    for code in ("EUR", "GBP", "CAD", "AUD", "MXN"):
        assert CURRENCIES[code].exponent == 2


# --- arithmetic -------------------------------------------------------------------------


def test_add_subtract_same_currency():
    assert Money(150, "USD") + Money(50, "USD") == Money(200, "USD")
    assert Money(150, "USD") - Money(200, "USD") == Money(-50, "USD")
    assert -Money(5, "USD") == Money(-5, "USD")
    assert abs(Money(-5, "USD")) == Money(5, "USD")


def test_mixing_currencies_fails():
    with pytest.raises(CurrencyMismatch) as info:
        Money(1, "USD") + Money(1, "EUR")
    assert info.value.code == "currency_mismatch"
    with pytest.raises(CurrencyMismatch):
        Money(1, "USD") - Money(1, "EUR")
    with pytest.raises(CurrencyMismatch):
        assert Money(1, "USD") < Money(2, "EUR")
    assert Money(1, "USD") != Money(1, "EUR")


def test_adding_a_plain_number_fails():
    with pytest.raises(TypeError):
        Money(1, "USD") + 1


def test_multiply_by_int_only():
    assert Money(250, "USD") * 3 == Money(750, "USD")
    assert 3 * Money(250, "USD") == Money(750, "USD")
    with pytest.raises(TypeError):
        Money(250, "USD") * Money(2, "USD")


def test_comparisons():
    assert Money(1, "USD") < Money(2, "USD") <= Money(2, "USD")
    assert max(Money(1, "JPY"), Money(3, "JPY")) == Money(3, "JPY")


# --- fees -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "bps", "expected"),
    [
        (10, 500, 1),  # 0.5 -> rounds half up to 1
        (9, 500, 0),  # 0.45 -> 0
        (30, 500, 2),  # 1.5 -> 2
        (10_000, 1000, 1000),
        (1, 5000, 1),  # exactly half
        (1, 4999, 0),
        (12_345, 0, 0),
        (12_345, 10_000, 12_345),
        (-10, 500, -1),  # symmetric for negatives
        (-9, 500, 0),
    ],
)
def test_fee_rounds_half_up(minor, bps, expected):
    assert Money(minor, "USD").fee(bps) == Money(expected, "USD")


def test_fee_rate_out_of_range():
    with pytest.raises(ValueError):
        Money(100, "USD").fee(-1)
    with pytest.raises(ValueError):
        Money(100, "USD").fee(10_001)


@given(amount=amounts, currency=currencies, rate=bps)
def test_split_fee_always_adds_up(amount, currency, rate):
    money = Money(amount, currency)
    fee, net = money.split_fee(rate)
    assert fee + net == money
    assert fee.currency == net.currency == currency


@given(amount=non_negative, rate=bps)
def test_fee_is_never_negative_nor_more_than_the_amount(amount, rate):
    fee, net = Money(amount, "USD").split_fee(rate)
    assert 0 <= fee.minor <= amount
    assert 0 <= net.minor <= amount
    # Within half a minor unit of the exact value: |fee * 10000 - amount * bps| <= 5000.
    assert abs(fee.minor * 10_000 - amount * rate) <= 5000


# --- allocate ---------------------------------------------------------------------------


def test_allocate_examples():
    assert Money(100, "USD").allocate([1, 1, 1]) == [
        Money(34, "USD"),
        Money(33, "USD"),
        Money(33, "USD"),
    ]
    assert Money(5, "USD").allocate([3, 7]) == [Money(2, "USD"), Money(3, "USD")]  # 1.5/3.5
    assert Money(-100, "USD").allocate([1, 1, 1]) == [
        Money(-34, "USD"),
        Money(-33, "USD"),
        Money(-33, "USD"),
    ]
    assert Money(7, "JPY").allocate([0, 1]) == [Money(0, "JPY"), Money(7, "JPY")]


@pytest.mark.parametrize("bad", [[], [0, 0], [1, -1], (5, -2, 3)])
def test_allocate_bad_ratios(bad):
    with pytest.raises(ValueError):
        Money(100, "USD").allocate(bad)


@given(amount=amounts, currency=currencies, parts=ratios)
def test_allocate_parts_add_up(amount, currency, parts):
    money = Money(amount, currency)
    result = money.allocate(parts)
    assert len(result) == len(parts)
    assert sum((part.minor for part in result), 0) == amount
    assert all(part.currency == currency for part in result)


@given(amount=non_negative, parts=ratios)
def test_allocate_parts_are_fair_and_non_negative(amount, parts):
    result = Money(amount, "EUR").allocate(parts)
    total = sum(parts)
    for part, ratio in zip(result, parts, strict=True):
        assert part.minor >= 0
        # Each part is the floor or the ceiling of its exact share.
        assert amount * ratio // total <= part.minor <= -(-amount * ratio // total)
        if ratio == 0:
            assert part.minor == 0


# --- parse / format ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.34", "USD", 1234),
        ("12.3", "USD", 1230),
        ("12", "USD", 1200),
        ("0.01", "USD", 1),
        ("-5.50", "EUR", -550),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        ("0.5", "BHD", 500),
        ("007.10", "USD", 710),
    ],
)
def test_parse(text, currency, minor):
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("12.345", "USD"),  # too precise
        ("12.0", "JPY"),  # JPY has no minor unit
        ("1.2345", "KWD"),
        ("", "USD"),
        ("abc", "USD"),
        ("1e3", "USD"),
        ("NaN", "USD"),
        ("Infinity", "USD"),
        ("1,000.00", "USD"),
        (" 12.00", "USD"),
        ("12.", "USD"),
        (".5", "USD"),
        ("+5", "USD"),
        ("--5", "USD"),
        ("$12", "USD"),
        ("1" * 100, "USD"),
    ],
)
def test_parse_rejects(text, currency):
    with pytest.raises(InvalidAmount) as info:
        Money.parse(text, currency)
    assert info.value.code == "invalid_amount"


def test_parse_unknown_currency():
    with pytest.raises(UnknownCurrency):
        Money.parse("1.00", "ZZZ")


def test_from_decimal():
    assert Money.from_decimal(Decimal("12.30"), "USD") == Money(1230, "USD")
    assert Money.from_decimal(Decimal("12.300"), "KWD") == Money(12_300, "KWD")
    with pytest.raises(InvalidAmount):
        Money.from_decimal(Decimal("12.345"), "USD")
    with pytest.raises(InvalidAmount):
        Money.from_decimal(Decimal("NaN"), "USD")


@pytest.mark.parametrize(
    ("money", "display", "coded"),
    [
        (Money(123_456, "USD"), "$1,234.56", "1,234.56 USD"),
        (Money(-5, "USD"), "-$0.05", "-0.05 USD"),
        (Money(1_500_000, "JPY"), "¥1,500,000", "1,500,000 JPY"),
        (Money(1234, "KWD"), "KD\u00a01.234", "1.234 KWD"),
        (Money(99, "EUR"), "€0.99", "0.99 EUR"),
        (Money(100, "GBP"), "£1.00", "1.00 GBP"),
        (Money(0, "MXN"), "MX$0.00", "0.00 MXN"),
    ],
)
def test_format(money, display, coded):
    assert str(money) == display
    assert money.format(with_code=True) == coded


def test_as_dict():
    assert Money(1230, "USD").as_dict() == {
        "amount": "12.30",
        "amount_minor": 1230,
        "currency": "USD",
    }


@given(amount=amounts, currency=currencies)
def test_parse_and_format_round_trip(amount, currency):
    money = Money(amount, currency)
    assert Money.parse(money.to_decimal_string(), currency) == money
    assert Money.from_decimal(money.to_decimal(), currency) == money
    # The display form is the decimal with a symbol and grouping commas.
    symbol = CURRENCIES[currency].symbol
    plain = money.format().replace(symbol, "", 1).replace(",", "")
    assert Money.parse(plain, currency) == money
    coded = money.format(with_code=True).removesuffix(f" {currency}").replace(",", "")
    assert Money.parse(coded, currency) == money


class _Row:
    amount_minor = 1999
    client_fee_minor = 100
    currency = "JPY"
    total = money_property("amount_minor", "client_fee_minor")
    amount = money_property("amount_minor")


def test_money_property_sums_minor_units_in_the_row_currency():
    row = _Row()
    assert row.amount == Money(1999, "JPY")
    assert row.total == Money(2099, "JPY")
    row.currency = "USD"
    assert row.total.format() == "$20.99"
