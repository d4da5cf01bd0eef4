"""Rating statistics: incremental updates, the Bayesian score, gigs, and recompute_ratings."""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog.models import Gig
from craftwork.contracts.orders import gig_id_of
from craftwork.reviews import selectors, services, stats
from craftwork.reviews.models import Moderation, RatingStats, Review, ReviewStatus

from .factories import completed_contract, completed_gig_order, write_review

pytestmark = pytest.mark.django_db


def publish_all():
    """As if every review period had ended: the scheduled task publishes what was submitted."""
    return services.reviews_publish_due(now=timezone.now() + timedelta(days=30))


def reviews_of(provider, stars: list[int]):
    for value in stars:
        contract = completed_contract(provider=provider)
        write_review(contract, contract.client, overall=value)


# --- The Bayesian score ------------------------------------------------------------------------------


@given(mean=st.decimals(min_value=1, max_value=5, places=2))
def test_one_five_star_review_always_scores_below_fifty_averaging_4_9(mean):
    prior = stats.prior_mean(int(mean * 100), 100)  # whatever the platform mean, once clamped
    one = stats.bayesian_score(total=5, count=1, mean=prior)
    fifty = stats.bayesian_score(total=245, count=50, mean=prior)
    assert one < fifty


def test_one_five_star_review_scores_below_fifty_4_9s_on_the_platform():
    newcomer, veteran = FreelancerFactory(), FreelancerFactory()
    reviews_of(newcomer, [5])
    reviews_of(veteran, [5] * 45 + [4] * 5)  # fifty reviews, average 4.9
    publish_all()
    ratings = selectors.rating_summary_for_users([newcomer.pk, veteran.pk])
    assert ratings[newcomer.pk].average == Decimal("5.00")
    assert ratings[veteran.pk].average == Decimal("4.90")
    assert ratings[newcomer.pk].bayesian < ratings[veteran.pk].bayesian
    # The platform mean here is 4.9, clamped to 4.5: (10 * 4.5 + 5) / 11 and (45 + 245) / 60.
    assert ratings[newcomer.pk].bayesian == Decimal("4.55")
    assert ratings[veteran.pk].bayesian == Decimal("4.83")


def test_prior_follows_the_platform_mean_within_its_bounds(settings):
    assert stats.prior_mean(0, 0) == Decimal("4.0")
    assert stats.prior_mean(35, 10) == Decimal("3.5")
    assert stats.prior_mean(10, 10) == Decimal("3.0")
    assert stats.prior_mean(50, 10) == Decimal("4.5")
    settings.RATING_PRIOR_WEIGHT = 0
    assert stats.bayesian_score(total=7, count=2, mean=Decimal("4")) == Decimal("3.50")


# --- Summaries --------------------------------------------------------------------------------------


def test_summary_counts_only_published_reviews_with_distribution_and_dimensions():
    provider = FreelancerFactory()
    first = completed_contract(provider=provider)
    write_review(first, first.client, overall=5, sub=4)
    second = completed_contract(provider=provider)
    write_review(second, second.client, overall=2, sub=3)
    assert selectors.rating_summary_for_users([provider.pk])[provider.pk].count == 0  # waiting
    write_review(first, provider, overall=4)  # publishes the first pair
    summary = selectors.rating_summary_for_users([provider.pk])[provider.pk]
    assert (summary.count, summary.average) == (1, Decimal("5.00"))
    publish_all()
    summary = selectors.rating_summary_for_users([provider.pk])[provider.pk]
    assert (summary.count, summary.average) == (2, Decimal("3.50"))
    assert {d.name: d.average for d in summary.dimensions} == {
        "quality": Decimal("3.50"),
        "communication": Decimal("3.50"),
        "timeliness": Decimal("3.50"),
        "professionalism": Decimal("3.50"),
        "value": Decimal("3.50"),
    }
    assert [(s.stars, s.count, s.percent) for s in summary.distribution] == [
        (5, 1, 50),
        (4, 0, 0),
        (3, 0, 0),
        (2, 1, 50),
        (1, 0, 0),
    ]
    as_client = selectors.rating_summary_for_users([first.client_id], role="client")
    assert as_client[first.client_id].count == 1
    assert [d.name for d in as_client[first.client_id].dimensions] == [
        "clarity",
        "communication",
        "payment_promptness",
    ]


def test_summaries_for_many_users_take_two_queries(django_assert_num_queries):
    providers = [FreelancerFactory() for _ in range(3)]
    for provider in providers:
        reviews_of(provider, [4])
    publish_all()
    ids = [p.pk for p in providers] + [UserFactory().pk, "not-a-uuid", None]
    with django_assert_num_queries(2):
        ratings = selectors.rating_summary_for_users(ids)
    assert all(ratings[p.pk].count == 1 for p in providers)
    assert len(ratings) == 4
    nobody = UserFactory()
    with django_assert_num_queries(1):  # nobody has reviews: no platform mean needed
        empty = selectors.rating_summary_for_users([nobody.pk])
    assert next(iter(empty.values())).bayesian is None


def test_unknown_role_is_refused():
    with pytest.raises(ValueError):
        selectors.rating_summary_for_users([], role="gig")


# --- Gigs ----------------------------------------------------------------------------------------------


