"""The candidate API: /api/v1/candidates/me/ and the CV upload → draft → confirm flow."""

import pytest
from django.core.files.storage import storages

from craftwork.candidates import selectors
from craftwork.candidates.models import CandidateProfile, CVStatus, CVUpload
from craftwork.core.models import AuditLog

from .documents import docx_bomb, encrypted_pdf, fixture_upload, upload

pytestmark = pytest.mark.django_db
ME = "/api/v1/candidates/me/"
CVS = "/api/v1/candidates/me/cvs/"

JOB = {
    "title": "Backend Engineer",
    "employer": "Initech",
    "start_year": 2019,
    "start_month": 3,
    "is_current": True,
    "description": "APIs.",
}


def post_cv(api, name="01-en-pdf-one-column.pdf", as_name=None):
    return api.post(CVS, {"file": fixture_upload(name, as_name)}, format="multipart")


class TestProfile:
    def test_get_creates_an_empty_private_profile(self, api):
        response = api.get(ME)
        assert response.status_code == 200
        assert response.json()["visibility"] == "private"
        assert response.json()["work"] == []

    def test_patch_changes_what_is_sent_and_replaces_lists(self, api):
        response = api.patch(
            ME,
            {
                "headline": "Backend engineer",
                "desired_salary_amount": 5_500_000,
                "desired_salary_currency": "EUR",
                "desired_salary_period": "year",
                "remote_preference": "hybrid",
                "visibility": "applications",
                "work": [JOB],
                "education": [{"school": "Universidad de Granada", "degree": "Grado"}],
                "languages": [{"code": "es", "level": "native"}],
                "links": ["github.com/ana"],
                "skills": ["python", "django"],
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["work"][0]["title"] == "Backend Engineer"
        assert body["links"] == ["https://github.com/ana"]
        assert {skill["slug"] for skill in body["skills"]} == {"python", "django"}
        response = api.patch(ME, {"headline": "Staff engineer", "work": []}, format="json")
        body = response.json()
        assert (body["headline"], body["work"], len(body["skills"])) == ("Staff engineer", [], 2)
        assert AuditLog.objects.filter(action="candidates.profile_updated").count() == 2

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"headline": ["not", "text"]}, "headline"),
            ({"desired_salary_amount": "lots"}, "desired_salary_amount"),
            ({"desired_salary_amount": -5}, "desired_salary_amount"),
            ({"visibility": "everyone"}, "visibility"),
            ({"work": {"title": "x"}}, "work"),
            ({"work": [{"employer": "no title"}]}, "work"),
            ({"work": [{**JOB, "start_month": 13}]}, "work"),
            ({"languages": [{"code": "xx", "level": "native"}]}, "languages"),
            ({"skills": ["no-such-skill"]}, "skills"),
            ({"links": ["javascript:alert(1)"]}, "links.0"),
            ({"role": "admin"}, "role"),
            ({"work": [{**JOB, "is_current": False, "end_year": 2018}]}, "work.0.end_year"),
            ({"work": [{**JOB, "end_year": 2020}]}, "work.0.end_year"),
            ({"work": [JOB] * 31}, "work"),
        ],
    )
    def test_bad_input_is_refused_in_the_error_shape_and_changes_nothing(self, api, payload, field):
        api.patch(ME, {"headline": "Before"}, format="json")
        response = api.patch(ME, payload, format="json")
        assert response.status_code == 400, response.json()
        error = response.json()["error"]
        assert error["code"] == "validation_error" and field in error["details"]
        assert api.get(ME).json()["headline"] == "Before"

    def test_nul_bytes_are_refused(self, api):
        response = api.patch(ME, {"headline": "Bad\u0000name"}, format="json")
        assert response.status_code == 400
        assert "error" in response.json()

    def test_anonymous_gets_401(self, api_client):
        assert api_client.get(ME).status_code == 401


