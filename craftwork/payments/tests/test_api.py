import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.core.tests.documents import HTML_IN_PDF
from craftwork.payments import payouts, selectors
from craftwork.payments.models import Dispute, Payout, PayoutMethod, Refund
from craftwork.payments.subjects import DisputeSubject, register_dispute_subject

from .conftest import paid_payment, start_payment
from .factories import usd, wallet_with

pytestmark = pytest.mark.django_db
API = "/api/v1/payments"


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def provider():
    user = FreelancerFactory()
    wallet_with(user, usd(50_000), client=UserFactory())
    return user


def add_bank(user):
    return payouts.payout_method_create_bank(
        user=user, holder_name="Ada", account_number="DE89370400440532013000", actor=user
    )


def test_fee_breakdown():
    response = client_for(UserFactory()).get(f"{API}/fees/breakdown/?amount=100.00&currency=USD")
    assert response.status_code == 200
    assert response.json()["total"] == {
        "amount": "105.00",
        "amount_minor": 10500,
        "currency": "USD",
    }
    bad = client_for(UserFactory()).get(f"{API}/fees/breakdown/?amount=1e3&currency=USD")
    assert bad.status_code == 400


def test_payments_are_private(django_assert_max_num_queries):
    payer = UserFactory()
    payment = paid_payment(payer)
    for _ in range(3):
        start_payment(payer)
    with django_assert_max_num_queries(6):
        listing = client_for(payer).get(f"{API}/payments/")
    assert len(listing.json()["results"]) == 4
    detail = client_for(payer).get(f"{API}/payments/{payment.pk}/")
    assert detail.json()["status"] == "succeeded"
    assert detail.json()["total"]["amount_minor"] == 10_500
    assert client_for(UserFactory()).get(f"{API}/payments/{payment.pk}/").status_code == 404
    assert len(client_for(UserFactory()).get(f"{API}/payments/").json()["results"]) == 0


def test_open_payment_exposes_checkout_url():
    payment = start_payment(UserFactory())
    body = client_for(payment.payer).get(f"{API}/payments/{payment.pk}/").json()
    assert body["checkout_url"] == f"http://testserver/payments/sandbox/checkout/{payment.pk}/"


def test_cancel_payment():
    payment = start_payment(UserFactory())
    assert client_for(UserFactory()).post(f"{API}/payments/{payment.pk}/cancel/").status_code == 404
    response = client_for(payment.payer).post(f"{API}/payments/{payment.pk}/cancel/")
    assert response.json()["status"] == "canceled"
    paid = paid_payment(UserFactory())
    conflict = client_for(paid.payer).post(f"{API}/payments/{paid.pk}/cancel/")
    assert conflict.status_code == 409


def test_wallet_and_entries(provider, django_assert_max_num_queries):
    response = client_for(provider).get(f"{API}/wallet/?currency=USD")
    assert response.json()["available"]["amount_minor"] == 50_000
    with django_assert_max_num_queries(5):
        entries = client_for(provider).get(f"{API}/wallet/entries/?direction=in")
    assert entries.status_code == 200
    assert all(int(e["amount"]["amount_minor"]) > 0 for e in entries.json()["results"])
    assert client_for(provider).get(f"{API}/wallet/?currency=XXX").status_code == 400
    assert client_for(provider).get(f"{API}/wallet/entries/?kind=nope").status_code == 400
    stranger = client_for(UserFactory()).get(f"{API}/wallet/?currency=USD").json()
    assert stranger["available"]["amount_minor"] == 0


