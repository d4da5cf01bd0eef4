import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.credentials.models import Credential, CredentialEvent
from craftwork.profiles.tests.factories import FreelancerProfileFactory

from .factories import SCORES, exe_as_pdf, make_credential, pdf_bytes, pdf_upload, png_upload

pytestmark = pytest.mark.django_db

UPLOAD = "/credentials/new/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def stranger_client(client, stranger):
    client.force_login(stranger)
    return client


def upload_form(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Level 3 Electrical",
        "issuer": "NICEIC",
        "number": "EL-1",
        "issue_date": (today - datetime.timedelta(days=100)).isoformat(),
        "expiry_date": (today + datetime.timedelta(days=300)).isoformat(),
        "skills": ["python"],
        "file": pdf_upload(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_urls():
    assert reverse("credentials:mine") == "/credentials/"
    assert reverse("credentials:staff-queue") == "/credentials/review/"


# --- The freelancer's pages --------------------------------------------------------------------


def test_pages_need_login_and_the_freelancer_role(client):
    assert client.get("/credentials/").status_code == 302
    client.force_login(UserFactory())
    response = client.get("/credentials/")
    assert response.status_code == 403
    assert b"freelancer-role-required" in response.content


def test_my_list_shows_my_documents_only(owner_client, owner):
    mine = make_credential("approved", owner=owner, title="My first aid")
    make_credential(title="Somebody else's")
    response = owner_client.get("/credentials/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "My first aid" in content and "Somebody else" not in content
    assert reverse("credentials:detail", args=[mine.pk]) in content


def test_upload_shows_the_fields_the_type_needs(owner_client):
    chooser = owner_client.get(UPLOAD)
    assert b'data-testid="credential-type"' in chooser.content
    assert b"credential-upload-form" not in chooser.content
    licence = owner_client.get(UPLOAD + "?type=electrician-licence").content.decode()
    assert 'name="expiry_date"' in licence and 'name="number"' in licence
    degree = owner_client.get(UPLOAD + "?type=university-degree").content.decode()
    assert 'name="expiry_date"' not in degree
    assert owner_client.get(UPLOAD + "?type=nonsense").status_code == 200


def test_upload_in_the_browser(owner_client, owner):
    response = owner_client.post(UPLOAD + "?type=electrician-licence", upload_form())
    credential = Credential.objects.get(owner=owner)
    assert response.status_code == 302
    assert response.url == reverse("credentials:detail", args=[credential.pk])
    assert credential.status == "under_review" and credential.title == "Level 3 Electrical"
    page = owner_client.get(response.url).content.decode()
    assert "Under review" in page and 'data-testid="credential-history"' in page


def test_upload_missing_required_field_shows_the_error_next_to_it(owner_client):
    response = owner_client.post(UPLOAD + "?type=electrician-licence", upload_form(number=""))
    assert response.status_code == 200
    assert 'id="id_number_errors"' in response.content.decode()
    assert not Credential.objects.exists()


def test_upload_expiry_before_issue(owner_client):
    response = owner_client.post(
        UPLOAD + "?type=electrician-licence",
        upload_form(issue_date="2025-03-01", expiry_date="2025-01-01"),
    )
    assert response.status_code == 200
    assert 'id="id_expiry_date_errors"' in response.content.decode()
    assert not Credential.objects.exists()


def test_upload_disguised_executable_and_huge_file(owner_client, settings):
    response = owner_client.post(
        UPLOAD + "?type=electrician-licence", upload_form(file=exe_as_pdf())
    )
    assert 'id="id_file_errors"' in response.content.decode()
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 150
    response = owner_client.post(UPLOAD + "?type=electrician-licence", upload_form())
    assert 'id="id_file_errors"' in response.content.decode()
    assert not Credential.objects.exists()


def test_upload_without_a_type_is_refused(owner_client):
    response = owner_client.post(UPLOAD, upload_form())
    assert response.status_code == 200
    assert 'id="id_type_errors"' in response.content.decode()
    assert not Credential.objects.exists()


def test_someone_elses_detail_and_file_are_not_found(stranger_client):
    credential = make_credential("approved")
    assert (
        stranger_client.get(reverse("credentials:detail", args=[credential.pk])).status_code == 404
    )
    assert stranger_client.get(reverse("credentials:file", args=[credential.pk])).status_code == 404
    assert (
        stranger_client.get(reverse("credentials:file", args=[credential.pk]) + "?v=1").status_code
        == 404
    )


def test_anonymous_download_goes_to_login(client):
    credential = make_credential()
    response = client.get(reverse("credentials:file", args=[credential.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_document_is_always_a_download(owner_client, owner):
    """No inline rendering of an uploaded file on our origin, whatever the query asks."""
    credential = make_credential(owner=owner, upload=pdf_upload(marker="inline"))
    response = owner_client.get(reverse("credentials:file", args=[credential.pk]) + "?inline=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes("inline")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_resubmit_in_the_browser(owner_client, owner):
    credential = make_credential("revision_requested", owner=owner)
    page = owner_client.get(reverse("credentials:detail", args=[credential.pk])).content.decode()
    assert "credential-resubmit-form" in page and "Checked." in page  # the reviewer's notes
    data = upload_form(file=png_upload(), note="Clearer photo")
    data.pop("number")
    data.pop("expiry_date")
    data["expiry_date"] = credential.expiry_date.isoformat()
    response = owner_client.post(reverse("credentials:detail", args=[credential.pk]), data)
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.status == "under_review" and credential.current_version == 2


def test_resubmit_when_not_requested_changes_nothing(owner_client, owner):
    credential = make_credential("approved", owner=owner)
    page = owner_client.get(reverse("credentials:detail", args=[credential.pk])).content.decode()
    assert "credential-resubmit-form" not in page
    response = owner_client.post(
        reverse("credentials:detail", args=[credential.pk]), upload_form(file=pdf_upload())
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.status == "approved" and credential.current_version == 1


# --- Staff pages ----------------------------------------------------------------------------------


def test_staff_pages_do_not_exist_for_others(stranger_client):
    credential = make_credential()
    for url in (
        "/credentials/review/",
        "/credentials/review/history/",
        reverse("credentials:staff-review", args=[credential.pk]),
    ):
        assert stranger_client.get(url).status_code == 404
    response = stranger_client.post(
        reverse("credentials:staff-review", args=[credential.pk]), {"decision": "approve", **SCORES}
    )
    assert response.status_code == 404
    credential.refresh_from_db()
    assert credential.status == "under_review"


def test_queue_page_lists_and_filters(staff_client, django_assert_max_num_queries):
    licence = make_credential(slug="electrician-licence", title="Wiring licence")
    make_credential(title="Resuscitation course")
    make_credential("approved", title="Already approved")
    with django_assert_max_num_queries(12):
        page = staff_client.get("/credentials/review/").content.decode()
    assert "Wiring licence" in page and "Resuscitation course" in page
    assert "Already approved" not in page
    filtered = staff_client.get("/credentials/review/?kind=licence").content.decode()
    assert "Wiring licence" in filtered and "Resuscitation course" not in filtered
    assert reverse("credentials:staff-review", args=[licence.pk]) in filtered
    everything = staff_client.get("/credentials/review/?status=all").content.decode()
    assert "Already approved" in everything
    assert staff_client.get("/credentials/review/?status=bogus&page=x").status_code == 200


def test_review_page_offers_the_document(staff_client):
    """An image is previewed (an <img> shows a download response); a PDF is downloaded."""
    pdf = make_credential()
    image = make_credential(upload=png_upload())
    page = staff_client.get(reverse("credentials:staff-review", args=[pdf.pk])).content.decode()
    file_url = reverse("credentials:file", args=[pdf.pk])
    assert f'href="{file_url}?v=1" data-testid="document-download"' in page
    assert "<object" not in page and "inline=1" not in page
    assert "decision-form" in page and "/media/" not in page
    page = staff_client.get(reverse("credentials:staff-review", args=[image.pk])).content.decode()
    assert f'<img src="{reverse("credentials:file", args=[image.pk])}?v=1"' in page


def test_staff_decides_in_the_browser(staff_client, staff):
    credential = make_credential()
    url = reverse("credentials:staff-review", args=[credential.pk])
    response = staff_client.post(url, {"decision": "approve", "notes": "", **SCORES})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.status == "approved" and credential.reviewed_by == staff
    page = staff_client.get(url).content.decode()
    assert "decision-form" not in page
    assert staff.email in page  # in the audit trail
    again = staff_client.post(url, {"decision": "approve", **SCORES})
    assert again.status_code == 302
    assert CredentialEvent.objects.filter(credential=credential, action="approve").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"decision": "reject", "notes": "", **SCORES},
        {"decision": "approve", "authenticity": "9", "relevance": "3", "quality": "3"},
        {"decision": "", **SCORES},
    ],
)
def test_bad_decision_form_shows_errors(staff_client, data):
    credential = make_credential()
    response = staff_client.post(reverse("credentials:staff-review", args=[credential.pk]), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    credential.refresh_from_db()
    assert credential.status == "under_review"


def test_staff_history_page(staff_client, staff):
    credential = make_credential("rejected", reviewer=staff, title="Fake diploma")
    page = staff_client.get("/credentials/review/history/").content.decode()
    assert "Fake diploma" in page and staff.email in page
    only_rejections = staff_client.get(
        "/credentials/review/history/?action=reject"
    ).content.decode()
    assert only_rejections.count('data-testid="history-row"') == 1
    assert reverse("credentials:staff-review", args=[credential.pk]) in only_rejections


def test_staff_can_open_documents(staff_client):
    credential = make_credential("approved")
    response = staff_client.get(reverse("credentials:file", args=[credential.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


# --- Badges on the public profile -------------------------------------------------------------------


def test_profile_shows_only_verified_badges(client):
    profile = FreelancerProfileFactory(published=True)
    make_credential("approved", owner=profile.user, title="Gas Safe registered")
    make_credential("under_review", owner=profile.user, title="Pending thing")
    make_credential("expired", owner=profile.user, title="Old licence")
    page = client.get(reverse("profiles:freelancer-detail", args=[profile.pk])).content.decode()
    assert 'data-testid="profile-credentials"' in page
    assert "Gas Safe registered" in page
    assert "Pending thing" not in page and "Old licence" not in page
    assert reverse("credentials:mine") not in page


def test_profile_without_badges_shows_no_section_except_to_its_owner(client):
    profile = FreelancerProfileFactory(published=True)
    page = client.get(reverse("profiles:freelancer-detail", args=[profile.pk])).content.decode()
    assert 'data-testid="profile-credentials"' not in page
    client.force_login(profile.user)
    page = client.get(reverse("profiles:freelancer-detail", args=[profile.pk])).content.decode()
    assert reverse("credentials:mine") in page


def test_admin_shows_credentials_read_only(client, admin_user):
    credential = make_credential("approved")
    client.force_login(admin_user)
    page = client.get(f"/admin/credentials/credential/{credential.pk}/change/")
    assert page.status_code == 200
    assert reverse("credentials:staff-review", args=[credential.pk]) in page.content.decode()
    assert client.get("/admin/credentials/documenttype/").status_code == 200
    assert client.get("/admin/credentials/credentialevent/").status_code == 200