def test_gig_order_reviews_count_for_the_gig_and_the_catalog():
    contract = completed_gig_order()
    gig_id = gig_id_of(contract)
    review = write_review(contract, contract.client, overall=4)
    assert review.gig_id == gig_id
    write_review(contract, contract.provider, overall=5)
    gig = Gig.objects.get(pk=gig_id)
    assert (gig.rating_average, gig.rating_count) == (Decimal("4.00"), 1)
    summary = selectors.rating_summary_for_gigs([gig_id])[gig_id]
    assert (summary.count, summary.average) == (1, Decimal("4.00"))
    # The freelancer's review of the client never counts for the gig.
    assert not Review.objects.filter(author_role="provider").exclude(gig_id=None).exists()


def test_hiding_a_gig_review_updates_the_gig():
    contract = completed_gig_order()
    review = write_review(contract, contract.client, overall=2)
    write_review(contract, contract.provider)
    services.review_hide(review=review, actor=StaffFactory(), reason="abuse")
    gig = Gig.objects.get(pk=gig_id_of(contract))
    assert (gig.rating_average, gig.rating_count) == (None, None)
    services.review_restore(review=review, actor=StaffFactory(), reason="fine after all")
    gig.refresh_from_db()
    assert (gig.rating_average, gig.rating_count) == (Decimal("2.00"), 1)


# --- Moderation and the statistics ------------------------------------------------------------------------


def test_hidden_and_removed_reviews_leave_the_statistics():
    provider = FreelancerFactory()
    contract = completed_contract(provider=provider)
    review = write_review(contract, contract.client, overall=1)
    reviews_of(provider, [5])
    publish_all()
    staff = StaffFactory()
    assert selectors.rating_summary_for_users([provider.pk])[provider.pk].average == Decimal("3.00")
    services.review_hide(review=review, actor=staff, reason="insults")
    summary = selectors.rating_summary_for_users([provider.pk])[provider.pk]
    assert (summary.count, summary.average) == (1, Decimal("5.00"))
    assert list(selectors.public_reviews("provider", provider.pk)) != [review]
    services.review_restore(review=review, actor=staff, reason="appeal")
    assert selectors.rating_summary_for_users([provider.pk])[provider.pk].count == 2
    services.review_remove(review=review, actor=staff, reason="confirmed")
    assert selectors.rating_summary_for_users([provider.pk])[provider.pk].count == 1
    assert stats.differences() == []


# --- recompute_ratings ---------------------------------------------------------------------------------------


def test_recompute_check_reports_and_fix_repairs(capsys):
    provider = FreelancerFactory()
    reviews_of(provider, [3, 5])
    publish_all()
    call_command("recompute_ratings", "--check")  # agrees: no error
    RatingStats.objects.filter(subject_type="provider", subject_id=provider.pk).update(
        count=7, stars_5=6
    )
    with pytest.raises(CommandError) as error:
        call_command("recompute_ratings", "--check")
    assert error.value.returncode == 1
    assert str(provider.pk) in capsys.readouterr().out
    call_command("recompute_ratings")
    call_command("recompute_ratings", "--check")
    row = RatingStats.objects.get(subject_type="provider", subject_id=provider.pk)
    assert (row.count, row.sum_overall, row.stars_5, row.stars_3) == (2, 8, 1, 1)


def test_recompute_finds_missing_rows_and_a_stale_gig():
    contract = completed_gig_order()
    write_review(contract, contract.client, overall=3)
    write_review(contract, contract.provider, overall=3)
    Gig.objects.filter(pk=gig_id_of(contract)).update(rating_average=Decimal("5.00"))
    RatingStats.objects.filter(subject_type="client").delete()
    kinds = sorted(d.subject_type for d in stats.differences())
    assert kinds == ["client", "gig"]
    stats.recompute_all()
    assert stats.differences() == []
    assert Gig.objects.get(pk=gig_id_of(contract)).rating_average == Decimal("3.00")


@pytest.mark.parametrize("seed", [7, 2024, 31337])
def test_incremental_updates_agree_with_a_full_recompute(seed):
    """A random mix of reviews, pairs, lone publications and moderation, then --check."""
    rng = random.Random(seed)
    clients = [UserFactory() for _ in range(3)]
    providers = [FreelancerFactory() for _ in range(3)]
    staff = StaffFactory()
    for _ in range(10):
        contract = completed_contract(client=rng.choice(clients), provider=rng.choice(providers))
        for author in rng.sample([contract.client, contract.provider], k=rng.randint(0, 2)):
            write_review(
                contract,
                author,
                overall=rng.randint(1, 5),
                sub=rng.randint(1, 5),
                submit=rng.random() < 0.8,
            )
        if rng.random() < 0.3:
            publish_all()
        public = list(Review.objects.public())
        if public and rng.random() < 0.5:
            target = rng.choice(public)
            action = rng.choice([services.review_hide, services.review_remove])
            action(review=target, actor=staff, reason="random")
            if action is services.review_hide and rng.random() < 0.5:
                services.review_restore(review=target, actor=staff, reason="random")
    publish_all()
    assert (
        Review.objects.filter(status=ReviewStatus.SUBMITTED, moderation=Moderation.OK).count() == 0
    )
    assert stats.differences() == []
    call_command("recompute_ratings", "--check")
