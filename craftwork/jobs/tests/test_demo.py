import random

import pytest
from faker import Faker

from craftwork.contracts.models import Contract
from craftwork.jobs.demo import seed_jobs
from craftwork.jobs.models import (
    InvitationStatus,
    Job,
    JobInvitation,
    JobStatus,
    Proposal,
    ProposalStatus,
)
from craftwork.web import demo as web_demo
from craftwork.web.demo_content import CITIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people():
    web_demo.seed(clients=8, freelancers=24, images=False, marketplace=False)


def test_seed_jobs_covers_every_state_through_the_services(demo_people):
    fake = Faker()
    fake.seed_instance(7)
    report = seed_jobs(random.Random(7), fake, count=48)
    assert report.created["jobs"] == Job.objects.count() >= 40
    statuses = set(Job.objects.values_list("status", flat=True))
    assert statuses == set(JobStatus.values)
    assert Job.objects.filter(visibility="invite_only").exists()
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert {InvitationStatus.PENDING, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED} <= set(
        JobInvitation.objects.values_list("status", flat=True)
    )
    assert Contract.objects.count() == report.created["contracts"] > 0
    assert set(Contract.objects.values_list("source", flat=True)) == {"proposal", "invitation"}

    onsite = Job.objects.filter(location_type="onsite")
    assert onsite.exists()
    for job in onsite:
        nearest = min(
            abs(float(job.latitude) - float(city[2])) + abs(float(job.longitude) - float(city[3]))
            for city in CITIES
        )
        assert nearest < 0.1 and not job.schedule_flexible and job.address

    named = web_demo.DEMO_LOGINS[2][1]
    assert Proposal.objects.filter(freelancer__email=named).exists()


def test_seed_jobs_twice_adds_nothing(demo_people):
    seed_jobs(random.Random(1), Faker(), count=10)
    before = (Job.objects.count(), Proposal.objects.count())
    report = seed_jobs(random.Random(1), Faker(), count=10)
    assert report.created["jobs"] == 0
    assert (Job.objects.count(), Proposal.objects.count()) == before
