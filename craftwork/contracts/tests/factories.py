"""Contracts built through the real services (and the sandbox checkout), for any app's tests.

contract = ContractFactory()                       # fixed price, awaiting funding
contract = FundedContractFactory()                 # its milestone paid into escrow
contract = HourlyContractFactory(provider=me)      # hourly, 10 h/week at 50.00 USD
payment = fund_milestone(contract.milestones.get())
order = gig_order(requirements=[{"question": "Your brand name?"}])   # paid, awaiting answers
session = session_booking()                        # paid, 10:00 UTC at least a day ahead
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import factory
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts import services
from craftwork.contracts.models import Contract, MilestoneState
from craftwork.contracts.terms import ContractTerms
from craftwork.core.money import Money
from craftwork.payments import testing


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def fixed_terms(amount: Money | None = None, **overrides) -> ContractTerms:
    values = {
        "kind": "fixed",
        "currency": "USD",
        "amount": amount or usd(50_000),
        "platform_fee_bps": 1000,
        "cancellation_policy": "moderate",
        "review_window_days": 14,
        "revisions_allowed": 2,
    }
    values.update(overrides)
    return ContractTerms(**values)


def hourly_terms(rate: Money | None = None, **overrides) -> ContractTerms:
    values = {
        "kind": "hourly",
        "currency": "USD",
        "hourly_rate": rate or usd(5_000),
        "weekly_limit_minutes": 600,
        "platform_fee_bps": 1000,
        "cancellation_policy": "flexible",
        "review_window_days": 14,
    }
    values.update(overrides)
    return ContractTerms(**values)


def fund_milestone(milestone, card: str = testing.SUCCEEDS):
    """Pay a milestone into escrow as the client would (sandbox card); returns the Payment."""
    payment = services.milestone_fund_start(milestone=milestone, actor=milestone.contract.client)
    payment = testing.pay(payment, card=card)
    milestone.refresh_from_db()
    return payment


def pay_timesheet(timesheet, card: str = testing.SUCCEEDS):
    payment = services.timesheet_pay_start(timesheet=timesheet, actor=timesheet.contract.client)
    payment = testing.pay(payment, card=card)
    timesheet.refresh_from_db()
    return payment


class ContractFactory(factory.Factory):
    """A fixed-price contract from an accepted proposal (``funded=True`` pays its milestones)."""

    class Meta:
        model = Contract

    client = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(FreelancerFactory)
    title = factory.Sequence(lambda n: f"Test contract {n}")
    description = "Build the thing as agreed."
    source = "proposal"
    source_ref = factory.Sequence(lambda n: f"test-proposal-{n}")
    organization = None
    terms = factory.LazyFunction(fixed_terms)
    funded = False
    started = False

    @classmethod
    def _create(cls, model_class, *, funded=False, started=False, **kwargs):
        contract = services.contract_create(actor=kwargs["client"], **kwargs)
        if funded:
            for milestone in contract.milestones.filter(state=MilestoneState.PENDING_FUNDING):
                milestone.contract = contract
                fund_milestone(milestone)
        if started:
            contract.refresh_from_db()
            services.contract_transition(obj=contract, transition="start", actor=contract.provider)
        contract.refresh_from_db()
        return contract


class FundedContractFactory(ContractFactory):
    funded = True


class HourlyContractFactory(ContractFactory):
    source = "invitation"
    source_ref = factory.Sequence(lambda n: f"test-invitation-{n}")
    terms = factory.LazyFunction(hourly_terms)


# --- gig orders and sessions (paid through checkout in real life) -------------------------------


def fund_escrow(contract_id, client, amount: Money) -> None:
    """What payments does before calling the orders functions: the line's amount in escrow."""
    from craftwork.payments.services import escrow_fund

    escrow_fund(
        contract_ref=f"contract:{contract_id}",
        client=client,
        amount=amount,
        idempotency_key=f"test-fund:{contract_id}",
    )


def gig_order(
    *,
    client=None,
    seller=None,
    requirements=(),
    price: int = 12_000,
    delivery_days: int = 4,
    revisions: int = 2,
    quantity: int = 1,
    policy: str | None = None,
    fund: bool = True,
):
    """A paid gig-order contract (``requirements``: dicts for catalog's gig_requirements_set)."""
    from craftwork.catalog import services as catalog
    from craftwork.catalog.tests.factories import GigFactory
    from craftwork.contracts.orders import gig_order_create

    client = client or UserFactory()
    seller = seller or FreelancerFactory()
    package = {
        "tier": "basic",
        "name": "Basic",
        "price": price // quantity,
        "delivery_days": delivery_days,
        "revisions": revisions,
    }
    gig = GigFactory(active=True, seller=seller, packages=[package])
    if requirements:
        catalog.gig_requirements_set(actor=seller, gig=gig, requirements=list(requirements))
    contract_id = uuid.uuid4()
    if fund:
        fund_escrow(contract_id, client, usd(price))
    return gig_order_create(
        contract_id=contract_id,
        source_ref=f"checkout-line:{uuid.uuid4()}",
        client=client,
        provider=seller,
        package_ref=str(gig.packages.get().pk),
        quantity=quantity,
        price=usd(price),
        cancellation_policy=policy,
    )


def next_slot(days: int = 1, hour: int = 10) -> datetime:
    """The first ``hour``:00 UTC at least ``days`` whole days from now: a start the default
    OfferingFactory availability (every day 09-17 UTC) offers, and always outside the 24-hour
    cancellation window for ``days >= 1``, whatever the time of day the test runs at."""
    now = timezone.now()
    earliest = now + timedelta(days=days)
    start = datetime.combine(earliest.astimezone(UTC).date(), time(hour, 0), tzinfo=UTC)
    return start if start >= earliest else start + timedelta(days=1)


def session_booking(
    *,
    client=None,
    mentor=None,
    start: datetime | None = None,
    price: int = 6_000,
    policy: str | None = None,
    fund: bool = True,
):
    """A paid, scheduled session contract (by default 10:00-11:00 UTC, at least a day ahead)."""
    from craftwork.catalog import services as catalog
    from craftwork.catalog.tests.factories import OfferingFactory
    from craftwork.contracts.orders import session_booking_create

    client = client or UserFactory()
    mentor = mentor or FreelancerFactory()
    offering = OfferingFactory(mentor=mentor, price=price)
    reservation = catalog.slot_reserve(
        offering=offering, start=start or next_slot(), client=client, actor=None
    )
    contract_id = uuid.uuid4()
    if fund:
        fund_escrow(contract_id, client, usd(price))
    return session_booking_create(
        contract_id=contract_id,
        source_ref=f"checkout-line:{uuid.uuid4()}",
        client=client,
        provider=mentor,
        reservation=reservation,
        price=usd(price),
        cancellation_policy=policy,
    )
