"""The Stripe provider against a fake of Stripe's HTTP API: the SDK runs for real, only its
HTTP client is replaced, so these tests check the requests the SDK sends and how Stripe-shaped
answers are handled. Nothing reaches the network."""

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import stripe

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.payments import checkout, payouts, selectors
from craftwork.payments.models import Payment, Payout, PayoutMethod, Refund, WebhookEvent
from craftwork.payments.providers import get_provider
from craftwork.payments.providers import stripe as stripe_provider
from craftwork.payments.providers.base import ProviderDeclined, ProviderError

from .conftest import start_payment
from .factories import usd, wallet_with

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_secret"
WEBHOOK_URL = "/api/v1/payments/webhooks/stripe/"


class FakeStripe(stripe.HTTPClient):
    """Answers the SDK's requests from ``routes`` and records every request."""

    name = "fake"

    def __init__(self):
        super().__init__()
        self.requests: list[dict] = []
        self.routes: dict[tuple[str, str], object] = {}

    def route(self, method: str, path: str, body, status: int = 200):
        self.routes[(method.upper(), path)] = (body, status)

    def request(self, method, url, headers, post_data=None, **kwargs):
        parts = urlsplit(url)
        data = parse_qs(post_data.decode() if isinstance(post_data, bytes) else post_data or "")
        self.requests.append(
            {
                "method": method.upper(),
                "path": parts.path,
                "query": parse_qs(parts.query),
                "data": {key: values[0] for key, values in data.items()},
                "headers": dict(headers or {}),
            }
        )
        if (method.upper(), parts.path) not in self.routes:
            error = {
                "error": {"type": "invalid_request_error", "message": f"No route {parts.path}"}
            }
            return json.dumps(error), 404, {}
        body, status = self.routes[(method.upper(), parts.path)]
        body = body(self.requests[-1]) if callable(body) else body
        return json.dumps(body), status, {"request-id": "req_test", "stripe-should-retry": "false"}

    def close(self):
        pass

    def last(self, method: str, path: str) -> dict:
        matching = [r for r in self.requests if (r["method"], r["path"]) == (method, path)]
        assert matching, (
            f"no {method} {path} in {[(r['method'], r['path']) for r in self.requests]}"
        )
        return matching[-1]


@pytest.fixture
def fake(settings, monkeypatch):
    settings.PAYMENTS_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    client = FakeStripe()
    monkeypatch.setattr(stripe_provider, "make_http_client", lambda: client)
    return client


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def stripe_signature(body: str, *, secret=SECRET, timestamp=None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def send_event(api_client, event_type, obj, event_id="evt_1", signature=None):
    body = json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    )
    return api_client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature if signature is not None else stripe_signature(body),
    )


def intent(payment, status="succeeded", **extra):
    return {
        "id": "pi_123",
        "object": "payment_intent",
        "amount": payment.total.minor,
        "currency": "usd",
        "status": status,
        "latest_charge": "ch_123" if status == "succeeded" else None,
        "metadata": {"payment_id": str(payment.pk)},
        **extra,
    }


def start_stripe_payment(fake):
    fake.route(
        "POST",
        "/v1/checkout/sessions",
        {
            "id": "cs_test_1",
            "object": "checkout.session",
            "payment_intent": None,
            "url": "https://checkout.stripe.com/c/pay/cs_test_1",
            "status": "open",
        },
    )
    return start_payment(UserFactory())


def test_checkout_session_request(fake):
    payment = start_stripe_payment(fake)
    sent = fake.last("POST", "/v1/checkout/sessions")
    assert sent["headers"]["Idempotency-Key"] == f"payment:{payment.pk}"
    assert sent["headers"]["Authorization"] == "Bearer sk_test_123"
    assert sent["data"]["mode"] == "payment"
    assert sent["data"]["line_items[0][price_data][unit_amount]"] == "10500"
    assert sent["data"]["line_items[0][price_data][currency]"] == "usd"
    assert sent["data"]["payment_intent_data[metadata][payment_id]"] == str(payment.pk)
    assert sent["data"]["success_url"].endswith(f"/payments/{payment.pk}/return/")
    assert payment.provider == "stripe"
    assert payment.provider_payment_id == "cs_test_1"
    assert payment.checkout_url == "https://checkout.stripe.com/c/pay/cs_test_1"


