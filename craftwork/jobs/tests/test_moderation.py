"""What moderation relies on in jobs: hidden jobs leave the public views, job_remove."""

import pytest

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.core.errors import NotFound, PermissionDenied
from craftwork.jobs import selectors, services
from craftwork.jobs.models import JobStatus, ProposalStatus
from craftwork.moderation.models import HiddenItem

from .factories import FreelancerFactory, JobFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def hide(job):
    HiddenItem.objects.create(kind="job", object_id=str(job.pk), object_uuid=job.pk)


def test_a_hidden_job_leaves_the_public_list_and_page_but_not_its_participants():
    job, other = JobFactory(), JobFactory()
    bidder = ProposalFactory(job=job).freelancer
    hide(job)
    HiddenItem.objects.create(kind="message", object_id="not-a-uuid")  # other kinds: no effect
    assert list(selectors.public_jobs()) == [other]
    with pytest.raises(NotFound):
        selectors.job_for_viewer(UserFactory(), job.pk)
    with pytest.raises(NotFound):
        selectors.job_for_viewer(None, job.pk)
    assert selectors.job_for_viewer(job.client, job.pk) == job
    assert selectors.job_for_viewer(bidder, job.pk) == job


def test_a_hidden_job_takes_no_new_proposals():
    job = JobFactory()
    hide(job)
    error = services.proposals.bid_refusal(job, FreelancerFactory())
    assert isinstance(error, PermissionDenied) and error.code == "job_hidden"


def test_job_remove_closes_an_open_job_and_declines_live_proposals():
    job = JobFactory()
    proposal = ProposalFactory(job=job)
    services.job_remove(actor=StaffFactory(), job=job, reason="Scam")
    job.refresh_from_db()
    proposal.refresh_from_db()
    assert job.status == JobStatus.CLOSED
    assert proposal.status == ProposalStatus.DECLINED


def test_job_remove_is_staff_only_and_leaves_closed_jobs_alone():
    job = JobFactory()
    for actor in (UserFactory(), job.client, None):
        with pytest.raises(NotFound):
            services.job_remove(actor=actor, job=job, reason="r")
    closed = JobFactory(status=JobStatus.CLOSED)
    services.job_remove(actor=StaffFactory(), job=closed, reason="r")
    closed.refresh_from_db()
    assert closed.status == JobStatus.CLOSED
