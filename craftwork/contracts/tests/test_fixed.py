"""Fixed-price contracts through the services: creation, funding, delivery, review, money."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from craftwork.accounts.tests.factories import (
    FreelancerFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from craftwork.contracts import process, services
from craftwork.contracts.models import Contract, DeliveryFile, Milestone
from craftwork.contracts.terms import ContractTerms
from craftwork.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.core.money import Money
from craftwork.core.tests.documents import HTML_IN_PDF, pdf_bytes, scripted_pdf
from craftwork.payments import selectors as payment_selectors
from craftwork.payments import testing
from craftwork.payments.models import Payment

from .factories import ContractFactory, fixed_terms, fund_milestone, usd

pytestmark = pytest.mark.django_db


def escrow(contract) -> Money:
    return payment_selectors.escrow_balance(contract.escrow_ref, contract.currency)


def pending_earnings(user) -> Money:
    return payment_selectors.wallet_summary(user, "USD").pending


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def png(name="shot.png"):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def create(**overrides):
    client, provider = UserFactory(), FreelancerFactory()
    values = {
        "source": "proposal",
        "source_ref": "proposal:1",
        "client": client,
        "provider": provider,
        "title": "Logo",
        "terms": fixed_terms(),
        "actor": client,
    }
    values.update(overrides)
    return services.contract_create(**values)


class TestCreate:
    def test_one_milestone_for_the_whole_amount(self):
        contract = create(terms=fixed_terms(usd(12_345), delivery_days=10))
        milestone = contract.milestones.get()
        assert contract.state == "pending_funding" and contract.kind == "fixed"
        assert (milestone.state, milestone.amount, milestone.position) == (
            "pending_funding",
            usd(12_345),
            1,
        )
        assert milestone.due_date == timezone.localdate() + timedelta(days=10)
        assert contract.history.get().transition == "create"

    def test_milestones_from_the_terms(self):
        terms = fixed_terms(
            usd(30_000),
            milestones=[("Design", usd(10_000), None), ("Build", usd(20_000), date(2030, 1, 1))],
        )
        contract = create(terms=terms)
        assert list(contract.milestones.values_list("title", "amount_minor", "state")) == [
            ("Design", 10_000, "pending_funding"),
            ("Build", 20_000, "pending_funding"),
        ]

    def test_review_window_defaults_to_the_setting(self, settings):
        settings.CONTRACT_REVIEW_WINDOW_DAYS = 9
        contract = create(terms=fixed_terms(review_window_days=None))
        assert contract.review_window_days == 9

    @pytest.mark.parametrize(
        ("terms", "field"),
        [
            (fixed_terms(usd(0)), "amount"),
            (fixed_terms(usd(-100)), "amount"),
            (fixed_terms(usd(10**8 + 1)), "amount"),
            (fixed_terms(Money(100, "EUR")), "amount"),
            (fixed_terms(usd(100), milestones=[("A", usd(60), None)]), "milestones"),
            (fixed_terms(usd(100), milestones=[("", usd(100), None)]), "milestones.0.title"),
            (fixed_terms(usd(100), milestones=[("A", usd(0), None)]), "milestones.0.amount"),
            (fixed_terms(platform_fee_bps=10_001), "platform_fee_bps"),
            (fixed_terms(cancellation_policy="never"), "cancellation_policy"),
            (fixed_terms(review_window_days=0), "review_window_days"),
            (fixed_terms(kind="barter"), "kind"),
            (
                ContractTerms(
                    kind="hourly", currency="USD", hourly_rate=usd(0), weekly_limit_minutes=600
                ),
                "hourly_rate",
            ),
            (
                ContractTerms(
                    kind="hourly",
                    currency="USD",
                    hourly_rate=usd(5000),
                    weekly_limit_minutes=169 * 60,
                ),
                "weekly_limit_minutes",
            ),
        ],
    )
    def test_bad_terms_are_refused(self, terms, field):
        with pytest.raises(ValidationFailed) as error:
            create(terms=terms)
        assert error.value.code == "invalid_terms"
        assert field in error.value.details
        assert not Contract.objects.exists()

    def test_unknown_currency(self):
        with pytest.raises(ValidationFailed):
            create(terms=fixed_terms(currency="XXX"))

    def test_self_hire_is_refused(self):
        user = UserFactory(is_freelancer=True)
        with pytest.raises(ValidationFailed) as error:
            create(client=user, provider=user, actor=user)
        assert error.value.code == "self_hire"

    def test_only_a_party_creates(self):
        with pytest.raises(PermissionDenied):
            create(actor=UserFactory())

    def test_one_contract_per_source(self):
        create(source_ref="proposal:7")
        with pytest.raises(Conflict) as error:
            create(source_ref="proposal:7")
        assert error.value.code == "contract_exists"
        assert Contract.objects.count() == 1

    def test_organization_must_be_the_clients(self):
        client = UserFactory()
        with pytest.raises(PermissionDenied):
            create(client=client, actor=client, organization=OrganizationFactory())
        membership = MembershipFactory(user=client)
        contract = create(client=client, actor=client, organization=membership.organization)
        assert contract.organization == membership.organization

    def test_huge_title_and_bad_source(self):
        with pytest.raises(ValidationFailed) as error:
            create(title="x" * 201, source="barter")
        assert set(error.value.details) == {"title", "source"}

    def test_terms_cannot_be_edited_after_acceptance(self, contract):
        """No service changes a contract's terms; agreed milestones are locked too."""
        milestone = contract.milestones.get()
        with pytest.raises(InvalidTransition) as error:
            services.milestone_update(milestone=milestone, amount=usd(1), actor=contract.client)
        assert error.value.code == "terms_locked"
        assert Milestone.objects.get(pk=milestone.pk).amount_minor == 50_000


