"""Moderation in the browser, on a phone-sized screen: a user reports a gig, staff hide it from
the queue with a reason, the gig leaves the public catalog and its seller reads the reason."""

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.catalog.tests.factories import GigFactory
from craftwork.moderation.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_point_at_the_live_server(settings, live_server):
    settings.SITE_URL = live_server.url


def log_in(page, user):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


def test_report_hide_and_tell_the_seller(phone_page, reference_data):
    page = phone_page
    gig = GigFactory(active=True, title="Cheap logos, pay me by wire")
    reporter, staff = UserFactory(), StaffFactory()

    # A user reports the gig from its page.
    log_in(page, reporter)
    page.goto(f"/gigs/{gig.pk}/")
    report = page.get_by_test_id("flag-gig")
    report.locator("summary").click()
    report.get_by_label("Scam or payment outside the platform").check()
    report.get_by_label("Details (optional)").fill("He asked me to pay by bank transfer.")
    report.get_by_test_id("flag-submit").click()
    page.wait_for_load_state()
    assert "Our moderators will look at your report" in page.content()
    expect(page.get_by_test_id("flag-reported")).to_be_visible()

    # Staff open the queue and hide it with a reason.
    log_in(page, staff)
    page.goto("/moderation/queue/")
    page.get_by_role("link", name="Cheap logos, pay me by wire").click()
    assert (
        "He asked me to pay by bank transfer."
        in page.get_by_test_id("flag-" + str(Case.objects.get().flags.get().pk)).inner_text()
    )
    form = page.get_by_test_id("decision-form")
    form.get_by_label("Hide — out of public view, can be restored").check()
    form.get_by_label("Reason (the author sees it)").fill("Asks for payment outside Craftwork.")
    form.get_by_test_id("decision-submit").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()

    # The gig has left the public catalog.
    page.context.clear_cookies()
    page.goto("/gigs/")
    assert "Cheap logos, pay me by wire" not in page.content()
    assert page.goto(f"/gigs/{gig.pk}/").status == 404
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED

    # The seller is told, with the reason.
    log_in(page, gig.seller)
    page.goto("/notifications/")
    note = page.get_by_test_id("notification").first
    assert "Our moderators hid your gig" in note.inner_text()
    assert "Asks for payment outside Craftwork." in note.inner_text()
    note.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("decision-reason").inner_text() == (
        "Asks for payment outside Craftwork."
    )
