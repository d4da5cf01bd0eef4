"""Gig orders: created paid by checkout, requirements, delivery, revisions, lateness, money."""

import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.catalog.tests.factories import GigFactory
from craftwork.contracts import orders, process, services
from craftwork.contracts.models import Contract, GigDeliveryFile, GigOrder
from craftwork.contracts.orders import gig_id_of, gig_order_create
from craftwork.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.money import Money
from craftwork.core.tests.concurrency import run_in_threads
from craftwork.core.tests.documents import HTML_IN_PDF, pdf_bytes, scripted_pdf
from craftwork.payments import disputes as payment_disputes
from craftwork.payments import selectors as payment_selectors
from craftwork.payments.models import Dispute, LedgerEntry, LedgerTransaction

from .conftest import api_for
from .factories import ContractFactory, fund_escrow, gig_order, usd

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {"question": "What is your brand called?"},
    {"question": "Which style?", "kind": "choice", "choices": ["Modern", "Classic"]},
    {"question": "Anything else?", "required": False},
]


# --- helpers ------------------------------------------------------------------------------------


def escrow(contract) -> Money:
    return payment_selectors.escrow_balance(contract.escrow_ref, contract.currency)


def pending(user) -> Money:
    return payment_selectors.wallet_summary(user, "USD").pending


def refunded(contract) -> Money:
    """What went from the escrow back towards the client's card (refunds and dispute splits
    move it to the provider clearing account)."""
    entries = LedgerEntry.objects.filter(
        transaction__kind__in=["escrow_refund", "escrow_split"],
        transaction__reference=contract.escrow_ref,
        account__kind="provider_clearing",
    )
    return Money(sum(entries.values_list("amount", flat=True)), contract.currency)


def releases(contract) -> int:
    return LedgerTransaction.objects.filter(
        kind="escrow_release", reference=contract.escrow_ref
    ).count()


def net(amount: int, bps: int = 1000) -> Money:
    return usd(amount).split_fee(bps)[1]


def answers_for(contract, **by_question) -> dict:
    """Question text -> answer, turned into question id -> answer."""
    ids = {q["question"]: q["id"] for q in contract.gig_order.requirements}
    return {ids[question]: answer for question, answer in by_question.items()}


def good_answers(contract) -> dict:
    return answers_for(contract, **{"What is your brand called?": "Acme", "Which style?": "Modern"})


