"""Writing, submitting, double-blind publication, editing rules and responses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.contracts.tests.factories import FundedContractFactory
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.models import AuditLog, OutboxEvent
from craftwork.reviews import selectors, services
from craftwork.reviews.models import (
    MAX_PHOTOS,
    MAX_TEXT_LENGTH,
    Moderation,
    Review,
    ReviewPhoto,
    ReviewStatus,
)

from .factories import completed_contract, image_upload, not_an_image, ratings_for, write_review

pytestmark = pytest.mark.django_db


def create(contract, author, **overrides):
    role = contract.role_of(author)
    values = {
        "overall": 4,
        "ratings": ratings_for(role or "client", 4),
        "text": "Clear brief, **quick** payment.",
        "private_note": "Only for the platform.",
    }
    values.update(overrides)
    return services.review_create(actor=author, contract=contract, **values)


# --- Writing -------------------------------------------------------------------------------------


def test_client_review_is_a_draft_about_the_provider(contract):
    review = create(contract, contract.client)
    assert review.status == ReviewStatus.DRAFT
    assert review.subject_id == contract.provider_id
    assert review.author_role == "client"
    assert review.ratings == ratings_for("client", 4)
    assert review.clarity is None
    assert review.window_closes_at == contract.completed_at + timedelta(days=14)
    assert AuditLog.objects.filter(action="reviews.created", object_id=str(review.pk)).exists()


def test_provider_reviews_the_client_on_their_own_dimensions(contract):
    review = create(contract, contract.provider)
    assert review.subject_id == contract.client_id
    assert set(review.ratings) == {"clarity", "communication", "payment_promptness"}
    assert review.quality is None


def test_review_window_follows_the_setting(contract, settings):
    settings.REVIEW_WINDOW_DAYS = 3
    review = create(contract, contract.client)
    assert review.window_closes_at == contract.completed_at + timedelta(days=3)


def test_non_completed_contract_cannot_be_reviewed(db):
    contract = FundedContractFactory()
    with pytest.raises(InvalidTransition) as error:
        create(contract, contract.client)
    assert error.value.code == "contract_not_completed"
    assert not Review.objects.exists()


def test_stranger_gets_not_found(contract):
    with pytest.raises(NotFound):
        create(contract, UserFactory(), ratings=ratings_for("client"))


def test_reviewing_twice_is_a_conflict(contract):
    create(contract, contract.client)
    with pytest.raises(Conflict) as error:
        create(contract, contract.client)
    assert error.value.code == "already_reviewed"
    assert Review.objects.count() == 1


def test_after_the_window_it_is_too_late(db):
    contract = completed_contract(days_ago=15)
    with pytest.raises(InvalidTransition) as error:
        create(contract, contract.client)
    assert error.value.code == "review_window_closed"


@pytest.mark.parametrize("bad", [0, 6, -1, "five", "5", 4.5, True, None, [5], {"x": 1}])
def test_bad_overall_ratings_are_refused(contract, bad):
    with pytest.raises(ValidationFailed) as error:
        create(contract, contract.client, overall=bad)
    assert "overall" in error.value.details


@pytest.mark.parametrize("bad", [0, 6, "five", None, False])
def test_bad_sub_ratings_are_refused(contract, bad):
    ratings = {**ratings_for("client"), "timeliness": bad}
    with pytest.raises(ValidationFailed) as error:
        create(contract, contract.client, ratings=ratings)
    assert "timeliness" in error.value.details


def test_missing_sub_rating_is_refused(contract):
    ratings = ratings_for("client")
    del ratings["value"]
    with pytest.raises(ValidationFailed) as error:
        create(contract, contract.client, ratings=ratings)
    assert error.value.code == "required"
    assert "value" in error.value.details


def test_the_other_sides_dimensions_are_refused(contract):
    ratings = {**ratings_for("client"), "payment_promptness": 5}
    with pytest.raises(ValidationFailed) as error:
        create(contract, contract.client, ratings=ratings)
    assert error.value.code == "unknown_rating"


def test_ratings_must_be_an_object(contract):
    with pytest.raises(ValidationFailed):
        create(contract, contract.client, ratings=[5, 5, 5, 5, 5])


def test_huge_text_is_refused(contract):
    with pytest.raises(ValidationFailed) as error:
        create(contract, contract.client, text="a" * (MAX_TEXT_LENGTH + 1))
    assert error.value.code == "too_long"
    create(contract, contract.client, text="a" * MAX_TEXT_LENGTH)


@pytest.mark.parametrize("field", ["text", "private_note"])
def test_nul_characters_and_non_text_are_refused(contract, field):
    with pytest.raises(ValidationFailed):
        create(contract, contract.client, **{field: "nice\x00work"})
    with pytest.raises(ValidationFailed):
        create(contract, contract.client, **{field: 42})


# --- Double-blind publication ------------------------------------------------------------------------


def test_first_submission_waits_for_the_other_side(contract, committed):
    with committed():
        review = write_review(contract, contract.client)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.published_at is None
    event = OutboxEvent.objects.get(name="reviews.submitted")
    assert event.payload["subject_id"] == str(contract.provider_id)
    assert "text" not in event.payload and "overall" not in event.payload
    # The other party cannot see it anywhere.
    seen = selectors.reviews_of_contract(contract, contract.provider)
    assert seen.theirs is None and seen.other_submitted
    assert list(selectors.reviews_received(contract.provider)) == []
    with pytest.raises(NotFound):
        selectors.visible_review(review.pk, user=contract.provider)


def test_second_submission_publishes_both_at_once(contract):
    first = write_review(contract, contract.client, overall=5)
    second = write_review(contract, contract.provider, overall=3)
    first.refresh_from_db()
    assert first.status == second.status == ReviewStatus.PUBLISHED
    assert first.published_at == second.published_at
    assert OutboxEvent.objects.filter(name="reviews.published").count() == 1
    assert not OutboxEvent.objects.filter(name="reviews.submitted", actor=contract.provider)
    provider_view = selectors.reviews_of_contract(contract, contract.provider)
    assert provider_view.theirs == first and provider_view.state == "published"
    assert (
        selectors.rating_summary_for_users([contract.provider_id])[contract.provider_id].count == 1
    )


def test_a_draft_does_not_count_as_submitted(contract):
    write_review(contract, contract.client)
    draft = write_review(contract, contract.provider, submit=False)
    assert draft.status == ReviewStatus.DRAFT
    assert Review.objects.filter(status=ReviewStatus.PUBLISHED).count() == 0
    services.review_submit(actor=contract.provider, review=draft)
    assert Review.objects.filter(status=ReviewStatus.PUBLISHED).count() == 2


def test_window_close_publishes_a_lone_review_and_running_twice_is_harmless(contract):
    review = write_review(contract, contract.client)
    draft = write_review(contract, contract.provider, submit=False)
    assert services.reviews_publish_due() == 0  # not due yet
    later = review.window_closes_at + timedelta(seconds=1)
    assert services.reviews_publish_due(now=later) == 1
    assert services.reviews_publish_due(now=later) == 0
    review.refresh_from_db()
    draft.refresh_from_db()
    assert review.status == ReviewStatus.PUBLISHED and review.published_at == later
    assert draft.status == ReviewStatus.DRAFT  # never submitted: never published
    summary = selectors.rating_summary_for_users([contract.provider_id])[contract.provider_id]
    assert summary.count == 1


def test_submitting_twice_is_a_conflict(contract):
    review = write_review(contract, contract.client)
    with pytest.raises(Conflict):
        services.review_submit(actor=contract.client, review=review)


def test_only_the_author_may_submit_or_edit(contract):
    review = write_review(contract, contract.client, submit=False)
    for other in (contract.provider, UserFactory()):
        with pytest.raises(NotFound):
            services.review_submit(actor=other, review=review)
        with pytest.raises(NotFound):
            services.review_update(actor=other, review=review, overall=1)


# --- Editing ----------------------------------------------------------------------------------------


def test_author_edits_before_publication(contract):
    review = write_review(contract, contract.client, overall=3)
    updated = services.review_update(
        actor=contract.client,
        review=review,
        overall=5,
        ratings={"quality": 2},
        text="Changed my mind",
        private_note="",
    )
    assert updated.status == ReviewStatus.SUBMITTED
    assert (updated.overall, updated.quality, updated.value) == (5, 2, 3)
    assert updated.text == "Changed my mind" and updated.private_note == ""


def test_edit_validates_like_create(contract):
    review = write_review(contract, contract.client)
    with pytest.raises(ValidationFailed):
        services.review_update(actor=contract.client, review=review, ratings={"quality": 9})
    with pytest.raises(ValidationFailed):
        services.review_update(actor=contract.client, review=review, ratings={"clarity": 3})
    with pytest.raises(ValidationFailed):
        services.review_update(actor=contract.client, review=review, overall="five")


def test_published_review_cannot_be_edited(contract):
    review = write_review(contract, contract.client)
    write_review(contract, contract.provider)
    with pytest.raises(InvalidTransition) as error:
        services.review_update(actor=contract.client, review=review, text="sneaky")
    assert error.value.code == "review_published"
    review.refresh_from_db()
    assert review.text != "sneaky"


def test_no_edits_after_the_window(contract):
    review = write_review(contract, contract.client, submit=False)
    later = review.window_closes_at + timedelta(minutes=1)
    with pytest.raises(InvalidTransition):
        services.review_update(actor=contract.client, review=review, overall=1, now=later)
    with pytest.raises(InvalidTransition):
        services.review_submit(actor=contract.client, review=review, now=later)


# --- Photos -------------------------------------------------------------------------------------------


def test_photos_are_reencoded_and_limited(contract):
    review = write_review(contract, contract.client)
    photo = services.review_photo_add(actor=contract.client, review=review, upload=image_upload())
    assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")
    for _ in range(MAX_PHOTOS - 1):
        services.review_photo_add(actor=contract.client, review=review, upload=image_upload())
    with pytest.raises(ValidationFailed) as error:
        services.review_photo_add(actor=contract.client, review=review, upload=image_upload())
    assert error.value.code == "too_many_photos"
    services.review_photo_remove(actor=contract.client, review=review, photo_id=photo.pk)
    assert review.photos.count() == MAX_PHOTOS - 1


def test_bad_photo_is_refused(contract):
    review = write_review(contract, contract.client)
    with pytest.raises(ValidationFailed) as error:
        services.review_photo_add(actor=contract.client, review=review, upload=not_an_image())
    assert error.value.code == "invalid_image"
    with pytest.raises(ValidationFailed):
        services.review_photo_add(actor=contract.client, review=review, upload=None)
    assert not ReviewPhoto.objects.exists()


def test_too_large_photo_is_refused(contract, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 100
    review = write_review(contract, contract.client)
    with pytest.raises(ValidationFailed) as error:
        services.review_photo_add(actor=contract.client, review=review, upload=image_upload())
    assert error.value.code == "file_too_large"


def test_no_photos_on_someone_elses_or_a_published_review(contract):
    review = write_review(contract, contract.client)
    with pytest.raises(NotFound):
        services.review_photo_add(actor=contract.provider, review=review, upload=image_upload())
    write_review(contract, contract.provider)
    with pytest.raises(InvalidTransition):
        services.review_photo_add(actor=contract.client, review=review, upload=image_upload())


# --- Responses -----------------------------------------------------------------------------------------


def published_pair(contract):
    of_provider = write_review(contract, contract.client)
    of_client = write_review(contract, contract.provider)
    of_provider.refresh_from_db()
    return of_provider, of_client


def test_reviewed_party_responds_once(contract):
    review, _ = published_pair(contract)
    services.review_respond(actor=contract.provider, review=review, text="Thank you!")
    review.refresh_from_db()
    assert review.response_text == "Thank you!" and review.responded_at
    with pytest.raises(Conflict) as error:
        services.review_respond(actor=contract.provider, review=review, text="Again")
    assert error.value.code == "already_responded"


def test_no_response_to_your_own_review_or_by_strangers(contract):
    review, _ = published_pair(contract)
    with pytest.raises(PermissionDenied):
        services.review_respond(actor=contract.client, review=review, text="Me again")
    with pytest.raises(PermissionDenied):
        services.review_respond(actor=UserFactory(), review=review, text="Hello")


def test_no_response_before_publication(contract):
    review = write_review(contract, contract.client)
    with pytest.raises(NotFound):
        services.review_respond(actor=contract.provider, review=review, text="Early")


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, None, 5])
def test_bad_responses_are_refused(contract, text):
    review, _ = published_pair(contract)
    with pytest.raises(ValidationFailed):
        services.review_respond(actor=contract.provider, review=review, text=text)


# --- What each side sees on the contract --------------------------------------------------------------


def test_prompt_states(contract):
    assert selectors.review_prompt_for(contract, contract.client).state == "write"
    assert selectors.review_prompt_for(contract, UserFactory()) is None
    draft = write_review(contract, contract.client, submit=False)
    assert selectors.review_prompt_for(contract, contract.client).state == "draft"
    services.review_submit(actor=contract.client, review=draft)
    assert selectors.review_prompt_for(contract, contract.client).state == "waiting"
    write_review(contract, contract.provider)
    assert selectors.review_prompt_for(contract, contract.client).state == "published"


def test_prompt_is_closed_after_the_window(db):
    contract = completed_contract(days_ago=20)
    assert selectors.review_prompt_for(contract, contract.client).state == "closed"


def test_pending_lists_contracts_still_to_review(contract):
    old = completed_contract(client=contract.client, days_ago=30)
    assert list(selectors.pending_contracts(contract.client)) == [contract]
    write_review(contract, contract.client, submit=False)
    assert list(selectors.pending_contracts(contract.client)) == [contract]  # a draft is pending
    assert selectors.pending_contracts(contract.client).get().has_draft
    services.review_submit(actor=contract.client, review=Review.objects.get())
    assert list(selectors.pending_contracts(contract.client)) == []
    assert old not in selectors.pending_contracts(contract.client)


def test_window_closes_at_is_fixed_per_review(contract):
    review = write_review(contract, contract.client)
    assert review.window_closes_at > timezone.now()
    assert review.moderation == Moderation.OK
