"""The reviews API: writing, double-blind reading, responses, public lists and bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.tests.factories import FundedContractFactory
from craftwork.reviews import services
from craftwork.reviews.models import MAX_TEXT_LENGTH, Review

from .conftest import api_for
from .factories import completed_contract, image_upload, not_an_image, ratings_for, write_review

pytestmark = pytest.mark.django_db


def body(role="client", **overrides):
    values = {
        "overall": 5,
        "ratings": ratings_for(role, 4),
        "text": "Fast and *friendly*.",
        "private_note": "PRIVATE-NOTE-MARKER",
    }
    values.update(overrides)
    return values


def url(contract):
    return f"/api/v1/reviews/contracts/{contract.pk}/"


# --- Writing ---------------------------------------------------------------------------------------


def test_create_a_draft_then_submit(contract):
    api = api_for(contract.client)
    response = api.post(url(contract), body(), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["can_edit"] is True
    assert data["private_note"] == "PRIVATE-NOTE-MARKER"
    assert data["ratings"] == ratings_for("client", 4)
    assert "<em>friendly</em>" in data["text_html"]
    submitted = api.post(f"/api/v1/reviews/{data['id']}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    again = api.post(f"/api/v1/reviews/{data['id']}/submit/")
    assert again.status_code == 409


def test_create_and_submit_at_once(contract):
    response = api_for(contract.provider).post(
        url(contract), body("provider", submit=True), format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert response.json()["subject_id"] == str(contract.client_id)


def test_reviewing_twice_is_409(contract):
    api = api_for(contract.client)
    assert api.post(url(contract), body(), format="json").status_code == 201
    response = api.post(url(contract), body(), format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_reviewed"


def test_non_completed_contract_is_409(db):
    contract = FundedContractFactory()
    response = api_for(contract.client).post(url(contract), body(), format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "contract_not_completed"


def test_a_contract_you_are_not_party_to_is_404(contract):
    api = api_for(UserFactory())
    assert api.post(url(contract), body(), format="json").status_code == 404
    assert api.get(url(contract)).status_code == 404


def test_after_the_window_is_409(db):
    contract = completed_contract(days_ago=14.1)
    response = api_for(contract.client).post(url(contract), body(), format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_window_closed"


def test_anonymous_is_refused(contract):
    assert api_for(None).post(url(contract), body(), format="json").status_code in (401, 403)


@pytest.mark.parametrize(
    "change",
    [
        {"overall": 0},
        {"overall": 6},
        {"overall": "five"},
        {"overall": None},
        {"overall": 4.5},
        {"ratings": {**ratings_for("client"), "quality": 0}},
        {"ratings": {**ratings_for("client"), "quality": 6}},
        {"ratings": {**ratings_for("client"), "quality": "five"}},
        {"ratings": {k: 5 for k in ("quality", "communication", "timeliness", "value")}},
        {"ratings": {**ratings_for("client"), "clarity": 5}},
        {"ratings": {**ratings_for("client"), "charm": 5}},
        {"ratings": "5,5,5,5,5"},
        {"text": "x" * (MAX_TEXT_LENGTH + 1)},
        {"private_note": "x" * 2001},
        {"text": ["a list"]},
        {"role": "admin"},
    ],
)
def test_bad_input_is_400_and_nothing_is_written(contract, change):
    payload = body()
    payload.update(change)
    response = api_for(contract.client).post(url(contract), payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] in (
        "validation_error",
        "required",
        "unknown_rating",
        "too_long",
    )
    assert not Review.objects.exists()


def test_missing_fields_are_400(contract):
    api = api_for(contract.client)
    for missing in ("overall", "ratings"):
        payload = body()
        del payload[missing]
        assert api.post(url(contract), payload, format="json").status_code == 400


def test_huge_body_is_refused(contract):
    response = api_for(contract.client).post(
        url(contract), body(text="x" * 3_000_000), format="json"
    )
    assert response.status_code in (400, 413)
    assert not Review.objects.exists()


# --- Editing -----------------------------------------------------------------------------------------


def test_edit_before_publication_and_not_after(contract):
    api = api_for(contract.client)
    review_id = api.post(url(contract), body(submit=True), format="json").json()["id"]
    patched = api.patch(
        f"/api/v1/reviews/{review_id}/", {"overall": 3, "ratings": {"value": 2}}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["overall"] == 3 and patched.json()["ratings"]["value"] == 2
    assert api.patch(
        f"/api/v1/reviews/{review_id}/", {"overall": 9}, format="json"
    ).status_code == (400)
    write_review(contract, contract.provider)
    response = api.patch(f"/api/v1/reviews/{review_id}/", {"text": "edited"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_published"


def test_someone_elses_review_is_404(contract):
    review = write_review(contract, contract.client)
    for user in (contract.provider, UserFactory()):
        api = api_for(user)
        assert api.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
        assert (
            api.patch(f"/api/v1/reviews/{review.pk}/", {"overall": 1}, format="json").status_code
            == 404
        )
        assert api.post(f"/api/v1/reviews/{review.pk}/submit/").status_code == 404


# --- Photos -----------------------------------------------------------------------------------------


def test_photos_upload_limit_bad_file_and_removal(contract):
    api = api_for(contract.client)
    review_id = api.post(url(contract), body(), format="json").json()["id"]
    photos_url = f"/api/v1/reviews/{review_id}/photos/"
    for _ in range(4):
        response = api.post(photos_url, {"photo": image_upload()}, format="multipart")
        assert response.status_code == 201, response.content
    assert len(response.json()["photos"]) == 4
    fifth = api.post(photos_url, {"photo": image_upload()}, format="multipart")
    assert fifth.status_code == 400 and fifth.json()["error"]["code"] == "too_many_photos"
    photo_id = response.json()["photos"][0]["id"]
    assert api.delete(f"{photos_url}{photo_id}/").status_code == 204
    bad = api.post(photos_url, {"photo": not_an_image()}, format="multipart")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_image"
    assert api.post(photos_url, {}, format="multipart").status_code == 400
    other = api_for(contract.provider).post(
        photos_url, {"photo": image_upload()}, format="multipart"
    )
    assert other.status_code == 404


# --- Double-blind reading ----------------------------------------------------------------------------


def test_the_other_side_sees_nothing_before_publication(contract):
    client_api, provider_api = api_for(contract.client), api_for(contract.provider)
    client_api.post(url(contract), body(submit=True), format="json")
    seen = provider_api.get(url(contract)).json()
    assert seen["theirs"] is None and seen["other_submitted"] is True
    assert seen["state"] == "write" and seen["mine"] is None
    assert provider_api.get("/api/v1/reviews/received/").json()["results"] == []
    public = api_for(None).get(f"/api/v1/reviews/users/{contract.provider_id}/").json()
    assert public["results"] == []
    assert "PRIVATE-NOTE-MARKER" not in provider_api.get(url(contract)).content.decode()


def test_after_both_submit_each_sees_the_other_without_the_private_note(contract):
    api_for(contract.client).post(url(contract), body(submit=True), format="json")
    api_for(contract.provider).post(
        url(contract), body("provider", submit=True, private_note="OTHER-NOTE"), format="json"
    )
    provider_view = api_for(contract.provider).get(url(contract))
    data = provider_view.json()
    assert data["state"] == "published"
    assert data["theirs"]["overall"] == 5
    assert "private_note" not in data["theirs"]
    assert "PRIVATE-NOTE-MARKER" not in provider_view.content.decode()
    assert data["mine"]["private_note"] == "OTHER-NOTE"
    public = api_for(None).get(f"/api/v1/reviews/users/{contract.provider_id}/")
    assert public.status_code == 200
    assert len(public.json()["results"]) == 1
    assert "PRIVATE-NOTE-MARKER" not in public.content.decode()
    as_client = api_for(None).get(f"/api/v1/reviews/users/{contract.client_id}/?role=client")
    assert [r["author_role"] for r in as_client.json()["results"]] == ["provider"]


# --- Responses ------------------------------------------------------------------------------------------


def published(contract):
    review = write_review(contract, contract.client)
    write_review(contract, contract.provider)
    return review


def test_respond_once(contract):
    review = published(contract)
    api = api_for(contract.provider)
    response = api.post(
        f"/api/v1/reviews/{review.pk}/response/", {"text": "Thanks!"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["response"]["text"] == "Thanks!"
    again = api.post(f"/api/v1/reviews/{review.pk}/response/", {"text": "Again"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_responded"


def test_no_response_to_your_own_review_nor_before_publication(contract):
    review = write_review(contract, contract.client)
    early = api_for(contract.provider).post(
        f"/api/v1/reviews/{review.pk}/response/", {"text": "Early"}, format="json"
    )
    assert early.status_code == 404
    write_review(contract, contract.provider)
    own = api_for(contract.client).post(
        f"/api/v1/reviews/{review.pk}/response/", {"text": "Me"}, format="json"
    )
    assert own.status_code == 403
    for bad in ({"text": ""}, {}, {"text": "x" * 2001}, {"text": "ok", "extra": 1}):
        response = api_for(contract.provider).post(
            f"/api/v1/reviews/{review.pk}/response/", bad, format="json"
        )
        assert response.status_code == 400


# --- Lists and summaries ---------------------------------------------------------------------------------


def test_user_reviews_and_rating_are_public(contract):
    published(contract)
    api = api_for(None)
    rating = api.get(f"/api/v1/reviews/users/{contract.provider_id}/rating/")
    assert rating.status_code == 200
    data = rating.json()
    assert data["count"] == 1 and data["average"] == 5.0 and data["bayesian"] is not None
    assert [row["stars"] for row in data["distribution"]] == [5, 4, 3, 2, 1]
    assert {d["name"] for d in data["dimensions"]} == set(ratings_for("client"))
    assert api.get(f"/api/v1/reviews/users/{UserFactory().pk}/rating/").json()["count"] == 0


def test_unknown_user_is_404():
    import uuid

    api = api_for(None)
    assert api.get(f"/api/v1/reviews/users/{uuid.uuid4()}/").status_code == 404
    assert api.get(f"/api/v1/reviews/users/{uuid.uuid4()}/rating/").status_code == 404


def test_public_list_has_no_n_plus_one(db, django_assert_max_num_queries):
    provider = FreelancerFactory()
    for _ in range(6):
        contract = completed_contract(provider=provider)
        review = write_review(contract, contract.client)
        services.review_photo_add(actor=contract.client, review=review, upload=image_upload())
        write_review(contract, provider)
    api = api_for(None)
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/reviews/users/{provider.pk}/")
    assert len(response.json()["results"]) == 6


def test_my_lists_have_no_n_plus_one(db, django_assert_max_num_queries):
    me = UserFactory()
    for _ in range(4):
        contract = completed_contract(client=me)
        write_review(contract, me)
        write_review(contract, contract.provider)
    for _ in range(3):
        completed_contract(client=me)
    api = api_for(me)
    with django_assert_max_num_queries(6):
        given = api.get("/api/v1/reviews/given/")
    with django_assert_max_num_queries(6):
        received = api.get("/api/v1/reviews/received/")
    with django_assert_max_num_queries(6):
        pending = api.get("/api/v1/reviews/pending/")
    assert len(given.json()["results"]) == 4 and len(received.json()["results"]) == 4
    assert len(pending.json()["results"]) == 3
    row = pending.json()["results"][0]
    assert row["role"] == "client" and row["has_draft"] is False
    assert row["window_closes_at"] > timezone.now().isoformat()[:10]


def test_gig_reviews_and_rating():
    from .factories import completed_gig_order

    contract = completed_gig_order()
    published(contract)
    from craftwork.contracts.orders import gig_id_of

    gig_id = gig_id_of(contract)
    api = api_for(None)
    listed = api.get(f"/api/v1/reviews/gigs/{gig_id}/")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1
    assert listed.json()["results"][0]["gig_id"] == str(gig_id)
    rating = api.get(f"/api/v1/reviews/gigs/{gig_id}/rating/").json()
    assert rating["count"] == 1 and rating["subject_type"] == "gig"
    import uuid

    assert api.get(f"/api/v1/reviews/gigs/{uuid.uuid4()}/").status_code == 404


def test_window_close_is_reported(contract):
    review = write_review(contract, contract.client)
    data = api_for(contract.client).get(url(contract)).json()
    assert data["state"] == "waiting"
    assert data["dimensions"] == list(ratings_for("client"))
    assert data["mine"]["window_closes_at"].startswith(
        (review.window_closes_at - timedelta(seconds=0)).isoformat()[:16]
    )