class TestFunding:
    def test_paying_moves_the_milestone_and_holds_the_money(self, contract):
        milestone = contract.milestones.get()
        payment = fund_milestone(milestone)
        contract.refresh_from_db()
        assert payment.status == "succeeded"
        assert (milestone.state, milestone.funding_payment_ref) == ("funded", str(payment.pk))
        assert contract.state == "active"
        assert escrow(contract) == usd(50_000)
        assert payment.reference == f"milestone:{milestone.pk}"
        assert payment.escrow_ref == f"contract:{contract.pk}"

    def test_a_declined_card_changes_nothing(self, contract):
        milestone = contract.milestones.get()
        payment = fund_milestone(milestone, card=testing.DECLINED)
        assert payment.status == "failed"
        assert Milestone.objects.get(pk=milestone.pk).state == "pending_funding"
        assert escrow(contract) == usd(0)
        retry = services.milestone_fund_start(milestone=milestone, actor=contract.client)
        assert retry.pk != payment.pk  # a new attempt after a decline

    def test_the_same_attempt_reuses_one_payment(self, contract):
        milestone = contract.milestones.get()
        first = services.milestone_fund_start(
            milestone=milestone, actor=contract.client, attempt="attempt-0001"
        )
        second = services.milestone_fund_start(
            milestone=milestone, actor=contract.client, attempt="attempt-0001"
        )
        assert first.pk == second.pk and first.checkout_url

    def test_only_the_client_funds(self, contract):
        milestone = contract.milestones.get()
        with pytest.raises(PermissionDenied):
            services.milestone_fund_start(milestone=milestone, actor=contract.provider)
        assert not Payment.objects.exists()

    def test_a_funded_milestone_cannot_be_funded_again(self, funded):
        with pytest.raises(InvalidTransition):
            services.milestone_fund_start(milestone=funded.milestones.get(), actor=funded.client)

    def test_a_second_payment_for_the_same_milestone_is_refunded(self, contract):
        milestone = contract.milestones.get()
        first = services.milestone_fund_start(
            milestone=milestone, actor=contract.client, attempt="attempt-0001"
        )
        second = services.milestone_fund_start(
            milestone=milestone, actor=contract.client, attempt="attempt-0002"
        )
        testing.pay(first)
        second = testing.pay(second)
        assert second.fulfillment_error
        assert escrow(contract) == usd(50_000)  # the second charge went back to the client
        assert Milestone.objects.get(pk=milestone.pk).funding_payment_ref == str(first.pk)
        call_command("reconcile")

    def test_payment_for_a_removed_milestone_is_refunded(self, contract):
        milestone = contract.milestones.get()
        payment = services.milestone_fund_start(milestone=milestone, actor=contract.client)
        services.contract_transition(obj=milestone, transition="remove", actor=contract.client)
        payment = testing.pay(payment)
        assert payment.fulfillment_error and escrow(contract) == usd(0)
        assert Milestone.objects.get(pk=milestone.pk).state == "cancelled"

    def test_fulfillment_is_idempotent(self, funded):
        from craftwork.contracts.funding import fulfill

        milestone = funded.milestones.get()
        payment = Payment.objects.get(pk=milestone.funding_payment_ref)
        fulfill(payment)
        assert Milestone.objects.get(pk=milestone.pk).state == "funded"
        assert funded.history.filter(subject="milestone", transition="fund").count() == 1


