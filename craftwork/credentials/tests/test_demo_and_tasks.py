import datetime
import random

import pytest
from django.conf import settings
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory
from craftwork.credentials import tasks
from craftwork.credentials.demo import DEMO_DOMAIN, seed_credentials
from craftwork.credentials.models import Credential, CredentialReminder

from .factories import make_credential

pytestmark = pytest.mark.django_db


def test_demo_credentials_cover_every_state_and_are_idempotent(private_root):
    StaffFactory(email=f"staff@{DEMO_DOMAIN}")
    for index in range(3):
        FreelancerFactory(email=f"freelancer{index}@{DEMO_DOMAIN}")
    FreelancerFactory(email="not-demo@example.com")
    assert seed_credentials(random.Random(7)) == 9
    statuses = set(Credential.objects.values_list("status", flat=True))
    assert statuses == {"approved", "under_review", "revision_requested", "rejected", "expired"}
    assert Credential.objects.filter(current_version=2, status="under_review").exists()
    assert Credential.objects.filter(files__kind="jpg").exists()
    assert CredentialReminder.objects.exists()  # the one expiring soon was reminded
    assert not Credential.objects.filter(owner__email="not-demo@example.com").exists()
    assert len([p for p in private_root.rglob("*") if p.is_file()]) == 10
    assert seed_credentials(random.Random(7)) == 0


def test_demo_needs_a_reviewer():
    FreelancerFactory(email=f"freelancer@{DEMO_DOMAIN}")
    assert seed_credentials(random.Random(1)) == 0


def test_daily_task_is_scheduled_and_idempotent():
    entry = settings.CELERY_BEAT_SCHEDULE["credentials.expire-and-remind"]
    assert entry["task"] == tasks.expire_and_remind.name
    credential = make_credential("approved")
    Credential.objects.filter(pk=credential.pk).update(
        expiry_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert tasks.expire_and_remind.delay().get() == {"expired": 1, "reminded": 0}
    assert tasks.expire_and_remind.delay().get() == {"expired": 0, "reminded": 0}
    credential.refresh_from_db()
    assert credential.status == "expired"
