"""Prices that could never be paid in one charge are refused when they are proposed.

A milestone is funded by one payment of its amount plus the client service fee, at most
``MAX_CHARGE_MINOR`` (99,999,999 minor units). With the default 5 % fee the largest fundable
milestone is 952,380.94 USD: 952,380.94 + 47,619.05 = 999,999.99.
"""

import pytest
from django.urls import reverse

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.contracts import services
from craftwork.contracts.models import Contract
from craftwork.core.errors import ValidationFailed
from craftwork.core.money import Money
from craftwork.jobs import services as jobs
from craftwork.jobs.models import JobInvitation, Proposal
from craftwork.jobs.tests.factories import ClientFactory, JobFactory
from craftwork.payments.fees import MAX_CHARGE_MINOR, fee_breakdown, max_chargeable
from craftwork.payments.models import FeeSchedule

from .conftest import api_for
from .factories import ContractFactory, fixed_terms, usd

pytestmark = pytest.mark.django_db

LARGEST = 95_238_094  # + 4,761,905 fee = 99,999,999


def test_the_largest_chargeable_price_and_the_next_one():
    assert max_chargeable("USD") == usd(LARGEST)
    assert fee_breakdown(usd(LARGEST)).total.minor == MAX_CHARGE_MINOR
    assert fee_breakdown(usd(LARGEST + 1)).total.minor > MAX_CHARGE_MINOR


def test_the_limit_follows_the_fee_schedule_of_the_category():
    FeeSchedule.objects.create(category_slug="design", client_fee_bps=0, platform_fee_bps=1000)
    assert max_chargeable("USD", "design") == usd(MAX_CHARGE_MINOR)
    assert max_chargeable("USD", "other") == usd(LARGEST)


class TestMilestones:
    @pytest.fixture
    def started(self, db):
        return ContractFactory(funded=True, started=True)

    def test_propose_refuses_an_amount_that_cannot_be_funded(self, started):
        with pytest.raises(ValidationFailed) as error:
            services.milestone_propose(
                contract=started, title="Big", amount=usd(LARGEST + 1), actor=started.client
            )
        assert error.value.code == "amount_not_chargeable"
        assert "amount" in error.value.details
        assert started.milestones.count() == 1
        largest = services.milestone_propose(
            contract=started, title="Big", amount=usd(LARGEST), actor=started.client
        )
        assert largest.amount_minor == LARGEST

    def test_editing_a_proposal_is_checked_too(self, started):
        proposed = services.milestone_propose(
            contract=started, title="X", amount=usd(100), actor=started.client
        )
        with pytest.raises(ValidationFailed) as error:
            services.milestone_update(
                milestone=proposed, amount=usd(LARGEST + 1), actor=started.client
            )
        assert error.value.code == "amount_not_chargeable"

    def test_the_api_answers_400_with_a_field_error(self, started):
        response = api_for(started.client).post(
            reverse("contracts-api:milestones", args=[started.pk]),
            {"title": "Big", "amount": "999999.00"},
        )
        assert response.status_code == 400, response.json()
        error = response.json()["error"]
        assert error["code"] == "amount_not_chargeable"
        assert "amount" in error["details"]
        assert started.milestones.count() == 1

    def test_contract_terms_with_an_unfundable_milestone_are_refused(self, db):
        too_big = usd(LARGEST + 1)
        terms = fixed_terms(amount=too_big, milestones=[("All of it", too_big, None)])
        with pytest.raises(ValidationFailed) as error:
            ContractFactory(terms=terms)
        assert "milestones.0.amount" in error.value.details
        with pytest.raises(ValidationFailed) as error:
            ContractFactory(terms=fixed_terms(amount=too_big))
        assert "amount" in error.value.details
        assert not Contract.objects.exists()

    def test_jpy_prices_within_the_price_limit_but_not_chargeable(self, db):
        big = Money(99_000_000, "JPY")  # under the 100,000,000 yen price limit
        with pytest.raises(ValidationFailed):
            ContractFactory(terms=fixed_terms(amount=big, currency="JPY"))


class TestJobPrices:
    @pytest.fixture
    def client_user(self, db):
        return ClientFactory()

    def test_a_bid_that_could_never_be_funded_is_refused(self, client_user):
        job = JobFactory(client=client_user)
        with pytest.raises(ValidationFailed) as error:
            jobs.proposal_submit(
                actor=FreelancerFactory(),
                job=job,
                amount=LARGEST + 1,
                duration_days=3,
                cover_letter="A very large but honest bid for all of it.",
            )
        assert error.value.code == "amount_not_chargeable"
        assert "amount" in error.value.details
        assert not Proposal.objects.exists()

    def test_raising_a_bid_above_the_limit_is_refused(self, client_user):
        job = JobFactory(client=client_user)
        proposal = jobs.proposal_submit(
            actor=FreelancerFactory(),
            job=job,
            amount=45_000,
            duration_days=3,
            cover_letter="A reasonable bid, with a plan for the work.",
        )
        with pytest.raises(ValidationFailed) as error:
            jobs.proposal_update(actor=proposal.freelancer, proposal=proposal, amount=LARGEST + 1)
        assert error.value.code == "amount_not_chargeable"
        proposal.refresh_from_db()
        assert proposal.amount == 45_000

    def test_an_invitation_with_an_unfundable_price_is_refused(self, client_user):
        job = JobFactory(client=client_user)
        with pytest.raises(ValidationFailed) as error:
            jobs.invitation_send(
                actor=client_user,
                job=job,
                freelancer=FreelancerFactory(),
                role="Backend developer",
                amount=LARGEST + 1,
            )
        assert error.value.code == "amount_not_chargeable"
        assert not JobInvitation.objects.exists()
