from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from craftwork.accounts.tests.factories import FreelancerFactory, MembershipFactory
from craftwork.contracts.models import Contract
from craftwork.jobs.models import (
    InvitationStatus,
    Job,
    JobInvitation,
    JobStatus,
    Proposal,
    ProposalStatus,
)
from craftwork.profiles.tests.factories import FreelancerProfileFactory

from .factories import ClientFactory, JobFactory, JobInvitationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def job_post_data(**overrides):
    data = {
        "title": "Paint the living room",
        "description": "Two walls and the ceiling, paint supplied, about one day of work.",
        "category": "home-services",
        "budget_type": "fixed",
        "currency": "EUR",
        "budget": "350.00",
        "location_type": "onsite",
        "address": "Calle Mayor 1, Madrid",
        "latitude": "40.416775",
        "longitude": "-3.703790",
        "service_radius_km": "15",
        "schedule_flexible": "on",
        "openings": "1",
        "visibility": "public",
        "action": "publish",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


class TestBrowse:
    def test_list_with_filters_and_constant_queries(self, client, django_assert_max_num_queries):
        def measure(params):
            with django_assert_max_num_queries(8) as queries:
                response = client.get(reverse("jobs:list"), params)
            assert response.status_code == 200
            return len(queries.captured_queries), response

        JobFactory(skills=["python"], title="Data pipeline in Python")
        small, response = measure({"skills": ["python", "django"], "q": "pipeline"})
        assert b'data-testid="job-card"' in response.content
        assert 'name="viewport"' in response.content.decode()
        for _ in range(6):
            JobFactory(skills=["python", "sql"], title="More pipeline work")
        large, response = measure({"skills": ["python", "django"], "q": "pipeline"})
        # Not more queries with more rows (fewer: the total is reused from the cache).
        assert large <= small and response.content.count(b'data-testid="job-card"') == 7

    def test_budget_filter_in_major_units(self, client):
        cheap, dear = (
            JobFactory(budget=5_000, title="Cheap job"),
            JobFactory(budget=500_000, title="Dear job"),
        )
        response = client.get(reverse("jobs:list"), {"max_amount": "100"})
        assert (
            cheap.title in response.content.decode() and dear.title not in response.content.decode()
        )

    @pytest.mark.parametrize("ordering", ["budget", "-budget"])
    def test_budget_sorts(self, client, ordering):
        cheap, hourly = JobFactory(budget=3_000, title="Cheap job"), JobFactory(hourly=True)
        response = client.get(reverse("jobs:list"), {"ordering": ordering})
        assert response.status_code == 200
        page = response.content.decode()
        in_order = page.index(cheap.title) < page.index(hourly.title)
        assert in_order == (ordering == "budget")

    def test_filter_errors_are_shown(self, client):
        response = client.get(reverse("jobs:list"), {"near": "nowhere"})
        assert response.status_code == 200 and b"errorlist" in response.content

    def test_detail_for_anonymous_freelancer_and_owner(self, client, job):
        url = reverse("jobs:detail", args=[job.pk])
        assert b'data-testid="login-to-propose"' in client.get(url).content
        freelancer_page = browser(FreelancerFactory()).get(url).content
        assert b'data-testid="submit-proposal"' in freelancer_page
        owner_page = browser(job.client).get(url).content
        assert b'data-testid="owner-panel"' in owner_page and b"submit-proposal" not in owner_page

    def test_invite_only_and_drafts_are_404(self, client):
        for job in (JobFactory(invite_only=True), JobFactory(draft=True)):
            assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
            assert (
                browser(FreelancerFactory()).get(reverse("jobs:detail", args=[job.pk])).status_code
                == 404
            )


class TestPosting:
    def test_requires_login_and_the_client_role(self, client):
        url = reverse("jobs:create")
        assert client.get(url).status_code == 302
        response = browser(FreelancerFactory()).get(url)
        assert response.status_code == 403 and b'data-testid="role-required"' in response.content

    def test_form_renders_skills_as_checkboxes(self, client_user):
        response = browser(client_user).get(reverse("jobs:create"))
        content = response.content.decode()
        assert 'type="checkbox" name="skills" value="python"' in content
        assert 'data-testid="publish-job"' in content and 'data-testid="save-draft"' in content

    def test_publish_an_onsite_job_with_an_attachment(self, client_user, pdf_upload):
        data = job_post_data(skills=["python"], attachments=pdf_upload())
        response = browser(client_user).post(reverse("jobs:create"), data)
        job = Job.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "jobs:detail", args=[job.pk]
        )
        assert job.status == JobStatus.OPEN and job.budget == 35_000 and job.currency == "EUR"
        assert job.is_onsite and job.attachments.count() == 1
        assert [s.slug for s in job.skills.all()] == ["python"]

    def test_save_as_draft_for_an_organization(self, client_user):
        membership = MembershipFactory(user=client_user)
        data = job_post_data(action="draft", organization=str(membership.organization_id))
        browser(client_user).post(reverse("jobs:create"), data)
        job = Job.objects.get()
        assert job.status == JobStatus.DRAFT and job.organization_id == membership.organization_id

    def test_errors_are_shown_next_to_fields(self, client_user):
        response = browser(client_user).post(
            reverse("jobs:create"), job_post_data(budget="0", address="", title="x")
        )
        content = response.content.decode()
        assert response.status_code == 200 and not Job.objects.exists()
        for field in ("id_budget_errors", "id_title_errors"):
            assert field in content

    def test_service_errors_land_on_the_field(self, client_user):
        response = browser(client_user).post(reverse("jobs:create"), job_post_data(address=""))
        assert "id_address_errors" in response.content.decode() and not Job.objects.exists()

    def test_scheduled_job_in_the_users_timezone(self, client_user):
        client_user.timezone = "Europe/Madrid"
        client_user.save(update_fields=["timezone"])
        start = (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT10:00")
        data = job_post_data(schedule_flexible=None, starts_at=start)
        response = browser(client_user).post(reverse("jobs:create"), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        job = Job.objects.get()
        assert job.starts_at.astimezone(timezone.get_fixed_timezone(0)).hour in (
            8,
            9,
        )  # 10:00 Madrid

    def test_edit(self, job):
        url = reverse("jobs:edit", args=[job.pk])
        owner = browser(job.client)
        assert owner.get(url).status_code == 200
        data = job_post_data(
            title="A clearer title", action=None, location_type="remote", currency="USD"
        )
        response = owner.post(url, data)
        assert response.status_code == 302
        job.refresh_from_db()
        assert job.title == "A clearer title" and job.budget == 35_000
        assert browser(ClientFactory()).get(url).status_code == 404

    def test_edit_after_bids_keeps_the_currency(self, job):
        ProposalFactory(job=job)
        response = browser(job.client).post(
            reverse("jobs:edit", args=[job.pk]),
            job_post_data(
                action=None, location_type="remote", currency="EUR", category="software-development"
            ),
        )
        assert response.status_code == 200 and "id_currency_errors" in response.content.decode()
        job.refresh_from_db()
        assert job.currency == "USD"

    def test_publish_close_cancel_buttons(self, client_user):
        draft = JobFactory(client=client_user, draft=True)
        owner = browser(client_user)
        owner.post(reverse("jobs:publish", args=[draft.pk]))
        draft.refresh_from_db()
        assert draft.status == JobStatus.OPEN
        owner.post(reverse("jobs:close", args=[draft.pk]), {"reason": "Hired elsewhere"})
        draft.refresh_from_db()
        assert draft.status == JobStatus.CLOSED
        response = owner.post(reverse("jobs:cancel", args=[draft.pk]), follow=True)
        assert b"message-error" in response.content
        assert (
            browser(ClientFactory()).post(reverse("jobs:close", args=[draft.pk])).status_code == 404
        )
        assert owner.get(reverse("jobs:close", args=[draft.pk])).status_code == 405

    def test_publishing_says_who_can_bid(self, client_user):
        owner = browser(client_user)
        public = JobFactory(client=client_user, draft=True)
        private = JobFactory(client=client_user, draft=True, invite_only=True)
        said = {
            job.visibility: owner.post(
                reverse("jobs:publish", args=[job.pk]), follow=True
            ).content.decode()
            for job in (public, private)
        }
        assert "open for proposals" in said["public"]
        assert "Only the freelancers you invite" not in said["public"]
        assert "Only the freelancers you invite can see it" in said["invite_only"]
        assert "open for proposals" not in said["invite_only"]

    def test_attachments_on_the_job_page(self, job, pdf_upload):
        owner = browser(job.client)
        owner.post(reverse("jobs:attachment-add", args=[job.pk]), {"file": pdf_upload()})
        attachment = job.attachments.get()
        url = reverse("jobs:attachment", args=[job.pk, attachment.pk])
        assert browser(FreelancerFactory()).get(url).status_code == 200
        assert Client().get(url).status_code == 302  # log in first
        owner.post(reverse("jobs:attachment-delete", args=[job.pk, attachment.pk]))
        assert not job.attachments.exists()

    def test_my_jobs(self, client_user, django_assert_max_num_queries):
        job = JobFactory(client=client_user)
        ProposalFactory(job=job)
        JobFactory()
        page = browser(client_user)
        with django_assert_max_num_queries(12):
            response = page.get(reverse("jobs:mine"))
        assert response.content.count(b'data-testid="my-job"') == 1
        assert b"1 open proposal" in response.content


class TestProposals:
    def test_submit_from_the_job_page(self, job, bidder, pdf_upload):
        response = browser(bidder).post(
            reverse("jobs:propose", args=[job.pk]),
            {"amount": "420.50", "duration_days": "7", "cover_letter": "I am the right person for it.",
             "attachments": pdf_upload()},
        )  # fmt: skip
        proposal = Proposal.objects.get()
        assert response["Location"] == reverse("jobs:proposal-detail", args=[proposal.pk])
        assert proposal.amount == 42_050 and proposal.attachments.count() == 1

    def test_double_click_makes_one_proposal(self, job, bidder):
        page = browser(bidder)
        data = {
            "amount": "420",
            "duration_days": "7",
            "cover_letter": "I am the right person for it.",
        }
        first = page.post(reverse("jobs:propose", args=[job.pk]), data)
        second = page.post(reverse("jobs:propose", args=[job.pk]), data)
        assert Proposal.objects.count() == 1
        assert first["Location"] == second["Location"]

    def test_bad_bid_shows_errors(self, job, bidder):
        response = browser(bidder).post(
            reverse("jobs:propose", args=[job.pk]),
            {"amount": "0", "duration_days": "7", "cover_letter": "short"},
        )
        assert response.status_code == 400 and b"errorlist" in response.content
        assert not Proposal.objects.exists()

    def test_closed_job_and_invite_only(self, bidder):
        closed = JobFactory(status=JobStatus.CLOSED)
        data = {
            "amount": "420",
            "duration_days": "7",
            "cover_letter": "I am the right person for it.",
        }
        response = browser(bidder).post(reverse("jobs:propose", args=[closed.pk]), data)
        assert response.status_code == 400 and not Proposal.objects.exists()
        private = JobFactory(invite_only=True)
        assert (
            browser(bidder).post(reverse("jobs:propose", args=[private.pk]), data).status_code
            == 404
        )

    def test_proposals_page_for_the_client(self, job, django_assert_max_num_queries):
        profile = FreelancerProfileFactory(published=True, skills=["python", "django"])
        ProposalFactory(job=job, freelancer=profile.user)
        for _ in range(4):
            ProposalFactory(job=job, freelancer=FreelancerProfileFactory(skills=2).user)
        page = browser(job.client)
        with django_assert_max_num_queries(14):
            response = page.get(reverse("jobs:proposals", args=[job.pk]))
        content = response.content.decode()
        assert content.count('data-testid="proposal-row"') == 5
        # Faker headlines may hold an apostrophe ("Barrister's clerk"), which the page escapes.
        assert escape(profile.headline) in content and 'data-testid="verified-email"' in content
        assert 'data-testid="accept-proposal"' in content
        assert 'data-testid="rating-inline">No reviews yet<' in content  # only real reviews count
        assert (
            browser(ClientFactory()).get(reverse("jobs:proposals", args=[job.pk])).status_code
            == 404
        )

    def test_accept_redirects_to_the_contract(self, job):
        proposal = ProposalFactory(job=job)
        response = browser(job.client).post(reverse("jobs:proposal-accept", args=[proposal.pk]))
        contract = Contract.objects.get()
        assert response["Location"] == reverse("contracts:detail", args=[contract.pk])
        again = browser(job.client).post(
            reverse("jobs:proposal-accept", args=[ProposalFactory(job=job).pk]), follow=True
        )
        assert b"message-error" in again.content and Contract.objects.count() == 1

    def test_shortlist_decline_and_safe_next(self, job):
        proposal = ProposalFactory(job=job)
        page = browser(job.client)
        response = page.post(
            reverse("jobs:proposal-shortlist", args=[proposal.pk]),
            {"next": "https://evil.example.com/"},
        )
        assert response["Location"] == reverse("jobs:proposals", args=[job.pk])
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SHORTLISTED
        page.post(reverse("jobs:proposal-decline", args=[proposal.pk]), {"reason": "Too far"})
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DECLINED and proposal.decline_reason == "Too far"

    def test_proposal_attachments_owner_only_and_missing_file(self, job, pdf_upload):
        proposal = ProposalFactory(job=job)
        owner = browser(proposal.freelancer)
        add = reverse("jobs:proposal-attachment-add", args=[proposal.pk])
        response = owner.post(add, {}, follow=True)
        assert b"message-error" in response.content
        assert not proposal.attachments.exists()
        assert browser(FreelancerFactory()).post(add, {"file": pdf_upload()}).status_code == 404
        assert not proposal.attachments.exists()

        owner.post(add, {"file": pdf_upload()})
        attachment = proposal.attachments.get()
        delete = reverse("jobs:proposal-attachment-delete", args=[proposal.pk, attachment.pk])
        assert browser(FreelancerFactory()).post(delete).status_code == 404
        assert proposal.attachments.exists()
        owner.post(delete)
        assert not proposal.attachments.exists()

    def test_freelancer_pages(self, job, bidder, django_assert_max_num_queries):
        proposal = ProposalFactory(job=job, freelancer=bidder)
        for _ in range(3):
            ProposalFactory(freelancer=bidder)
        page = browser(bidder)
        with django_assert_max_num_queries(10):
            response = page.get(reverse("jobs:my-proposals"))
        assert response.content.count(b'data-testid="my-proposal"') == 4
        detail = page.get(reverse("jobs:proposal-detail", args=[proposal.pk])).content
        assert (
            b'data-testid="proposal-edit-form"' in detail
            and b'data-testid="withdraw-proposal"' in detail
        )
        page.post(
            reverse("jobs:proposal-edit", args=[proposal.pk]),
            {
                "amount": "399.99",
                "duration_days": "9",
                "cover_letter": "Updated plan with more detail.",
            },
        )
        proposal.refresh_from_db()
        assert proposal.amount == 39_999
        page.post(reverse("jobs:proposal-withdraw", args=[proposal.pk]))
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.WITHDRAWN

    def test_strangers_get_404(self, job):
        proposal = ProposalFactory(job=job)
        stranger = browser(FreelancerFactory())
        assert stranger.get(reverse("jobs:proposal-detail", args=[proposal.pk])).status_code == 404
        assert (
            stranger.post(reverse("jobs:proposal-withdraw", args=[proposal.pk])).status_code == 404
        )
        assert (
            browser(ClientFactory())
            .post(reverse("jobs:proposal-accept", args=[proposal.pk]))
            .status_code
            == 404
        )
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SUBMITTED


class TestInvitations:
    def test_invite_from_a_profile_and_accept(self, job):
        profile = FreelancerProfileFactory(published=True)
        owner = browser(job.client)
        candidates = owner.get(reverse("jobs:invite", args=[job.pk]))
        assert candidates.status_code == 200
        url = reverse("jobs:invite-freelancer", args=[profile.pk])
        assert owner.get(url, {"job": str(job.pk)}).status_code == 200
        response = owner.post(url, {"job": str(job.pk), "role": "Backend lead", "amount": "300"})
        invitation = JobInvitation.objects.get()
        assert response["Location"] == reverse("jobs:invitation-detail", args=[invitation.pk])
        assert invitation.amount == 30_000 and invitation.role == "Backend lead"

        freelancer = browser(profile.user)
        listing = freelancer.get(reverse("jobs:invitations")).content
        assert b'data-testid="invitation-received"' in listing
        assert b'data-testid="accept-invitation"' in freelancer.get(response["Location"]).content
        accepted = freelancer.post(reverse("jobs:invitation-accept", args=[invitation.pk]))
        contract = Contract.objects.get()
        assert accepted["Location"] == reverse("contracts:detail", args=[contract.pk])

    def test_invite_form_errors(self, job):
        profile = FreelancerProfileFactory(published=True)
        response = browser(job.client).post(
            reverse("jobs:invite-freelancer", args=[profile.pk]),
            {"job": str(job.pk), "role": "", "amount": ""},
        )
        assert response.status_code == 400 and not JobInvitation.objects.exists()

    def test_no_open_jobs(self, client_user):
        profile = FreelancerProfileFactory(published=True)
        response = browser(client_user).get(reverse("jobs:invite-freelancer", args=[profile.pk]))
        assert b"no open job" in response.content

    def test_decline_and_withdraw(self, job):
        declined, withdrawn = JobInvitationFactory(job=job), JobInvitationFactory(job=job)
        browser(declined.freelancer).post(
            reverse("jobs:invitation-decline", args=[declined.pk]), {"reason": "Fully booked"}
        )
        browser(job.client).post(reverse("jobs:invitation-withdraw", args=[withdrawn.pk]))
        declined.refresh_from_db()
        withdrawn.refresh_from_db()
        assert declined.status == InvitationStatus.DECLINED
        assert withdrawn.status == InvitationStatus.WITHDRAWN
        stranger = browser(FreelancerFactory())
        assert (
            stranger.get(reverse("jobs:invitation-detail", args=[declined.pk])).status_code == 404
        )

    def test_expired_invitation_offers_no_accept(self, job):
        invitation = JobInvitationFactory(job=job, expires_at=timezone.now() - timedelta(hours=1))
        page = browser(invitation.freelancer).get(
            reverse("jobs:invitation-detail", args=[invitation.pk])
        )
        assert b"accept-invitation" not in page.content and b"Expired" in page.content
