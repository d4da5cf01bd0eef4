"""The jobs events become notifications for the right people, with working links."""

import pytest
from django.test import Client

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.jobs import services
from craftwork.jobs.notifications import notify_on  # noqa: F401 - the module registers on import
from craftwork.notifications import registry
from craftwork.notifications.models import Notification

from .factories import JobFactory, JobInvitationFactory, ProposalFactory, job_fields

pytestmark = pytest.mark.django_db

JOB_EVENTS = [
    "jobs.job_published",
    "jobs.job_updated",
    "jobs.proposal_submitted",
    "jobs.proposal_accepted",
    "jobs.proposal_declined",
    "jobs.invitation_sent",
    "jobs.invitation_accepted",
    "jobs.invitation_declined",
    "jobs.invitation_withdrawn",
]


def test_every_job_event_is_declared():
    for name in JOB_EVENTS:
        assert registry.for_event(name), name


def notifications(user):
    """The user's notifications from the jobs events (contracts add their own on a hire)."""
    types = {registration.type for name in JOB_EVENTS for registration in registry.for_event(name)}
    return list(Notification.objects.filter(recipient=user, type__in=types))


def assert_link_opens(notification, user):
    browser = Client()
    browser.force_login(user)
    assert browser.get(notification.link).status_code == 200, notification.link


def test_submitting_notifies_the_client(job, committed):
    freelancer = FreelancerFactory()
    with committed():
        services.proposal_submit(
            actor=freelancer, job=job, amount=10_000, duration_days=3,
            cover_letter="A proposal that should notify the client.",
        )  # fmt: skip
    [notification] = notifications(job.client)
    assert notification.type == "proposal_received" and job.title in notification.title
    assert_link_opens(notification, job.client)
    assert not notifications(freelancer)


def test_accepting_notifies_the_winner_and_the_others(job, committed):
    winner, loser = ProposalFactory(job=job), ProposalFactory(job=job)
    with committed():
        contract = services.proposal_accept(actor=job.client, proposal=winner)
    [hired] = notifications(winner.freelancer)
    assert hired.type == "proposal_accepted" and str(contract.pk) in hired.link
    [declined] = notifications(loser.freelancer)
    assert declined.type == "proposal_declined"
    assert_link_opens(declined, loser.freelancer)


def test_editing_notifies_live_bidders_only(job, committed):
    live = ProposalFactory(job=job)
    gone = ProposalFactory(job=job, status="withdrawn")
    with committed():
        services.job_update(actor=job.client, job=job, title="Updated title for bidders")
    [notification] = notifications(live.freelancer)
    assert notification.type == "job_updated" and "Updated title" in notification.title
    assert_link_opens(notification, live.freelancer)
    assert not notifications(gone.freelancer) and not notifications(job.client)


def test_invitation_round_trip(job, committed):
    freelancer = FreelancerFactory()
    with committed():
        invitation = services.invitation_send(
            actor=job.client, job=job, freelancer=freelancer, role="Designer", amount=5_000
        )
    [invited] = notifications(freelancer)
    assert invited.type == "job_invitation" and "Designer" in invited.title
    assert_link_opens(invited, freelancer)
    with committed():
        services.invitation_decline(actor=freelancer, invitation=invitation, reason="Booked")
    [answered] = notifications(job.client)
    assert answered.type == "job_invitation_answered" and answered.body == "Booked"


def test_publishing_tells_the_client(client_user, committed):
    with committed():
        services.job_create(actor=client_user, publish_now=True, **job_fields())
    [notification] = notifications(client_user)
    assert notification.type == "job_published"


def test_withdrawn_invitation_tells_the_freelancer(committed):
    invitation = JobInvitationFactory(job=JobFactory())
    with committed():
        services.invitation_withdraw(actor=invitation.job.client, invitation=invitation)
    [notification] = notifications(invitation.freelancer)
    assert notification.type == "job_invitation_withdrawn"
