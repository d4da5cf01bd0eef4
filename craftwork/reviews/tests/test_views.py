"""The web pages: the review form, the contract page prompt, my reviews, public lists and the
includes on the profile, gig and proposals pages."""

import pytest
from django.urls import reverse

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.tests.factories import FundedContractFactory
from craftwork.reviews import services
from craftwork.reviews.models import Review, ReviewStatus

from .factories import completed_contract, image_upload, not_an_image, ratings_for, write_review

pytestmark = pytest.mark.django_db


def form_data(role="client", value="4", **overrides):
    data = {"overall": "5", "text": "Tidy, quick and friendly.", "private_note": "SECRET-NOTE"}
    data.update(dict.fromkeys(ratings_for(role), value))
    data.update(overrides)
    return data


def review_url(contract):
    return reverse("reviews:contract", args=[contract.pk])


def logged_in(client, user):
    client.force_login(user)
    return client


# --- The contract page and the form -----------------------------------------------------------------


def test_contract_page_invites_a_review_once_completed(client, contract):
    page = logged_in(client, contract.client).get(reverse("contracts:detail", args=[contract.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="review-prompt" data-state="write"' in html
    assert review_url(contract) in html


def test_contract_page_has_no_prompt_before_completion(client, db):
    contract = FundedContractFactory()
    page = logged_in(client, contract.client).get(reverse("contracts:detail", args=[contract.pk]))
    assert 'data-testid="review-prompt"' not in page.content.decode()


def test_save_a_draft_then_submit_and_wait(client, contract):
    logged_in(client, contract.client)
    response = client.post(review_url(contract), {**form_data(), "action": "save"})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.status == ReviewStatus.DRAFT and review.private_note == "SECRET-NOTE"
    response = client.post(review_url(contract), {**form_data(), "action": "submit"}, follow=True)
    assert 'data-testid="review-waiting"' in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED
    # Still editable while waiting.
    client.post(review_url(contract), {**form_data(overall="2"), "action": "save"})
    review.refresh_from_db()
    assert review.overall == 2 and review.status == ReviewStatus.SUBMITTED


def test_form_shows_errors_and_writes_nothing(client, contract):
    logged_in(client, contract.client)
    for bad in (
        form_data(overall="0"),
        form_data(overall="6"),
        form_data(overall="five"),
        form_data(quality=""),
        form_data(text="x" * 5001),
    ):
        response = client.post(review_url(contract), {**bad, "action": "submit"})
        assert response.status_code == 400
        assert 'data-testid="form-errors"' in response.content.decode()
    assert not Review.objects.exists()


def test_bad_photo_is_shown_as_a_form_error(client, contract):
    logged_in(client, contract.client)
    data = {**form_data(), "action": "submit", "photos": [not_an_image()]}
    response = client.post(review_url(contract), data)
    assert response.status_code == 400
    assert "not a valid image" in response.content.decode()
    assert not Review.objects.exists()  # nothing half-saved
    too_many = {**form_data(), "action": "submit", "photos": [image_upload() for _ in range(5)]}
    response = client.post(review_url(contract), too_many)
    assert response.status_code == 400 and "at most 4 photos" in response.content.decode()
    assert not Review.objects.exists()


def test_photos_are_added_and_removed(client, contract):
    logged_in(client, contract.client)
    data = {**form_data(), "action": "save", "photos": [image_upload(), image_upload()]}
    assert client.post(review_url(contract), data).status_code == 302
    review = Review.objects.get()
    assert review.photos.count() == 2
    photo = review.photos.first()
    url = reverse("reviews:photo-remove", args=[review.pk, photo.pk])
    assert logged_in(client, contract.provider).post(url).status_code == 404
    logged_in(client, contract.client).post(url)
    assert review.photos.count() == 1


def test_stranger_gets_404(client, contract):
    logged_in(client, UserFactory())
    assert client.get(review_url(contract)).status_code == 404
    assert client.post(review_url(contract), {**form_data(), "action": "submit"}).status_code == 404


def test_non_completed_contract_has_no_form(client, db):
    contract = FundedContractFactory()
    logged_in(client, contract.client)
    page = client.get(review_url(contract))
    assert page.status_code == 200 and 'data-testid="review-form"' not in page.content.decode()
    client.post(review_url(contract), {**form_data(), "action": "submit"})
    assert not Review.objects.exists()


def test_after_the_window_the_page_says_so(client, db):
    contract = completed_contract(days_ago=15)
    page = logged_in(client, contract.client).get(review_url(contract))
    assert 'data-testid="review-closed"' in page.content.decode()
    client.post(review_url(contract), {**form_data(), "action": "submit"})
    assert not Review.objects.exists()


def test_the_other_sides_review_is_hidden_before_publication(client, contract):
    write_review(contract, contract.client, text="HIDDEN-UNTIL-BOTH", private_note="SECRET-NOTE")
    logged_in(client, contract.provider)
    pages = [
        client.get(review_url(contract)),
        client.get(reverse("contracts:detail", args=[contract.pk])),
        client.get(reverse("reviews:mine") + "?tab=received"),
        client.get(reverse("reviews:user", args=[contract.provider_id])),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert "HIDDEN-UNTIL-BOTH" not in html and "SECRET-NOTE" not in html
    assert 'data-testid="other-submitted"' in pages[0].content.decode()


def test_after_both_reviews_each_side_reads_the_other_but_never_the_private_note(client, contract):
    write_review(contract, contract.client, text="CLIENT-SAYS", private_note="CLIENT-SECRET")
    write_review(contract, contract.provider, text="PROVIDER-SAYS", private_note="PROV-SECRET")
    html = logged_in(client, contract.provider).get(review_url(contract)).content.decode()
    assert "CLIENT-SAYS" in html and "PROVIDER-SAYS" in html
    assert "CLIENT-SECRET" not in html and "PROV-SECRET" in html  # your own note only
    assert 'data-testid="review-published"' in html
    assert 'data-testid="review-form"' not in html  # published: no more editing


def test_editing_after_publication_is_refused(client, contract):
    review = write_review(contract, contract.client, overall=5)
    write_review(contract, contract.provider)
    logged_in(client, contract.client)
    response = client.post(review_url(contract), {**form_data(overall="1"), "action": "save"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.overall == 5


# --- Responses --------------------------------------------------------------------------------------------


def test_respond_once_from_the_page(client, contract):
    review = write_review(contract, contract.client)
    write_review(contract, contract.provider)
    url = reverse("reviews:respond", args=[review.pk])
    logged_in(client, contract.provider)
    page = client.get(review_url(contract)).content.decode()
    assert 'data-testid="response-form"' in page
    client.post(url, {"text": "Thank you, it was a pleasure.", "next": review_url(contract)})
    client.post(url, {"text": "A second one", "next": review_url(contract)})
    review.refresh_from_db()
    assert review.response_text == "Thank you, it was a pleasure."
    page = client.get(review_url(contract)).content.decode()
    assert 'data-testid="response-form"' not in page and "a pleasure" in page


def test_no_response_to_your_own_or_an_unpublished_review(client, contract):
    review = write_review(contract, contract.client)
    url = reverse("reviews:respond", args=[review.pk])
    assert logged_in(client, contract.provider).post(url, {"text": "Early"}).status_code == 404
    write_review(contract, contract.provider)
    logged_in(client, contract.client).post(url, {"text": "Me"})
    review.refresh_from_db()
    assert review.responded_at is None


def test_response_redirect_stays_on_this_site(client, contract):
    review = write_review(contract, contract.client)
    write_review(contract, contract.provider)
    response = logged_in(client, contract.provider).post(
        reverse("reviews:respond", args=[review.pk]),
        {"text": "Thanks", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("reviews:mine")


# --- My reviews and public lists -----------------------------------------------------------------------------


def test_my_reviews_tabs(client, contract):
    other = completed_contract(client=contract.client)
    write_review(contract, contract.client)
    write_review(contract, contract.provider)
    logged_in(client, contract.client)
    pending = client.get(reverse("reviews:mine")).content.decode()
    assert other.title in pending and contract.title not in pending
    given = client.get(reverse("reviews:mine") + "?tab=given").content.decode()
    assert 'data-testid="review-status"' in given
    received = client.get(reverse("reviews:mine") + "?tab=received").content.decode()
    assert received.count('data-testid="review"') == 1
    assert client.get(reverse("reviews:mine") + "?tab=nonsense").status_code == 200


def test_public_list_has_no_n_plus_one(client, db, django_assert_max_num_queries):
    provider = FreelancerFactory()
    for _ in range(5):
        contract = completed_contract(provider=provider)
        review = write_review(contract, contract.client)
        services.review_photo_add(actor=contract.client, review=review, upload=image_upload())
        write_review(contract, provider)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reviews:user", args=[provider.pk]))
    assert page.content.decode().count('data-testid="review"') == 5
    client_page = client.get(reverse("reviews:user", args=[provider.pk]) + "?as=client")
    assert client_page.content.decode().count('data-testid="review"') == 0


def test_unknown_user_and_gig_are_404(client, db):
    import uuid

    assert client.get(reverse("reviews:user", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("reviews:gig", args=[uuid.uuid4()])).status_code == 404


# --- Includes on other apps' pages ---------------------------------------------------------------------------


def test_profile_page_shows_the_summary_and_reviews(client, contract):
    from craftwork.profiles.tests.factories import FreelancerProfileFactory

    profile = FreelancerProfileFactory(user=contract.provider, published=True)
    write_review(contract, contract.client, overall=4, text="PROFILE-REVIEW")
    before = client.get(reverse("profiles:freelancer-detail", args=[profile.pk])).content.decode()
    assert "PROFILE-REVIEW" not in before and 'data-testid="no-reviews"' in before
    write_review(contract, contract.provider)
    html = client.get(reverse("profiles:freelancer-detail", args=[profile.pk])).content.decode()
    assert 'data-testid="profile-reviews"' in html and "PROFILE-REVIEW" in html
    assert 'data-testid="rating-average">4.0<' in html
    assert 'data-testid="rating-distribution"' in html


def test_gig_page_shows_its_reviews(client, db):
    from craftwork.contracts.orders import gig_id_of

    from .factories import completed_gig_order

    contract = completed_gig_order()
    write_review(contract, contract.client, overall=3, text="GIG-REVIEW")
    write_review(contract, contract.provider)
    html = client.get(reverse("catalog:gig-detail", args=[gig_id_of(contract)])).content.decode()
    assert 'data-testid="gig-reviews"' in html and "GIG-REVIEW" in html
    listed = client.get(reverse("reviews:gig", args=[gig_id_of(contract)])).content.decode()
    assert "GIG-REVIEW" in listed


def test_proposals_show_each_bidders_rating_in_one_query(client, db, django_assert_max_num_queries):
    from craftwork.jobs.tests.factories import JobFactory, ProposalFactory

    job = JobFactory()
    rated = FreelancerFactory()
    contract = completed_contract(provider=rated)
    write_review(contract, contract.client, overall=5)
    write_review(contract, rated)
    ProposalFactory(job=job, freelancer=rated)
    for _ in range(3):
        ProposalFactory(job=job)
    logged_in(client, job.client)
    url = reverse("jobs:proposals", args=[job.pk])
    client.get(url)  # warm up
    with django_assert_max_num_queries(40) as queries:
        html = client.get(url).content.decode()
    rating_queries = [q for q in queries.captured_queries if "reviews_ratingstats" in q["sql"]]
    assert len(rating_queries) <= 2
    assert html.count('data-testid="rating-inline"') == 4
    assert "★ 5.0" in html


def test_proposals_api_has_the_bidder_rating(db, django_assert_max_num_queries):
    from craftwork.jobs.tests.factories import JobFactory, ProposalFactory

    from .conftest import api_for

    job = JobFactory()
    rated = FreelancerFactory()
    contract = completed_contract(provider=rated)
    write_review(contract, contract.client, overall=4)
    write_review(contract, rated)
    ProposalFactory(job=job, freelancer=rated)
    for _ in range(3):
        ProposalFactory(job=job)
    api = api_for(job.client)
    response = api.get(f"/api/v1/jobs/{job.pk}/proposals/")
    assert response.status_code == 200, response.content
    ratings = {row["bidder"]["user_id"]: row["bidder_rating"] for row in response.json()["results"]}
    assert ratings[str(rated.pk)] == {
        "count": 1,
        "average": 4.0,
        "bayesian": ratings[str(rated.pk)]["bayesian"],
    }
    assert sum(1 for r in ratings.values() if r["count"] == 0) == 3
