import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.payments import payouts, selectors
from craftwork.payments.models import Dispute, Payment, Payout, PayoutMethod, Refund
from craftwork.payments.subjects import DisputeSubject, register_dispute_subject

from .conftest import paid_payment, start_payment
from .factories import usd, wallet_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card(number, **extra):
    return {"number": number, "expiry": "12/40", "cvc": "123", "name": "Ada Lovelace", **extra}


# --- paying on the sandbox page ---------------------------------------------------------------


def test_pay_screen_shows_the_breakdown_and_goes_to_checkout():
    payment = start_payment(UserFactory())
    web = browser(payment.payer)
    page = web.get(f"/payments/{payment.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "$100.00" in html and "$5.00" in html and "$105.00" in html
    response = web.post(f"/payments/{payment.pk}/pay/")
    assert response.url == payment.checkout_url


def test_successful_card(fulfilled):
    payment = start_payment(UserFactory())
    web = browser(payment.payer)
    assert "$105.00" in web.get(payment.checkout_url).content.decode()
    response = web.post(payment.checkout_url, card("4242 4242 4242 4242"))
    assert response.url == f"/payments/{payment.pk}/return/"
    result = web.get(response.url)
    assert "Payment received" in result.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert fulfilled == [payment.pk]
    # The hosted page of a paid payment sends the payer back.
    assert web.get(payment.checkout_url).url == f"/payments/{payment.pk}/return/"


def test_declined_card_is_shown_and_another_card_works():
    payment = start_payment(UserFactory())
    web = browser(payment.payer)
    page = web.post(payment.checkout_url, card("4000000000000002"))
    assert page.status_code == 200
    assert "Your card was declined." in page.content.decode()
    page = web.post(payment.checkout_url, card("4000000000009995"))
    assert "insufficient funds" in page.content.decode()
    assert web.post(payment.checkout_url, card("4242424242424242")).status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (card("4242424242424241"), "number", "Your card number is invalid."),
        (card("4242", expiry="01/20"), "number", "invalid"),
        (card("4242424242424242", expiry="01/20"), "expiry", "in the past"),
        (card("4242424242424242", expiry="13/40"), "expiry", "month"),
        (card("4242424242424242", cvc="1"), "cvc", "security code"),
        (card("4242424242424242", name=""), "name", ""),
    ],
)
def test_bad_card_details(data, field, message):
    payment = start_payment(UserFactory())
    page = browser(payment.payer).post(payment.checkout_url, data)
    assert page.status_code == 200
    assert f'data-testid="error-{field}"' in page.content.decode()
    assert message in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD


def test_authentication_challenge():
    payment = start_payment(UserFactory())
    web = browser(payment.payer)
    response = web.post(payment.checkout_url, card("4000002500003155"))
    assert response.url == f"/payments/sandbox/authenticate/{payment.pk}/"
    page = web.get(response.url).content.decode()
    assert "Complete authentication" in page and "Fail authentication" in page
    failed = web.post(response.url, {"action": "fail"})
    assert failed.url == payment.checkout_url
    assert "unable to authenticate" in web.get(failed.url).content.decode()
    web.post(payment.checkout_url, card("4000002500003155"))
    done = web.post(f"/payments/sandbox/authenticate/{payment.pk}/", {"action": "complete"})
    web.get(done.url)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_checkout_pages_are_the_payers_only():
    payment = start_payment(UserFactory())
    other = browser(UserFactory())
    for url in (
        payment.checkout_url,
        f"/payments/{payment.pk}/",
        f"/payments/{payment.pk}/return/",
        f"/payments/sandbox/authenticate/{payment.pk}/",
    ):
        assert other.get(url).status_code == 404
    assert other.post(payment.checkout_url, card("4242424242424242")).status_code == 404
    assert Client().get(payment.checkout_url).status_code == 302  # to the login page
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD


def test_cancel_from_the_pay_screen():
    payment = start_payment(UserFactory())
    browser(payment.payer).post(f"/payments/{payment.pk}/cancel/")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELED


