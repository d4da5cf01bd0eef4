"""Money: an immutable amount in integer minor units of one ISO 4217 currency.

No floats anywhere: constructing or multiplying with a float raises ``TypeError``.
Arithmetic (``+``, ``-``, comparisons) only works within one currency and raises
``CurrencyMismatch`` otherwise.

Rounding rules (the only places where money is divided):

* ``Money.fee(bps)``: a fee of ``bps`` basis points (1 bp = 0.01 %, 10000 bp = 100 %)
  is ``minor * bps / 10000`` rounded **half up** to the minor unit, i.e. a remainder of
  exactly one half rounds away from zero: 5 % of 0.10 USD (0.005) is 0.01 USD, 5 % of
  0.09 USD (0.0045) is 0.00 USD. Negative amounts are symmetric: ``fee(-x) == -fee(x)``.
  ``Money.split_fee(bps)`` returns ``(fee, amount - fee)``, whose sum is always the amount.
* ``Money.allocate(ratios)`` splits an amount by integer ratios with the largest
  remainder method: every part first gets ``floor(amount * ratio / total)``, then the
  minor units left over go one each to the parts with the largest remainders (ties: the
  earlier part first). The parts always add up exactly to the amount and each part is
  within one minor unit of its exact share. A negative amount is allocated as its
  absolute value and negated.

Parsing (``Money.parse("12.34", "USD")``) accepts only a plain decimal string: an
optional ``-``, digits, and optionally ``.`` followed by at most as many digits as the
currency's exponent (2 for USD, 0 for JPY, 3 for KWD). Anything else (exponents, grouping
commas, spaces, "NaN", too many decimals, even trailing zeros beyond the exponent) raises
``InvalidAmount``. ``str(money)``/``money.format()`` is for display only ("$1,234.56").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

BPS_DENOMINATOR = 10_000
# Amounts are stored in PostgreSQL BIGINT columns.
MAX_MINOR = 2**63 - 1


class CurrencyInfo(NamedTuple):
    exponent: int
    symbol: str


# A small table: add a currency here before using it anywhere.
CURRENCIES: dict[str, CurrencyInfo] = {
    "USD": CurrencyInfo(2, "$"),
    "EUR": CurrencyInfo(2, "€"),
    "GBP": CurrencyInfo(2, "£"),
    "CAD": CurrencyInfo(2, "CA$"),
    "AUD": CurrencyInfo(2, "A$"),
    "MXN": CurrencyInfo(2, "MX$"),
    "BRL": CurrencyInfo(2, "R$"),
    "CHF": CurrencyInfo(2, "CHF\u00a0"),
    "INR": CurrencyInfo(2, "₹"),
    "JPY": CurrencyInfo(0, "¥"),
    "KRW": CurrencyInfo(0, "₩"),
    "KWD": CurrencyInfo(3, "KD\u00a0"),
    "BHD": CurrencyInfo(3, "BD\u00a0"),
}
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCIES)]

# Units the ledger keeps that are not money: platform credits (craftwork.billing). A ledger
# account and its entries are in one unit, and every transaction balances per unit, so credits
# are never added to or exchanged for a currency by the ledger. Money(…, "CRD") exists for the
# ledger's arithmetic; forms and serializers validate currencies with ``currency_info``, which
# refuses these units.
CREDITS = "CRD"
LEDGER_UNITS: dict[str, CurrencyInfo] = {CREDITS: CurrencyInfo(0, "")}
LEDGER_UNIT_CHOICES = CURRENCY_CHOICES + [(code, code) for code in sorted(LEDGER_UNITS)]

_DECIMAL_RE = re.compile(r"^(-?)(\d+)(?:\.(\d+))?$")
_MAX_TEXT_LENGTH = 40


class CurrencyMismatch(ValidationFailed, ValueError):
    code = "currency_mismatch"
    default_message = _("The amounts are in different currencies.")


class UnknownCurrency(ValidationFailed, ValueError):
    code = "unknown_currency"
    default_message = _("This currency is not supported.")


class InvalidAmount(ValidationFailed, ValueError):
    code = "invalid_amount"
    default_message = _("This is not a valid amount for the currency.")


def currency_info(currency: str) -> CurrencyInfo:
    try:
        return CURRENCIES[currency]
    except (KeyError, TypeError):
        raise UnknownCurrency(details={"currency": str(currency)[:10]}) from None


def unit_info(unit: str) -> CurrencyInfo:
    """A currency or a non-money ledger unit (``LEDGER_UNITS``)."""
    if isinstance(unit, str) and unit in LEDGER_UNITS:
        return LEDGER_UNITS[unit]
    return currency_info(unit)


def _require_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self):
        _require_int(self.minor, "Money.minor")
        if not isinstance(self.currency, str):
            raise TypeError("Money.currency must be a str")
        unit_info(self.currency)
        if abs(self.minor) > MAX_MINOR:
            raise InvalidAmount(_("The amount is too large."))

    # --- construction -----------------------------------------------------------

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a plain decimal string ("12.34") with the currency's precision."""
        if not isinstance(text, str):
            raise TypeError("Money.parse takes a str")
        exponent = currency_info(currency).exponent
        match = _DECIMAL_RE.match(text) if len(text) <= _MAX_TEXT_LENGTH else None
        if match is None:
            raise InvalidAmount(details={"amount": text[:_MAX_TEXT_LENGTH]})
        sign, whole, fraction = match.groups()
        fraction = fraction or ""
        if len(fraction) > exponent:
            raise InvalidAmount(
                _("%(currency)s amounts have at most %(digits)d decimal places.")
                % {"currency": currency, "digits": exponent},
                details={"amount": text},
            )
        minor = int(whole + fraction.ljust(exponent, "0"))
        return cls(-minor if sign else minor, currency)

    @classmethod
    def from_decimal(cls, value: Decimal, currency: str) -> Money:
        """Exact conversion of a Decimal (e.g. from a form field); never rounds."""
        if not isinstance(value, Decimal):
            raise TypeError("Money.from_decimal takes a Decimal")
        if not value.is_finite():
            raise InvalidAmount(details={"amount": str(value)})
        return cls.parse(format(value, "f"), currency)

    # --- arithmetic ---------------------------------------------------------------

    def _same(self, other) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(details={"currencies": [self.currency, other.currency]})
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.minor + self._same(other).minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.minor - self._same(other).minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        return Money(self.minor * _require_int(factor, "Money multiplier"), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.minor < self._same(other).minor

    def __le__(self, other: Money) -> bool:
        return self.minor <= self._same(other).minor

    def __gt__(self, other: Money) -> bool:
        return self.minor > self._same(other).minor

    def __ge__(self, other: Money) -> bool:
        return self.minor >= self._same(other).minor

    @property
    def is_zero(self) -> bool:
        return self.minor == 0

    @property
    def is_positive(self) -> bool:
        return self.minor > 0

    @property
    def is_negative(self) -> bool:
        return self.minor < 0

    # --- division (the only places that round) ----------------------------------------

    def fee(self, bps: int) -> Money:
        """``bps`` basis points of this amount, rounded half up (away from zero)."""
        _require_int(bps, "bps")
        if not 0 <= bps <= BPS_DENOMINATOR:
            raise ValueError("bps must be between 0 and 10000")
        magnitude = (abs(self.minor) * bps * 2 + BPS_DENOMINATOR) // (2 * BPS_DENOMINATOR)
        return Money(-magnitude if self.minor < 0 else magnitude, self.currency)

    def split_fee(self, bps: int) -> tuple[Money, Money]:
        """``(fee, net)`` with ``fee + net == self``."""
        fee = self.fee(bps)
        return fee, self - fee

    def allocate(self, ratios: list[int] | tuple[int, ...]) -> list[Money]:
        """Split by integer ratios (largest remainder); the parts add up to ``self``."""
        ratios = [_require_int(r, "ratio") for r in ratios]
        if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise ValueError("ratios must be non-negative with a positive sum")
        total = sum(ratios)
        magnitude = abs(self.minor)
        parts = [magnitude * r // total for r in ratios]
        remainders = [magnitude * r % total for r in ratios]
        leftover = magnitude - sum(parts)
        by_remainder = sorted(range(len(ratios)), key=lambda i: (-remainders[i], i))
        for index in by_remainder[:leftover]:
            parts[index] += 1
        sign = -1 if self.minor < 0 else 1
        return [Money(sign * part, self.currency) for part in parts]

    # --- output -------------------------------------------------------------------

    def to_decimal_string(self) -> str:
        """Canonical plain decimal ("-1234.50"); ``Money.parse`` reads it back."""
        exponent = unit_info(self.currency).exponent
        digits = str(abs(self.minor)).rjust(exponent + 1, "0")
        whole, fraction = (digits[:-exponent], digits[-exponent:]) if exponent else (digits, "")
        sign = "-" if self.minor < 0 else ""
        return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"

    def to_decimal(self) -> Decimal:
        return Decimal(self.to_decimal_string())

    def format(self, *, with_code: bool = False) -> str:
        """For display: "$1,234.56", "-¥500", or with_code "1,234.56 USD"."""
        symbol = unit_info(self.currency).symbol
        plain = self.to_decimal_string().lstrip("-")
        whole, _dot, fraction = plain.partition(".")
        grouped = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        sign = "-" if self.minor < 0 else ""
        if with_code:
            return f"{sign}{grouped} {self.currency}"
        return f"{sign}{symbol}{grouped}"

    def as_dict(self) -> dict:
        """The API representation."""
        return {
            "amount": self.to_decimal_string(),
            "amount_minor": self.minor,
            "currency": self.currency,
        }

    def __str__(self) -> str:
        return self.format()


def money_property(*minor_fields: str, currency_field: str = "currency") -> property:
    """A model's read-only Money: the sum of its integer minor-unit fields in its currency.
    ``total = money_property("amount_minor", "client_fee_minor")``."""

    def read(obj) -> Money:
        return Money(sum(getattr(obj, name) for name in minor_fields), getattr(obj, currency_field))

    return property(read, doc=f"Money of {' + '.join(minor_fields)}")