def pdf(name="logo.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name="logo.png"):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fresh(contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


def answered(**kwargs) -> Contract:
    contract = gig_order(requirements=QUESTIONS, **kwargs)
    orders.gig_requirements_submit(
        contract=contract, answers=good_answers(contract), actor=contract.client
    )
    return fresh(contract)


def delivered(**kwargs) -> Contract:
    contract = answered(**kwargs)
    orders.gig_deliver(contract=contract, message="Version 1", actor=contract.provider)
    return fresh(contract)


# --- creation -------------------------------------------------------------------------------------


class TestCreate:
    def test_snapshots_the_package_and_waits_for_answers(self, settings):
        settings.GIG_AUTO_COMPLETE_DAYS = 5
        contract = gig_order(requirements=QUESTIONS, price=12_000, delivery_days=4, revisions=2)
        order = contract.gig_order
        assert (contract.kind, contract.source, contract.state) == (
            "gig",
            "gig_order",
            "awaiting_requirements",
        )
        assert contract.amount == usd(12_000) and escrow(contract) == usd(12_000)
        assert (contract.delivery_days, contract.revisions_allowed) == (4, 2)
        assert contract.review_window_days == 5  # the auto-complete days, snapshotted
        assert (order.package_name, order.delivery_days, order.revisions_allowed) == (
            "Basic",
            4,
            2,
        )
        assert order.included == ["Source files"]
        assert [q["question"] for q in order.requirements] == [q["question"] for q in QUESTIONS]
        assert order.requirements[1]["choices"] == ["Modern", "Classic"]
        assert order.requirements[2]["required"] is False
        assert order.due_at is None and contract.timer_due_at is None
        assert contract.started_at is None
        assert list(contract.history.values_list("transition", flat=True)) == ["create"]
        assert gig_id_of(contract) == order.gig_id

    def test_later_edits_of_the_gig_change_nothing(self):
        contract = gig_order(requirements=QUESTIONS)
        from craftwork.catalog.models import GigPackage, GigRequirement

        GigPackage.objects.filter(pk=contract.gig_order.package_id).update(name="Renamed")
        GigRequirement.objects.filter(gig_id=contract.gig_order.gig_id).delete()
        order = GigOrder.objects.get(contract=contract)
        assert order.package_name == "Basic" and len(order.requirements) == 3

    def test_a_gig_without_questions_starts_at_once(self):
        before = timezone.now()
        contract = gig_order(delivery_days=3)
        order = contract.gig_order
        assert contract.state == "in_progress" and contract.started_at is not None
        assert before + timedelta(days=3) <= order.due_at <= timezone.now() + timedelta(days=3)
        assert contract.timer_due_at == order.due_at  # the lateness timer

    def test_default_auto_complete_days(self, settings):
        del settings.GIG_AUTO_COMPLETE_DAYS
        assert gig_order().review_window_days == 3

    def test_repeating_the_call_returns_the_same_contract(self):
        client, seller = UserFactory(), FreelancerFactory()
        gig = GigFactory(active=True, seller=seller, packages=1)
        contract_id, ref = uuid.uuid4(), f"checkout-line:{uuid.uuid4()}"
        fund_escrow(contract_id, client, usd(5_000))
        kwargs = {
            "contract_id": contract_id,
            "source_ref": ref,
            "client": client,
            "provider": seller,
            "package_ref": str(gig.packages.get().pk),
            "price": usd(5_000),
        }
        first = gig_order_create(**kwargs)
        assert gig_order_create(**kwargs).pk == first.pk == contract_id
        with pytest.raises(Conflict) as error:
            gig_order_create(**{**kwargs, "contract_id": uuid.uuid4()})
        assert error.value.code == "contract_exists"
        with pytest.raises(Conflict):
            gig_order_create(**{**kwargs, "source_ref": "checkout-line:other"})
        assert Contract.objects.count() == 1

    def _attempt(self, *, fund=True, gig_status=GigStatus.ACTIVE, **overrides):
        client, seller = UserFactory(), FreelancerFactory()
        gig = GigFactory(seller=seller, packages=1, status=gig_status)
        contract_id = uuid.uuid4()
        if fund:
            fund_escrow(contract_id, client, usd(5_000))
        kwargs = {
            "contract_id": contract_id,
            "source_ref": f"checkout-line:{uuid.uuid4()}",
            "client": client,
            "provider": seller,
            "package_ref": str(gig.packages.get().pk),
            "price": usd(5_000),
            **overrides,
        }
        return gig_order_create(**kwargs)

    @pytest.mark.parametrize(
        ("overrides", "code"),
        [
            ({"fund": False}, "contract_not_funded"),
            ({"price": usd(6_000)}, "contract_not_funded"),  # more than the escrow holds
            ({"price": Money(5_000, "EUR")}, "currency_mismatch"),
            ({"price": usd(0)}, "invalid_amount"),
            ({"quantity": 0}, "invalid_quantity"),
            ({"quantity": 11}, "invalid_quantity"),
            ({"quantity": "1"}, "invalid_quantity"),
            ({"quantity": True}, "invalid_quantity"),
            ({"package_ref": str(uuid.uuid4())}, "purchasable_not_found"),
            ({"package_ref": "not-a-uuid"}, "purchasable_not_found"),
            ({"contract_id": "nope"}, "invalid_contract_id"),
            ({"gig_status": GigStatus.REMOVED}, "gig_removed"),
        ],
    )
    def test_refusals_write_nothing(self, overrides, code):
        with pytest.raises(DomainError) as error:
            self._attempt(**overrides)
        assert error.value.code == code
        assert not Contract.objects.exists() and not GigOrder.objects.exists()

    def test_another_sellers_package_is_refused(self):
        with pytest.raises(ValidationFailed) as error:
            self._attempt(provider=FreelancerFactory())
        assert error.value.code == "seller_mismatch"

    def test_a_paused_gig_is_still_served(self):
        contract = self._attempt(gig_status=GigStatus.PAUSED)
        assert contract.state == "in_progress"

    def test_a_used_contract_id_is_a_conflict(self):
        other = ContractFactory()
        with pytest.raises(Conflict):
            self._attempt(contract_id=other.pk, fund=False)

    def test_gig_id_of_other_contracts_is_none(self, contract):
        assert gig_id_of(contract) is None and gig_id_of(None) is None


# --- requirements ---------------------------------------------------------------------------------


class TestRequirements:
    def test_answers_start_the_clock(self):
        contract = gig_order(requirements=QUESTIONS, delivery_days=4)
        now = timezone.now()
        orders.gig_requirements_submit(
            contract=contract, answers=good_answers(contract), actor=contract.client, now=now
        )
        contract = fresh(contract)
        order = contract.gig_order
        assert contract.state == "in_progress" and contract.started_at == now
        assert order.answered_at == now and order.due_at == now + timedelta(days=4)
        assert contract.timer_due_at == order.due_at
        assert [row["answer"] for row in order.answers] == ["Acme", "Modern", ""]

    def test_missing_required_answers_are_refused(self):
        contract = gig_order(requirements=QUESTIONS)
        brand = contract.gig_order.requirements[0]["id"]
        with pytest.raises(ValidationFailed) as error:
            orders.gig_requirements_submit(
                contract=contract, answers={brand: "   "}, actor=contract.client
            )
        assert error.value.code == "answers_missing"
        style = contract.gig_order.requirements[1]["id"]
        assert set(error.value.details) == {f"answers.{brand}", f"answers.{style}"}
        assert fresh(contract).state == "awaiting_requirements"
        assert fresh(contract).gig_order.answered_at is None

    @pytest.mark.parametrize(
        "bad",
        [
            {"Which style?": "Baroque"},  # not one of the choices
            {"What is your brand called?": "x" * 2001},
            {"What is your brand called?": "x" * 50_000},
            {"What is your brand called?": 42},
            {"What is your brand called?": ["Acme"]},
        ],
    )
    def test_invalid_answers_are_refused(self, bad):
        contract = gig_order(requirements=QUESTIONS)
        answers = {**good_answers(contract), **answers_for(contract, **bad)}
        with pytest.raises(ValidationFailed) as error:
            orders.gig_requirements_submit(
                contract=contract, answers=answers, actor=contract.client
            )
        assert error.value.code == "invalid_answers"
        assert fresh(contract).state == "awaiting_requirements"

    @pytest.mark.parametrize("answers", [None, "Acme", ["Acme"], {str(uuid.uuid4()): "?"}])
    def test_malformed_answers_are_refused(self, answers):
        contract = gig_order(requirements=QUESTIONS)
        with pytest.raises(ValidationFailed):
            orders.gig_requirements_submit(
                contract=contract, answers=answers, actor=contract.client
            )

    def test_answers_are_cleaned(self):
        contract = gig_order(requirements=QUESTIONS)
        answers = answers_for(
            contract,
            **{
                "What is your brand called?": "  Acme\x00\x07 <b>Co</b>\r\nLtd\u200b ",
                "Which style?": "Classic",
                "Anything else?": "e\u0301",
            },
        )
        orders.gig_requirements_submit(contract=contract, answers=answers, actor=contract.client)
        stored = [row["answer"] for row in fresh(contract).gig_order.answers]
        assert stored == ["Acme <b>Co</b>\nLtd", "Classic", "é"]  # markup stays text

    def test_only_the_buyer_answers_and_only_once(self):
        contract = gig_order(requirements=QUESTIONS)
        with pytest.raises(PermissionDenied):
            orders.gig_requirements_submit(
                contract=contract, answers=good_answers(contract), actor=contract.provider
            )
        orders.gig_requirements_submit(
            contract=contract, answers=good_answers(contract), actor=contract.client
        )
        with pytest.raises(InvalidTransition) as error:
            orders.gig_requirements_submit(
                contract=fresh(contract), answers=good_answers(contract), actor=contract.client
            )
        assert error.value.code == "invalid_state"

    def test_the_seller_cannot_deliver_before_the_answers(self):
        contract = gig_order(requirements=QUESTIONS)
        with pytest.raises(InvalidTransition):
            orders.gig_deliver(contract=contract, message="Early", actor=contract.provider)


# --- delivery, acceptance, revisions --------------------------------------------------------------


class TestDelivery:
    def test_delivery_with_files_waits_for_the_buyer(self, settings):
        settings.GIG_AUTO_COMPLETE_DAYS = 3
        contract = answered()
        now = timezone.now()
        orders.gig_deliver(
            contract=contract,
            message="Here it is",
            files=[pdf(), png()],
            actor=contract.provider,
            now=now,
        )
        contract = fresh(contract)
        order = contract.gig_order
        delivery = order.deliveries.get()
        assert contract.state == "delivered" and delivery.number == 1
        assert sorted(delivery.files.values_list("file_type", flat=True)) == ["pdf", "png"]
        assert order.first_delivered_at == order.delivered_at == now
        assert contract.timer_due_at == now + timedelta(days=3)  # auto-complete
        assert escrow(contract) == usd(12_000)  # nothing paid yet

    def test_files_follow_the_upload_policy(self):
        contract = answered()
        scripted = SimpleUploadedFile("logo.pdf", scripted_pdf(), content_type="application/pdf")
        with pytest.raises(ValidationFailed) as error:
            orders.gig_deliver(
                contract=contract, message="x", files=[scripted], actor=contract.provider
            )
        assert error.value.code == "unsafe_document"
        polyglot = SimpleUploadedFile("logo.html", HTML_IN_PDF, content_type="text/html")
        orders.gig_deliver(
            contract=contract, message="Here", files=[polyglot], actor=contract.provider
        )
        stored = fresh(contract).gig_order.deliveries.get().files.get()
        assert (stored.file_type, stored.original_name) == ("pdf", "logo.pdf")
        assert stored.file.name.endswith(".pdf")

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({"message": ""}, "note_required"),
            ({"message": "x" * 5001}, "validation_error"),
            ({"files": [SimpleUploadedFile("a.pdf", b"not a pdf")]}, None),
            ({"files": [pdf(f"{n}.pdf") for n in range(11)]}, "too_many_files"),
        ],
    )
    def test_bad_deliveries_are_refused(self, kwargs, code):
        contract = answered()
        with pytest.raises(ValidationFailed) as error:
            orders.gig_deliver(
                contract=contract, actor=contract.provider, **{"message": "Hi", **kwargs}
            )
        if code:
            assert error.value.code == code
        assert fresh(contract).state == "in_progress"
        assert not GigDeliveryFile.objects.exists()

    def test_only_the_seller_delivers(self):
        contract = answered()
        with pytest.raises(PermissionDenied):
            orders.gig_deliver(contract=contract, message="Me?", actor=contract.client)

    def test_accepting_pays_the_seller_once(self):
        contract = delivered(price=12_000)
        orders.gig_accept(contract=contract, actor=contract.client)
        contract = fresh(contract)
        assert contract.state == "completed" and contract.completed_at is not None
        assert escrow(contract) == usd(0)
        assert pending(contract.provider) == net(12_000) == usd(10_800)
        assert refunded(contract) == usd(0)
        with pytest.raises(InvalidTransition):
            orders.gig_accept(contract=contract, actor=contract.client)
        assert releases(contract) == 1
        call_command("reconcile")

    def test_the_seller_cannot_accept(self):
        contract = delivered()
        with pytest.raises(PermissionDenied):
            orders.gig_accept(contract=contract, actor=contract.provider)

    def test_revisions_are_counted_then_refused(self):
        contract = delivered(revisions=1)
        orders.gig_request_revision(contract=contract, note="Bigger logo", actor=contract.client)
        contract = fresh(contract)
        assert contract.state == "in_progress" and contract.gig_order.revision_count == 1
        assert contract.timer_due_at is None  # revisions have no lateness timer
        orders.gig_deliver(contract=contract, message="Version 2", actor=contract.provider)
        contract = fresh(contract)
        assert contract.gig_order.deliveries.count() == 2
        assert list(contract.gig_order.deliveries.values_list("number", flat=True)) == [1, 2]
        actions = {t.name for t in process.available_transitions(contract, contract.client)}
        assert "request_revision" not in actions and "accept" in actions
        with pytest.raises(InvalidTransition) as error:
            orders.gig_request_revision(contract=contract, note="Again", actor=contract.client)
        assert error.value.code == "no_revisions_left"
        assert fresh(contract).state == "delivered"

    def test_a_package_without_revisions(self):
        contract = delivered(revisions=0)
        with pytest.raises(InvalidTransition) as error:
            orders.gig_request_revision(contract=contract, note="Change", actor=contract.client)
        assert error.value.code == "no_revisions_left"

    def test_a_revision_needs_a_note(self):
        contract = delivered()
        with pytest.raises(ValidationFailed) as error:
            orders.gig_request_revision(contract=contract, note=" ", actor=contract.client)
        assert error.value.code == "note_required"

    def test_auto_complete_after_the_window(self, settings):
        settings.GIG_AUTO_COMPLETE_DAYS = 3
        contract = delivered(price=9_999)
        due = contract.timer_due_at
        assert services.run_due_timers(now=due - timedelta(minutes=1)) == 0
        assert fresh(contract).state == "delivered"
        assert services.run_due_timers(now=due) == 1
        contract = fresh(contract)
        assert contract.state == "completed"
        assert contract.history.last().actor_role == "system"
        assert pending(contract.provider) == net(9_999) == usd(8_999)  # fee 1000 rounded half up
        assert escrow(contract) == usd(0)
        assert services.run_due_timers(now=due + timedelta(days=1)) == 0
        assert releases(contract) == 1
        call_command("reconcile")