def test_fee_breakdown_fragment():
    page = Client().get("/payments/fees/?amount=200.00&currency=USD")
    assert "$210.00" in page.content.decode()
    empty = Client().get("/payments/fees/?amount=abc&currency=USD")
    assert 'data-testid="fee-breakdown-empty"' in empty.content.decode()


# --- wallet, withdrawals, receipts --------------------------------------------------------------


@pytest.fixture
def provider():
    user = FreelancerFactory()
    wallet_with(user, usd(50_000), client=UserFactory())
    return user


def test_wallet_page_and_csv(provider):
    web = browser(provider)
    page = web.get("/wallet/")
    assert page.status_code == 200
    assert 'data-testid="available">$500.00' in page.content.decode()
    filtered = web.get("/wallet/?direction=out&kind=escrow_fund")
    assert "No transactions." in filtered.content.decode()
    export = web.get("/wallet/transactions.csv?direction=in")
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert rows[0] == "date,type,account,amount,currency,reference"
    assert len(rows) == 3  # the pending credit and the available credit
    assert all(not line.split(",")[3].startswith("-") for line in rows[1:])


def test_wallet_page_query_count(provider, django_assert_max_num_queries):
    web = browser(provider)
    with django_assert_max_num_queries(14):
        web.get("/wallet/")


def test_payout_method_onboarding_and_withdraw(provider, django_capture_on_commit_callbacks):
    web = browser(provider)
    response = web.post("/wallet/payout-methods/")
    assert response.url.startswith("/payments/sandbox/onboarding/")
    bad = web.post(response.url, {"holder_name": "Ada", "account_number": "nope"})
    assert 'data-testid="error-account_number"' in bad.content.decode()
    saved = web.post(
        response.url, {"holder_name": "Ada", "account_number": "DE89370400440532013000"}
    )
    assert saved.status_code == 302
    method = PayoutMethod.objects.get(user=provider)
    assert method.status == PayoutMethod.Status.ACTIVE
    too_much = web.post(
        "/wallet/withdraw/", {"amount": "600.00", "method": str(method.pk), "currency": "USD"}
    )
    assert "more than your available balance" in too_much.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = web.post(
            "/wallet/withdraw/",
            {
                "amount": "120.00",
                "method": str(method.pk),
                "currency": "USD",
                "idempotency_key": "x",
            },
        )
    assert done.url == "/wallet/payouts/"
    assert Payout.objects.get().status == "paid"
    assert "Paid" in web.get("/wallet/payouts/").content.decode()


def test_someone_elses_payout_method_pages(provider):
    method = payouts.payout_method_create_bank(
        user=provider, holder_name="Ada", account_number="DE89370400440532013000", actor=provider
    )
    other = browser(UserFactory())
    assert other.post(f"/wallet/payout-methods/{method.pk}/remove/").status_code == 404
    assert other.get(f"/payments/sandbox/onboarding/{method.pk}/").status_code == 404
    method.refresh_from_db()
    assert method.status == PayoutMethod.Status.ACTIVE


def test_receipt_download_only_for_its_owner():
    payment = paid_payment(UserFactory())
    url = f"/receipts/{payment.receipt.pk}.pdf"
    assert browser(payment.payer).get(url)["Content-Type"] == "application/pdf"
    assert browser(UserFactory()).get(url).status_code == 404
    assert browser(payment.payer).get(f"/receipts/{uuid.uuid4()}.pdf").status_code == 404
    listing = browser(payment.payer).get("/receipts/").content.decode()
    assert payment.receipt.display_number in listing


# --- disputes and staff -----------------------------------------------------------------------


@pytest.fixture
def subject():
    client, provider = UserFactory(), FreelancerFactory()
    payment = paid_payment(client)
    ref = f"webtest:{uuid.uuid4()}"

    def resolver(asked, user):
        if asked != ref or user.pk not in (client.pk, provider.pk):
            return None
        return DisputeSubject(
            ref=ref,
            title="Logo design",
            escrow_ref=payment.escrow_ref,
            client=client,
            provider=provider,
            max_amount=payment.amount,
        )

    register_dispute_subject("webtest", resolver)
    return ref, client, provider


