import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.credentials.models import Credential
from craftwork.profiles.tests.factories import FreelancerProfileFactory

from .factories import SCORES, exe_as_pdf, make_credential, pdf_bytes, pdf_upload, png_upload

pytestmark = pytest.mark.django_db

LIST = "/api/v1/credentials/"


def detail_url(credential):
    return f"/api/v1/credentials/{credential.pk}/"


def file_url(credential):
    return f"/api/v1/credentials/{credential.pk}/file/"


def decide_url(credential):
    return f"/api/v1/staff/credentials/{credential.pk}/decide/"


def create_data(slug="electrician-licence", **overrides):
    today = timezone.localdate()
    data = {
        "document_type": slug,
        "title": "Electrical installation licence",
        "issuer": "NICEIC",
        "number": "EL-445566",
        "issue_date": (today - datetime.timedelta(days=300)).isoformat(),
        "expiry_date": (today + datetime.timedelta(days=400)).isoformat(),
        "skills": ["python", "django"],
        "file": pdf_upload(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# --- Document types ------------------------------------------------------------------------------


def test_document_types_are_public(api_client):
    response = api_client.get("/api/v1/document-types/")
    assert response.status_code == 200
    by_slug = {row["slug"]: row for row in response.json()}
    assert by_slug["electrician-licence"]["expiry_applies"] is True
    assert by_slug["university-degree"]["expiry_applies"] is False


# --- Upload ------------------------------------------------------------------------------------------


def test_upload_multipart(owner_api):
    response = owner_api.post(LIST, create_data(), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "under_review" and body["current_version"] == 1
    assert [s["slug"] for s in body["skills"]] == ["django", "python"]
    assert body["file_url"].endswith(f"/api/v1/credentials/{body['id']}/file/")
    assert "/media/" not in str(body)
    assert [h["to_status"] for h in body["history"]] == ["uploaded", "under_review"]
    assert Credential.objects.get().owner == owner_api.user


@pytest.mark.parametrize("missing", ["issuer", "number", "issue_date", "expiry_date"])
def test_upload_missing_field_required_by_type(owner_api, missing):
    response = owner_api.post(LIST, create_data(**{missing: None}), format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "required" and missing in error["details"]
    assert not Credential.objects.exists()


def test_upload_expiry_before_issue(owner_api):
    response = owner_api.post(
        LIST, create_data(issue_date="2024-05-01", expiry_date="2024-04-01"), format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "expiry_before_issue"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issue_date": "not-a-date"}, "issue_date"),
        ({"document_type": "no-such-type"}, "document_type"),
        ({"file": None}, "file"),
        ({"title": "x" * 5000}, "title"),
        ({"skills": ["nope"]}, "skills"),
        ({"role": "admin"}, "role"),
    ],
)
def test_upload_bad_input(owner_api, overrides, field):
    response = owner_api.post(LIST, create_data(**overrides), format="multipart")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert not Credential.objects.exists()


def test_upload_disguised_executable(owner_api):
    response = owner_api.post(LIST, create_data(file=exe_as_pdf()), format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_image"
    assert "file" in response.json()["error"]["details"]
    assert not Credential.objects.exists()


def test_upload_huge_file(owner_api, settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 300
    big = SimpleUploadedFile("big.pdf", pdf_bytes(extra=b"%" + b"x" * 1000 + b"\n"))
    response = owner_api.post(LIST, create_data(file=big), format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    # Far beyond the limit, the body is refused before anything reads it.
    huge = SimpleUploadedFile("huge.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 2000))
    response = owner_api.post(LIST, create_data(file=huge), format="multipart")
    assert response.status_code == 413
    assert not Credential.objects.exists()


def test_upload_needs_the_freelancer_role(client_only_api, api_client):
    response = client_only_api.post(LIST, create_data(), format="multipart")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_freelancer"
    assert api_client.post(LIST, create_data(), format="multipart").status_code == 401


def test_upload_double_submit_with_idempotency_key(owner_api):
    data = create_data()
    content = data["file"].read()
    data["file"].seek(0)
    first = owner_api.post(LIST, data, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    data["file"] = SimpleUploadedFile("licence.pdf", content)
    second = owner_api.post(LIST, data, format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert Credential.objects.count() == 1
    # Without a key, the same file again is a conflict rather than a second credential.
    data["file"] = SimpleUploadedFile("licence.pdf", content)
    third = owner_api.post(LIST, data, format="multipart")
    assert third.status_code == 409 and third.json()["error"]["code"] == "duplicate_document"


# --- Reading --------------------------------------------------------------------------------------


def test_list_shows_only_mine_with_constant_queries(owner_api, django_assert_max_num_queries):
    make_credential(owner=owner_api.user)
    make_credential("approved")  # someone else's

    def measure():
        with django_assert_max_num_queries(6) as queries:
            response = owner_api.get(LIST)
        assert response.status_code == 200
        return len(queries), response.json()

    few, body = measure()
    assert len(body["results"]) == 1
    for _ in range(4):
        make_credential(owner=owner_api.user, skills=["python"])
    many, body = measure()
    assert len(body["results"]) == 5 and many == few


def test_someone_elses_credential_is_not_found(owner_api, stranger_api):
    credential = make_credential(owner=owner_api.user)
    assert owner_api.get(detail_url(credential)).status_code == 200
    response = stranger_api.get(detail_url(credential))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- Downloads --------------------------------------------------------------------------------------


def test_owner_downloads_with_safe_headers(owner_api):
    upload = pdf_upload(marker="owner-doc")
    credential = make_credential(owner=owner_api.user, upload=upload)
    response = owner_api.get(file_url(credential))
    assert response.status_code == 200
    assert body_of(response) == pdf_bytes("owner-doc")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_staff_downloads_any_document(staff_api):
    credential = make_credential(upload=png_upload())
    response = staff_api.get(file_url(credential))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_non_owner_download_is_not_found(stranger_api, api_client):
    credential = make_credential("approved")
    response = stranger_api.get(file_url(credential))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert api_client.get(file_url(credential)).status_code == 401


def test_previous_versions_stay_downloadable(owner_api):
    credential = make_credential(
        "revision_requested", owner=owner_api.user, upload=pdf_upload(marker="v1")
    )
    response = owner_api.post(
        f"/api/v1/credentials/{credential.pk}/resubmit/",
        {"file": pdf_upload(marker="v2"), "note": "Complete scan."},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["current_version"] == 2
    assert [v["version"] for v in response.json()["versions"]] == [2, 1]
    assert body_of(owner_api.get(file_url(credential))) == pdf_bytes("v2")
    assert body_of(owner_api.get(file_url(credential) + "?version=1")) == pdf_bytes("v1")
    for bad in ("3", "x", "-1"):
        assert owner_api.get(file_url(credential) + f"?version={bad}").status_code == 404


# --- Resubmission ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["under_review", "approved", "rejected"])
def test_resubmit_when_not_requested(owner_api, status):
    credential = make_credential(status, owner=owner_api.user)
    response = owner_api.post(
        f"/api/v1/credentials/{credential.pk}/resubmit/", {"file": pdf_upload()}, format="multipart"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    credential.refresh_from_db()
    assert credential.status == status and credential.current_version == 1


def test_resubmit_someone_elses_is_not_found(stranger_api):
    credential = make_credential("revision_requested")
    response = stranger_api.post(
        f"/api/v1/credentials/{credential.pk}/resubmit/", {"file": pdf_upload()}, format="multipart"
    )
    assert response.status_code == 404
    credential.refresh_from_db()
    assert credential.current_version == 1


# --- Staff -------------------------------------------------------------------------------------------


def test_queue_is_staff_only(owner_api, api_client):
    assert owner_api.get("/api/v1/staff/credentials/").status_code == 403
    assert api_client.get("/api/v1/staff/credentials/").status_code == 401


def test_queue_lists_under_review_oldest_first(staff_api, django_assert_max_num_queries):
    older = make_credential()
    newer = make_credential(slug="electrician-licence")
    make_credential("approved")
    Credential.objects.filter(pk=older.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=2)
    )
    with django_assert_max_num_queries(6):
        response = staff_api.get("/api/v1/staff/credentials/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [str(older.pk), str(newer.pk)]
    filtered = staff_api.get("/api/v1/staff/credentials/?document_type=electrician-licence")
    assert [row["id"] for row in filtered.json()["results"]] == [str(newer.pk)]
    assert len(staff_api.get("/api/v1/staff/credentials/?kind=licence").json()["results"]) == 1
    assert len(staff_api.get("/api/v1/staff/credentials/?status=all").json()["results"]) == 3
    assert staff_api.get("/api/v1/staff/credentials/?status=bogus").status_code == 400


def test_staff_detail_has_history_and_scores(staff_api):
    credential = make_credential("approved", reviewer=staff_api.user)
    response = staff_api.get(f"/api/v1/staff/credentials/{credential.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["owner"]["email"] == credential.owner.email
    assert body["history"][-1]["actor"]["email"] == staff_api.user.email
    assert body["history"][-1]["authenticity_score"] == SCORES["authenticity"]


def test_staff_decides(staff_api):
    credential = make_credential()
    response = staff_api.post(
        decide_url(credential), {"decision": "approve", "notes": "", **SCORES}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved" and response.json()["is_verified"]
    again = staff_api.post(decide_url(credential), {"decision": "approve", **SCORES}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize(
    "payload",
    [
        {"decision": "approve", "authenticity": 0, "relevance": 3, "quality": 3},
        {"decision": "approve", "authenticity": 6, "relevance": 3, "quality": 3},
        {"decision": "approve", "authenticity": "five", "relevance": 3, "quality": 3},
        {"decision": "approve", "relevance": 3, "quality": 3},
        {"decision": "reject", **SCORES},
        {"decision": "expire", **SCORES},
        {"decision": "approve", "extra": 1, **SCORES},
    ],
)
def test_staff_decision_bad_input(staff_api, payload):
    credential = make_credential()
    response = staff_api.post(decide_url(credential), payload, format="json")
    assert response.status_code == 400
    credential.refresh_from_db()
    assert credential.status == "under_review"


def test_non_staff_cannot_decide(owner_api, stranger_api):
    credential = make_credential(owner=owner_api.user)
    for client in (owner_api, stranger_api):
        response = client.post(
            decide_url(credential), {"decision": "approve", **SCORES}, format="json"
        )
        assert response.status_code == 403
    credential.refresh_from_db()
    assert credential.status == "under_review"


def test_decide_unknown_id_is_not_found(staff_api):
    response = staff_api.post(
        "/api/v1/staff/credentials/00000000-0000-0000-0000-000000000000/decide/",
        {"decision": "approve", **SCORES},
        format="json",
    )
    assert response.status_code == 404


# --- Public verified credentials ------------------------------------------------------------------


def test_public_freelancer_credentials_show_only_verified(api_client):
    profile = FreelancerProfileFactory(published=True)
    verified = make_credential("approved", owner=profile.user)
    make_credential("under_review", owner=profile.user)
    make_credential("expired", owner=profile.user)
    response = api_client.get(f"/api/v1/freelancers/{profile.pk}/credentials/")
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [str(verified.pk)]
    assert "number" not in body[0] and "file_url" not in body[0]


def test_public_credentials_of_an_unpublished_profile_are_not_found(api_client):
    profile = FreelancerProfileFactory()
    make_credential("approved", owner=profile.user)
    assert api_client.get(f"/api/v1/freelancers/{profile.pk}/credentials/").status_code == 404
    owner = FreelancerFactory()
    assert api_client.get(f"/api/v1/freelancers/{owner.pk}/credentials/").status_code == 404


def test_schema_documents_the_endpoints(api_client, admin_user):
    api_client.force_authenticate(admin_user)
    response = api_client.get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    for path in (
        "/api/v1/credentials/",
        "/api/v1/credentials/{id}/resubmit/",
        "/api/v1/credentials/{id}/file/",
        "/api/v1/staff/credentials/{id}/decide/",
        "/api/v1/document-types/",
        "/api/v1/freelancers/{id}/credentials/",
    ):
        assert path in paths, path
