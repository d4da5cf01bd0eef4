"""Payments: the provider webhook endpoint under a stream of signed sandbox events.

``payment-webhook`` POSTs ``payment_intent.succeeded`` events to
``/api/v1/payments/webhooks/sandbox/``, each with its own event id (a single-use list of
``MAX_EVENTS`` bodies), signed like the sandbox signs them (``Sandbox-Signature: t=..,v1=..``,
HMAC-SHA256 of ``"<t>.<raw body>"`` with the server's ``SANDBOX_WEBHOOK_SECRET``). The events
carry the real PaymentIntent objects of ``PAYMENTS`` open sandbox payments the seeder starts for
the bench user. Per request the server verifies the signature and the timestamp on the raw
body, stores the event under its id (unique index) and queues its processing (a Celery task;
the bench runs no worker, so this measures what the endpoint itself does: processing
converges on the provider's state in the worker, see docs/money.md).

``payment-webhook-replay`` sends one event over and over: the first delivery is stored, every
later one is a duplicate (answered 200 ``{"duplicate": true}`` after the unique index refuses
it), which is what a provider's retries and at-least-once delivery look like.

Signatures are made when the load script is written, so a run (warm-up + duration) must stay
inside the 300 s tolerance. No Django import at module level.
"""

import hashlib
import hmac
import json
import time

from bench.scenarios import Context, Scenario

NAMES = ("payment-webhook", "payment-webhook-replay")
PATH = "/api/v1/payments/webhooks/sandbox/"
PAYMENTS = 200
# Distinct events a run may send (probe + warm-up + measured run); enough for ~1,000 events/s.
MAX_EVENTS = 12_000


def seed_payments(*, freelancers: int, rng, password_hash: str, context: dict) -> dict:
    """Open sandbox payments of the bench user, whose intents the events are about."""
    from bench.areas.catalog import selected

    if not selected(*NAMES):
        return {}
    from django.conf import settings

    from craftwork.accounts.models import User
    from craftwork.core.money import Money
    from craftwork.payments import checkout
    from craftwork.payments.providers.sandbox import engine

    payer = User.objects.get(pk=context["login_user_id"])
    intents = []
    for index in range(PAYMENTS):
        payment = checkout.payment_start(
            payer=payer,
            amount=Money(rng.randrange(5_000, 500_000), "USD"),
            purpose="contract_funding",
            reference=f"milestone:00000000-0000-4000-8000-{index:012d}",
            escrow_ref=f"contract:00000000-0000-4000-9000-{index:012d}",
            description=f"Bench payment {index}",
            return_url="",
            idempotency_key=f"bench-webhook-{index}",
        )
        intents.append(engine.intent_object(engine.get_charge(payment.provider_intent_id)))
    return {
        "webhook_secret": settings.SANDBOX_WEBHOOK_SECRET,
        "webhook_intents": intents,
        "webhook_run": f"{rng.getrandbits(64):016x}",
    }


def _event(context: Context, event_id: str, intent: dict) -> str:
    event = {
        "id": event_id,
        "object": "event",
        "api_version": "2025-sandbox",
        "created": int(time.time()),
        "type": "payment_intent.succeeded",
        "livemode": False,
        "data": {"object": intent},
    }
    return json.dumps(event, separators=(",", ":"), sort_keys=True)


def _event_bodies(context: Context) -> list[str]:
    intents = context["webhook_intents"]
    run = context["webhook_run"]
    return [
        _event(context, f"evt_bench_{run}_{index}", intents[index % len(intents)])
        for index in range(MAX_EVENTS)
    ]


def _replayed_event(context: Context) -> dict:
    return json.loads(
        _event(context, f"evt_bench_{context['webhook_run']}_replay", context["webhook_intents"][0])
    )


def _sign(context: Context, body: str) -> dict[str, str]:
    timestamp = int(time.time())
    digest = hmac.new(
        context["webhook_secret"].encode(), f"{timestamp}.{body}".encode(), hashlib.sha256
    ).hexdigest()
    return {"Sandbox-Signature": f"t={timestamp},v1={digest}"}


SEEDERS = [seed_payments]

SCENARIOS = [
    Scenario(
        name="payment-webhook",
        method="POST",
        path=lambda context: [PATH] * MAX_EVENTS,
        bodies=_event_bodies,
        signed_headers=_sign,
        single_use=True,
        description="Signed sandbox webhook events, each a new event id: verify, store, queue.",
    ),
    Scenario(
        name="payment-webhook-replay",
        method="POST",
        path=PATH,
        body=_replayed_event,
        signed_headers=_sign,
        description="One signed webhook event delivered again and again (duplicates, 200).",
    ),
]
