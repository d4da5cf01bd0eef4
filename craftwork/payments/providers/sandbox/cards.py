"""Stripe's test cards, as the sandbox understands them.

| Number | Outcome |
|---|---|
| 4242 4242 4242 4242, 5555 5555 5555 4444, 4000 0566 5566 5556, 3782 822463 10005 | succeeds |
| 4000 0000 0000 0002 | declined (``card_declined`` / ``generic_decline``) |
| 4000 0000 0000 9995 | declined (``card_declined`` / ``insufficient_funds``) |
| 4000 0000 0000 0069 | declined (``expired_card``) |
| 4000 0000 0000 0127 | declined (``incorrect_cvc``) |
| 4000 0025 0000 3155 | requires authentication (3-D Secure challenge) |
| 4000 0000 0000 5126 | succeeds; refunds then fail asynchronously |

A number that fails the Luhn check is an invalid card number; any other valid-looking
number is declined, as Stripe declines real cards in test mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SUCCEED = "succeed"
DECLINE = "decline"
AUTHENTICATE = "authenticate"


@dataclass(frozen=True)
class CardBehaviour:
    outcome: str
    brand: str
    code: str = ""
    decline_code: str = ""
    refunds_fail: bool = False


TEST_CARDS: dict[str, CardBehaviour] = {
    "4242424242424242": CardBehaviour(SUCCEED, "visa"),
    "4000056655665556": CardBehaviour(SUCCEED, "visa"),
    "5555555555554444": CardBehaviour(SUCCEED, "mastercard"),
    "378282246310005": CardBehaviour(SUCCEED, "amex"),
    "4000000000000002": CardBehaviour(DECLINE, "visa", "card_declined", "generic_decline"),
    "4000000000009995": CardBehaviour(DECLINE, "visa", "card_declined", "insufficient_funds"),
    "4000000000000069": CardBehaviour(DECLINE, "visa", "expired_card", "expired_card"),
    "4000000000000127": CardBehaviour(DECLINE, "visa", "incorrect_cvc", "incorrect_cvc"),
    "4000002500003155": CardBehaviour(AUTHENTICATE, "visa"),
    "4000000000005126": CardBehaviour(SUCCEED, "visa", refunds_fail=True),
}
UNKNOWN_CARD = CardBehaviour(DECLINE, "unknown", "card_declined", "test_mode_live_card")

DECLINE_MESSAGES = {
    "generic_decline": _("Your card was declined."),
    "insufficient_funds": _("Your card has insufficient funds."),
    "expired_card": _("Your card has expired."),
    "incorrect_cvc": _("Your card's security code is incorrect."),
    "test_mode_live_card": _(
        "Your card was declined. This is a test environment: use one of the test cards."
    ),
    "authentication_failed": _(
        "We are unable to authenticate your payment method. Please choose a different "
        "payment method and try again."
    ),
}


class CardError(ValueError):
    """The card details are malformed (the form shows the message next to the field)."""

    def __init__(self, field: str, code: str, message):
        super().__init__(str(message))
        self.field, self.code, self.message = field, code, message


def normalize_number(number: str) -> str:
    return re.sub(r"[\s-]", "", number or "")


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def parse_expiry(text: str, *, today=None) -> tuple[int, int]:
    """``MM/YY`` (or ``MM/YYYY``) not in the past."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", text or "")
    if not match:
        raise CardError("expiry", "invalid_expiry", _("Enter the expiry date as MM/YY."))
    month, year = int(match.group(1)), int(match.group(2))
    year += 2000 if year < 100 else 0
    if not 1 <= month <= 12:
        raise CardError(
            "expiry", "invalid_expiry_month", _("Your card's expiration month is invalid.")
        )
    today = today or timezone.now().date()
    if (year, month) < (today.year, today.month):
        raise CardError(
            "expiry", "invalid_expiry_year", _("Your card's expiration date is in the past.")
        )
    return month, year


def check_card(number: str, expiry: str, cvc: str, name: str) -> tuple[str, CardBehaviour]:
    """Validate the form fields; return the normalized number and what the card does."""
    digits = normalize_number(number)
    if not luhn_valid(digits):
        raise CardError("number", "invalid_number", _("Your card number is invalid."))
    parse_expiry(expiry)
    if not re.fullmatch(r"\d{3,4}", (cvc or "").strip()):
        raise CardError("cvc", "invalid_cvc", _("Your card's security code is invalid."))
    if not (name or "").strip() or len(name) > 100:
        raise CardError("name", "invalid_name", _("Enter the name on the card."))
    return digits, TEST_CARDS.get(digits, UNKNOWN_CARD)
