"""``PaymentProvider`` for the sandbox: calls the sandbox engine as an SDK calls its API."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from django.urls import reverse

from ..base import (
    CheckoutSession,
    InvalidSignature,
    MalformedPayload,
    OnboardingLink,
    PaymentProvider,
    ProviderObject,
    check_webhook_timestamp,
    parse_signature_header,
    parse_webhook_event,
    webhook_header,
)
from . import engine


class SandboxProvider(PaymentProvider):
    name = "sandbox"
    payout_method_kind = "sandbox_bank"

    def create_payment(self, payment) -> CheckoutSession:
        charge = engine.create_intent(
            amount=payment.total.minor,
            currency=payment.currency,
            description=payment.description,
            metadata={"payment_id": str(payment.pk)},
            idempotency_key=f"payment:{payment.pk}",
        )
        return CheckoutSession(
            provider_payment_id=charge.intent_id,
            provider_intent_id=charge.intent_id,
            checkout_url=reverse("payments:sandbox-checkout", args=[payment.pk]),
        )

    def retrieve_payment(self, payment) -> dict:
        return engine.intent_object(engine.get_charge(payment.provider_intent_id))

    def cancel_payment(self, payment) -> None:
        engine.cancel_intent(payment.provider_intent_id)

    def refund(self, payment, refund) -> ProviderObject:
        sandbox_refund = engine.create_refund(
            intent_id=payment.provider_intent_id,
            amount=refund.total.minor,
            metadata={"refund_id": str(refund.pk), "payment_id": str(payment.pk)},
            idempotency_key=f"refund:{refund.pk}",
        )
        return ProviderObject(sandbox_refund.refund_id, sandbox_refund.status)

    def create_payout(self, payout) -> ProviderObject:
        sandbox_payout = engine.create_payout(
            bank_account_id=payout.method.provider_account_id,
            amount=payout.amount_minor,
            currency=payout.currency,
            metadata={"payout_id": str(payout.pk)},
            idempotency_key=f"payout:{payout.pk}",
        )
        return ProviderObject(sandbox_payout.payout_id, "in_transit")

    def onboarding_link(self, method, *, return_url: str, refresh_url: str) -> OnboardingLink:
        url = reverse("payments:sandbox-onboarding", args=[method.pk])
        return OnboardingLink(url=f"{url}?next={return_url}")

    def add_bank_account(self, method, *, holder_name: str, number: str) -> str:
        account = engine.create_bank_account(
            holder_name=holder_name, number=number, owner_ref=str(method.user_id)
        )
        return account.account_id

    def verify_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> dict:
        header = webhook_header(headers, engine.SIGNATURE_HEADER)
        timestamp, signatures = parse_signature_header(header)
        try:
            body = raw_body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedPayload() from exc
        expected = engine.sign(body, timestamp=timestamp).split("v1=", 1)[1]
        if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
            raise InvalidSignature()
        check_webhook_timestamp(timestamp)
        return parse_webhook_event(body)
