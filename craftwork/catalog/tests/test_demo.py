import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from craftwork.catalog import demo, selectors
from craftwork.catalog.models import (
    AvailabilityRule,
    Gig,
    GigImage,
    GigStatus,
    MentorSettings,
    MentorshipOffering,
)
from craftwork.web import demo as web_demo

pytestmark = pytest.mark.django_db


def test_seed_catalog_builds_gigs_and_mentors_and_is_idempotent():
    web_demo.seed(clients=0, freelancers=8, images=False, marketplace=False)
    report = demo.seed_catalog(random.Random(7), images=True, mentors=4)
    sellers = Gig.objects.values("seller").distinct().count()
    assert report["gigs"] == sellers * demo.GIGS_PER_SELLER >= 8 * demo.GIGS_PER_SELLER
    assert Gig.objects.filter(status=GigStatus.ACTIVE).count() > Gig.objects.count() // 2
    assert GigImage.objects.exists()
    for gig in Gig.objects.filter(status=GigStatus.ACTIVE):
        assert gig.min_price > 0 and 1 <= gig.packages.count() <= 3
        assert gig.category.parent is not None
    assert report["mentors"] == 4
    offering = MentorshipOffering.objects.first()
    assert MentorSettings.objects.filter(mentor=offering.mentor).exists()
    assert AvailabilityRule.objects.filter(mentor=offering.mentor).count() >= 5
    today = timezone.now().date()
    slots = selectors.free_slots(offering, today, today + timedelta(days=13), "UTC")
    assert slots, "a demo mentor has free slots in the next two weeks"

    again = demo.seed_catalog(random.Random(7), images=False, mentors=4)
    assert again["gigs"] == 0 and again["mentors"] == 0


def test_command(capsys):
    web_demo.seed(clients=0, freelancers=2, images=False, marketplace=False)
    call_command("seed_catalog", "--no-images", "--mentors", "1")
    assert "Catalog demo data ready" in capsys.readouterr().out
    assert Gig.objects.count() >= 6
