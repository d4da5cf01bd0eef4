"""Contracts built through the real services (and the sandbox checkout), for any app's tests.

contract = ContractFactory()                       # fixed price, awaiting funding
contract = FundedContractFactory()                 # its milestone paid into escrow
contract = HourlyContractFactory(provider=me)      # hourly, 10 h/week at 50.00 USD
payment = fund_milestone(contract.milestones.get())
"""

from __future__ import annotations

import factory

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
