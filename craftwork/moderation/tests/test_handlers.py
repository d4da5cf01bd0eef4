"""Automatic screening through the owning apps' events: publish/update -> hold -> hidden."""

import pytest

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.catalog import selectors as catalog_selectors
from craftwork.catalog import services as catalog_services
from craftwork.catalog.models import GigStatus
from craftwork.catalog.tests.factories import GigFactory
from craftwork.core.errors import PermissionDenied
from craftwork.core.models import OutboxEvent
from craftwork.jobs import selectors as job_selectors
from craftwork.jobs import services as job_services
from craftwork.jobs.tests.factories import ClientFactory, job_fields
from craftwork.moderation import handlers, selectors, services
from craftwork.moderation.models import Case
from craftwork.notifications.models import Notification
from craftwork.profiles import services as profile_services

from .factories import public_gig, public_job, public_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_events(django_capture_on_commit_callbacks):
    """Run the after-commit event dispatch (eager tasks) of what the block does."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def test_publishing_a_gig_with_a_phone_number_holds_it(run_events):
    gig = GigFactory(description="WhatsApp me: +34 612 345 678")
    run_events(catalog_services.gig_publish, actor=gig.seller, gig=gig)
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED
    case = Case.objects.get(kind="gig", object_id=str(gig.pk))
    assert case.held and case.hold_reasons == ["phone"]
    assert not catalog_selectors.public_gigs().filter(pk=gig.pk).exists()
    note = Notification.objects.get(recipient=gig.seller, type="moderation_held")
    assert gig.title[:20] in note.title


def test_updating_an_active_gig_is_screened(run_events):
    gig = public_gig()
    run_events(
        catalog_services.gig_update,
        actor=gig.seller,
        gig=gig,
        description="Pay me at paypal.me/janedoe and save the fee",
    )
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED
    assert Case.objects.get().hold_reasons == ["external_link"]


def test_a_held_text_is_never_public_not_even_before_commit(django_capture_on_commit_callbacks):
    """Screening runs in the publishing transaction: before any after-commit work the gig and
    the job are already out of public view, and the service returns the held state."""
    gig = GigFactory(description="Text me on +34 612 345 678")
    client = ClientFactory()
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        returned = catalog_services.gig_publish(actor=gig.seller, gig=gig)
        job = job_services.job_create(
            actor=client,
            publish_now=True,
            **job_fields(description="Mail the drawings to me at a@b.co"),
        )
        assert returned.status == GigStatus.REMOVED
        assert not catalog_selectors.public_gigs().filter(pk=gig.pk).exists()
        assert not job_selectors.public_jobs().filter(pk=job.pk).exists()
        assert Case.objects.filter(held=True).count() == 2
    assert after_commit, "the events are still dispatched after commit"


def test_clean_texts_pass(run_events):
    gig = GigFactory(description="Logos from $1,500. Delivered 2024-05-12.")
    run_events(catalog_services.gig_publish, actor=gig.seller, gig=gig)
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE
    assert not Case.objects.exists()


def test_posting_a_job_with_an_email_hides_it(run_events):
    client = ClientFactory()
    job = run_events(
        job_services.job_create,
        actor=client,
        publish_now=True,
        **job_fields(description="Send samples to boss at gmail dot com"),
    )
    assert Case.objects.get().hold_reasons == ["obfuscated_contact"]
    assert not job_selectors.public_jobs().filter(pk=job.pk).exists()
    assert selectors.is_hidden(kind="job", object_id=job.pk)


def test_updating_a_job_is_screened(run_events):
    job = public_job()
    run_events(job_services.job_update, actor=job.client, job=job, title="Call 555-123-4567")
    assert not job_selectors.public_jobs().filter(pk=job.pk).exists()


def test_a_held_profile_cannot_be_published_again_until_restored(run_events):
    profile = public_profile(skills=1)
    run_events(
        profile_services.freelancer_profile_update,
        actor=profile.user,
        profile=profile,
        bio="Reach me: jane.doe@example.com",
    )
    profile.refresh_from_db()
    assert not profile.is_published
    with pytest.raises(PermissionDenied) as error:
        profile_services.freelancer_profile_publish(actor=profile.user, profile=profile)
    assert error.value.code == "hidden_by_moderation"

    case = Case.objects.get()
    staff = StaffFactory()
    # Restoring publishes the profile again ("profiles.freelancer_published"): the approved text
    # is not held a second time.
    run_events(services.case_decide, actor=staff, case_id=case.pk, action="restore", reason="ok")
    profile.refresh_from_db()
    assert profile.is_published
    assert Case.objects.filter(status=Case.Status.OPEN).count() == 0


def test_unrelated_updates_are_not_screened(run_events):
    gig = public_gig(description="Call 612 345 678")  # an old text, before screening existed
    package = {
        "tier": "basic",
        "name": "Basic",
        "price": 4900,
        "currency": "USD",
        "delivery_days": 3,
    }
    run_events(catalog_services.gig_packages_set, actor=gig.seller, gig=gig, packages=[package])
    assert not Case.objects.exists()


def test_redelivered_events_hold_once(run_events):
    gig = GigFactory(description="mail me: jane@example.com")
    run_events(catalog_services.gig_publish, actor=gig.seller, gig=gig)
    event = OutboxEvent.objects.get(name="catalog.gig_published")
    run_events(handlers.screen_gig_event, event)  # at-least-once: the same event again
    assert Case.objects.count() == 1
    assert Notification.objects.filter(type="moderation_held").count() == 1


def test_items_no_longer_public_are_skipped(run_events):
    gig = GigFactory(description="mail me: jane@example.com")
    run_events(catalog_services.gig_publish, actor=gig.seller, gig=gig)
    Case.objects.all().delete()
    event = OutboxEvent.objects.get(name="catalog.gig_published")
    handlers.screen_gig_event(event)  # the gig is removed now: nothing to hold
    assert not Case.objects.exists()
