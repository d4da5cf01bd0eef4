"""A small marketplace seeded through the real services, on two periods: the previous one
(20 to 11 days ago) and the current one (the last 10 days)."""

import datetime as dt
import uuid

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog.tests.factories import GigFactory
from craftwork.console.middleware import record_activity
from craftwork.core.money import Money
from craftwork.jobs.tests.factories import JobFactory, ProposalFactory
from craftwork.payments import checkout, refunds, services, testing
from craftwork.payments.tests.factories import contract_ref, key

PURPOSE = "console_test"
checkout.register_fulfillment(PURPOSE, lambda payment: None)


def usd(minor):
    return Money(minor, "USD")


def pay(payer, minor, card=testing.SUCCEEDS, currency="USD"):
    payment = checkout.payment_start(
        payer=payer,
        amount=Money(minor, currency),
        purpose=PURPOSE,
        reference=f"milestone:{uuid.uuid4()}",
        escrow_ref=contract_ref(),
        description="Milestone",
        idempotency_key=str(uuid.uuid4()),
        return_url="/",
    )
    return testing.pay(payment, card)


def seed(time_machine, today: dt.date) -> dict:
    """Returns the people it made; every figure is in the database for the test to recount."""
    at = lambda days_ago, hour=12: dt.datetime.combine(  # noqa: E731
        today - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=dt.UTC
    )
    time_machine.move_to(at(15), tick=False)
    old_client = UserFactory()
    provider = FreelancerFactory()
    record_activity(old_client.pk)
    first = pay(old_client, 20_000)
    pay(old_client, 5_000, card=testing.DECLINED)
    old_job = JobFactory(client=old_client)
    time_machine.move_to(at(14), tick=False)
    ProposalFactory(job=old_job)

    time_machine.move_to(at(5), tick=False)
    client = UserFactory()
    FreelancerFactory()
    both = UserFactory(is_freelancer=True)
    record_activity(client.pk)
    record_activity(both.pk)
    second = pay(client, 30_000)
    third = pay(client, 12_345)
    pay(client, 7_000, card=testing.DECLINED)
    pay(client, 9_000, currency="EUR")
    services.escrow_release(
        contract_ref=second.escrow_ref,
        provider_user=provider,
        amount=usd(30_000),
        fee_bps=1000,
        idempotency_key=key(),
        item_ref=second.reference,
    )
    job = JobFactory(client=client)
    JobFactory(client=client)
    GigFactory(seller=provider)
    time_machine.move_to(at(5, 18), tick=False)
    ProposalFactory(job=job)
    time_machine.move_to(at(2), tick=False)
    staff = StaffFactory()
    refunds.refund_by_staff(
        actor=staff,
        payment=third,
        amount=usd(2_345),
        reason="asked",
        idempotency_key=str(uuid.uuid4()),
    )
    record_activity(client.pk)
    time_machine.move_to(at(0, 9), tick=False)
    return {"client": client, "old_client": old_client, "provider": provider, "first": first}