def test_return_page_before_payment_reads_the_session(fake):
    payment = start_stripe_payment(fake)
    fake.route(
        "GET",
        "/v1/checkout/sessions/cs_test_1",
        {
            "id": "cs_test_1",
            "object": "checkout.session",
            "status": "open",
            "payment_intent": None,
            "amount_total": 10_500,
            "currency": "usd",
            "metadata": {"payment_id": str(payment.pk)},
        },
    )
    payment = checkout.payment_refresh(payment=payment)
    assert payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD
    assert fake.last("GET", "/v1/checkout/sessions/cs_test_1")["query"]["expand[0]"] == [
        "payment_intent"
    ]


def test_session_completed_webhook_funds_escrow(fake, api_client, commit, fulfilled):
    payment = start_stripe_payment(fake)
    fake.route("GET", "/v1/payment_intents/pi_123", intent(payment))
    with commit():
        response = send_event(
            api_client,
            "checkout.session.completed",
            {
                "id": "cs_test_1",
                "object": "checkout.session",
                "payment_intent": "pi_123",
                "metadata": {"payment_id": str(payment.pk)},
            },
        )
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert (payment.provider_intent_id, payment.provider_charge_id) == ("pi_123", "ch_123")
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)
    assert fulfilled == [payment.pk]


def test_failed_intent(fake, api_client, commit):
    payment = start_stripe_payment(fake)
    error = {
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
    }
    fake.route(
        "GET",
        "/v1/payment_intents/pi_123",
        intent(payment, "requires_payment_method", last_payment_error=error),
    )
    with commit():
        send_event(
            api_client,
            "payment_intent.payment_failed",
            intent(payment, "requires_payment_method", last_payment_error=error),
        )
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == ("failed", "insufficient_funds")


def paid_stripe_payment(fake, api_client, commit):
    payment = start_stripe_payment(fake)
    fake.route("GET", "/v1/payment_intents/pi_123", intent(payment))
    with commit():
        send_event(api_client, "payment_intent.succeeded", intent(payment), event_id="evt_paid")
    payment.refresh_from_db()
    return payment


def test_refund_request(fake, api_client, commit):
    payment = paid_stripe_payment(fake, api_client, commit)
    fake.route(
        "POST",
        "/v1/refunds",
        lambda req: {
            "id": "re_1",
            "object": "refund",
            "status": "succeeded",
            "amount": int(req["data"]["amount"]),
            "payment_intent": "pi_123",
            "metadata": {"refund_id": req["data"]["metadata[refund_id]"]},
        },
    )
    with commit():
        [refund] = checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(2_500),
            reason="",
            actor=None,
            idempotency_key="r",
        )
    sent = fake.last("POST", "/v1/refunds")
    assert sent["data"]["payment_intent"] == "pi_123"
    # 2,500 out of the escrow and its share of the client service fee (docs/money.md).
    share = payment.client_fee.minor * 2_500 // payment.amount.minor
    assert sent["data"]["amount"] == str(2_500 + share)
    assert sent["headers"]["Idempotency-Key"] == f"refund:{refund.pk}"
    refund.refresh_from_db()
    assert (refund.status, refund.provider_refund_id) == ("succeeded", "re_1")
    # Stripe's webhook for the same refund changes nothing more.
    with commit():
        send_event(
            api_client,
            "charge.refunded",
            {
                "id": "ch_123",
                "object": "charge",
                "payment_intent": "pi_123",
                "refunds": {
                    "data": [
                        {
                            "id": "re_1",
                            "object": "refund",
                            "amount": 2_500,
                            "status": "succeeded",
                            "payment_intent": "pi_123",
                            "metadata": {"refund_id": str(refund.pk)},
                        }
                    ]
                },
            },
            event_id="evt_refund",
        )
    assert Refund.objects.count() == 1
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(7_500)


