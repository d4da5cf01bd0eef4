"""``PaymentProvider`` on Stripe with the official SDK (``stripe.StripeClient``).

* Charges: a Checkout Session (``mode=payment``) per Payment; the PaymentIntent carries
  ``metadata.payment_id``. The payer returns to ``payments:return``.
* Refunds: ``Refund`` on the PaymentIntent (``metadata.refund_id``).
* Payouts: Connect Express accounts onboarded with Account Links; a withdrawal is a
  ``Transfer`` to the connected account and a ``Payout`` on it (``metadata.payout_id``);
  a failed payout reverses the transfer so the money is back on the platform.
* Webhooks: the SDK's signature check on ``Stripe-Signature``, a timestamp within 300 s either
  way, and a body that must be a JSON object.

Every call that creates something passes an idempotency key derived from our record.
Tests replace ``make_http_client`` to answer with Stripe-shaped JSON; nothing here
reaches the network in tests.
"""

from __future__ import annotations

from collections.abc import Mapping

import stripe
from django.conf import settings
from django.urls import reverse

from .base import (
    CheckoutSession,
    InvalidSignature,
    MalformedPayload,
    OnboardingLink,
    PaymentProvider,
    ProviderDeclined,
    ProviderError,
    ProviderObject,
    check_webhook_timestamp,
    parse_signature_header,
    parse_webhook_event,
    webhook_header,
)

SIGNATURE_HEADER = "Stripe-Signature"


def make_http_client() -> stripe.HTTPClient | None:
    """The SDK's HTTP client (None: the SDK's default). Tests answer requests here."""
    return None


