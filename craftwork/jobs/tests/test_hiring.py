"""Accepting proposals and invitations: the contract, the head count, the wind-down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.models import Contract
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.models import OutboxEvent
from craftwork.jobs import services
from craftwork.jobs.models import InvitationStatus, Job, JobInvitation, JobStatus, ProposalStatus

from .factories import ClientFactory, JobFactory, JobInvitationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def event_names():
    return list(OutboxEvent.objects.order_by("created_at").values_list("name", flat=True))


class TestProposalAccept:
    def test_accept_creates_the_contract_and_fills_a_one_opening_job(self, job):
        chosen = ProposalFactory(job=job, amount=42_000, duration_days=12)
        others = [
            ProposalFactory(job=job),
            ProposalFactory(job=job, status=ProposalStatus.SHORTLISTED),
        ]
        invitation = JobInvitationFactory(job=job)
        contract = services.proposal_accept(actor=job.client, proposal=chosen)

        assert contract.source == "proposal" and contract.source_ref == f"proposal:{chosen.pk}"
        assert (contract.client, contract.provider) == (job.client, chosen.freelancer)
        assert (contract.kind, contract.currency, contract.amount_minor) == ("fixed", "USD", 42_000)
        assert contract.category_slug == "software-development"
        milestone = contract.milestones.get()
        assert milestone.amount_minor == 42_000
        assert milestone.due_date == timezone.localdate() + timedelta(days=12)

        chosen.refresh_from_db()
        assert chosen.status == ProposalStatus.ACCEPTED and chosen.contract_id == contract.pk
        job.refresh_from_db()
        assert job.status == JobStatus.FILLED and job.hired_count == 1
        for other in others:
            other.refresh_from_db()
            assert other.status == ProposalStatus.DECLINED
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.WITHDRAWN
        names = event_names()
        assert names.count("jobs.proposal_accepted") == 1
        assert names.count("jobs.proposal_declined") == 2

    def test_two_openings_stay_open_after_the_first_hire(self, client_user):
        job = JobFactory(client=client_user, openings=2)
        first, second, third = (ProposalFactory(job=job) for _ in range(3))
        services.proposal_accept(actor=client_user, proposal=first)
        job.refresh_from_db()
        assert job.status == JobStatus.OPEN and job.openings_left == 1
        third.refresh_from_db()
        assert third.status == ProposalStatus.SUBMITTED
        services.proposal_accept(actor=client_user, proposal=second)
        job.refresh_from_db()
        third.refresh_from_db()
        assert job.status == JobStatus.FILLED and third.status == ProposalStatus.DECLINED

    def test_hourly_terms(self, client_user):
        job = JobFactory(client=client_user, hourly=True)
        proposal = ProposalFactory(job=job, hourly_rate=5_500)
        contract = services.proposal_accept(actor=client_user, proposal=proposal)
        assert contract.kind == "hourly" and contract.hourly_rate_minor == 5_500
        assert contract.weekly_limit_minutes == 20 * 60
        assert not contract.milestones.exists()

    def test_accepting_on_a_filled_job_is_a_conflict(self, job):
        first, second = ProposalFactory(job=job), ProposalFactory(job=job)
        services.proposal_accept(actor=job.client, proposal=first)
        with pytest.raises(Conflict) as error:
            services.proposal_accept(actor=job.client, proposal=second)
        assert error.value.code == "job_filled"
        assert Contract.objects.count() == 1

    def test_accepting_a_withdrawn_proposal(self, job):
        proposal = ProposalFactory(job=job, status=ProposalStatus.WITHDRAWN)
        with pytest.raises(InvalidTransition):
            services.proposal_accept(actor=job.client, proposal=proposal)
        assert not Contract.objects.exists()
        job.refresh_from_db()
        assert job.hired_count == 0

    def test_accepting_on_a_closed_job(self, job):
        proposal = ProposalFactory(job=job)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.CLOSED)
        with pytest.raises(InvalidTransition) as error:
            services.proposal_accept(actor=job.client, proposal=proposal)
        assert error.value.code == "job_not_open"

    def test_another_client_cannot_accept(self, job):
        proposal = ProposalFactory(job=job)
        with pytest.raises(NotFound):
            services.proposal_accept(actor=ClientFactory(), proposal=proposal)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SUBMITTED and not Contract.objects.exists()

    def test_terms_cannot_change_after_acceptance(self, job):
        proposal = ProposalFactory(job=job)
        contract = services.proposal_accept(actor=job.client, proposal=proposal)
        with pytest.raises(ValidationFailed) as error:
            services.proposal_update(actor=proposal.freelancer, proposal=proposal, amount=99_000)
        assert error.value.code == "proposal_decided"
        with pytest.raises(ValidationFailed) as error:
            services.job_update(actor=job.client, job=job, budget=99_000)
        assert error.value.code == "job_not_editable"  # filled
        contract.refresh_from_db()
        assert contract.amount_minor == proposal.amount

    def test_terms_locked_while_more_openings_remain(self, client_user):
        job = JobFactory(client=client_user, openings=3)
        services.proposal_accept(actor=client_user, proposal=ProposalFactory(job=job))
        with pytest.raises(ValidationFailed) as error:
            services.job_update(actor=client_user, job=job, currency="EUR")
        assert error.value.code == "terms_locked"
        with pytest.raises(ValidationFailed) as error:
            services.job_update(actor=client_user, job=job, openings=0)
        assert "openings" in error.value.details
        waiting = ProposalFactory(job=job)
        services.job_update(actor=client_user, job=job, openings=1)
        job.refresh_from_db()
        waiting.refresh_from_db()
        assert job.openings == 1 and job.status == JobStatus.FILLED
        assert waiting.status == ProposalStatus.DECLINED

    def test_a_hired_freelancer_cannot_bid_again(self, client_user):
        job = JobFactory(client=client_user, openings=2)
        proposal = ProposalFactory(job=job)
        services.proposal_accept(actor=client_user, proposal=proposal)
        with pytest.raises(Conflict):
            services.proposal_submit(
                actor=proposal.freelancer, job=job, amount=100, duration_days=3,
                cover_letter="Another bid from the same person.",
            )  # fmt: skip


class TestInvitations:
    def send(self, job, freelancer=None, **overrides):
        values = {"role": "Backend developer", "amount": 30_000}
        values.update(overrides)
        return services.invitation_send(
            actor=job.client, job=job, freelancer=freelancer or FreelancerFactory(), **values
        )

    def test_send(self, job, settings):
        settings.JOB_INVITATION_DAYS = 3
        invitation = self.send(job, message="We liked your portfolio.")
        assert invitation.status == InvitationStatus.PENDING and invitation.currency == "USD"
        assert (
            timedelta(days=2, hours=23)
            < invitation.expires_at - timezone.now()
            <= timedelta(days=3)
        )
        assert "jobs.invitation_sent" in event_names()

    def test_a_team_with_different_roles(self, client_user):
        job = JobFactory(client=client_user, openings=3)
        roles = ["Designer", "Frontend developer", "Backend developer"]
        for role in roles:
            self.send(job, role=role)
        assert sorted(job.invitations.values_list("role", flat=True)) == sorted(roles)

    def test_hourly_invitation_defaults_to_the_jobs_weekly_hours(self, client_user):
        job = JobFactory(client=client_user, hourly=True)
        invitation = self.send(job, amount=None, hourly_rate=6_000)
        assert invitation.weekly_hours == 20 and invitation.amount is None
        with pytest.raises(ValidationFailed):
            self.send(job, amount=None, hourly_rate=6_000, weekly_hours=200)

    @pytest.mark.parametrize(
        "overrides", [{"amount": 0}, {"amount": -5}, {"role": ""}, {"amount": None}]
    )
    def test_bad_terms(self, job, overrides):
        with pytest.raises(ValidationFailed):
            self.send(job, **overrides)
        assert not JobInvitation.objects.exists()

    def test_refusals(self, job):
        with pytest.raises(PermissionDenied) as error:
            self.send(job, freelancer=ClientFactory())
        assert error.value.code == "not_freelancer"
        freelancer = FreelancerFactory()
        self.send(job, freelancer=freelancer)
        with pytest.raises(Conflict) as error:
            self.send(job, freelancer=freelancer)
        assert error.value.code == "already_invited"
        with pytest.raises(NotFound):
            services.invitation_send(
                actor=ClientFactory(), job=job, freelancer=FreelancerFactory(), role="x y", amount=1
            )
        myself = UserFactory(is_client=True, is_freelancer=True)
        own = JobFactory(client=myself)
        with pytest.raises(PermissionDenied):
            self.send(own, freelancer=myself)

    def test_not_for_closed_jobs(self):
        job = JobFactory(status=JobStatus.CLOSED)
        with pytest.raises(InvalidTransition):
            self.send(job)

    def test_accept_creates_the_contract(self, client_user):
        job = JobFactory(client=client_user, openings=2)
        freelancer = FreelancerFactory()
        ProposalFactory(job=job, freelancer=freelancer)  # their open bid is superseded
        invitation = self.send(job, freelancer=freelancer, amount=31_000)
        contract = services.invitation_accept(actor=freelancer, invitation=invitation)
        assert contract.source == "invitation" and contract.amount_minor == 31_000
        assert contract.provider == freelancer
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.ACCEPTED
        assert invitation.contract_id == contract.pk and invitation.responded_at
        assert job.proposals.get(freelancer=freelancer).status == ProposalStatus.WITHDRAWN
        job.refresh_from_db()
        assert job.hired_count == 1 and job.status == JobStatus.OPEN
        assert "jobs.invitation_accepted" in event_names()

    def test_the_last_opening_fills_the_job(self, job):
        invitation = self.send(job)
        bid = ProposalFactory(job=job)
        services.invitation_accept(actor=invitation.freelancer, invitation=invitation)
        job.refresh_from_db()
        bid.refresh_from_db()
        assert job.status == JobStatus.FILLED and bid.status == ProposalStatus.DECLINED

    def test_hourly_invitation_contract(self, client_user):
        job = JobFactory(client=client_user, hourly=True)
        invitation = self.send(job, amount=None, hourly_rate=7_000, weekly_hours=15)
        contract = services.invitation_accept(actor=invitation.freelancer, invitation=invitation)
        assert contract.kind == "hourly" and contract.weekly_limit_minutes == 15 * 60

    def test_only_the_invitee_answers(self, job):
        invitation = self.send(job)
        for actor in (job.client, FreelancerFactory()):
            with pytest.raises(NotFound):
                services.invitation_accept(actor=actor, invitation=invitation)
            with pytest.raises(NotFound):
                services.invitation_decline(actor=actor, invitation=invitation)
        with pytest.raises(NotFound):
            services.invitation_withdraw(actor=invitation.freelancer, invitation=invitation)
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.PENDING

    def test_decline_and_withdraw(self, job):
        declined = self.send(job)
        services.invitation_decline(actor=declined.freelancer, invitation=declined, reason="Busy")
        declined.refresh_from_db()
        assert declined.status == InvitationStatus.DECLINED and declined.decline_reason == "Busy"
        with pytest.raises(InvalidTransition):
            services.invitation_accept(actor=declined.freelancer, invitation=declined)
        withdrawn = self.send(job)
        services.invitation_withdraw(actor=job.client, invitation=withdrawn)
        withdrawn.refresh_from_db()
        assert withdrawn.status == InvitationStatus.WITHDRAWN
        assert {"jobs.invitation_declined", "jobs.invitation_withdrawn"} <= set(event_names())

    def test_an_expired_invitation_cannot_be_accepted(self, job):
        invitation = JobInvitationFactory(job=job, expires_at=timezone.now() - timedelta(minutes=1))
        with pytest.raises(InvalidTransition) as error:
            services.invitation_accept(actor=invitation.freelancer, invitation=invitation)
        assert error.value.code == "invitation_expired"
        assert not Contract.objects.exists()

    def test_expiry_is_safe_to_run_twice(self, job):
        past = timezone.now() - timedelta(hours=1)
        stale = [JobInvitationFactory(job=job, expires_at=past) for _ in range(3)]
        fresh = JobInvitationFactory(job=job)
        answered = JobInvitationFactory(job=job, expires_at=past, status=InvitationStatus.DECLINED)
        assert services.invitations_expire() == 3
        assert services.invitations_expire() == 0
        for invitation in stale:
            invitation.refresh_from_db()
            assert invitation.status == InvitationStatus.EXPIRED
        fresh.refresh_from_db()
        answered.refresh_from_db()
        assert fresh.status == InvitationStatus.PENDING
        assert answered.status == InvitationStatus.DECLINED

    def test_the_beat_task(self, job):
        from craftwork.jobs.tasks import expire_job_invitations

        JobInvitationFactory(job=job, expires_at=timezone.now() - timedelta(seconds=1))
        assert expire_job_invitations.delay().get() == 1

    def test_invitation_to_someone_already_hired(self, client_user):
        job = JobFactory(client=client_user, openings=2)
        proposal = ProposalFactory(job=job)
        services.proposal_accept(actor=client_user, proposal=proposal)
        with pytest.raises(Conflict) as error:
            self.send(job, freelancer=proposal.freelancer)
        assert error.value.code == "already_hired"