# --- lateness -------------------------------------------------------------------------------------


class TestLate:
    def test_not_delivered_by_the_due_date_is_late(self):
        contract = answered(delivery_days=2)
        due = contract.gig_order.due_at
        assert services.run_due_timers(now=due - timedelta(seconds=1)) == 0
        assert services.run_due_timers(now=due) == 1
        contract = fresh(contract)
        assert contract.state == "late" and contract.gig_order.late_at == due
        assert contract.timer_due_at is None
        client_actions = {t.name for t in process.available_transitions(contract, contract.client)}
        assert client_actions == {"cancel_late", "dispute"}
        seller_actions = {
            t.name for t in process.available_transitions(contract, contract.provider)
        }
        assert seller_actions == {"deliver", "cancel", "dispute"}

    def test_the_buyer_cancels_a_late_order_for_a_full_refund(self):
        contract = answered(price=12_000, policy="strict")
        services.run_due_timers(now=contract.gig_order.due_at)
        contract = fresh(contract)
        with pytest.raises(InvalidTransition) as error:  # not the policy-based cancel
            services.contract_cancel(contract=contract, actor=contract.client, reason="Late")
        assert error.value.code == "use_cancel_late"
        with pytest.raises(PermissionDenied):
            orders.gig_cancel_late(contract=contract, actor=contract.provider)
        orders.gig_cancel_late(contract=contract, actor=contract.client, reason="Too late")
        contract = fresh(contract)
        assert contract.state == "cancelled" and contract.cancel_reason == "Too late"
        assert refunded(contract) == usd(12_000) and escrow(contract) == usd(0)
        assert pending(contract.provider) == usd(0)
        call_command("reconcile")

    def test_cancel_late_only_when_late(self):
        contract = answered()
        with pytest.raises(InvalidTransition) as error:
            orders.gig_cancel_late(contract=contract, actor=contract.client)
        assert error.value.code == "invalid_state"

    def test_the_seller_may_still_deliver_a_late_order(self):
        contract = answered()
        due = contract.gig_order.due_at
        services.run_due_timers(now=due)
        orders.gig_deliver(
            contract=fresh(contract),
            message="Sorry",
            actor=contract.provider,
            now=due + timedelta(hours=1),
        )
        contract = fresh(contract)
        assert contract.state == "delivered" and contract.gig_order.delivered_late

    def test_a_revision_after_the_due_date_is_not_late(self):
        contract = delivered(delivery_days=1)
        later = contract.gig_order.due_at + timedelta(days=1)
        orders.gig_request_revision(
            contract=contract, note="More", actor=contract.client, now=later
        )
        assert fresh(contract).timer_due_at is None
        assert services.run_due_timers(now=later + timedelta(days=5)) == 0
        assert fresh(contract).state == "in_progress"


