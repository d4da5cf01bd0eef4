"""Races on real PostgreSQL connections (run with DATABASE_URL=postgres://...)."""

import pytest
from django.db import connection

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory
from craftwork.core.errors import Conflict
from craftwork.core.tests.concurrency import run_in_threads
from craftwork.reviews import services, stats
from craftwork.reviews.models import RatingStats, Review, ReviewStatus

from .factories import completed_contract, ratings_for, write_review

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")


def create(contract, author, submit=True):
    role = contract.role_of(author)
    return lambda: services.review_create(
        actor=author,
        contract=contract,
        overall=5,
        ratings=ratings_for(role),
        text="Good work.",
        submit=submit,
    )


def test_the_same_review_twice_at_once_gives_one_review_and_a_conflict():
    contract = completed_contract()
    results = run_in_threads([create(contract, contract.client) for _ in range(4)])
    assert sum(isinstance(r, Review) for r in results) == 1
    assert all(isinstance(r, Review | Conflict) for r in results), results
    assert Review.objects.filter(contract=contract).count() == 1


def test_both_sides_submitting_at_once_publish_both_exactly_once():
    for _ in range(3):
        contract = completed_contract()
        results = run_in_threads(
            [create(contract, contract.client), create(contract, contract.provider)]
        )
        assert all(isinstance(r, Review) for r in results), results
        statuses = set(Review.objects.filter(contract=contract).values_list("status", flat=True))
        assert statuses == {ReviewStatus.PUBLISHED}
    assert stats.differences() == []


def test_many_pairs_for_one_freelancer_count_each_review_once():
    provider = FreelancerFactory()
    contracts = [completed_contract(provider=provider) for _ in range(4)]
    for contract in contracts:
        write_review(contract, contract.client, submit=True)
    results = run_in_threads([create(contract, provider) for contract in contracts])
    assert all(isinstance(r, Review) for r in results), results
    row = RatingStats.objects.get(subject_type="provider", subject_id=provider.pk)
    assert row.count == 4
    assert stats.differences() == []


def test_publication_task_running_twice_at_once_counts_once():
    from datetime import timedelta

    from django.utils import timezone

    provider = FreelancerFactory()
    for _ in range(3):
        contract = completed_contract(provider=provider)
        write_review(contract, contract.client)
    later = timezone.now() + timedelta(days=30)
    results = run_in_threads([lambda: services.reviews_publish_due(now=later) for _ in range(3)])
    assert sum(results) == 3, results
    assert RatingStats.objects.get(subject_type="provider", subject_id=provider.pk).count == 3
    assert stats.differences() == []


def test_hiding_while_the_other_side_publishes_keeps_the_statistics_right():
    provider = FreelancerFactory()
    staff = StaffFactory()
    published = completed_contract(provider=provider)
    target = write_review(published, published.client)
    write_review(published, provider)
    pending = completed_contract(provider=provider)
    write_review(pending, pending.client)
    target.refresh_from_db()
    results = run_in_threads(
        [
            lambda: services.review_hide(review=target, actor=staff, reason="abuse"),
            create(pending, provider),
        ]
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert RatingStats.objects.get(subject_type="provider", subject_id=provider.pk).count == 1
    assert stats.differences() == []