def test_refund_refused_by_stripe_goes_back_to_escrow(fake, api_client, commit):
    payment = paid_stripe_payment(fake, api_client, commit)
    fake.route(
        "POST",
        "/v1/refunds",
        {
            "error": {
                "type": "invalid_request_error",
                "code": "charge_already_refunded",
                "message": "Charge ch_123 has already been refunded.",
            }
        },
        status=400,
    )
    with commit():
        [refund] = checkout.refund_for_escrow(
            escrow_ref=payment.escrow_ref,
            amount=usd(1_000),
            reason="",
            actor=None,
            idempotency_key="r",
        )
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert "already been refunded" in refund.failure_reason
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(10_000)


def test_connect_onboarding_and_payout(fake, api_client, commit):
    provider = FreelancerFactory()
    wallet_with(provider, usd(30_000), client=UserFactory())
    fake.route(
        "POST", "/v1/accounts", {"id": "acct_1", "object": "account", "payouts_enabled": False}
    )
    fake.route(
        "POST",
        "/v1/account_links",
        {"object": "account_link", "url": "https://connect.stripe.com/setup/e/acct_1/x"},
    )
    method, link = payouts.payout_method_start(user=provider, actor=provider)
    assert link.url == "https://connect.stripe.com/setup/e/acct_1/x"
    assert fake.last("POST", "/v1/accounts")["data"]["type"] == "express"
    assert fake.last("POST", "/v1/account_links")["data"]["type"] == "account_onboarding"
    method.refresh_from_db()
    assert (method.provider_account_id, method.status) == ("acct_1", "pending")
    fake.route(
        "GET", "/v1/accounts/acct_1", {"id": "acct_1", "object": "account", "payouts_enabled": True}
    )
    method = payouts.payout_method_refresh(method=method, actor=provider)
    assert method.status == PayoutMethod.Status.ACTIVE

    fake.route("POST", "/v1/transfers", {"id": "tr_1", "object": "transfer", "amount": 20_000})
    fake.route(
        "POST",
        "/v1/payouts",
        lambda req: {"id": "po_1", "object": "payout", "status": "pending", "metadata": {}},
    )
    with commit():
        payout = payouts.payout_request(
            user=provider, amount=usd(20_000), method=method, idempotency_key="w", actor=provider
        )
    transfer = fake.last("POST", "/v1/transfers")
    assert (transfer["data"]["destination"], transfer["data"]["amount"]) == ("acct_1", "20000")
    stripe_payout = fake.last("POST", "/v1/payouts")
    assert stripe_payout["headers"]["Stripe-Account"] == "acct_1"
    payout.refresh_from_db()
    assert (payout.status, payout.provider_reference) == ("pending", "po_1")

    with commit():
        send_event(
            api_client,
            "payout.paid",
            {
                "id": "po_1",
                "object": "payout",
                "status": "paid",
                "metadata": {"payout_id": str(payout.pk)},
            },
        )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID


def test_failed_connect_payout_reverses_the_transfer(fake, api_client, commit):
    provider = FreelancerFactory()
    wallet_with(provider, usd(30_000), client=UserFactory())
    method = PayoutMethod.objects.create(
        user=provider,
        provider="stripe",
        kind="stripe_connect",
        status="active",
        provider_account_id="acct_1",
    )
    fake.route("POST", "/v1/transfers", {"id": "tr_1", "object": "transfer", "amount": 20_000})
    fake.route("POST", "/v1/payouts", {"id": "po_1", "object": "payout", "status": "pending"})
    with commit():
        payout = payouts.payout_request(
            user=provider, amount=usd(20_000), method=method, idempotency_key="w", actor=provider
        )
    fake.route(
        "GET",
        "/v1/transfers",
        {
            "object": "list",
            "has_more": False,
            "data": [{"id": "tr_1", "object": "transfer", "amount": 20_000, "amount_reversed": 0}],
        },
    )
    fake.route(
        "POST", "/v1/transfers/tr_1/reversals", {"id": "trr_1", "object": "transfer_reversal"}
    )
    with commit():
        send_event(
            api_client,
            "payout.failed",
            {
                "id": "po_1",
                "object": "payout",
                "status": "failed",
                "failure_code": "account_closed",
                "failure_message": "The bank account has been closed",
                "metadata": {"payout_id": str(payout.pk)},
            },
        )
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert fake.last("GET", "/v1/transfers")["query"]["transfer_group"] == [f"payout:{payout.pk}"]
    assert fake.last("POST", "/v1/transfers/tr_1/reversals")["data"]["amount"] == "20000"
    assert selectors.wallet_summary(provider, "USD").available == usd(30_000)