# --- cancellation ---------------------------------------------------------------------------------


class TestCancel:
    def test_before_the_answers_the_buyer_gets_everything_back(self):
        contract = gig_order(requirements=QUESTIONS, price=12_000, policy="strict")
        services.contract_cancel(contract=contract, actor=contract.client, reason="Oops")
        contract = fresh(contract)
        assert contract.state == "cancelled" and refunded(contract) == usd(12_000)
        assert pending(contract.provider) == usd(0) and escrow(contract) == usd(0)

    @pytest.mark.parametrize(
        ("policy", "price", "to_client"),
        [
            ("flexible", 12_000, 12_000),
            ("moderate", 12_000, 6_000),
            ("moderate", 12_001, 6_001),  # the odd minor unit goes to the buyer
            ("strict", 12_000, 0),
        ],
    )
    def test_the_buyer_cancels_after_the_start_by_policy(self, policy, price, to_client):
        contract = answered(price=price, policy=policy)
        services.contract_cancel(contract=contract, actor=contract.client, reason="Changed plans")
        contract = fresh(contract)
        assert contract.state == "cancelled"
        assert refunded(contract) == usd(to_client)
        to_seller = price - to_client
        assert pending(contract.provider) == (net(to_seller) if to_seller else usd(0))
        assert escrow(contract) == usd(0)
        call_command("reconcile")

    @pytest.mark.parametrize("who", ["provider", "staff"])
    def test_the_seller_or_staff_cancel_with_a_full_refund(self, who):
        contract = answered(price=12_000, policy="strict")
        actor = contract.provider if who == "provider" else StaffFactory()
        services.contract_cancel(contract=contract, actor=actor, reason="Cannot do it")
        contract = fresh(contract)
        assert refunded(contract) == usd(12_000) and pending(contract.provider) == usd(0)

    def test_not_while_a_delivery_awaits_the_buyer(self):
        contract = delivered()
        with pytest.raises(InvalidTransition):
            services.contract_cancel(contract=contract, actor=contract.client, reason="No")
        other = answered()
        with pytest.raises(ValidationFailed):
            services.contract_cancel(contract=other, actor=other.client, reason="")

    def test_a_stranger_cannot_cancel(self, stranger):
        contract = answered()
        with pytest.raises(PermissionDenied):
            services.contract_cancel(contract=contract, actor=stranger, reason="Mine?")


