import random
import time

import pytest

from craftwork.accounts.tests.factories import UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.moderation.demo import DEMO_DOMAIN, seed_moderation
from craftwork.moderation.models import Case, Flag

from .factories import public_gig, public_job, public_profile

pytestmark = pytest.mark.django_db


def test_seed_moderation_builds_a_queue_once():
    for index in range(4):
        UserFactory(email=f"reporter{index}@{DEMO_DOMAIN}")
    gigs = [public_gig() for _ in range(4)]
    public_job()
    public_profile()
    started = time.monotonic()
    report = seed_moderation(random.Random(1))
    assert time.monotonic() - started < 5
    assert report["held"] == 1 and report["flags"] >= 4
    assert Flag.objects.count() == report["flags"]
    held = Case.objects.get(held=True)
    gig = next(g for g in gigs if str(g.pk) == held.object_id)
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED
    assert seed_moderation(random.Random(1)) == {"flags": 0, "held": 0}
