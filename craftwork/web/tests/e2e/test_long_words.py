"""What people type can hold words longer than a phone is wide (job titles like
"logistics/support/administrative", pasted links): public pages still fit a 375 px screen."""

import pytest

from craftwork.catalog.tests.factories import GigFactory
from craftwork.jobs.tests.factories import JobFactory
from craftwork.profiles.tests.factories import FreelancerProfileFactory
from craftwork.web.tests.e2e.browser import assert_fits_phone

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_WORD = "logistics/support/administrative/broadcasting/film/video"
LINK = "https://example.com/portfolio/a-very-long-path-that-someone-pasted-into-their-text"


def test_public_pages_wrap_long_words(phone_page, reference_data):
    profile = FreelancerProfileFactory(
        published=True, headline=f"Officer, {LONG_WORD}", bio=f"See {LINK} {LONG_WORD}"
    )
    gig = GigFactory(active=True, title=f"I will do {LONG_WORD}", seller=profile.user)
    job = JobFactory(title=f"Needed: {LONG_WORD}", description=f"Details at {LINK}")
    pages = (f"/freelancers/{profile.pk}/", f"/gigs/{gig.pk}/", f"/jobs/{job.pk}/")
    for path in (*pages, "/freelancers/", "/gigs/", "/jobs/"):
        response = phone_page.goto(path)
        assert response.ok, path
        assert LONG_WORD in phone_page.content()
        assert_fits_phone(phone_page)