# --- disputes -------------------------------------------------------------------------------------


class TestDispute:
    @pytest.mark.parametrize(
        ("outcome", "state", "to_seller"),
        [
            ("release", "completed", 12_000),
            ("refund", "cancelled", 0),
            ("split", "completed", 4_000),
        ],
    )
    def test_a_dispute_freezes_the_order_until_staff_decide(
        self, committed, outcome, state, to_seller
    ):
        contract = delivered(price=12_000)
        services.contract_transition(
            obj=contract, transition="dispute", actor=contract.client, note="Not my brief"
        )
        contract = fresh(contract)
        dispute = Dispute.objects.get()
        assert contract.state == "disputed" and contract.timer_due_at is None
        assert (dispute.subject_ref, dispute.amount_minor) == (f"contract:{contract.pk}", 12_000)
        assert contract.gig_order.dispute_ref == str(dispute.pk)
        with pytest.raises(InvalidTransition):
            orders.gig_accept(contract=contract, actor=contract.client)
        with committed():
            payment_disputes.dispute_resolve(
                actor=StaffFactory(),
                dispute=dispute,
                outcome=outcome,
                to_provider=usd(to_seller) if outcome == "split" else None,
                decision="Decided.",
            )
        contract = fresh(contract)
        assert contract.state == state
        assert escrow(contract) == usd(0)
        assert refunded(contract) == usd(12_000 - to_seller)
        assert pending(contract.provider) == (net(to_seller) if to_seller else usd(0))
        call_command("reconcile")


# --- notifications --------------------------------------------------------------------------------


class TestNotifications:
    def test_the_seller_hears_of_answers_and_the_buyer_of_deliveries(self, committed):
        from craftwork.notifications.models import Notification

        with committed():
            contract = gig_order(requirements=QUESTIONS)
        created = Notification.objects.get(type="contract_created", recipient=contract.client)
        assert "Answer the seller's questions" in created.body
        with committed():
            orders.gig_requirements_submit(
                contract=contract, answers=good_answers(contract), actor=contract.client
            )
            orders.gig_deliver(contract=fresh(contract), message="Done", actor=contract.provider)
        assert Notification.objects.get(type="gig_requirements_submitted").recipient == (
            contract.provider
        )
        assert Notification.objects.get(type="gig_delivered").recipient == contract.client


