"""The notification types the accounts and profiles apps declare, driven through their services."""

import pytest
from django.core import mail

from craftwork.accounts import services as accounts
from craftwork.accounts.models import Membership
from craftwork.accounts.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    StaffFactory,
    UserFactory,
)
from craftwork.notifications import registry
from craftwork.notifications.models import Notification
from craftwork.profiles import services as profiles
from craftwork.profiles.tests.factories import FreelancerProfileFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def organization():
    organization = OrganizationFactory(name="Acme")
    owner = MembershipFactory(organization=organization, role=Role.OWNER).user
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user
    member = MembershipFactory(organization=organization, role=Role.RECRUITER).user
    return organization, owner, admin, member


def notified(type_name) -> set:
    return set(Notification.objects.filter(type=type_name).values_list("recipient_id", flat=True))


def test_the_apps_types_are_autodiscovered():
    declared = {registration.type for registration in registry.types()}
    assert {
        "organization_member_joined",
        "organization_role_changed",
        "organization_member_left",
        "organization_removed_you",
        "profile_hidden_by_staff",
    } <= declared
    assert not any(name.startswith("accounts.user_signed_up") for name, _ in registry.snapshot())


def test_managers_hear_when_someone_joins(organization, committed):
    org, owner, admin, _member = organization
    with committed():
        accounts.organization_invite(actor=owner, organization=org, email="new@example.com")
    token = mail.outbox[-1].body.split("/accounts/invitations/")[1].split("/")[0]
    newcomer = UserFactory(email="new@example.com", first_name="Nia", last_name="Okafor")
    with committed():
        accounts.invitation_accept(actor=newcomer, token=token)
    assert notified("organization_member_joined") == {owner.pk, admin.pk}
    notification = Notification.objects.filter(type="organization_member_joined").first()
    assert notification.title == "Nia Okafor joined Acme"
    assert notification.link == f"/accounts/organizations/{org.pk}/"


def test_a_member_hears_about_their_new_role(organization, committed):
    org, owner, _admin, member = organization
    membership = Membership.objects.get(organization=org, user=member)
    with committed():
        accounts.membership_change_role(actor=owner, membership=membership, role=Role.ADMIN)
    assert notified("organization_role_changed") == {member.pk}
    assert Notification.objects.get().title == "Your role in Acme is now Admin"


def test_removed_members_and_managers_of_leavers_are_told(organization, committed):
    org, owner, admin, member = organization
    with committed():
        accounts.membership_remove(
            actor=owner, membership=Membership.objects.get(organization=org, user=member)
        )
    assert notified("organization_removed_you") == {member.pk}
    assert notified("organization_member_left") == set()
    with committed():
        accounts.membership_remove(
            actor=admin, membership=Membership.objects.get(organization=org, user=admin)
        )
    assert notified("organization_member_left") == {owner.pk}  # the leaver is not told


def test_a_profile_hidden_by_staff_tells_its_owner(committed):
    profile = FreelancerProfileFactory(published=True)
    with committed():
        profiles.freelancer_profile_unpublish(actor=StaffFactory(), profile=profile, reason="spam")
    assert notified("profile_hidden_by_staff") == {profile.user_id}


def test_owners_hiding_their_own_profile_are_not_told(committed):
    profile = FreelancerProfileFactory(published=True)
    with committed():
        profiles.freelancer_profile_unpublish(actor=profile.user, profile=profile)
    assert not Notification.objects.exists()


def test_signing_up_notifies_nobody(committed):
    with committed():
        accounts.user_signup(
            email="someone@example.com",
            password="violet-kettle-harbor-42",
            first_name="Some",
            last_name="One",
            roles={"client"},
        )
    assert not Notification.objects.exists()
