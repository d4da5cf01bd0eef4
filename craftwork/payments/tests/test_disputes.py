from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.models import AuditLog, OutboxEvent
from craftwork.core.tests.documents import HTML_IN_PDF, pdf_bytes, scripted_pdf
from craftwork.payments import disputes, selectors
from craftwork.payments.errors import InsufficientFunds
from craftwork.payments.models import Dispute, Payment, Refund

from .conftest import paid_payment
from .factories import usd

pytestmark = pytest.mark.django_db

PDF = pdf_bytes(marker="test")


@pytest.fixture(autouse=True)
def _reconciles(reconciled, fulfilled):
    yield


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def parties():
    client, provider = UserFactory(), FreelancerFactory()
    payment = paid_payment(client)
    return client, provider, payment


def open_dispute(parties, *, actor=None, amount=None, **extra):
    client, provider, payment = parties
    return disputes.dispute_open(
        actor=actor or client,
        escrow_ref=payment.escrow_ref,
        subject_ref="milestone:1",
        amount=amount or usd(10_000),
        client=client,
        provider=provider,
        reason="Work not delivered",
        evidence_text="Nothing arrived by the deadline.",
        fee_bps=1000,
        **extra,
    )


def test_open_with_evidence_files(parties):
    upload = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
    dispute = open_dispute(parties, files=[upload])
    assert dispute.status == Dispute.Status.OPEN
    assert dispute.respond_by > timezone.now() + timedelta(days=4)
    stored = dispute.files.get()
    assert (stored.kind, stored.original_name) == ("pdf", "proof.pdf")
    assert stored.file.read() == PDF
    event = OutboxEvent.objects.get(name="payments.dispute_opened")
    assert event.payload["escrow_ref"] == parties[2].escrow_ref
    assert AuditLog.objects.filter(action="payments.dispute_opened").exists()


def test_only_parties_can_open(parties):
    with pytest.raises(PermissionDenied):
        open_dispute(parties, actor=UserFactory())


def test_cannot_dispute_more_than_escrow_holds(parties):
    with pytest.raises(InsufficientFunds):
        open_dispute(parties, amount=usd(10_001))


def test_bad_files_are_refused(parties):
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed):
        open_dispute(parties, files=[fake])
    too_many = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]
    with pytest.raises(ValidationFailed):
        open_dispute(parties, files=too_many)
    assert not Dispute.objects.exists()


def test_evidence_follows_the_upload_policy(parties):
    scripted = SimpleUploadedFile("proof.pdf", scripted_pdf(hidden=True))
    with pytest.raises(ValidationFailed) as error:
        open_dispute(parties, files=[scripted])
    assert error.value.code == "unsafe_document" and not Dispute.objects.exists()
    dispute = open_dispute(parties, files=[SimpleUploadedFile("proof.html", HTML_IN_PDF)])
    stored = dispute.files.get()
    assert (stored.kind, stored.original_name) == ("pdf", "proof.pdf")
    assert stored.file.name.endswith(".pdf")


def test_one_open_dispute_per_subject(parties):
    open_dispute(parties)
    with pytest.raises(Conflict):
        open_dispute(parties, actor=parties[1])


def test_respond_only_the_other_party_in_time(parties):
    client, provider, _payment = parties
    dispute = open_dispute(parties)
    with pytest.raises(PermissionDenied):
        disputes.dispute_respond(actor=client, dispute=dispute, response_text="me too")
    with pytest.raises(PermissionDenied):
        disputes.dispute_respond(actor=UserFactory(), dispute=dispute, response_text="x")
    Dispute.objects.filter(pk=dispute.pk).update(respond_by=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvalidTransition):
        disputes.dispute_respond(actor=provider, dispute=dispute, response_text="late")


def test_no_response_decides_for_the_opener(parties, commit):
    _client, _provider, payment = parties
    dispute = open_dispute(parties)
    assert disputes.dispute_decide_unanswered() == 0
    with commit():
        decided = disputes.dispute_decide_unanswered(now=timezone.now() + timedelta(days=6))
    assert decided == 1
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.to_client_minor) == ("refund", 10_000)
    refund = Refund.objects.get()
    assert (refund.origin, refund.status) == ("dispute", "succeeded")
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero


def test_provider_opener_gets_the_release_when_unanswered(parties):
    _client, provider, _payment = parties
    open_dispute(parties, actor=provider)
    disputes.dispute_decide_unanswered(now=timezone.now() + timedelta(days=6))
    summary = selectors.wallet_summary(provider, "USD")
    assert summary.pending == usd(9_000)


def test_staff_split_moves_money_both_ways(parties, commit):
    _client, provider, payment = parties
    dispute = open_dispute(parties)
    disputes.dispute_respond(actor=provider, dispute=dispute, response_text="I delivered half.")
    with commit():
        dispute = disputes.dispute_resolve(
            actor=StaffFactory(),
            dispute=dispute,
            outcome="split",
            to_provider=usd(6_000),
            decision="Half the work was delivered.",
        )
    assert (dispute.to_provider, dispute.to_client) == (usd(6_000), usd(4_000))
    assert selectors.wallet_summary(provider, "USD").pending == usd(5_400)
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.ledger_transaction) == (
        usd(4_000),
        "succeeded",
        dispute.ledger_transaction,
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PARTIALLY_REFUNDED
    assert selectors.escrow_balance(payment.escrow_ref, "USD").is_zero
    event = OutboxEvent.objects.get(name="payments.dispute_resolved")
    assert (event.payload["to_provider_minor"], event.payload["to_client_minor"]) == (6_000, 4_000)


@pytest.mark.parametrize("to_provider", [None, 0, 10_000, 12_000, -1])
def test_invalid_splits(parties, to_provider):
    dispute = open_dispute(parties)
    amount = None if to_provider is None else usd(to_provider)
    with pytest.raises(ValidationFailed):
        disputes.dispute_resolve(
            actor=StaffFactory(), dispute=dispute, outcome="split", to_provider=amount, decision="x"
        )
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN


def test_only_staff_resolve_with_a_written_decision(parties):
    dispute = open_dispute(parties)
    with pytest.raises(PermissionDenied):
        disputes.dispute_resolve(
            actor=parties[0], dispute=dispute, outcome="refund", to_provider=None, decision="x"
        )
    with pytest.raises(ValidationFailed):
        disputes.dispute_resolve(
            actor=StaffFactory(), dispute=dispute, outcome="refund", to_provider=None, decision=""
        )
    disputes.dispute_resolve(
        actor=StaffFactory(), dispute=dispute, outcome="release", to_provider=None, decision="ok"
    )
    with pytest.raises(InvalidTransition):
        disputes.dispute_resolve(
            actor=StaffFactory(), dispute=dispute, outcome="refund", to_provider=None, decision="x"
        )