# --- webhook verification (construct_event semantics) ---------------------------------------


def test_bad_and_stale_signatures(fake, api_client):
    obj = {"id": "pi_1", "object": "payment_intent", "metadata": {}}
    assert (
        send_event(api_client, "x.y", obj, signature="").json()["error"]["code"]
        == "invalid_signature"
    )
    wrong = stripe_signature("{}", secret="whsec_other")
    assert send_event(api_client, "x.y", obj, signature=wrong).status_code == 400
    body = json.dumps({"id": "evt_s", "type": "x.y", "data": {"object": obj}})
    stale = stripe_signature(body, timestamp=int(time.time()) - 400)
    response = api_client.post(
        WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=stale
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "stale_timestamp")
    bad_json = "{oops"
    response = api_client.post(
        WEBHOOK_URL,
        data=bad_json,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(bad_json),
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "malformed_payload")
    assert not WebhookEvent.objects.exists()


def post_signed(api_client, body, timestamp=None):
    return api_client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(body, timestamp=timestamp),
    )


@pytest.mark.parametrize(
    "body", ["[]", '"x"', "42", "null", "[" * 1000 + "]" * 1000], ids=lambda body: body[:10]
)
def test_signed_body_that_is_no_event_object_is_refused_for_good(fake, api_client, body):
    response = post_signed(api_client, body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "malformed_payload")
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("offset", [301, 600, -301])
def test_timestamp_outside_the_tolerance_either_way(fake, api_client, offset, time_machine):
    # The clock stands still: a boundary one second past the tolerance must not depend on how
    # long the request takes.
    time_machine.move_to(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False)
    now = int(time.time())
    body = json.dumps({"id": "evt_f", "type": "x.y", "data": {"object": {"id": "pi_1"}}})
    response = post_signed(api_client, body, timestamp=now + offset)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "stale_timestamp")
    assert post_signed(api_client, body, timestamp=now + 300).status_code == 200


@pytest.mark.parametrize("header", ["t=²,v1=abc", "t=1_000,v1=abc", "v1=abc", "t=1"])
def test_unparsable_signature_header(fake, api_client, header):
    response = api_client.post(
        WEBHOOK_URL, data="{}", content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_signature")


def test_unconfigured_secret_refuses_everything(fake, api_client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert send_event(api_client, "x.y", {"id": "a"}).status_code == 400


def test_errors_map_to_domain_errors(fake):
    provider = get_provider("stripe")
    payment = start_stripe_payment(fake)
    payment.provider_intent_id = "pi_123"
    fake.route(
        "POST",
        "/v1/payment_intents/pi_123/cancel",
        {
            "error": {
                "type": "invalid_request_error",
                "code": "payment_intent_unexpected_state",
                "message": "You cannot cancel this PaymentIntent.",
            }
        },
        status=400,
    )
    with pytest.raises(ProviderDeclined):
        provider.cancel_payment(payment)
    fake.route("GET", "/v1/payment_intents/pi_123", {"error": {"type": "api_error"}}, status=500)
    with pytest.raises(ProviderError) as exc:
        provider.retrieve_payment(payment)
    assert not isinstance(exc.value, ProviderDeclined)  # retried later, not given up


def test_expired_checkout_session_cancels_the_payment(fake, api_client, commit):
    payment = start_stripe_payment(fake)
    with commit():
        send_event(
            api_client,
            "checkout.session.expired",
            {
                "id": "cs_test_1",
                "object": "checkout.session",
                "status": "expired",
                "payment_intent": None,
                "metadata": {"payment_id": str(payment.pk)},
            },
        )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELED
