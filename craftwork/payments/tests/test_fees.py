import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from craftwork.core.money import CURRENCIES, Money
from craftwork.payments.fees import FeeRates, compute_breakdown, fee_breakdown, fee_rates

from .factories import FeeScheduleFactory, usd

rates = st.builds(
    FeeRates,
    platform_fee_bps=st.integers(0, 10_000),
    client_fee_bps=st.integers(0, 10_000),
    client_fee_min_minor=st.integers(0, 10_000),
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    amount=st.integers(0, 10**14),
    currency=st.sampled_from(sorted(CURRENCIES)),
    rates=rates,
)
def test_breakdown_parts_always_add_up(amount, currency, rates):
    subtotal = Money(amount, currency)
    result = compute_breakdown(subtotal, rates)
    assert result.subtotal + result.client_fee == result.total
    assert result.platform_fee + result.provider_net == result.subtotal
    for part in (result.client_fee, result.platform_fee, result.provider_net):
        assert part.currency == currency
        assert not part.is_negative
    if amount:
        assert result.client_fee.minor >= rates.client_fee_min_minor
    else:
        assert result.total.is_zero


def test_default_rates_without_any_schedule(db):
    result = fee_breakdown(usd(10_000))
    assert result.client_fee == usd(500)
    assert result.total == usd(10_500)
    assert result.platform_fee == usd(1_000)
    assert result.provider_net == usd(9_000)
    assert (result.platform_fee_bps, result.client_fee_bps) == (1000, 500)


def test_rounding_of_both_fees(db):
    result = fee_breakdown(usd(1_010))  # 5 % = 50.5 -> 51, 10 % = 101
    assert result.client_fee == usd(51)
    assert result.platform_fee == usd(101)
    assert result.as_dict()["total"] == {
        "amount": "10.61",
        "amount_minor": 1_061,
        "currency": "USD",
    }


def test_minimum_client_fee(db):
    FeeScheduleFactory(currency="USD", client_fee_min_minor=99)
    assert fee_breakdown(usd(100)).client_fee == usd(99)
    assert fee_breakdown(usd(100_000)).client_fee == usd(5_000)
    # The minimum is in cents: it does not apply to another currency.
    assert fee_breakdown(Money(100, "JPY")).client_fee == Money(5, "JPY")


def test_most_specific_schedule_wins(db):
    FeeScheduleFactory(platform_fee_bps=900)
    FeeScheduleFactory(currency="EUR", platform_fee_bps=800)
    FeeScheduleFactory(category_slug="design", platform_fee_bps=700)
    FeeScheduleFactory(category_slug="design", currency="EUR", platform_fee_bps=600)
    assert fee_rates("USD").platform_fee_bps == 900
    assert fee_rates("EUR").platform_fee_bps == 800
    assert fee_rates("USD", "design").platform_fee_bps == 700
    assert fee_rates("EUR", "design").platform_fee_bps == 600
    assert fee_rates("USD", "writing").platform_fee_bps == 900


def test_fee_rates_is_one_query(db, django_assert_num_queries):
    FeeScheduleFactory(category_slug="design")
    with django_assert_num_queries(1):
        fee_rates("USD", "design")


def test_negative_or_non_money_price(db):
    with pytest.raises(ValueError):
        fee_breakdown(usd(-1))
    with pytest.raises(TypeError):
        compute_breakdown(100, FeeRates())