def test_payout_method_and_withdrawal(provider, django_capture_on_commit_callbacks):
    api = client_for(provider)
    created = api.post(
        f"{API}/payout-methods/",
        {"holder_name": "Ada", "account_number": "DE89370400440532013000"},
        format="json",
    )
    assert created.status_code == 201
    method_id = created.json()["method"]["id"]
    started = api.post(f"{API}/payout-methods/", {}, format="json")
    assert started.json()["onboarding_url"].startswith(
        "http://testserver/payments/sandbox/onboarding/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"{API}/payouts/",
            {"amount": "200.00", "currency": "USD", "method_id": method_id},
            format="json",
            HTTP_IDEMPOTENCY_KEY="w-1",
        )
    assert response.status_code == 201
    payout = Payout.objects.get()
    assert payout.status == "paid"
    assert api.get(f"{API}/payouts/{payout.pk}/").json()["status"] == "paid"
    assert client_for(UserFactory()).get(f"{API}/payouts/{payout.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("amount", "code", "status"),
    [
        ("0", "validation_error", 400),
        ("-5.00", "validation_error", 400),
        ("1.234", "validation_error", 400),
        ("9.99", "payout_below_minimum", 400),
        ("500.01", "insufficient_funds", 409),
        ("99999999999999999999", "validation_error", 400),
    ],
)
def test_bad_withdrawals(provider, amount, code, status):
    method = add_bank(provider)
    response = client_for(provider).post(
        f"{API}/payouts/",
        {"amount": amount, "currency": "USD", "method_id": str(method.pk)},
        format="json",
    )
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert not Payout.objects.exists()


def test_withdraw_to_someone_elses_method(provider):
    other = FreelancerFactory()
    method = add_bank(other)
    response = client_for(provider).post(
        f"{API}/payouts/",
        {"amount": "20.00", "currency": "USD", "method_id": str(method.pk)},
        format="json",
    )
    assert response.status_code == 404
    assert client_for(provider).delete(f"{API}/payout-methods/{method.pk}/").status_code == 404
    method.refresh_from_db()
    assert method.status == PayoutMethod.Status.ACTIVE