class TestCVFlow:
    def test_upload_gives_a_draft_and_writes_nothing(self, api):
        response = post_cv(api)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["status"], body["kind"], body["text_found"]) == ("parsed", "pdf", True)
        assert body["parsed"]["email"]
        draft = body["draft"]
        assert draft["work"] and draft["skills"]
        assert not CandidateProfile.objects.filter(user=api.user, work__isnull=False).exists()

    def test_confirm_with_a_correction_writes_the_profile(self, api):
        cv = post_cv(api, "07-es-pdf-one-column.pdf").json()
        draft_work = cv["draft"]["work"]
        corrected = [{**draft_work[0], "title": "Lead Engineer"}, *draft_work[1:]]
        response = api.post(
            f"{CVS}{cv['id']}/confirm/",
            {"work": corrected, "visibility": "public"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["work"][0]["title"] == "Lead Engineer"
        assert len(body["work"]) == len(draft_work)
        assert body["education"] == cv["draft"]["education"]
        assert {s["slug"] for s in body["skills"]} == set(cv["draft"]["skills"])
        assert body["current_cv"] == cv["id"] and body["visibility"] == "public"
        assert CVUpload.objects.get(pk=cv["id"]).status == CVStatus.CONFIRMED
        again = api.post(f"{CVS}{cv['id']}/confirm/", {}, format="json")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "cv_not_pending"

    def test_a_bad_correction_refuses_the_whole_confirmation(self, api):
        cv = post_cv(api).json()
        response = api.post(
            f"{CVS}{cv['id']}/confirm/",
            {"work": [{"title": "", "employer": "x"}]},
            format="json",
        )
        assert response.status_code == 400
        assert CVUpload.objects.get(pk=cv["id"]).status == CVStatus.PARSED
        assert (
            selectors.profile_for(api.user) is None
            or not selectors.profile_for(api.user).work.exists()
        )

    def test_a_docx_named_pdf_is_stored_as_docx(self, api):
        body = post_cv(api, "05-en-docx-one-column.docx", "cv.pdf").json()
        assert (body["kind"], body["original_name"]) == ("docx", "cv.docx")

    def test_a_scanned_cv_says_so(self, api):
        body = post_cv(api, "25-scanned-no-text.pdf").json()
        assert body["text_found"] is False
        assert body["draft"]["work"] == []

    @pytest.mark.parametrize(
        "make, code",
        [
            (lambda: upload("cv.pdf", b"plain text pretending" * 10), "unsupported_document"),
            (lambda: upload("cv.pdf", b""), "empty_file"),
            (lambda: upload("cv.pdf", encrypted_pdf()), "encrypted_document"),
            (lambda: upload("cv.docx", docx_bomb()), "compression_bomb"),
        ],
    )
    def test_bad_files_are_refused_and_nothing_is_stored(self, api, make, code):
        response = api.post(CVS, {"file": make()}, format="multipart")
        assert response.status_code == 400, response.json()
        error = response.json()["error"]
        assert error["code"] in (code, "validation_error")
        assert not CVUpload.objects.exists()
        storage = storages["private"]
        assert not storage.exists("cvs") or not storage.listdir("cvs")[1]

    def test_a_huge_file_is_refused(self, api, settings):
        settings.MAX_DOCUMENT_UPLOAD_BYTES = 2048
        response = post_cv(api)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "file_too_large"

    def test_missing_file_and_unknown_fields(self, api):
        assert api.post(CVS, {}, format="multipart").status_code == 400
        response = api.post(
            CVS, {"file": fixture_upload("01-en-pdf-one-column.pdf"), "x": "1"}, format="multipart"
        )
        assert response.status_code == 400

    def test_the_file_downloads_as_an_attachment(self, api):
        cv = post_cv(api).json()
        response = api.get(f"{CVS}{cv['id']}/file/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF-")

    def test_discard_deletes_the_draft(self, api, django_capture_on_commit_callbacks):
        cv = post_cv(api).json()
        with django_capture_on_commit_callbacks(execute=True):
            assert api.delete(f"{CVS}{cv['id']}/").status_code == 204
        stored = CVUpload.objects.get(pk=cv["id"])
        assert stored.status == CVStatus.DISCARDED
        assert not stored.file.storage.exists(stored.file.name)
        assert api.post(f"{CVS}{cv['id']}/confirm/", {}, format="json").status_code == 409

    def test_another_users_cv_is_not_found_and_unchanged(self, api, other_api):
        cv = post_cv(api).json()
        base = f"{CVS}{cv['id']}/"
        assert other_api.get(base).status_code == 404
        assert other_api.get(base + "file/").status_code == 404
        assert other_api.post(base + "confirm/", {}, format="json").status_code == 404
        assert other_api.delete(base).status_code == 404
        assert other_api.get(base).json()["error"]["code"] == "not_found"
        assert CVUpload.objects.get(pk=cv["id"]).status == CVStatus.PARSED
        assert other_api.get(CVS).json()["results"] == []

    def test_the_list_takes_constant_queries(self, api, django_assert_max_num_queries):
        for _ in range(3):
            post_cv(api)
        with django_assert_max_num_queries(4):
            response = api.get(CVS)
        assert len(response.json()["results"]) == 3