def _as_dict(obj) -> dict:
    if obj is None:
        return {}
    if isinstance(obj, stripe.StripeObject):
        return obj._to_dict_recursive()
    return dict(obj)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class StripeProvider(PaymentProvider):
    name = "stripe"
    payout_method_kind = "stripe_connect"

    def __init__(self, client: stripe.StripeClient | None = None):
        self.client = client or stripe.StripeClient(
            settings.STRIPE_SECRET_KEY or "sk_test_unconfigured",
            http_client=make_http_client(),
            max_network_retries=2,
        )

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
            raise ProviderError(details={"stripe": type(exc).__name__}) from exc
        except stripe.StripeError as exc:
            message = getattr(exc, "user_message", None) or str(exc)
            raise ProviderDeclined(message[:300], details={"stripe_code": exc.code or ""}) from exc

    # --- charges ------------------------------------------------------------------------------

    def create_payment(self, payment) -> CheckoutSession:
        metadata = {"payment_id": str(payment.pk)}
        return_url = _absolute(reverse("payments:return", args=[payment.pk]))
        session = self._call(
            self.client.v1.checkout.sessions.create,
            params={
                "mode": "payment",
                "client_reference_id": str(payment.pk),
                "customer_email": payment.payer.email,
                "line_items": _line_items(payment),
                "payment_intent_data": {
                    "metadata": metadata,
                    "description": payment.description[:250],
                },
                "metadata": metadata,
                "success_url": return_url,
                "cancel_url": return_url,
            },
            options={"idempotency_key": f"payment:{payment.pk}"},
        )
        intent = session.get("payment_intent") or ""
        return CheckoutSession(
            provider_payment_id=session.id,
            checkout_url=session.url or "",
            provider_intent_id=intent if isinstance(intent, str) else intent.get("id", ""),
        )

    def retrieve_payment(self, payment) -> dict:
        if payment.provider_intent_id:
            intent = self._call(self.client.v1.payment_intents.retrieve, payment.provider_intent_id)
            return _as_dict(intent)
        session = _as_dict(
            self._call(
                self.client.v1.checkout.sessions.retrieve,
                payment.provider_payment_id,
                params={"expand": ["payment_intent"]},
            )
        )
        if isinstance(session.get("payment_intent"), dict):
            return session["payment_intent"]
        # No PaymentIntent yet: the payer has not submitted the page.
        return {
            "id": "",
            "object": "payment_intent",
            "status": "canceled"
            if session.get("status") == "expired"
            else "requires_payment_method",
            "amount": session.get("amount_total"),
            "currency": session.get("currency"),
            "metadata": session.get("metadata") or {},
        }

    def cancel_payment(self, payment) -> None:
        if payment.provider_intent_id:
            self._call(self.client.v1.payment_intents.cancel, payment.provider_intent_id)
        else:
            self._call(self.client.v1.checkout.sessions.expire, payment.provider_payment_id)

    def refund(self, payment, refund) -> ProviderObject:
        answer = self._call(
            self.client.v1.refunds.create,
            params={
                "payment_intent": payment.provider_intent_id,
                "amount": refund.total.minor,
                "metadata": {"refund_id": str(refund.pk), "payment_id": str(payment.pk)},
            },
            options={"idempotency_key": f"refund:{refund.pk}"},
        )
        return ProviderObject(answer.id, answer.status, answer.get("failure_reason") or "")

    # --- payouts ------------------------------------------------------------------------------

    def create_payout(self, payout) -> ProviderObject:
        account = payout.method.provider_account_id
        metadata = {"payout_id": str(payout.pk)}
        self._call(
            self.client.v1.transfers.create,
            params={
                "amount": payout.amount_minor,
                "currency": payout.currency.lower(),
                "destination": account,
                "transfer_group": f"payout:{payout.pk}",
                "metadata": metadata,
            },
            options={"idempotency_key": f"transfer:{payout.pk}"},
        )
        answer = self._call(
            self.client.v1.payouts.create,
            params={
                "amount": payout.amount_minor,
                "currency": payout.currency.lower(),
                "metadata": metadata,
            },
            options={"idempotency_key": f"payout:{payout.pk}", "stripe_account": account},
        )
        return ProviderObject(answer.id, answer.status, answer.get("failure_message") or "")

    def payout_failed(self, payout) -> None:
        """Take the money back from the connected account (it stays there after a failed payout)."""
        transfers = self._call(
            self.client.v1.transfers.list, params={"transfer_group": f"payout:{payout.pk}"}
        )
        for transfer in transfers.data:
            remaining = transfer.amount - (transfer.get("amount_reversed") or 0)
            if remaining > 0:
                self._call(
                    self.client.v1.transfers.reversals.create,
                    transfer.id,
                    params={"amount": remaining, "metadata": {"payout_id": str(payout.pk)}},
                    options={"idempotency_key": f"reversal:{payout.pk}:{transfer.id}"},
                )

    def onboarding_link(self, method, *, return_url: str, refresh_url: str) -> OnboardingLink:
        account_id = method.provider_account_id
        if not account_id:
            account = self._call(
                self.client.v1.accounts.create,
                params={
                    "type": "express",
                    "country": settings.STRIPE_CONNECT_COUNTRY,
                    "email": method.user.email,
                    "capabilities": {"transfers": {"requested": True}},
                    "metadata": {
                        "user_id": str(method.user_id),
                        "payout_method_id": str(method.pk),
                    },
                },
                options={"idempotency_key": f"account:{method.pk}"},
            )
            account_id = account.id
        link = self._call(
            self.client.v1.account_links.create,
            params={
                "account": account_id,
                "type": "account_onboarding",
                "return_url": _absolute(return_url),
                "refresh_url": _absolute(refresh_url),
            },
        )
        return OnboardingLink(url=link.url, account_id=account_id)

    def refresh_payout_method(self, method) -> bool:
        if not method.provider_account_id:
            return False
        account = self._call(self.client.v1.accounts.retrieve, method.provider_account_id)
        return bool(account.get("payouts_enabled"))

    # --- webhooks -----------------------------------------------------------------------------

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> dict:
        header = webhook_header(headers, SIGNATURE_HEADER)
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not header or not secret:
            raise InvalidSignature()
        try:
            body = raw_body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedPayload() from exc
        try:
            # The SDK's check only; its construct_event also builds an Event, which fails on
            # bodies that are valid JSON but no object, and accepts timestamps in the future.
            stripe.WebhookSignature.verify_header(body, header, secret, tolerance=None)
        except stripe.SignatureVerificationError as exc:
            raise InvalidSignature() from exc
        timestamp, _signatures = parse_signature_header(header)
        check_webhook_timestamp(timestamp)
        return parse_webhook_event(body)


def _line_item(currency: str, amount_minor: int, name: str) -> dict:
    return {
        "quantity": 1,
        "price_data": {
            "currency": currency.lower(),
            "unit_amount": amount_minor,
            "product_data": {"name": name[:250]},
        },
    }


def _line_items(payment) -> list[dict]:
    """One item for a payment; one per line (its amount plus its service fee) for a split
    payment, so Checkout shows the cart and the items add up to ``payment.total``."""
    if not payment.is_split:
        name = payment.description or payment.reference
        return [_line_item(payment.currency, payment.total.minor, name)]
    return [
        _line_item(payment.currency, line.total.minor, line.description or line.reference)
        for line in payment.lines.order_by("position")
    ]
