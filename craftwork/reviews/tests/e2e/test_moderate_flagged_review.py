"""A published review is reported from the freelancer's profile on a phone-sized screen, staff
hide it from the moderation queue with a reason, it leaves the profile and the rating statistics,
and its author is told why."""

import pytest
from playwright.sync_api import expect

from craftwork.accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from craftwork.moderation.models import Case, Flag
from craftwork.notifications.models import Notification
from craftwork.profiles.tests.factories import FreelancerProfileFactory
from craftwork.reviews.models import Moderation, RatingStats, Review, SubjectType
from craftwork.reviews.tests.factories import completed_contract, write_review
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ABUSIVE_TEXT = "Useless, lazy and a liar. Nobody should ever hire this clown."
REASON = "Insults instead of a description of the work."


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


def published_contract_reviews(freelancer, *, client_stars: int, client_text: str) -> Review:
    """A completed contract reviewed by both sides (so both are published); the client's review."""
    contract = completed_contract(provider=freelancer)
    review = write_review(contract, contract.client, overall=client_stars, text=client_text)
    write_review(contract, freelancer, overall=5, text="Clear brief and paid on time.")
    review.refresh_from_db()
    assert review.is_public
    return review


def provider_stats(freelancer) -> RatingStats:
    return RatingStats.objects.get(subject_type=SubjectType.PROVIDER, subject_id=freelancer.pk)


def test_a_reported_review_is_hidden_and_stops_counting(phone_page, reference_data):
    page = phone_page
    freelancer = UserFactory()
    profile = FreelancerProfileFactory(user=freelancer, published=True)
    kept = published_contract_reviews(
        freelancer, client_stars=5, client_text="Dry roof, tidy site, great work."
    )
    flagged = published_contract_reviews(freelancer, client_stars=1, client_text=ABUSIVE_TEXT)
    reporter, staff = UserFactory(), StaffFactory()
    stats = provider_stats(freelancer)
    assert (stats.count, stats.sum_overall, stats.stars_1, stats.stars_5) == (2, 6, 1, 1)

    # A third user sees the review on the public profile and reports it.
    log_in(page, reporter)
    page.goto(f"/freelancers/{profile.pk}/")
    reviews = page.get_by_test_id("profile-reviews")
    assert ABUSIVE_TEXT in reviews.inner_text()
    expect(reviews.get_by_test_id("rating-summary")).to_have_attribute("data-count", "2")
    expect(reviews.get_by_test_id("rating-average")).to_have_text("3.0", use_inner_text=True)
    card = page.locator(f"#review-{flagged.pk}")
    report = card.get_by_test_id("flag-review")
    report.locator("summary").click()
    report.get_by_label("Abusive or harassing").check()
    report.get_by_label("Details (optional)").fill("Name-calling, nothing about the job.")
    report.get_by_test_id("flag-submit").click()
    page.wait_for_load_state()
    assert "Our moderators will look at your report" in page.content()
    expect(page.locator(f"#review-{flagged.pk}").get_by_test_id("flag-reported")).to_be_visible()
    assert_fits_phone(page)
    flag = Flag.objects.get()
    assert (flag.kind, flag.object_id, flag.reporter_id) == ("review", str(flagged.pk), reporter.pk)

    # Staff open the case from the queue: the review's text and the reason are there.
    log_in(page, staff)
    page.goto("/moderation/queue/")
    case = Case.objects.get()
    page.get_by_test_id(f"case-{case.pk}").get_by_test_id("case-link").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("case-summary")).to_contain_text(
        "Useless, lazy and a liar", use_inner_text=True
    )
    page.get_by_test_id("case-item").locator("summary").click()
    assert ABUSIVE_TEXT in page.get_by_test_id("case-text").inner_text()
    reported = page.get_by_test_id(f"flag-{flag.pk}").inner_text()
    assert "Abusive or harassing" in reported
    assert "Name-calling, nothing about the job." in reported
    form = page.get_by_test_id("decision-form")
    form.get_by_label("Hide — out of public view, can be restored").check()
    form.get_by_label("Reason (the author sees it)").fill(REASON)
    form.get_by_test_id("decision-submit").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("queue-empty")).to_be_visible()

    # The review has left the profile, and the statistics no longer count it.
    for who in (reporter, None):
        if who:
            log_in(page, who)
        else:
            page.context.clear_cookies()
        page.goto(f"/freelancers/{profile.pk}/")
        reviews = page.get_by_test_id("profile-reviews")
        assert ABUSIVE_TEXT not in page.content()
        assert "Dry roof, tidy site" in reviews.inner_text()
        expect(page.locator(f"#review-{flagged.pk}")).to_have_count(0)
        expect(reviews.get_by_test_id("rating-summary")).to_have_attribute("data-count", "1")
        expect(reviews.get_by_test_id("rating-summary")).to_contain_text(
            "(1 review)", use_inner_text=True
        )
        expect(reviews.get_by_test_id("rating-average")).to_have_text("5.0", use_inner_text=True)
    assert_fits_phone(page)
    flagged.refresh_from_db()
    assert flagged.moderation == Moderation.HIDDEN
    stats = provider_stats(freelancer)
    assert (stats.count, stats.sum_overall, stats.stars_1, stats.stars_5) == (1, 5, 0, 1)
    kept.refresh_from_db()
    assert kept.is_public

    # The review's author is told, with the reason.
    note = Notification.objects.get(recipient=flagged.author, type="moderation_decision")
    assert "hid your review" in note.title
    assert REASON in note.body
    log_in(page, flagged.author)
    page.goto("/notifications/")
    shown = page.get_by_test_id("notification").first
    assert "Our moderators hid your review" in shown.inner_text()
    assert REASON in shown.inner_text()
    shown.get_by_role("link").first.click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("decision-reason")).to_have_text(REASON, use_inner_text=True)
