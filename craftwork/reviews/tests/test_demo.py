"""The demo seeder: pairs, one waiting, one answered, one left to write; idempotent."""

import random
import time

import pytest

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.reviews import stats
from craftwork.reviews.demo import DEMO_DOMAIN, seed_reviews
from craftwork.reviews.models import Review, ReviewStatus

from .factories import completed_contract

pytestmark = pytest.mark.django_db


def test_seed_reviews_covers_every_state_and_is_idempotent():
    client = UserFactory(email=f"client@{DEMO_DOMAIN}")
    freelancer = FreelancerFactory(email=f"freelancer@{DEMO_DOMAIN}")
    contracts = [completed_contract(client=client, provider=freelancer) for _ in range(5)]
    outsider = completed_contract()  # not a demo account: left alone
    started = time.monotonic()
    created = seed_reviews(random.Random(3))
    assert time.monotonic() - started < 5
    assert created == 7  # waiting (1) + answered pair (2) + two pairs (4); the last is left
    assert not Review.objects.filter(contract=outsider).exists()
    assert not Review.objects.filter(contract=contracts[-1]).exists()
    waiting = Review.objects.get(contract=contracts[0])
    assert waiting.status == ReviewStatus.SUBMITTED
    answered = Review.objects.get(contract=contracts[1], author=client)
    assert answered.status == ReviewStatus.PUBLISHED and answered.responded_at
    assert Review.objects.filter(status=ReviewStatus.PUBLISHED).count() == 6
    assert stats.differences() == []
    assert seed_reviews(random.Random(3)) == 0


def test_seed_reviews_after_the_contracts_demo():
    from craftwork.contracts.demo import seed_contracts

    UserFactory(email=f"client@{DEMO_DOMAIN}")
    FreelancerFactory(email=f"freelancer@{DEMO_DOMAIN}")
    seed_contracts(random.Random(7), extra=0)
    started = time.monotonic()
    assert seed_reviews(random.Random(7)) > 0
    assert time.monotonic() - started < 5
    assert Review.objects.filter(status=ReviewStatus.PUBLISHED).exists()
    assert stats.differences() == []
