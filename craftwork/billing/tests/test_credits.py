from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.billing import credits, promotions
from craftwork.billing.errors import NotEnoughCredits
from craftwork.billing.models import CreditAction, CreditCharge, CreditPrice, Plan
from craftwork.core.errors import Conflict, NotFound, ValidationFailed
from craftwork.jobs import services as job_services
from craftwork.jobs.models import Proposal
from craftwork.jobs.tests.factories import JobFactory
from craftwork.payments.models import AccountKind, LedgerAccount, LedgerEntry
from craftwork.payments.reconciliation import reconcile

from .factories import OrganizationWithMember, set_price

pytestmark = pytest.mark.django_db

DEC = datetime(2026, 12, 10, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _december(time_machine):
    time_machine.move_to(DEC, tick=False)


def balance(wallet):
    return credits.balance_of(wallet)


def submit(job, freelancer):
    return job_services.proposal_submit(
        actor=freelancer,
        job=job,
        amount=45_000 if job.is_fixed else None,
        hourly_rate=None if job.is_fixed else 5_000,
        duration_days=10,
        cover_letter="I can do this well and on time, here is how.",
    )


def test_free_tier_grants_the_monthly_allowance_once_per_month():
    freelancer = FreelancerFactory()
    wallet = credits.wallet_for(user=freelancer)
    credits.wallet_refresh(wallet=wallet)
    credits.wallet_refresh(wallet=wallet)
    assert balance(wallet) == 10
    assert LedgerEntry.objects.filter(account__kind=AccountKind.CREDIT_USER).count() == 1


def test_unused_allowance_expires_and_bought_credits_stay(time_machine):
    plan = Plan.objects.get(slug="freelancer-basic")
    assert plan.versions.get().credit_rollover_cap == 0
    freelancer = FreelancerFactory()
    wallet = credits.wallet_for(user=freelancer)
    credits.credits_grant(
        actor=None, wallet=wallet, credits=7, reason="Welcome", idempotency_key="welcome:1"
    )
    credits.credits_consume(
        actor=freelancer, wallet=wallet, action=CreditAction.PROPOSAL_SUBMIT, reference="x:1"
    )
    assert balance(wallet) == 15  # 10 allowance + 7 granted - 2 (taken from the allowance)
    time_machine.move_to(datetime(2027, 1, 2, tzinfo=UTC), tick=False)
    credits.wallet_refresh(wallet=wallet)
    # The 8 allowance credits left expired, the 7 granted stayed, January's 10 arrived.
    assert balance(wallet) == 17
    wallet.refresh_from_db()
    assert wallet.allowance == 10
    assert reconcile().ok


def test_rollover_cap_keeps_part_of_the_allowance(time_machine):
    from craftwork.billing import plans

    staff = UserFactory(is_staff=True)
    plan = Plan.objects.get(slug="freelancer-basic")
    plans.plan_version_create(actor=staff, plan=plan, credit_rollover_cap=3)
    freelancer = FreelancerFactory()
    wallet = credits.wallet_refresh(wallet=credits.wallet_for(user=freelancer))
    assert balance(wallet) == 10
    time_machine.move_to(datetime(2027, 1, 1, tzinfo=UTC), tick=False)
    credits.wallet_refresh(wallet=wallet)
    assert balance(wallet) == 13


def test_proposal_costs_credits_and_a_cancelled_job_refunds_them():
    freelancer = FreelancerFactory()
    job = JobFactory()
    proposal = submit(job, freelancer)
    wallet = credits.wallet_for(user=freelancer)
    assert balance(wallet) == 8
    charge = CreditCharge.objects.get(reference=f"proposal:{proposal.pk}")
    assert charge.credits == 2 and charge.refunded_at is None

    job_services.job_cancel(actor=job.client, job=job)

    assert balance(wallet) == 10
    charge.refresh_from_db()
    assert charge.refunded_at is not None
    # Refunding again (a retried close) changes nothing.
    assert (
        credits.credits_refund(
            action=CreditAction.PROPOSAL_SUBMIT, reference=charge.reference, reason="again"
        )
        is None
    )
    assert balance(wallet) == 10
    assert reconcile().ok
    call_command("reconcile")


def test_closing_a_job_without_a_hire_refunds_bids():
    freelancer = FreelancerFactory()
    job = JobFactory()
    submit(job, freelancer)
    job_services.job_close(actor=job.client, job=job)
    assert balance(credits.wallet_for(user=freelancer)) == 10


def test_a_bid_without_enough_credits_is_not_made():
    set_price(CreditAction.PROPOSAL_SUBMIT, 11)
    freelancer = FreelancerFactory()
    job = JobFactory()
    with pytest.raises(NotEnoughCredits) as caught:
        submit(job, freelancer)
    assert caught.value.details == {"required": 11, "available": 10}
    assert not Proposal.objects.filter(job=job).exists()
    assert not CreditCharge.objects.exists()
    # The month's allowance granted on the way rolled back too; it is granted on next use.
    assert balance(credits.wallet_for(user=freelancer)) == 0
    assert balance(credits.wallet_refresh(wallet=credits.wallet_for(user=freelancer))) == 10


def test_a_free_action_charges_nothing():
    set_price(CreditAction.PROPOSAL_SUBMIT, 0)
    freelancer = FreelancerFactory()
    submit(JobFactory(), freelancer)
    assert not CreditCharge.objects.exists()


def test_consumption_rolls_back_with_its_action():
    freelancer = FreelancerFactory()
    wallet = credits.wallet_refresh(wallet=credits.wallet_for(user=freelancer))
    with pytest.raises(RuntimeError), transaction.atomic():
        credits.credits_consume(
            actor=freelancer, wallet=wallet, action=CreditAction.AI_INTERVIEW, reference="i:1"
        )
        raise RuntimeError("the action failed after the charge")
    assert balance(wallet) == 10
    assert not CreditCharge.objects.exists()
    assert reconcile().ok


def test_one_action_is_charged_once():
    freelancer = FreelancerFactory()
    wallet = credits.wallet_for(user=freelancer)
    kwargs = {"actor": freelancer, "wallet": wallet, "action": "ai_interview", "reference": "r:1"}
    credits.credits_consume(**kwargs)
    with pytest.raises(Conflict) as caught:
        credits.credits_consume(**kwargs)
    assert caught.value.code == "already_charged"
    assert balance(wallet) == 5


@pytest.mark.parametrize("quantity", [0, -1, True, "2", 10**9])
def test_bad_quantities_are_refused(quantity):
    wallet = credits.wallet_for(user=FreelancerFactory())
    with pytest.raises(ValidationFailed):
        credits.credits_consume(
            actor=None, wallet=wallet, action="gig_promotion_day", reference="p", quantity=quantity
        )
    assert not LedgerEntry.objects.exists()


def test_unknown_action_is_refused():
    wallet = credits.wallet_for(user=FreelancerFactory())
    with pytest.raises(ValidationFailed) as caught:
        credits.credits_consume(actor=None, wallet=wallet, action="nope", reference="p")
    assert caught.value.code == "unknown_credit_action"


def test_charge_usage_uses_the_workspace_wallet_of_a_member():
    org, member = OrganizationWithMember()
    wallet = credits.wallet_for(organization=org)
    credits.credits_grant(
        actor=None, wallet=wallet, credits=12, reason="Pack", idempotency_key="pack:1"
    )
    charge = credits.charge_usage(
        actor=member, action=CreditAction.AI_INTERVIEW, reference="interview:1", organization=org
    )
    assert charge.wallet == wallet
    assert balance(wallet) == 7  # the company free tier has no allowance
    account = LedgerAccount.objects.get(kind=AccountKind.CREDIT_WORKSPACE)
    assert account.reference == f"org:{org.pk}" and account.currency == "CRD"


def test_charge_usage_for_a_workspace_one_is_not_in_is_404():
    org, _member = OrganizationWithMember()
    with pytest.raises(NotFound):
        credits.charge_usage(
            actor=UserFactory(), action="ai_interview", reference="i:2", organization=org
        )


def test_staff_edit_the_price_list():
    staff = UserFactory(is_staff=True)
    credits.credit_price_set(actor=staff, action=CreditAction.PROPOSAL_SUBMIT, credits=4)
    assert CreditPrice.objects.get(action="proposal_submit").credits == 4
    assert credits.price_of("proposal_submit") == 4
    with pytest.raises(NotFound):
        credits.credit_price_set(actor=UserFactory(), action="proposal_submit", credits=1)
    with pytest.raises(ValidationFailed):
        credits.credit_price_set(actor=staff, action="proposal_submit", credits=-1)


def test_credits_never_mix_with_money():
    from craftwork.core.money import Money, UnknownCurrency
    from craftwork.payments import ledger
    from craftwork.payments.errors import UnbalancedTransaction

    wallet = credits.wallet_refresh(wallet=credits.wallet_for(user=FreelancerFactory()))
    usd = ledger.account_for(AccountKind.PLATFORM_REVENUE, "USD")
    account = credits.wallet_account(wallet)
    with pytest.raises(UnbalancedTransaction):  # balanced per unit: -1 CRD, +1 USD is not
        ledger.post_transaction(kind="adjustment", entries=[(account, -1), (usd, 1)])
    with pytest.raises(UnknownCurrency):
        Money.parse("1", "CRD")  # forms and serializers cannot take credits as a currency
    assert balance(wallet) == 10


def test_promoting_a_gig_for_days_costs_credits_per_day():
    freelancer = FreelancerFactory()
    promotion = promotions.promotion_buy(actor=freelancer, subject="gig:abc", days=3)
    assert promotion.ends_at - promotion.starts_at == timedelta(days=3)
    assert balance(credits.wallet_for(user=freelancer)) == 7
    assert promotions.promoted_subjects("gig") == {"abc"}
    # An extension starts where the current promotion ends.
    again = promotions.promotion_buy(actor=freelancer, subject="gig:abc", days=2)
    assert again.starts_at == promotion.ends_at
    with pytest.raises(NotEnoughCredits):
        promotions.promotion_buy(actor=freelancer, subject="gig:abc", days=90)