class TestDelivery:
    def test_submit_with_files_then_approve_pays_once(self, started):
        milestone = started.milestones.get()
        services.milestone_submit(
            milestone=milestone, message="All done", files=[pdf(), png()], actor=started.provider
        )
        milestone.refresh_from_db()
        delivery = milestone.deliveries.get()
        assert milestone.state == "submitted" and delivery.message == "All done"
        assert sorted(f.file_type for f in delivery.files.all()) == ["pdf", "png"]
        stored = delivery.files.first()
        assert "private-media" in stored.file.path and "/media/" not in stored.file.path
        assert Contract.objects.get(pk=started.pk).state == "delivered"

        services.milestone_approve(milestone=milestone, actor=started.client)
        started.refresh_from_db()
        milestone.refresh_from_db()
        assert (milestone.state, milestone.released_minor) == ("released", 50_000)
        assert started.state == "completed" and started.completed_at
        assert escrow(started) == usd(0)
        assert pending_earnings(started.provider) == usd(45_000)  # 10 % platform fee
        with pytest.raises(InvalidTransition):
            services.milestone_approve(milestone=milestone, actor=started.client)
        assert pending_earnings(started.provider) == usd(45_000)
        call_command("reconcile")

    def test_submitting_starts_an_active_contract(self, funded):
        milestone = funded.milestones.get()
        services.milestone_submit(milestone=milestone, message="Quick job", actor=funded.provider)
        funded.refresh_from_db()
        assert funded.state == "delivered" and funded.started_at is not None

    def test_bad_files_are_refused_and_nothing_changes(self, started):
        milestone = started.milestones.get()
        fake = SimpleUploadedFile(
            "evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )
        with pytest.raises(ValidationFailed):
            services.milestone_submit(
                milestone=milestone, message="x", files=[fake], actor=started.provider
            )
        with pytest.raises(ValidationFailed) as error:
            services.milestone_submit(
                milestone=milestone, message="x", files=[pdf()] * 11, actor=started.provider
            )
        assert error.value.code == "too_many_files"
        assert Milestone.objects.get(pk=milestone.pk).state == "funded"
        assert not DeliveryFile.objects.exists()

    def test_files_follow_the_upload_policy(self, started):
        milestone = started.milestones.get()
        for content in (scripted_pdf(), scripted_pdf(hidden=True)):
            upload = SimpleUploadedFile("work.pdf", content, content_type="application/pdf")
            with pytest.raises(ValidationFailed) as error:
                services.milestone_submit(
                    milestone=milestone, message="x", files=[upload], actor=started.provider
                )
            assert error.value.code == "unsafe_document"
        assert not DeliveryFile.objects.exists()
        polyglot = SimpleUploadedFile("work.html", HTML_IN_PDF, content_type="text/html")
        services.milestone_submit(
            milestone=milestone, message="Done", files=[polyglot], actor=started.provider
        )
        stored = DeliveryFile.objects.get()
        assert (stored.file_type, stored.original_name) == ("pdf", "work.pdf")
        assert stored.file.name.endswith(".pdf")

    def test_submitting_an_unfunded_milestone_is_refused(self, contract):
        milestone = contract.milestones.get()
        with pytest.raises(InvalidTransition):
            services.milestone_submit(milestone=milestone, message="x", actor=contract.provider)

    def test_request_changes_counts_revisions_up_to_the_limit(self, started):
        milestone = started.milestones.get()
        for number in (1, 2):
            services.milestone_submit(
                milestone=milestone, message=f"v{number}", actor=started.provider
            )
            services.milestone_request_changes(
                milestone=milestone, note="Bigger logo", actor=started.client
            )
            milestone.refresh_from_db()
            assert (milestone.state, milestone.revision_count) == ("changes_requested", number)
            assert Contract.objects.get(pk=started.pk).state == "in_progress"
        services.milestone_submit(milestone=milestone, message="v3", actor=started.provider)
        with pytest.raises(InvalidTransition) as error:
            services.milestone_request_changes(
                milestone=milestone, note="More", actor=started.client
            )
        assert error.value.code == "no_revisions_left"
        assert Milestone.objects.get(pk=milestone.pk).revision_count == 2

    def test_request_changes_needs_a_note(self, started):
        milestone = started.milestones.get()
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        with pytest.raises(ValidationFailed):
            services.milestone_request_changes(milestone=milestone, note="", actor=started.client)


class TestAutoApproval:
    def test_after_the_review_window_only(self, started, committed):
        milestone = started.milestones.get()
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        milestone.refresh_from_db()
        assert services.run_due_timers(now=milestone.timer_due_at - timedelta(seconds=1)) == 0
        with committed():
            assert services.run_due_timers(now=milestone.timer_due_at + timedelta(seconds=1)) == 1
        milestone.refresh_from_db()
        assert milestone.state == "released"
        row = started.history.get(subject="milestone", transition="auto_approve")
        assert (row.actor, row.actor_role) == (None, "system")
        assert pending_earnings(started.provider) == usd(45_000)
        assert services.run_due_timers(now=timezone.now() + timedelta(days=30)) == 0
        assert pending_earnings(started.provider) == usd(45_000)

    def test_the_celery_task(self, started):
        from craftwork.contracts.tasks import run_due_timers

        milestone = started.milestones.get()
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        Milestone.objects.filter(pk=milestone.pk).update(
            timer_due_at=timezone.now() - timedelta(minutes=1)
        )
        assert run_due_timers.delay().get() == 1
        assert Milestone.objects.get(pk=milestone.pk).state == "released"


class TestMoreMilestones:
    def test_propose_agree_fund_and_complete(self, started):
        first = started.milestones.get()
        extra = services.milestone_propose(
            contract=started, title="Extra page", amount=usd(20_000), actor=started.provider
        )
        assert (extra.state, extra.position, extra.proposed_by) == ("proposed", 2, started.provider)
        with pytest.raises(PermissionDenied) as error:
            services.contract_transition(obj=extra, transition="agree", actor=started.provider)
        assert error.value.code == "own_proposal"
        services.contract_transition(obj=extra, transition="agree", actor=started.client)
        extra.refresh_from_db()
        assert extra.state == "pending_funding"

        services.milestone_submit(milestone=first, message="v1", actor=started.provider)
        services.milestone_approve(milestone=first, actor=started.client)
        assert Contract.objects.get(pk=started.pk).state == "in_progress"  # one more to do
        fund_milestone(extra)
        services.milestone_submit(milestone=extra, message="page", actor=started.provider)
        assert Contract.objects.get(pk=started.pk).state == "delivered"
        services.milestone_approve(milestone=extra, actor=started.client)
        assert Contract.objects.get(pk=started.pk).state == "completed"
        assert pending_earnings(started.provider) == usd(63_000)
        call_command("reconcile")

    def test_decline_withdraw_and_edit(self, started):
        proposal = services.milestone_propose(
            contract=started, title="Extra", amount=usd(1000), actor=started.client
        )
        with pytest.raises(PermissionDenied):
            services.milestone_update(milestone=proposal, title="Mine", actor=started.provider)
        services.milestone_update(milestone=proposal, amount=usd(1500), actor=started.client)
        assert Milestone.objects.get(pk=proposal.pk).amount_minor == 1500
        with pytest.raises(PermissionDenied):
            services.contract_transition(
                obj=proposal, transition="withdraw", actor=started.provider
            )
        services.contract_transition(obj=proposal, transition="decline", actor=started.provider)
        assert Milestone.objects.get(pk=proposal.pk).state == "declined"
        other = services.milestone_propose(
            contract=started, title="Other", amount=usd(1000), actor=started.client
        )
        services.contract_transition(obj=other, transition="withdraw", actor=started.client)
        assert Milestone.objects.get(pk=other.pk).state == "cancelled"

    @pytest.mark.parametrize(
        ("amount", "code"),
        [
            (usd(0), "invalid_amount"),
            (usd(-5), "invalid_amount"),
            (usd(10**8 + 1), "amount_too_large"),
            (Money(100, "EUR"), "currency_mismatch"),
        ],
    )
    def test_bad_amounts(self, started, amount, code):
        with pytest.raises(ValidationFailed) as error:
            services.milestone_propose(
                contract=started, title="X", amount=amount, actor=started.client
            )
        assert error.value.code == code
        assert started.milestones.count() == 1

    def test_bad_fields(self, started):
        with pytest.raises(ValidationFailed) as error:
            services.milestone_propose(
                contract=started,
                title="",
                amount=usd(100),
                due_date=date(2000, 1, 1),
                actor=started.client,
            )
        assert set(error.value.details) == {"title", "due_date"}

    def test_strangers_and_closed_contracts(self, started, stranger):
        with pytest.raises(PermissionDenied):
            services.milestone_propose(contract=started, title="X", amount=usd(100), actor=stranger)
        services.contract_cancel(contract=started, actor=started.provider, reason="Sorry")
        with pytest.raises(InvalidTransition) as error:
            services.milestone_propose(
                contract=started, title="X", amount=usd(100), actor=started.client
            )
        assert error.value.code == "contract_closed"


class TestCancellation:
    def test_before_work_starts_everything_is_refunded(self, funded):
        services.contract_cancel(contract=funded, actor=funded.client, reason="Changed plans")
        funded.refresh_from_db()
        milestone = funded.milestones.get()
        assert funded.state == "cancelled" and funded.cancel_reason == "Changed plans"
        assert (milestone.state, milestone.refunded_minor, milestone.released_minor) == (
            "cancelled",
            50_000,
            0,
        )
        assert escrow(funded) == usd(0)
        assert pending_earnings(funded.provider) == usd(0)
        call_command("reconcile")

    @pytest.mark.parametrize(
        ("policy", "refund", "net_to_provider"),
        [("flexible", 50_001, 0), ("moderate", 25_001, 22_500), ("strict", 0, 45_001)],
    )
    def test_client_cancels_after_start_per_policy(self, policy, refund, net_to_provider):
        contract = ContractFactory(
            terms=fixed_terms(usd(50_001), cancellation_policy=policy), funded=True, started=True
        )
        services.contract_cancel(contract=contract, actor=contract.client, reason="Budget cut")
        milestone = contract.milestones.get()
        assert milestone.refunded_minor == refund
        assert milestone.refunded_minor + milestone.released_minor == 50_001
        assert escrow(contract) == usd(0)
        assert pending_earnings(contract.provider) == usd(net_to_provider)
        call_command("reconcile")

    def test_freelancer_cancelling_refunds_everything(self):
        contract = ContractFactory(
            terms=fixed_terms(cancellation_policy="strict"), funded=True, started=True
        )
        services.contract_cancel(contract=contract, actor=contract.provider, reason="Ill")
        assert contract.milestones.get().refunded_minor == 50_000
        assert pending_earnings(contract.provider) == usd(0)

    def test_staff_cancel_refunds_everything(self, started):
        from craftwork.accounts.tests.factories import StaffFactory

        services.contract_cancel(contract=started, actor=StaffFactory(), reason="Fraud")
        assert started.milestones.get().refunded_minor == 50_000
        assert started.history.get(transition="cancel", subject="contract").actor_role == "staff"

    def test_not_while_a_delivery_awaits_review(self, started):
        milestone = started.milestones.get()
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        with pytest.raises(InvalidTransition):
            services.contract_cancel(contract=started, actor=started.client, reason="No")
        assert Contract.objects.get(pk=started.pk).state == "delivered"
        assert escrow(started) == usd(50_000)

    def test_needs_a_reason_and_a_party(self, funded, stranger):
        with pytest.raises(ValidationFailed):
            services.contract_cancel(contract=funded, actor=funded.client, reason=" ")
        with pytest.raises(PermissionDenied):
            services.contract_cancel(contract=funded, actor=stranger, reason="x")
        assert Contract.objects.get(pk=funded.pk).state == "active"

    def test_unfunded_contract_cancels_without_money(self, contract):
        services.contract_cancel(contract=contract, actor=contract.provider, reason="No time")
        assert contract.milestones.get().state == "cancelled"
        with pytest.raises(InvalidTransition):
            services.contract_cancel(contract=contract, actor=contract.client, reason="Again")


def test_events_of_a_whole_flow(started, committed):
    from craftwork.core.models import OutboxEvent

    milestone = started.milestones.get()
    with committed():
        services.milestone_submit(milestone=milestone, message="v1", actor=started.provider)
        services.milestone_request_changes(milestone=milestone, note="again", actor=started.client)
        services.milestone_submit(milestone=milestone, message="v2", actor=started.provider)
        services.milestone_approve(milestone=milestone, actor=started.client)
    names = list(
        OutboxEvent.objects.filter(name__startswith="contracts.").values_list("name", flat=True)
    )
    assert names == [
        "contracts.created",
        "contracts.funded",
        "contracts.started",
        "contracts.milestone_submitted",
        "contracts.revision_requested",
        "contracts.milestone_submitted",
        "contracts.milestone_approved",
        "contracts.completed",
    ]
    started.refresh_from_db()
    assert process.available_transitions(started, started.client) == []