# --- the race: the buyer accepts while the auto-complete timer fires -------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accept_racing_the_auto_complete_timer_releases_once(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")
    contract = delivered(price=12_000)
    later = contract.timer_due_at + timedelta(seconds=1)
    client = contract.client
    work = [
        lambda: orders.gig_accept(contract=fresh(contract), actor=client),
        lambda: services.run_due_timers(now=later),
    ] * 4
    results = run_in_threads(work)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    assert releases(contract) == 1
    assert fresh(contract).state == "completed"
    assert contract.history.filter(to_state="completed").count() == 1
    assert pending(contract.provider) == usd(10_800)
    call_command("reconcile")


# --- API ------------------------------------------------------------------------------------------


def api_url(name, *args):
    return reverse(f"contracts-api:{name}", args=args)


def code_of(response):
    return response.json()["error"]["code"]


class TestApi:
    def test_detail_shows_the_order_and_the_allowed_actions(self):
        contract = gig_order(requirements=QUESTIONS)
        data = api_for(contract.client).get(api_url("detail", contract.pk)).json()
        assert data["state"] == "awaiting_requirements" and data["session"] is None
        assert data["gig_order"]["package_name"] == "Basic"
        assert data["gig_order"]["requirements"][0]["question"] == "What is your brand called?"
        assert data["available_transitions"]["contract"] == ["submit_requirements", "cancel"]
        seller = api_for(contract.provider).get(api_url("detail", contract.pk)).json()
        assert seller["available_transitions"]["contract"] == ["cancel"]

    def test_other_peoples_orders_are_404(self, stranger):
        contract = delivered()
        api = api_for(stranger)
        for name in ("detail", "gig"):
            response = api.get(api_url(name, contract.pk))
            assert response.status_code == 404 and code_of(response) == "contract_not_found"
        for name, body in (
            ("gig-accept", {}),
            ("gig-request-revision", {"note": "x"}),
            ("gig-cancel-late", {}),
            ("gig-requirements", {"answers": {}}),
        ):
            assert api.post(api_url(name, contract.pk), body, format="json").status_code == 404
        assert fresh(contract).state == "delivered"

    def test_gig_endpoints_on_another_kind_are_404(self, funded):
        response = api_for(funded.client).get(api_url("gig", funded.pk))
        assert response.status_code == 404 and code_of(response) == "not_a_gig_order"
        response = api_for(funded.client).post(api_url("gig-accept", funded.pk))
        assert response.status_code == 404

    def test_requirements_answer_and_bad_input(self):
        contract = gig_order(requirements=QUESTIONS)
        api = api_for(contract.client)
        url = api_url("gig-requirements", contract.pk)
        brand = contract.gig_order.requirements[0]["id"]
        response = api.post(url, {"answers": {brand: "Acme"}}, format="json")
        assert response.status_code == 400 and code_of(response) == "answers_missing"
        assert api.post(url, {"answers": "Acme"}, format="json").status_code == 400
        assert api.post(url, {}, format="json").status_code == 400
        response = api.post(url, {"answers": good_answers(contract), "extra": 1}, format="json")
        assert response.status_code == 400
        huge = {brand: "x" * 100_000}
        assert api.post(url, {"answers": huge}, format="json").status_code == 400
        response = api_for(contract.provider).post(
            url, {"answers": good_answers(contract)}, format="json"
        )
        assert response.status_code == 403 and code_of(response) == "transition_not_allowed"
        response = api.post(url, {"answers": good_answers(contract)}, format="json")
        assert response.status_code == 200 and response.json()["state"] == "in_progress"
        assert response.json()["gig_order"]["due_at"] is not None
        again = api.post(url, {"answers": good_answers(contract)}, format="json")
        assert again.status_code == 409 and code_of(again) == "invalid_state"

    def test_deliver_download_revise_accept(self, stranger):
        contract = answered(revisions=1)
        seller, buyer = api_for(contract.provider), api_for(contract.client)
        response = seller.post(
            api_url("gig-deliver", contract.pk),
            {"message": "v1", "files": [pdf()]},
            format="multipart",
        )
        assert response.status_code == 200 and response.json()["state"] == "delivered"
        delivery = response.json()["gig_order"]["deliveries"][0]
        assert delivery["number"] == 1
        download = delivery["files"][0]["download_url"]
        assert buyer.get(download).status_code == 200
        assert api_for(stranger).get(download).status_code == 404
        twice = seller.post(api_url("gig-deliver", contract.pk), {"message": "v1 again"})
        assert twice.status_code == 409 and code_of(twice) == "invalid_state"
        response = buyer.post(api_url("gig-request-revision", contract.pk), {"note": "Bolder"})
        assert response.status_code == 200 and response.json()["state"] == "in_progress"
        assert response.json()["gig_order"]["revisions_left"] == 0
        seller.post(
            api_url("gig-deliver", contract.pk),
            {"message": "v2", "files": [png()]},
            format="multipart",
        )
        response = buyer.post(api_url("gig-accept", contract.pk))
        assert response.status_code == 200 and response.json()["state"] == "completed"
        assert pending(contract.provider) == usd(10_800)

    def test_deliver_with_an_idempotency_key_answers_once_and_replays(self):
        # The detail carries datetimes: the stored answer must be what the API renders.
        contract = answered()
        seller = api_for(contract.provider)
        seller.raise_request_exception = False
        url = api_url("gig-deliver", contract.pk)

        def deliver():
            body = {"message": "v1", "files": [pdf()]}
            return seller.post(url, body, format="multipart", HTTP_IDEMPOTENCY_KEY="deliver-1")

        first, again = deliver(), deliver()
        assert first.status_code == 200, first.content
        assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert GigOrder.objects.get(contract=contract).deliveries.count() == 1

    def test_revision_limits_and_wrong_party(self):
        contract = delivered(revisions=1)
        buyer, seller = api_for(contract.client), api_for(contract.provider)
        response = seller.post(api_url("gig-accept", contract.pk))
        assert response.status_code == 403
        url = api_url("gig-request-revision", contract.pk)
        assert buyer.post(url, {}, format="json").status_code == 400
        assert buyer.post(url, {"note": "Bigger"}, format="json").status_code == 200
        seller.post(api_url("gig-deliver", contract.pk), {"message": "v2"})
        response = buyer.post(url, {"note": "Again"}, format="json")
        assert response.status_code == 409 and code_of(response) == "no_revisions_left"

    def test_accept_with_an_idempotency_key_replays(self):
        contract = delivered()
        buyer = api_for(contract.client)
        url = api_url("gig-accept", contract.pk)
        first = buyer.post(url, HTTP_IDEMPOTENCY_KEY="accept-once-123")
        second = buyer.post(url, HTTP_IDEMPOTENCY_KEY="accept-once-123")
        assert first.status_code == second.status_code == 200
        assert first.json()["state"] == second.json()["state"] == "completed"
        assert releases(contract) == 1

    def test_cancel_late_through_the_api(self):
        contract = answered()
        buyer = api_for(contract.client)
        response = buyer.post(api_url("gig-cancel-late", contract.pk), {}, format="json")
        assert response.status_code == 409 and code_of(response) == "invalid_state"
        services.run_due_timers(now=contract.gig_order.due_at)
        data = buyer.get(api_url("gig", contract.pk)).json()
        assert data["late"] is True
        response = buyer.post(api_url("gig-cancel-late", contract.pk), {"reason": "Late"})
        assert response.status_code == 200 and response.json()["state"] == "cancelled"

    def test_order_detail_query_count(self, django_assert_max_num_queries):
        contract = answered(revisions=5)
        for number in range(3):
            orders.gig_deliver(
                contract=fresh(contract),
                message=f"v{number}",
                files=[pdf(), png()],
                actor=contract.provider,
            )
            if number < 2:
                orders.gig_request_revision(
                    contract=fresh(contract), note="More", actor=contract.client
                )
        buyer = api_for(contract.client)
        with django_assert_max_num_queries(18):
            response = buyer.get(api_url("detail", contract.pk))
        assert len(response.json()["gig_order"]["deliveries"]) == 3
        with django_assert_max_num_queries(8):
            assert buyer.get(api_url("gig", contract.pk)).status_code == 200


