"""freelancer_profile_hide / _restore and the publish guard moderation relies on."""

import pytest

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.core.errors import NotFound, PermissionDenied
from craftwork.core.models import OutboxEvent
from craftwork.moderation.models import HiddenItem
from craftwork.profiles import selectors, services

from .factories import FreelancerProfileFactory

pytestmark = pytest.mark.django_db


def test_hide_and_restore():
    profile = FreelancerProfileFactory(published=True, skills=1)
    staff = StaffFactory()
    services.freelancer_profile_hide(actor=staff, profile=profile, reason="Fake identity")
    profile.refresh_from_db()
    assert not profile.is_published
    assert not selectors.public_freelancers().filter(pk=profile.pk).exists()
    # No "hidden by staff, publish it again" notice from profiles: moderation tells the owner.
    assert not OutboxEvent.objects.filter(name="profiles.freelancer_unpublished").exists()

    services.freelancer_profile_restore(actor=staff, profile=profile, reason="Verified")
    profile.refresh_from_db()
    assert profile.is_published
    assert selectors.public_freelancers().filter(pk=profile.pk).exists()


def test_the_system_may_hide_and_hiding_twice_is_a_no_op():
    profile = FreelancerProfileFactory(published=True)
    services.freelancer_profile_hide(actor=None, profile=profile, reason="Held")
    services.freelancer_profile_hide(actor=None, profile=profile, reason="Held")
    assert OutboxEvent.objects.filter(name="profiles.freelancer_hidden").count() == 1


def test_only_staff_hide_or_restore():
    profile = FreelancerProfileFactory(published=True)
    for actor in (UserFactory(), profile.user):
        with pytest.raises(NotFound):
            services.freelancer_profile_hide(actor=actor, profile=profile, reason="r")
        with pytest.raises(NotFound):
            services.freelancer_profile_restore(actor=actor, profile=profile, reason="r")


def test_a_never_published_or_incomplete_profile_is_not_published_by_restore():
    staff = StaffFactory()
    never = FreelancerProfileFactory()
    incomplete = FreelancerProfileFactory(published=True)  # no skills
    services.freelancer_profile_hide(actor=staff, profile=incomplete, reason="r")
    for profile in (never, incomplete):
        services.freelancer_profile_restore(actor=staff, profile=profile, reason="r")
        profile.refresh_from_db()
        assert not profile.is_published


def test_the_owner_cannot_publish_while_moderation_hides_the_profile():
    profile = FreelancerProfileFactory(published=True, skills=1)
    services.freelancer_profile_hide(actor=StaffFactory(), profile=profile, reason="r")
    HiddenItem.objects.create(kind="profile", object_id=str(profile.pk), object_uuid=profile.pk)
    with pytest.raises(PermissionDenied) as error:
        services.freelancer_profile_publish(actor=profile.user, profile=profile)
    assert error.value.code == "hidden_by_moderation"
    HiddenItem.objects.all().delete()
    services.freelancer_profile_publish(actor=profile.user, profile=profile)
    profile.refresh_from_db()
    assert profile.is_published
