"""Races that only a database with real row locks can show (run with DATABASE_URL=postgres://...)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory
from craftwork.contracts.models import Contract
from craftwork.core.errors import Conflict
from craftwork.core.models import AuditLog
from craftwork.core.tests.concurrency import race
from craftwork.jobs import services
from craftwork.jobs.models import InvitationStatus, Job, JobStatus, Proposal, ProposalStatus

from .factories import JobFactory, JobInvitationFactory, ProposalFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_twenty_simultaneous_accepts_hire_exactly_one():
    job = JobFactory(openings=1)
    proposals = [ProposalFactory(job=job) for _ in range(20)]
    results = race(
        *[(lambda p=p: services.proposal_accept(actor=job.client, proposal=p)) for p in proposals]
    )
    winners = [value for kind, value in results if kind == "ok"]
    errors = [value for kind, value in results if kind == "error"]
    assert len(winners) == 1 and len(errors) == 19
    assert all(isinstance(e, Conflict) and e.code == "job_filled" for e in errors), errors
    assert Contract.objects.count() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FILLED and job.hired_count == 1
    statuses = sorted(Proposal.objects.filter(job=job).values_list("status", flat=True))
    assert statuses.count(ProposalStatus.ACCEPTED) == 1
    assert statuses.count(ProposalStatus.DECLINED) == 19
    accepted = Proposal.objects.get(job=job, status=ProposalStatus.ACCEPTED)
    assert accepted.contract_id == winners[0].pk


def test_accepting_the_same_proposal_twice_at_once_makes_one_contract():
    job = JobFactory(openings=3)
    proposal = ProposalFactory(job=job)
    results = race(*[lambda: services.proposal_accept(actor=job.client, proposal=proposal)] * 5)
    assert sorted(kind for kind, _ in results).count("ok") == 1
    assert Contract.objects.count() == 1
    job.refresh_from_db()
    assert job.hired_count == 1 and job.status == JobStatus.OPEN


def test_a_double_submitted_proposal_creates_one():
    job = JobFactory()
    freelancer = FreelancerFactory()

    def submit():
        return services.proposal_submit(
            actor=freelancer, job=job, amount=40_000, duration_days=5,
            cover_letter="Submitted twice by an impatient double click.",
        )  # fmt: skip

    results = race(submit, submit, submit, submit)
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "error", "error", "ok"]
    assert all(
        isinstance(value, Conflict) and value.code == "proposal_exists"
        for kind, value in results
        if kind == "error"
    )
    assert Proposal.objects.filter(job=job, freelancer=freelancer).count() == 1


def test_an_invitation_and_a_proposal_race_for_the_last_opening():
    job = JobFactory(openings=1)
    proposal = ProposalFactory(job=job)
    invitation = JobInvitationFactory(job=job)
    results = race(
        lambda: services.proposal_accept(actor=job.client, proposal=proposal),
        lambda: services.invitation_accept(actor=invitation.freelancer, invitation=invitation),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    assert Contract.objects.count() == 1
    assert Job.objects.get(pk=job.pk).hired_count == 1


def test_expiry_running_twice_at_once_expires_each_invitation_once():
    job = JobFactory(openings=5)
    past = timezone.now() - timedelta(hours=1)
    invitations = [JobInvitationFactory(job=job, expires_at=past) for _ in range(30)]
    results = race(services.invitations_expire, services.invitations_expire)
    assert all(kind == "ok" for kind, _ in results)
    assert sum(value for _kind, value in results) == 30
    assert all(
        status == InvitationStatus.EXPIRED
        for status in job.invitations.values_list("status", flat=True)
    )
    expired_rows = AuditLog.objects.filter(
        action="jobs.invitation_expire", object_id__in=[str(i.pk) for i in invitations]
    )
    assert expired_rows.count() == 30
