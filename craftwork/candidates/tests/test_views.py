"""The candidate's pages: profile, form with repeatable sections, CV upload and review."""

import pytest
from django.urls import reverse

from craftwork.accounts.tests.factories import UserFactory
from craftwork.candidates import selectors
from craftwork.candidates.models import CVStatus, CVUpload

from .documents import encrypted_pdf, fixture_upload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, candidate):
    client.force_login(candidate)
    client.user = candidate
    return client


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "30",
    }


def form_data(**extra):
    data = {
        "headline": "Backend engineer",
        "summary": "",
        "phone": "",
        "desired_role": "Staff engineer",
        "desired_salary": "55000",
        "desired_salary_currency": "EUR",
        "desired_salary_period": "year",
        "desired_location": "Madrid",
        "remote_preference": "hybrid",
        "visibility": "private",
        "skills": ["python", "django"],
        **management("work", 1),
        "work-0-title": "Backend Engineer",
        "work-0-employer": "Initech",
        "work-0-start_month": "3",
        "work-0-start_year": "2019",
        "work-0-end_month": "",
        "work-0-end_year": "",
        "work-0-is_current": "on",
        "work-0-description": "APIs",
        **management("education", 1),
        "education-0-school": "Universidad de Granada",
        "education-0-degree": "Grado",
        "education-0-field": "Informática",
        "education-0-start_year": "2014",
        "education-0-end_year": "2018",
        **management("languages", 1),
        "languages-0-code": "en",
        "languages-0-level": "fluent",
        **management("links", 1),
        "links-0-url": "github.com/ana",
    }
    data.update(extra)
    return data


def test_login_is_required(client):
    response = client.get(reverse("candidates:profile"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_profile_page_invites_an_upload(web):
    response = web.get(reverse("candidates:profile"))
    assert response.status_code == 200
    assert b'data-testid="cv-upload"' in response.content


def test_the_form_saves_every_section(web):
    response = web.post(reverse("candidates:profile-edit"), form_data())
    assert response.status_code == 302, response.context and response.context["form"].errors
    profile = selectors.profile_for(web.user)
    assert profile.desired_salary_amount == 5_500_000
    assert [(w.title, w.start_month, w.is_current) for w in profile.work.all()] == [
        ("Backend Engineer", 3, True)
    ]
    assert profile.education.get().field == "Informática"
    assert profile.languages == [{"code": "en", "level": "fluent"}]
    assert profile.links == ["https://github.com/ana"]
    page = web.get(reverse("candidates:profile")).content.decode()
    assert "Initech" in page and "€55,000.00" in page


def test_add_a_row_without_javascript_keeps_what_was_typed(web):
    response = web.post(reverse("candidates:profile-edit"), form_data(add="work"))
    assert response.status_code == 200
    assert len(response.context["work_formset"].forms) == 2
    assert b"Initech" in response.content
    assert selectors.profile_for(web.user) is None


def test_a_domain_error_shows_next_to_its_field(web):
    data = form_data(**{"work-0-is_current": "", "work-0-end_year": "2010"})
    response = web.post(reverse("candidates:profile-edit"), data)
    assert response.status_code == 200
    row = response.context["work_formset"].forms[0]
    assert row.errors["end_year"]
    assert selectors.profile_for(web.user) is None


def test_nul_bytes_in_a_field_are_refused(web):
    response = web.post(reverse("candidates:profile-edit"), form_data(headline="A\x00B"))
    assert response.status_code in (200, 400)
    assert selectors.profile_for(web.user) is None


def test_upload_review_correct_confirm(web):
    response = web.post(
        reverse("candidates:cv-upload"), {"file": fixture_upload("02-en-pdf-one-column.pdf")}
    )
    cv = CVUpload.objects.get(owner=web.user)
    assert response["Location"] == reverse("candidates:cv-review", args=[cv.pk])
    page = web.get(response["Location"])
    assert page.status_code == 200
    work_forms = page.context["work_formset"].forms
    first_title = work_forms[0].initial["title"]
    assert first_title and page.context["form"].initial["headline"]
    assert first_title in page.content.decode()
    data = {}
    for form in [page.context["form"]]:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is not None:
                data[name] = value
    for name in ("work", "education", "languages", "links"):
        formset = page.context[f"{name}_formset"]
        data.update(management(name, len(formset.forms), len(formset.forms)))
        for form in formset.forms:
            for field_name in form.fields:
                if field_name == "DELETE":
                    continue
                value = form.initial.get(field_name)
                if value not in (None, False):
                    data[form.add_prefix(field_name)] = "on" if value is True else value
    data["work-0-title"] = "Corrected title"
    response = web.post(reverse("candidates:cv-review", args=[cv.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    profile = selectors.profile_for(web.user)
    assert profile.work.first().title == "Corrected title"
    assert profile.current_cv_id == cv.pk
    cv.refresh_from_db()
    assert cv.status == CVStatus.CONFIRMED
    assert "Corrected title" in web.get(reverse("candidates:profile")).content.decode()


def test_a_bad_file_shows_a_message_and_stores_nothing(web):
    response = web.post(
        reverse("candidates:cv-upload"), {"file": upload("cv.pdf", encrypted_pdf())}, follow=True
    )
    assert "Password-protected" in response.content.decode()
    assert not CVUpload.objects.exists()


def test_a_scanned_cv_says_so_on_the_review_page(web):
    web.post(reverse("candidates:cv-upload"), {"file": fixture_upload("25-scanned-no-text.pdf")})
    cv = CVUpload.objects.get(owner=web.user)
    page = web.get(reverse("candidates:cv-review", args=[cv.pk]))
    assert b'data-testid="cv-no-text"' in page.content


def test_another_users_cv_pages_are_404(web, client):
    web.post(reverse("candidates:cv-upload"), {"file": fixture_upload("01-en-pdf-one-column.pdf")})
    cv = CVUpload.objects.get(owner=web.user)
    client.force_login(UserFactory())
    for name in ("cv-review", "cv-file"):
        assert client.get(reverse(f"candidates:{name}", args=[cv.pk])).status_code == 404
    assert client.post(reverse("candidates:cv-discard", args=[cv.pk])).status_code == 404
    assert (
        client.post(reverse("candidates:cv-review", args=[cv.pk]), form_data()).status_code == 404
    )
    cv.refresh_from_db()
    assert cv.status == CVStatus.PARSED