def test_dispute_pages(subject, django_capture_on_commit_callbacks):
    ref, client, provider = subject
    assert browser(UserFactory()).get(f"/disputes/open/?subject={ref}").status_code == 404
    web = browser(client)
    assert "Logo design" in web.get(f"/disputes/open/?subject={ref}").content.decode()
    too_much = web.post("/disputes/open/", {"subject": ref, "amount": "100.01", "reason": "x"})
    assert "held in escrow" in too_much.content.decode()
    upload = SimpleUploadedFile("proof.png", b"not really a png")
    bad_file = web.post(
        "/disputes/open/", {"subject": ref, "amount": "50.00", "reason": "x", "files": upload}
    )
    assert "not a valid image" in bad_file.content.decode()
    opened = web.post(
        "/disputes/open/",
        {"subject": ref, "amount": "100.00", "reason": "Not delivered", "evidence_text": "None."},
    )
    dispute = Dispute.objects.get()
    assert opened.url == f"/disputes/{dispute.pk}/"
    assert browser(UserFactory()).get(opened.url).status_code == 404
    other_side = browser(provider)
    assert 'data-testid="respond-submit"' in other_side.get(opened.url).content.decode()
    assert 'data-testid="respond-submit"' not in web.get(opened.url).content.decode()
    other_side.post(f"/disputes/{dispute.pk}/respond/", {"response_text": "Delivered on time."})
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.RESPONDED

    assert web.get(f"/staff/disputes/{dispute.pk}/").status_code == 404
    staff = browser(StaffFactory())
    invalid = staff.post(
        f"/staff/disputes/{dispute.pk}/",
        {"outcome": "split", "to_provider": "100.00", "decision": "x"},
    )
    assert 'data-testid="error-to_provider"' in invalid.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/staff/disputes/{dispute.pk}/",
            {"outcome": "split", "to_provider": "40.00", "decision": "Partly delivered."},
        )
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.to_client_minor) == ("split", 6_000)
    assert "Partly delivered." in web.get(f"/disputes/{dispute.pk}/").content.decode()
    assert Refund.objects.get().status == "succeeded"


@pytest.mark.parametrize("url", ["/staff/payments/", "/staff/payments/all/", "/staff/ledger/"])
def test_staff_pages_are_hidden_from_others(url):
    assert browser(UserFactory()).get(url).status_code == 404
    assert browser(StaffFactory()).get(url).status_code == 200


def test_staff_refund_and_ledger_pages(django_capture_on_commit_callbacks):
    payment = paid_payment(UserFactory())
    staff_user = StaffFactory()
    staff = browser(staff_user)
    page = staff.get(f"/staff/payments/{payment.pk}/")
    assert "$100.00" in page.content.decode()
    too_much = staff.post(f"/staff/payments/{payment.pk}/", {"amount": "100.01", "reason": "x"})
    assert 'data-testid="error-amount"' in too_much.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/staff/payments/{payment.pk}/",
            {"amount": "25.00", "reason": "Goodwill", "idempotency_key": "k"},
        )
    assert Refund.objects.get().amount == usd(2_500)
    assert selectors.escrow_balance(payment.escrow_ref, "USD") == usd(7_500)
    escrow = selectors.staff_accounts(staff_user, kind="contract_escrow").get()
    assert "$75.00" in staff.get(f"/staff/ledger/{escrow.pk}/").content.decode()
    assert browser(payment.payer).get(f"/staff/ledger/{escrow.pk}/").status_code == 404


def test_money_pages_render(provider):
    web = browser(provider)
    for url in (
        "/wallet/",
        "/wallet/withdraw/",
        "/wallet/payouts/",
        "/wallet/payout-methods/",
        "/receipts/",
        "/disputes/",
        "/payments/",
    ):
        assert web.get(url).status_code == 200, url
