"""The interface every payment provider implements.

Providers speak Stripe's vocabulary: webhook events are Stripe-shaped dicts
(``{"id", "type", "created", "data": {"object": {...}}}``) and objects carry our record's
id in ``metadata`` (``payment_id``, ``refund_id``, ``payout_id``), so one webhook processor
(``craftwork.payments.webhooks``) serves every provider.

Provider calls raise ``ProviderError`` when the provider refuses or cannot be reached;
nothing on the platform has changed then.
"""

from __future__ import annotations

import abc
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from craftwork.core import jsoninput
from craftwork.core.errors import DomainError, ValidationFailed


class ProviderError(DomainError):
    code = "provider_error"
    status_code = 502
    default_message = _("The payment provider could not complete the request. Try again.")


class ProviderDeclined(DomainError):
    """The provider refused for good (already refunded, account closed ...): do not retry."""

    code = "provider_declined"
    status_code = 409
    default_message = _("The payment provider refused the request.")


class WebhookError(ValidationFailed):
    """The webhook request is refused with 400; nothing was stored."""

    code = "invalid_webhook"


class InvalidSignature(WebhookError):
    code = "invalid_signature"
    default_message = _("The webhook signature is missing or does not match.")


class StaleTimestamp(WebhookError):
    code = "stale_timestamp"
    default_message = _("The webhook timestamp is outside the tolerance.")


class MalformedPayload(WebhookError):
    code = "malformed_payload"
    default_message = _("The webhook body is not a valid event.")


WEBHOOK_TOLERANCE_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: str.isdigit() also accepts "²"


def webhook_header(headers: Mapping[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), "")


def parse_signature_header(header: str) -> tuple[int, list[str]]:
    """``t=<unix seconds>,v1=<hex>[,v1=...]`` (Stripe's format, which the sandbox copies)."""
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and _TIMESTAMP.fullmatch(value):
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature()
    return timestamp, signatures


def check_webhook_timestamp(timestamp: int, *, now: float | None = None) -> None:
    """Refuse a signed timestamp too far in the past (a replay) or in the future (a forged clock)."""
    now = time.time() if now is None else now
    if abs(now - timestamp) > WEBHOOK_TOLERANCE_SECONDS:
        raise StaleTimestamp()


def parse_webhook_event(body: str) -> dict:
    """The verified body as an event object; anything else is ``MalformedPayload`` (400), so the
    provider stops retrying a body we can never accept."""
    try:
        event = jsoninput.loads(body)
    except ValueError as exc:
        raise MalformedPayload() from exc
    if not isinstance(event, dict):
        raise MalformedPayload()
    return event


@dataclass(frozen=True)
class CheckoutSession:
    provider_payment_id: str  # the object the payer completes (PaymentIntent / Checkout Session)
    checkout_url: str  # where the web redirects the payer
    provider_intent_id: str = ""


@dataclass(frozen=True)
class ProviderObject:
    """An id at the provider and the state it reported synchronously."""

    id: str
    status: str  # pending / succeeded / failed / paid / in_transit ...
    failure_reason: str = ""


@dataclass(frozen=True)
class OnboardingLink:
    url: str
    account_id: str = ""


class PaymentProvider(abc.ABC):
    name: str
    payout_method_kind: str

    @abc.abstractmethod
    def create_payment(self, payment) -> CheckoutSession:
        """Open a checkout for ``payment.total`` (idempotent per payment)."""

    @abc.abstractmethod
    def retrieve_payment(self, payment) -> dict:
        """The current Stripe-shaped PaymentIntent of the payment (the source of truth)."""

    @abc.abstractmethod
    def cancel_payment(self, payment) -> None:
        """Cancel an unpaid checkout."""

    @abc.abstractmethod
    def refund(self, payment, refund) -> ProviderObject:
        """Refund ``refund.amount`` of the payment's charge (idempotent per refund)."""

    @abc.abstractmethod
    def create_payout(self, payout) -> ProviderObject:
        """Send a payout to ``payout.method`` (idempotent per payout)."""

    @abc.abstractmethod
    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> dict:
        """Check the signature and timestamp on the raw body; return the event dict."""

    @abc.abstractmethod
    def onboarding_link(self, method, *, return_url: str, refresh_url: str) -> OnboardingLink:
        """Where the user sets up the payout account behind ``method``."""

    def refresh_payout_method(self, method) -> bool:
        """Ask the provider whether the payout account is ready; True if it is."""
        return method.status == method.Status.ACTIVE

    def payout_failed(self, payout) -> None:
        """Give back whatever the provider moved for a payout that then failed."""
        return None