# --- web pages ------------------------------------------------------------------------------------


def page(client, contract):
    response = client.get(reverse("contracts:detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestPages:
    def test_the_buyer_answers_on_the_page(self, client):
        contract = gig_order(requirements=QUESTIONS)
        client.force_login(contract.client)
        html = page(client, contract)
        assert 'data-testid="requirements-form"' in html and "Which style?" in html
        url = reverse("contracts:gig-requirements", args=[contract.pk])
        response = client.post(url, {"answer_0": "", "answer_1": "Modern"})
        assert response.status_code == 400
        assert "This field is required." in response.content.decode()
        assert fresh(contract).state == "awaiting_requirements"
        response = client.post(
            url, {"answer_0": "<script>alert(1)</script>", "answer_1": "Modern", "answer_2": ""}
        )
        assert response.status_code == 302
        assert fresh(contract).state == "in_progress"
        html = page(client, contract)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        assert 'data-testid="requirements-form"' not in html

    def test_the_seller_sees_no_answer_form_and_delivers(self, client):
        contract = answered()
        client.force_login(contract.provider)
        html = page(client, contract)
        assert 'data-testid="requirements-form"' not in html
        assert 'data-testid="deliver-form"' in html and "Acme" in html
        url = reverse("contracts:gig-deliver", args=[contract.pk])
        response = client.post(url, {"message": ""})
        assert response.status_code == 400
        response = client.post(url, {"message": "Here", "files": [pdf()]})
        assert response.status_code == 302
        stored = GigDeliveryFile.objects.get()
        download = reverse("contracts:gig-file", args=[contract.pk, stored.pk])
        assert client.get(download).status_code == 200
        client.force_login(contract.client)
        html = page(client, contract)
        assert download in html
        assert 'data-testid="action-accept"' in html
        assert 'data-testid="action-request_revision"' in html

    def test_accept_and_revision_through_the_transition_form(self, client):
        contract = delivered(revisions=1)
        client.force_login(contract.client)
        url = reverse("contracts:transition", args=[contract.pk])
        base = {"subject": "contract", "subject_id": str(contract.pk)}
        response = client.post(url, {**base, "transition": "request_revision", "note": ""})
        assert response.status_code == 400
        client.post(url, {**base, "transition": "request_revision", "note": "Bigger"})
        assert fresh(contract).state == "in_progress"
        orders.gig_deliver(contract=fresh(contract), message="v2", actor=contract.provider)
        client.post(url, {**base, "transition": "accept"})
        assert fresh(contract).state == "completed"

    def test_late_badge(self, client):
        contract = answered()
        client.force_login(contract.client)
        assert 'data-testid="late-badge"' not in page(client, contract)
        GigOrder.objects.filter(contract=contract).update(
            due_at=timezone.now() - timedelta(minutes=1)
        )
        assert 'data-testid="late-badge"' in page(client, contract)  # before the timer ran

    def test_strangers_get_404(self, client, stranger):
        contract = delivered()
        client.force_login(stranger)
        assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
        for name in ("gig-requirements", "gig-deliver"):
            response = client.post(reverse(f"contracts:{name}", args=[contract.pk]), {})
            assert response.status_code == 404

    def test_gig_pages_of_another_kind_are_404(self, client, funded):
        client.force_login(funded.client)
        url = reverse("contracts:gig-requirements", args=[funded.pk])
        assert client.post(url, {}).status_code == 404


# --- through the real split checkout (what commerce does) ------------------------------------------


class TestThroughCheckout:
    """A cart of two gig packages paid in one sandbox charge; each line's handler creates its
    order. A refund then goes back to the card, against that line only."""

    PURPOSE = "test_gig_orders"

    @pytest.fixture
    def cart(self, settings):
        from craftwork.payments import checkout

        settings.SITE_URL = "http://testserver"
        packages: dict[str, tuple] = {}

        def handler(payment, line):
            package, seller = packages[line.reference]
            gig_order_create(
                contract_id=uuid.UUID(line.escrow_ref.split(":", 1)[1]),
                source_ref=line.reference,
                client=payment.payer,
                provider=seller,
                package_ref=str(package.pk),
                price=Money(line.amount_minor, line.currency),
            )

        checkout.register_fulfillment(self.PURPOSE, handler, per_line=True)
        yield packages
        checkout._fulfillments.pop(self.PURPOSE, None)

    def pay_for(self, cart, buyer, gigs):
        from craftwork.payments import checkout, testing

        lines = []
        for gig in gigs:
            package = gig.packages.get()
            reference = f"checkout-line:{uuid.uuid4()}"
            cart[reference] = (package, gig.seller)
            lines.append(
                checkout.PaymentLine(
                    reference=reference,
                    escrow_ref=f"contract:{uuid.uuid4()}",
                    amount=package.price_money,
                )
            )
        payment = checkout.payment_start_split(
            payer=buyer,
            lines=lines,
            purpose=self.PURPOSE,
            reference=f"checkout:{uuid.uuid4()}",
            description="Cart",
            return_url="/",
            idempotency_key=str(uuid.uuid4()),
        )
        return testing.pay(payment), lines

    def test_paid_lines_become_orders_and_a_late_refund_goes_to_the_card(self, cart):
        buyer = UserFactory()
        gigs = [GigFactory(active=True, packages=1) for _ in range(2)]
        payment, lines = self.pay_for(cart, buyer, gigs)
        assert payment.status == "succeeded"
        contracts = [Contract.objects.get(source_ref=line.reference) for line in lines]
        assert [c.state for c in contracts] == ["in_progress", "in_progress"]
        assert [escrow(c) for c in contracts] == [line.amount for line in lines]
        late = contracts[0]
        services.run_due_timers(now=late.gig_order.due_at)
        orders.gig_cancel_late(contract=fresh(late), actor=buyer, reason="Too late")
        refund = payment.refunds.get()
        assert refund.amount == lines[0].amount and refund.line.reference == lines[0].reference
        assert escrow(late) == usd(0) and escrow(contracts[1]) == lines[1].amount
        call_command("reconcile")

    def test_a_line_that_cannot_become_an_order_is_refunded_alone(self, cart, monkeypatch):
        from craftwork.catalog.models import Gig
        from craftwork.payments.providers.sandbox import engine

        buyer = UserFactory()
        gigs = [GigFactory(active=True, packages=1) for _ in range(2)]
        confirm_card = engine.confirm_card

        def staff_remove_the_gig_while_the_buyer_pays(*args, **kwargs):
            Gig.objects.filter(pk=gigs[1].pk).update(status=GigStatus.REMOVED)
            return confirm_card(*args, **kwargs)

        monkeypatch.setattr(engine, "confirm_card", staff_remove_the_gig_while_the_buyer_pays)
        payment, lines = self.pay_for(cart, buyer, gigs)
        assert Contract.objects.filter(source_ref=lines[0].reference).exists()
        assert not Contract.objects.filter(source_ref=lines[1].reference).exists()
        line = payment.lines.get(reference=lines[1].reference)
        assert line.fulfillment_error and payment.refunds.get().line_id == line.pk
        call_command("reconcile")