def test_replayed_idempotency_key_with_another_body(provider):
    method = add_bank(provider)
    api = client_for(provider)
    body = {"amount": "20.00", "currency": "USD", "method_id": str(method.pk)}
    first = api.post(f"{API}/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    replay = api.post(f"{API}/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    other = api.post(
        f"{API}/payouts/", {**body, "amount": "30.00"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert Payout.objects.count() == 1


def test_receipts_only_for_their_owner(django_assert_max_num_queries):
    payment = paid_payment(UserFactory())
    receipt = payment.receipt
    api = client_for(payment.payer)
    with django_assert_max_num_queries(4):
        listing = api.get(f"{API}/receipts/")
    assert listing.json()["results"][0]["number"] == receipt.display_number
    pdf = api.get(f"{API}/receipts/{receipt.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client_for(UserFactory()).get(f"{API}/receipts/{receipt.pk}/pdf/").status_code == 404
    assert client_for(StaffFactory()).get(f"{API}/receipts/{receipt.pk}/pdf/").status_code == 404
    assert APIClient().get(f"{API}/receipts/{receipt.pk}/pdf/").status_code == 401


def test_staff_refund_endpoint(django_capture_on_commit_callbacks):
    payment = paid_payment(UserFactory())
    url = f"{API}/staff/payments/{payment.pk}/refunds/"
    body = {"amount": "30.00", "currency": "USD", "reason": "Goodwill"}
    assert client_for(payment.payer).post(url, body, format="json").status_code == 403
    staff = client_for(StaffFactory())
    too_much = staff.post(url, {**body, "amount": "100.01"}, format="json")
    assert too_much.json()["error"]["code"] == "refund_exceeds_paid"
    eur = staff.post(url, {**body, "currency": "EUR"}, format="json")
    assert eur.json()["error"]["code"] == "currency_mismatch"
    with django_capture_on_commit_callbacks(execute=True):
        ok = staff.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="rf-1")
    assert ok.status_code == 201
    assert Refund.objects.get().status == "succeeded"


def test_staff_ledger_views(django_assert_max_num_queries):
    payment = paid_payment(UserFactory())
    staff = client_for(StaffFactory())
    with django_assert_max_num_queries(5):
        accounts = staff.get(f"{API}/staff/accounts/?kind=contract_escrow")
    escrow = accounts.json()["results"][0]
    assert escrow["reference"] == payment.escrow_ref
    entries = staff.get(f"{API}/staff/accounts/{escrow['id']}/entries/")
    assert entries.json()["results"][0]["transaction_kind"] == "escrow_fund"
    assert client_for(payment.payer).get(f"{API}/staff/accounts/").status_code == 403


# --- disputes ---------------------------------------------------------------------------------


@pytest.fixture
def subject():
    client, provider = UserFactory(), FreelancerFactory()
    payment = paid_payment(client)
    ref = f"apitest:{uuid.uuid4()}"

    def resolver(asked, user):
        if asked != ref or user.pk not in (client.pk, provider.pk):
            return None
        return DisputeSubject(
            ref=ref,
            title="Milestone",
            escrow_ref=payment.escrow_ref,
            client=client,
            provider=provider,
            max_amount=payment.amount,
            fee_bps=1000,
        )

    register_dispute_subject("apitest", resolver)
    return ref, client, provider, payment


def test_dispute_flow_over_the_api(subject, django_capture_on_commit_callbacks):
    ref, client, provider, _payment = subject
    # A PDF with HTML inside, named .html: stored, named and served as the PDF it starts as.
    pdf = SimpleUploadedFile("proof.html", HTML_IN_PDF, content_type="text/html")
    opened = client_for(client).post(
        f"{API}/disputes/",
        {
            "subject_ref": ref,
            "amount": "100.00",
            "currency": "USD",
            "reason": "Not delivered",
            "evidence_text": "See attached.",
            "files": [pdf],
        },
        format="multipart",
    )
    assert opened.status_code == 201, opened.json()
    dispute_id = opened.json()["id"]
    file_id = opened.json()["files"][0]["id"]
    evidence = client_for(provider).get(f"{API}/disputes/{dispute_id}/files/{file_id}/")
    assert evidence.status_code == 200 and evidence["Content-Type"] == "application/pdf"
    assert evidence["Content-Disposition"] == 'attachment; filename="proof.pdf"'
    assert evidence["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in evidence["Content-Security-Policy"]
    assert client_for(UserFactory()).get(f"{API}/disputes/{dispute_id}/").status_code == 404
    assert (
        client_for(UserFactory()).get(f"{API}/disputes/{dispute_id}/files/{file_id}/").status_code
        == 404
    )
    responded = client_for(provider).post(
        f"{API}/disputes/{dispute_id}/respond/",
        {"response_text": "It was delivered."},
        format="json",
    )
    assert responded.json()["status"] == "responded"
    forbidden = client_for(client).post(
        f"{API}/disputes/{dispute_id}/resolve/",
        {"outcome": "refund", "decision": "x"},
        format="json",
    )
    assert forbidden.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        resolved = client_for(StaffFactory()).post(
            f"{API}/disputes/{dispute_id}/resolve/",
            {"outcome": "split", "to_provider": "70.00", "decision": "Mostly delivered."},
            format="json",
        )
    assert resolved.json()["to_client"]["amount_minor"] == 3_000
    assert selectors.wallet_summary(provider, "USD").pending == usd(6_300)


def test_dispute_on_unknown_subject(subject):
    _ref, client, _provider, _payment = subject
    response = client_for(client).post(
        f"{API}/disputes/",
        {"subject_ref": "apitest:other", "amount": "1.00", "currency": "USD", "reason": "x"},
        format="json",
    )
    assert response.status_code == 404
    assert not Dispute.objects.exists()


def test_webhook_is_not_throttled_or_authenticated(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "1/hour",
            "user": "1/hour",
            "auth": "1/hour",
            "signup": "1/hour",
        },
    }
    for _ in range(3):
        response = APIClient().post(
            f"{API}/webhooks/sandbox/", data="{}", content_type="application/json"
        )
        assert response.status_code == 400  # refused for its signature, not throttled
