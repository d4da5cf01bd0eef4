"""The competence passport in a real browser: upload on a phone, staff review, badge on the profile."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from craftwork.credentials.models import Credential
from craftwork.profiles.tests.factories import FreelancerProfileFactory
from craftwork.web.tests.e2e.browser import assert_fits_phone

from ..factories import pdf_bytes

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_document_types"),
]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_test_id("login-email").fill(user.email)
    page.get_by_test_id("login-password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(re.compile(r"/dashboard/$"))


def log_out(page):
    page.context.clear_cookies()


def test_upload_on_a_phone_then_staff_approves_and_the_badge_shows(phone_page, page):
    profile = FreelancerProfileFactory(published=True)
    today = timezone.localdate()

    # The freelancer uploads a licence on a 375 px screen.
    log_in(phone_page, profile.user)
    phone_page.goto("/credentials/new/")
    phone_page.get_by_test_id("credential-type").select_option("electrician-licence")
    phone_page.get_by_test_id("credential-upload-form").wait_for()  # swapped in by HTMX
    phone_page.get_by_test_id("credential-title").fill("Electrical installation licence")
    phone_page.get_by_test_id("credential-issuer").fill("NICEIC")
    phone_page.get_by_test_id("credential-number").fill("EL-2031")
    phone_page.get_by_test_id("credential-issue_date").fill(
        (today - datetime.timedelta(days=200)).isoformat()
    )
    phone_page.get_by_test_id("credential-expiry_date").fill(
        (today + datetime.timedelta(days=500)).isoformat()
    )
    phone_page.get_by_test_id("credential-file").set_input_files(
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("e2e")}
    )
    assert_fits_phone(phone_page)
    phone_page.get_by_test_id("credential-submit").click()
    phone_page.wait_for_url(re.compile(r"/credentials/[0-9a-f-]{36}/$"))
    expect(phone_page.get_by_test_id("credential-status")).to_have_text(
        "Under review", use_inner_text=True
    )
    credential = Credential.objects.get(owner=profile.user)

    # Staff review it (the PDF is offered as a download) and approve it.
    staff = StaffFactory()
    log_in(page, staff)
    page.goto("/credentials/review/")
    page.get_by_test_id("queue-review-link").filter(has_text="Electrical installation").click()
    page.wait_for_url(re.compile(rf"/credentials/review/{credential.pk}/$"))
    expect(page.get_by_test_id("document-download")).to_be_visible()
    page.get_by_label("Approve: the document is genuine and relevant").check()
    page.get_by_test_id("decision-authenticity").select_option("5")
    page.get_by_test_id("decision-relevance").select_option("4")
    page.get_by_test_id("decision-quality").select_option("5")
    page.get_by_test_id("decision-submit").click()
    page.wait_for_url(re.compile(r"/credentials/review/$"))
    credential.refresh_from_db()
    assert credential.status == "approved" and credential.reviewed_by == staff

    # Anyone sees the verified badge on the freelancer's public profile.
    log_out(page)
    page.goto(f"/freelancers/{profile.pk}/")
    badges = page.get_by_test_id("verified-badge")
    expect(badges).to_have_count(1)
    assert "Electrical installation licence" in badges.first.inner_text()

    # The freelancer sees it verified; a stranger cannot open the document.
    phone_page.goto(f"/credentials/{credential.pk}/")
    expect(phone_page.get_by_test_id("credential-verified")).to_be_visible()
    response = page.goto(f"/credentials/{credential.pk}/file/")
    assert "/accounts/login/" in page.url or response.status == 404
