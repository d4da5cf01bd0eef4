"""Screening before publication, held reviews and their pair, and the flaggable "review" kind."""

from datetime import timedelta

import pytest

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.core.errors import InvalidTransition, PermissionDenied
from craftwork.moderation import registry
from craftwork.moderation import services as moderation
from craftwork.moderation.models import Case
from craftwork.reviews import selectors, services
from craftwork.reviews.models import Moderation, Review, ReviewStatus

from .factories import write_review

pytestmark = pytest.mark.django_db

CONTACT = "Great work! Write to me at bob.builder@example.com for the next job."


def test_review_kind_is_registered():
    entry = registry.get_flaggable("review")
    assert entry.model is Review


def test_contact_details_hold_the_review_in_the_queue(contract):
    review = write_review(contract, contract.client, text=CONTACT)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.moderation == Moderation.HELD
    assert "email" in review.moderation_reasons
    case = Case.objects.get(kind="review", object_id=str(review.pk))
    assert case.held and case.status == Case.Status.OPEN
    assert selectors.reviews_of_contract(contract, contract.client).state == "held"


def test_held_review_is_not_published_with_its_pair(contract):
    held = write_review(contract, contract.client, text=CONTACT)
    other = write_review(contract, contract.provider)
    assert other.status == ReviewStatus.SUBMITTED  # waits for the window, on its own schedule
    later = other.window_closes_at + timedelta(seconds=1)
    assert services.reviews_publish_due(now=later) == 1
    other.refresh_from_db()
    held.refresh_from_db()
    assert other.status == ReviewStatus.PUBLISHED
    assert held.status == ReviewStatus.SUBMITTED
    assert (
        selectors.rating_summary_for_users([contract.client_id], role="client")[
            contract.client_id
        ].count
        == 1
    )
    assert (
        selectors.rating_summary_for_users([contract.provider_id])[contract.provider_id].count == 0
    )


def test_staff_restore_publishes_the_pair_while_the_window_is_open(contract):
    held = write_review(contract, contract.client, text=CONTACT)
    other = write_review(contract, contract.provider)
    case = Case.objects.get(kind="review", object_id=str(held.pk))
    moderation.case_decide(actor=StaffFactory(), case_id=case.pk, action="restore", reason="ok")
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.moderation == Moderation.OK
    assert held.status == other.status == ReviewStatus.PUBLISHED
    assert held.published_at == other.published_at


def test_restore_without_the_other_side_waits(contract):
    held = write_review(contract, contract.client, text=CONTACT)
    services.review_restore(review=held, actor=StaffFactory(), reason="ok")
    held.refresh_from_db()
    assert (held.moderation, held.status) == (Moderation.OK, ReviewStatus.SUBMITTED)


def test_restore_after_the_window_publishes_at_once(contract, monkeypatch):
    held = write_review(contract, contract.client, text=CONTACT)
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: held.window_closes_at + timedelta(days=1)
    )
    services.review_restore(review=held, actor=StaffFactory(), reason="ok")
    held.refresh_from_db()
    assert held.status == ReviewStatus.PUBLISHED


def test_restored_text_is_not_held_again_but_new_contact_details_are(contract):
    held = write_review(contract, contract.client, text=CONTACT)
    case = Case.objects.get(kind="review", object_id=str(held.pk))
    moderation.case_decide(actor=StaffFactory(), case_id=case.pk, action="restore", reason="ok")
    updated = services.review_update(
        actor=contract.client, review=held, text="Now call me on +34 612 345 678"
    )
    assert updated.moderation == Moderation.HELD


def test_held_review_cannot_be_edited_by_its_author(contract, hold_everything):
    review = write_review(contract, contract.client)
    assert hold_everything == [review.pk]
    with pytest.raises(InvalidTransition) as error:
        services.review_update(actor=contract.client, review=review, overall=1)
    assert error.value.code == "review_under_moderation"


def test_response_with_contact_details_is_refused(contract):
    review = write_review(contract, contract.client)
    write_review(contract, contract.provider)
    review.refresh_from_db()
    with pytest.raises(Exception) as error:
        services.review_respond(actor=contract.provider, review=review, text=CONTACT)
    assert getattr(error.value, "code", "") == "response_refused"
    review.refresh_from_db()
    assert review.responded_at is None


def test_only_public_reviews_can_be_flagged(contract):
    review = write_review(contract, contract.client)
    entry = registry.get_flaggable("review")
    assert not entry.visible(review, contract.provider)
    assert not entry.visible(review, UserFactory())
    write_review(contract, contract.provider)
    review.refresh_from_db()
    assert entry.visible(review, UserFactory())
    assert entry.describe(review).startswith("★★★★★")
    assert entry.url(review).endswith(f"#review-{review.pk}")


def test_flag_then_staff_hide_goes_through_the_reviews_service(contract):
    review = write_review(contract, contract.client, overall=1)
    write_review(contract, contract.provider)
    flagger = UserFactory()
    moderation.flag_create(
        actor=flagger, kind="review", object_id=str(review.pk), reason="abusive", details="rude"
    )
    case = Case.objects.get(kind="review", object_id=str(review.pk))
    moderation.case_decide(actor=StaffFactory(), case_id=case.pk, action="hide", reason="rude")
    review.refresh_from_db()
    assert review.moderation == Moderation.HIDDEN
    assert (
        selectors.rating_summary_for_users([contract.provider_id])[contract.provider_id].count == 0
    )


def test_moderation_services_need_staff_or_the_system(contract):
    review = write_review(contract, contract.client)
    with pytest.raises(PermissionDenied):
        services.review_hide(review=review, actor=contract.provider, reason="mine")
    services.review_hide(review=review, actor=None, reason="automatic")
    review.refresh_from_db()
    assert review.moderation == Moderation.HIDDEN


def test_removed_is_final(contract):
    review = write_review(contract, contract.client)
    staff = StaffFactory()
    services.review_remove(review=review, actor=staff, reason="spam")
    with pytest.raises(InvalidTransition):
        services.review_restore(review=review, actor=staff, reason="oops")
    with pytest.raises(InvalidTransition):
        services.review_hide(review=review, actor=staff, reason="again")
    services.review_remove(review=review, actor=staff, reason="twice")  # idempotent


def test_decisions_are_idempotent(contract):
    review = write_review(contract, contract.client)
    write_review(contract, contract.provider)
    staff = StaffFactory()
    services.review_hide(review=review, actor=staff, reason="abuse")
    services.review_hide(review=review, actor=staff, reason="abuse again")
    services.review_restore(review=review, actor=staff, reason="ok")
    services.review_restore(review=review, actor=staff, reason="ok again")
    review.refresh_from_db()
    assert review.is_public
    assert (
        selectors.rating_summary_for_users([contract.provider_id])[contract.provider_id].count == 1
    )


def test_public_cards_have_a_report_button(client, contract):
    from django.urls import reverse

    write_review(contract, contract.client)
    write_review(contract, contract.provider)
    client.force_login(UserFactory())
    html = client.get(reverse("reviews:user", args=[contract.provider_id])).content.decode()
    assert "/moderation/report/review/" in html
