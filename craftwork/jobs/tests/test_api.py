from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory, MembershipFactory, UserFactory
from craftwork.contracts.models import Contract
from craftwork.core.tests.documents import HTML_IN_PDF, scripted_pdf
from craftwork.jobs.models import Job, JobInvitation, JobStatus, Proposal, ProposalStatus
from craftwork.profiles.tests.factories import FreelancerProfileFactory

from .conftest import api_for
from .factories import ClientFactory, JobFactory, JobInvitationFactory, ProposalFactory, category

pytestmark = pytest.mark.django_db

JOBS = "/api/v1/jobs/"
MINE = "/api/v1/jobs/mine/"
MY_PROPOSALS = "/api/v1/proposals/mine/"
MY_INVITATIONS = "/api/v1/job-invitations/mine/"
SENT_INVITATIONS = "/api/v1/job-invitations/sent/"


def job_url(job, suffix=""):
    return f"{JOBS}{job.pk}/{suffix}"


def proposal_url(proposal, suffix=""):
    return f"/api/v1/proposals/{proposal.pk}/{suffix}"


def invitation_url(invitation, suffix=""):
    return f"/api/v1/job-invitations/{invitation.pk}/{suffix}"


CREATE_BODY = {
    "title": "Build a booking API",
    "description": "We need a REST API for bookings, with tests and documentation.",
    "category": "software-development",
    "skills": ["python", "django"],
    "budget_type": "fixed",
    "currency": "USD",
    "budget": 50000,
}
BID = {"amount": 45000, "duration_days": 10, "cover_letter": "I have done this many times before."}


def ids(response):
    return [row["id"] for row in response.json()["results"]]


# --- public list and detail ---------------------------------------------------------------------


class TestPublicList:
    def test_only_open_public_jobs(self, api_client):
        visible = JobFactory()
        JobFactory(draft=True)
        JobFactory(invite_only=True)
        JobFactory(status=JobStatus.CLOSED)
        JobFactory(client=ClientFactory(is_active=False))
        response = api_client.get(JOBS)
        assert response.status_code == 200
        assert ids(response) == [str(visible.pk)]
        card = response.json()["results"][0]
        assert (
            card["budget_display"] == "$500.00"
            and card["category"]["slug"] == "software-development"
        )
        assert "client" not in card and "email" not in str(card)

    def test_filters(self, api_client):
        python = JobFactory(skills=["python"], title="Python pipeline work")
        react = JobFactory(
            skills=["react"], category=category("web-mobile"), hourly=True, title="React dashboard"
        )
        cleaning = JobFactory(category=category("home-services"), onsite=True, budget=9_000)
        far = JobFactory(onsite=True, latitude=Decimal("51.5"), longitude=Decimal("-0.12"))
        scheduled = JobFactory(scheduled=True)

        def query(params):
            response = api_client.get(JOBS, params)
            assert response.status_code == 200, response.json()
            return set(ids(response))

        assert query({"q": "pipeline"}) == {str(python.pk)}
        assert query({"skills": ["python", "react"]}) == {str(python.pk), str(react.pk)}
        assert query({"category": "web-mobile"}) == {str(react.pk)}
        assert query({"budget_type": "hourly"}) == {str(react.pk)}
        assert query({"location_type": "onsite"}) == {str(cleaning.pk), str(far.pk)}
        assert query({"near": "40.42,-3.70", "radius_km": 20}) == {str(cleaning.pk)}
        assert query({"max_budget": 10_000}) == {str(cleaning.pk), str(react.pk)}
        assert str(cleaning.pk) not in query({"min_budget": 20_000})
        in_window = query({"date_from": (timezone.now() + timedelta(days=8)).date().isoformat()})
        assert str(scheduled.pk) in in_window and str(python.pk) in in_window  # flexible fits
        too_late = query({"date_from": (timezone.now() + timedelta(days=30)).date().isoformat()})
        assert str(scheduled.pk) not in too_late

    @pytest.mark.parametrize("ordering", ["budget", "-budget"])
    def test_budget_ordering_mixes_fixed_budgets_and_hourly_rates(self, api_client, ordering):
        low = JobFactory(budget=3_000)
        hourly = JobFactory(hourly=True)  # sorts by its top rate, 6_000
        high = JobFactory(budget=90_000)
        response = api_client.get(JOBS, {"ordering": ordering})
        assert response.status_code == 200, response.content
        expected = [str(low.pk), str(hourly.pk), str(high.pk)]
        if ordering == "-budget":
            expected.reverse()
        assert [row["id"] for row in response.json()["results"]] == expected

    def test_distance_is_reported_and_sorted(self, api_client):
        near = JobFactory(onsite=True)
        farther = JobFactory(onsite=True, latitude=Decimal("40.50"), longitude=Decimal("-3.70"))
        response = api_client.get(JOBS, {"near": "40.4168,-3.7038", "radius_km": 50})
        rows = response.json()["results"]
        assert [row["id"] for row in rows] == [str(near.pk), str(farther.pk)]
        assert rows[0]["distance_km"] < 1 < rows[1]["distance_km"]

    @pytest.mark.parametrize(
        "params",
        [{"near": "north"}, {"near": "95,0"}, {"radius_km": 0}, {"min_budget": -1},
         {"budget_type": "barter"}, {"date_from": "yesterday"}, {"skills": "no-such-skill"}],
    )  # fmt: skip
    def test_bad_filters_are_400(self, api_client, params):
        response = api_client.get(JOBS, params)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"

    def test_query_count_is_constant(self, api_client, django_assert_max_num_queries):
        def measure():
            with django_assert_max_num_queries(4) as queries:
                response = api_client.get(
                    JOBS, {"skills": "python", "near": "40.4,-3.7", "radius_km": 500}
                )
            assert response.status_code == 200
            return len(queries.captured_queries), len(response.json()["results"])

        for _ in range(2):
            JobFactory(onsite=True, skills=["python", "django"])
        small = measure()
        for _ in range(8):
            JobFactory(onsite=True, skills=["python", "django", "sql"])
        large = measure()
        assert small[0] == large[0] and (small[1], large[1]) == (2, 10)


class TestDetail:
    def test_anonymous_sees_a_public_job(self, api_client, job):
        body = api_client.get(job_url(job)).json()
        assert body["title"] == job.title
        assert body["viewer"]["can_propose"] is False
        assert body["viewer"]["cannot_propose_code"] == "not_authenticated"

    def test_markdown_is_sanitised(self, api_client):
        job = JobFactory(
            description="Hello <script>alert(1)</script> **bold** [x](javascript:alert(1))"
        )
        html = api_client.get(job_url(job)).json()["description_html"]
        assert (
            "<script>" not in html and "javascript:" not in html and "<strong>bold</strong>" in html
        )

    def test_drafts_and_invite_only_jobs_are_404_to_strangers(self, api_client):
        draft, private = JobFactory(draft=True), JobFactory(invite_only=True)
        stranger = api_for(FreelancerFactory())
        for job in (draft, private):
            assert api_client.get(job_url(job)).status_code == 404
            assert stranger.get(job_url(job)).status_code == 404
            assert api_for(job.client).get(job_url(job)).status_code == 200
        invited = JobInvitationFactory(job=private).freelancer
        body = api_for(invited).get(job_url(private)).json()
        assert body["viewer"]["can_propose"] is True and body["viewer"]["my_invitation_id"]

    def test_viewer_block_for_a_bidder_and_the_owner(self, job):
        proposal = ProposalFactory(job=job)
        body = api_for(proposal.freelancer).get(job_url(job)).json()
        assert body["viewer"]["my_proposal_id"] == str(proposal.pk)
        assert body["viewer"]["cannot_propose_code"] == "proposal_exists"
        owner = api_for(job.client).get(job_url(job)).json()["viewer"]
        assert owner["is_owner"] and owner["actions"] == ["close", "cancel"]

    def test_unknown_id(self, api_client):
        response = api_client.get(f"{JOBS}00000000-0000-0000-0000-000000000000/")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


# --- posting and managing -------------------------------------------------------------------------


class TestCreateAndEdit:
    def test_create_a_draft_then_publish(self, client_user):
        api = api_for(client_user)
        response = api.post(JOBS, CREATE_BODY, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "draft" and [s["slug"] for s in body["skills"]] == [
            "django",
            "python",
        ]
        response = api.post(f"{JOBS}{body['id']}/publish/")
        assert response.json()["status"] == "open"

    def test_create_published_for_an_organization(self, client_user):
        membership = MembershipFactory(user=client_user)
        body = {**CREATE_BODY, "publish": True, "organization": str(membership.organization_id)}
        response = api_for(client_user).post(JOBS, body, format="json")
        assert response.status_code == 201
        assert response.json()["organization"] == membership.organization.name
        assert response.json()["status"] == "open"

    def test_not_a_member_of_the_organization(self, client_user):
        other = MembershipFactory().organization
        response = api_for(client_user).post(
            JOBS, {**CREATE_BODY, "organization": str(other.pk)}, format="json"
        )
        assert response.status_code == 400
        assert "organization" in response.json()["error"]["details"]
        assert not Job.objects.exists()

    def test_anonymous_and_freelancers_cannot_post(self, api_client):
        assert api_client.post(JOBS, CREATE_BODY, format="json").status_code in (401, 403)
        response = api_for(FreelancerFactory()).post(JOBS, CREATE_BODY, format="json")
        assert response.status_code == 403 and response.json()["error"]["code"] == "not_client"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"budget": 0}, "budget"),
            ({"budget": -1}, "budget"),
            ({"budget": "lots"}, "budget"),
            ({"budget": None}, "budget"),
            ({"title": "x" * 500}, "title"),
            ({"category": "nope"}, "category"),
            ({"skills": ["not-a-skill"]}, "skills"),
            ({"openings": 51}, "openings"),
            ({"status": "open"}, "status"),
            ({"currency": "BTC"}, "currency"),
            ({"location_type": "onsite"}, "address"),
        ],
    )
    def test_bad_input(self, client_user, changes, field):
        response = api_for(client_user).post(JOBS, {**CREATE_BODY, **changes}, format="json")
        assert response.status_code == 400, response.json()
        assert field in response.json()["error"]["details"]
        assert not Job.objects.exists()

    def test_patch_and_terms_locked(self, job):
        api = api_for(job.client)
        response = api.patch(job_url(job), {"title": "A sharper title"}, format="json")
        assert response.status_code == 200 and response.json()["title"] == "A sharper title"
        ProposalFactory(job=job)
        response = api.patch(job_url(job), {"currency": "EUR"}, format="json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "terms_locked"

    def test_someone_elses_job_is_404_and_unchanged(self, job):
        api = api_for(ClientFactory())
        assert (
            api.patch(job_url(job), {"title": "Hijacked title"}, format="json").status_code == 404
        )
        for action in ("publish/", "close/", "cancel/", "proposals/", "invitations/"):
            method = api.get if action in ("proposals/", "invitations/") else api.post
            assert method(job_url(job, action)).status_code == 404, action
        job.refresh_from_db()
        assert job.title != "Hijacked title" and job.status == JobStatus.OPEN

    def test_close_and_cancel(self, client_user):
        open_job, draft = JobFactory(client=client_user), JobFactory(client=client_user, draft=True)
        api = api_for(client_user)
        assert (
            api.post(job_url(open_job, "close/"), {"reason": "Done"}, format="json").json()[
                "status"
            ]
            == "closed"
        )
        assert api.post(job_url(draft, "cancel/")).json()["status"] == "cancelled"
        response = api.post(job_url(draft, "publish/"))
        assert (
            response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"
        )

    def test_my_jobs_counts_and_query_count(self, client_user, django_assert_max_num_queries):
        api = api_for(client_user)

        def measure():
            with django_assert_max_num_queries(4) as queries:
                response = api.get(MINE)
            assert response.status_code == 200
            return len(queries.captured_queries), response.json()["results"]

        job = JobFactory(client=client_user)
        ProposalFactory(job=job)
        ProposalFactory(job=job, status=ProposalStatus.SHORTLISTED)
        ProposalFactory(job=job, status=ProposalStatus.WITHDRAWN)
        JobInvitationFactory(job=job)
        JobFactory()  # someone else's
        small_count, rows = measure()
        assert len(rows) == 1
        assert (rows[0]["live_proposal_count"], rows[0]["shortlisted_count"]) == (2, 1)
        assert rows[0]["pending_invitation_count"] == 1 and rows[0]["actions"] == [
            "close",
            "cancel",
        ]
        for _ in range(5):
            ProposalFactory(job=JobFactory(client=client_user, skills=["python"]))
        large_count, rows = measure()
        assert small_count == large_count and len(rows) == 6
        assert len(api.get(MINE, {"status": "draft"}).json()["results"]) == 0


class TestAttachmentsApi:
    def test_upload_download_and_delete(self, job, pdf_upload):
        api = api_for(job.client)
        response = api.post(
            job_url(job, "attachments/"), {"file": pdf_upload()}, format="multipart"
        )
        assert response.status_code == 201, response.json()
        url = response.json()["url"]
        download = api_for(FreelancerFactory()).get(url)
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(
            b"%PDF"
        )
        assert "attachment" in download["Content-Disposition"]
        assert APIClient().get(url).status_code in (401, 403)
        assert api_for(ClientFactory()).delete(url).status_code == 404
        assert api.delete(url).status_code == 204

    def test_not_a_document(self, job):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain")
        response = api_for(job.client).post(
            job_url(job, "attachments/"), {"file": upload}, format="multipart"
        )
        assert response.status_code == 400 and not job.attachments.exists()

    def test_a_pdf_that_runs_a_script_is_refused(self, job):
        upload = SimpleUploadedFile("brief.pdf", scripted_pdf(), content_type="application/pdf")
        response = api_for(job.client).post(
            job_url(job, "attachments/"), {"file": upload}, format="multipart"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "unsafe_document"
        assert not job.attachments.exists()

    def test_the_type_and_name_come_from_the_content(self, job):
        upload = SimpleUploadedFile("brief.html", HTML_IN_PDF, content_type="text/html")
        response = api_for(job.client).post(
            job_url(job, "attachments/"), {"file": upload}, format="multipart"
        )
        assert response.status_code == 201, response.json()
        attachment = job.attachments.get()
        assert attachment.original_name == "brief.pdf" and attachment.file.name.endswith(".pdf")
        download = api_for(FreelancerFactory()).get(response.json()["url"])
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="brief.pdf"'
        assert download["X-Content-Type-Options"] == "nosniff"

    def test_draft_attachments_are_404_to_strangers(self, client_user, pdf_upload):
        draft = JobFactory(client=client_user, draft=True)
        response = api_for(client_user).post(
            job_url(draft, "attachments/"), {"file": pdf_upload()}, format="multipart"
        )
        assert api_for(FreelancerFactory()).get(response.json()["url"]).status_code == 404


# --- proposals ------------------------------------------------------------------------------------------


class TestProposalsApi:
    def test_submit_then_list_mine(self, job, bidder, django_assert_max_num_queries):
        api = api_for(bidder)
        response = api.post(job_url(job, "proposals/"), BID, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "submitted" and body["price_display"] == "$450.00"
        assert body["actions"] == ["withdraw"]
        for _ in range(3):
            ProposalFactory(freelancer=bidder)
        with django_assert_max_num_queries(4):
            rows = api.get(MY_PROPOSALS).json()["results"]
        assert len(rows) == 4

    def test_my_proposals_query_count_is_constant(self, bidder, django_assert_max_num_queries):
        api = api_for(bidder)

        def measure():
            with django_assert_max_num_queries(4) as queries:
                assert api.get(MY_PROPOSALS).status_code == 200
            return len(queries.captured_queries)

        ProposalFactory(freelancer=bidder)
        small = measure()
        for _ in range(6):
            ProposalFactory(freelancer=bidder)
        assert measure() == small

    def test_multipart_submit_with_attachments(self, job, bidder, pdf_upload, png_upload):
        response = api_for(bidder).post(
            job_url(job, "proposals/"),
            {**BID, "attachments": [pdf_upload(), png_upload()]},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        assert len(response.json()["attachments"]) == 2

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            ({**BID, "amount": 0}, 400, "invalid_amount"),
            ({**BID, "amount": -10}, 400, "invalid_amount"),
            ({**BID, "amount": 10**12}, 400, "invalid_amount"),
            ({**BID, "amount": "free"}, 400, "validation_error"),
            ({**BID, "hourly_rate": 100}, 400, "invalid_amount"),
            ({**BID, "duration_days": 0}, 400, "validation_error"),
            ({**BID, "cover_letter": "x" * 20_000}, 400, "validation_error"),
            ({**BID, "status": "accepted"}, 400, "validation_error"),
            ({"amount": 100}, 400, "validation_error"),
        ],
    )
    def test_bad_bids(self, job, bidder, body, status, code):
        response = api_for(bidder).post(job_url(job, "proposals/"), body, format="json")
        assert response.status_code == status, response.json()
        assert response.json()["error"]["code"] == code
        assert not Proposal.objects.exists()

    def test_refused_jobs(self, bidder):
        api = api_for(bidder)
        closed = JobFactory(status=JobStatus.CLOSED)
        response = api.post(job_url(closed, "proposals/"), BID, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "job_not_open"
        assert (
            api.post(
                job_url(JobFactory(invite_only=True), "proposals/"), BID, format="json"
            ).status_code
            == 404
        )
        assert (
            api.post(job_url(JobFactory(draft=True), "proposals/"), BID, format="json").status_code
            == 404
        )
        both = UserFactory(is_client=True, is_freelancer=True)
        own = JobFactory(client=both)
        response = api_for(both).post(job_url(own, "proposals/"), BID, format="json")
        assert response.status_code == 403 and response.json()["error"]["code"] == "own_job"
        response = api_for(ClientFactory()).post(
            job_url(JobFactory(), "proposals/"), BID, format="json"
        )
        assert response.json()["error"]["code"] == "not_freelancer"
        assert not Proposal.objects.exists()

    def test_double_submit_makes_one_proposal(self, job, bidder):
        api = api_for(bidder)
        first = api.post(job_url(job, "proposals/"), BID, format="json")
        second = api.post(job_url(job, "proposals/"), BID, format="json")
        assert (first.status_code, second.status_code) == (201, 409)
        assert second.json()["error"]["code"] == "proposal_exists"
        assert second.json()["error"]["details"]["proposal_id"] == first.json()["id"]
        assert Proposal.objects.count() == 1

    def test_idempotency_key_replays_the_first_response(self, job, bidder):
        api = api_for(bidder)
        headers = {"HTTP_IDEMPOTENCY_KEY": "bid-123"}
        first = api.post(job_url(job, "proposals/"), BID, format="json", **headers)
        again = api.post(job_url(job, "proposals/"), BID, format="json", **headers)
        assert first.status_code == again.status_code == 201
        assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
        assert Proposal.objects.count() == 1

    def test_client_lists_proposals_with_bidder_summaries(self, job, django_assert_max_num_queries):
        api = api_for(job.client)

        def measure():
            with django_assert_max_num_queries(9) as queries:  # 7 + the bidders' ratings
                response = api.get(job_url(job, "proposals/"))
            assert response.status_code == 200
            return len(queries.captured_queries), response.json()["results"]

        profile = FreelancerProfileFactory(published=True, skills=["python", "django", "sql"])
        ProposalFactory(job=job, freelancer=profile.user)
        small, rows = measure()
        bidder = rows[0]["bidder"]
        assert bidder["headline"] == profile.headline and bidder["email_verified"] is True
        assert bidder["profile_id"] == str(profile.pk) and len(bidder["top_skills"]) == 3
        # Ratings only from real reviews (craftwork.reviews): none yet.
        assert rows[0]["bidder_rating"] == {"count": 0, "average": None, "bayesian": None}
        assert rows[0]["actions"] == ["shortlist", "accept", "decline"]
        for _ in range(4):
            ProposalFactory(job=job, freelancer=FreelancerProfileFactory(skills=2).user)
        ProposalFactory(job=job)  # a bidder without any profile
        large, rows = measure()
        assert small == large and len(rows) == 6

    def test_unverified_bidder_has_no_badge(self, job):
        ProposalFactory(job=job, freelancer=FreelancerFactory(email_verified_at=None))
        rows = api_for(job.client).get(job_url(job, "proposals/")).json()["results"]
        assert (
            rows[0]["bidder"]["email_verified"] is False and rows[0]["bidder"]["profile_id"] is None
        )

    def test_detail_edit_and_withdraw(self, job, bidder):
        proposal = ProposalFactory(job=job, freelancer=bidder)
        api = api_for(bidder)
        assert api.get(proposal_url(proposal)).json()["status"] == "submitted"
        response = api.patch(proposal_url(proposal), {"amount": 40_000}, format="json")
        assert response.status_code == 200 and response.json()["amount"] == 40_000
        response = api.post(proposal_url(proposal, "withdraw/"))
        assert response.json()["status"] == "withdrawn" and response.json()["actions"] == []

    def test_other_peoples_proposals_are_404(self, job):
        proposal = ProposalFactory(job=job)
        stranger = api_for(FreelancerFactory())
        other_client = api_for(ClientFactory())
        for api in (stranger, other_client):
            assert api.get(proposal_url(proposal)).status_code == 404
            assert (
                api.patch(proposal_url(proposal), {"amount": 1}, format="json").status_code == 404
            )
            for action in ("withdraw/", "shortlist/", "decline/", "accept/"):
                assert api.post(proposal_url(proposal, action)).status_code == 404
        owner = api_for(job.client)
        assert owner.patch(proposal_url(proposal), {"amount": 1}, format="json").status_code == 404
        assert owner.post(proposal_url(proposal, "withdraw/")).status_code == 404
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SUBMITTED and proposal.amount == 45_000

    def test_client_actions_and_accept(self, job):
        first, second = ProposalFactory(job=job), ProposalFactory(job=job)
        api = api_for(job.client)
        assert api.post(proposal_url(first, "shortlist/")).json()["status"] == "shortlisted"
        response = api.post(proposal_url(first, "accept/"))
        assert response.status_code == 201
        contract = Contract.objects.get()
        assert response.json()["contract_id"] == str(contract.pk)
        response = api.post(proposal_url(second, "accept/"))
        assert response.status_code == 409 and response.json()["error"]["code"] in (
            "job_filled",
            "invalid_transition",
        )
        second.refresh_from_db()
        assert second.status == ProposalStatus.DECLINED
        assert api.post(proposal_url(second, "decline/")).status_code == 409
        assert Contract.objects.count() == 1


# --- invitations --------------------------------------------------------------------------------------


class TestInvitationsApi:
    def test_send_list_and_accept(self, job):
        profile = FreelancerProfileFactory(published=True)
        api = api_for(job.client)
        response = api.post(
            job_url(job, "invitations/"),
            {"freelancer": str(profile.pk), "role": "Lead developer", "amount": 30000},
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "pending" and body["freelancer"]["name"]
        assert body["actions"] == ["withdraw"]
        assert len(api.get(job_url(job, "invitations/")).json()["results"]) == 1
        assert len(api.get(SENT_INVITATIONS).json()["results"]) == 1

        freelancer = api_for(profile.user)
        [received] = freelancer.get(MY_INVITATIONS).json()["results"]
        assert received["actions"] == ["accept", "decline"] and received["freelancer"] is None
        response = freelancer.post(invitation_url(JobInvitation.objects.get(), "accept/"))
        assert response.status_code == 201
        assert Contract.objects.get().source == "invitation"

    def test_unknown_or_unpublished_freelancer(self, job):
        unpublished = FreelancerProfileFactory()
        response = api_for(job.client).post(
            job_url(job, "invitations/"),
            {"freelancer": str(unpublished.pk), "role": "Dev", "amount": 100},
            format="json",
        )
        assert (
            response.status_code == 400 and response.json()["error"]["code"] == "unknown_freelancer"
        )

    def test_decline_and_withdraw_and_strangers(self, job):
        invitation = JobInvitationFactory(job=job)
        stranger = api_for(FreelancerFactory())
        for action in ("", "accept/", "decline/", "withdraw/"):
            method = stranger.get if not action else stranger.post
            assert method(invitation_url(invitation, action)).status_code == 404
        assert api_for(job.client).post(invitation_url(invitation, "accept/")).status_code in (
            403,
            404,
        )
        response = api_for(invitation.freelancer).post(
            invitation_url(invitation, "decline/"), {"reason": "Busy"}, format="json"
        )
        assert response.json()["status"] == "declined"
        other = JobInvitationFactory(job=job)
        assert (
            api_for(job.client).post(invitation_url(other, "withdraw/")).json()["status"]
            == "withdrawn"
        )
        assert api_for(other.freelancer).post(invitation_url(other, "withdraw/")).status_code == 404

    def test_job_invitations_list_query_count(self, job, django_assert_max_num_queries):
        api = api_for(job.client)

        def measure():
            with django_assert_max_num_queries(6) as queries:
                response = api.get(job_url(job, "invitations/"))
            assert response.status_code == 200
            return len(queries.captured_queries), len(response.json()["results"])

        JobInvitationFactory(job=job, freelancer=FreelancerProfileFactory(skills=1).user)
        small = measure()
        for _ in range(4):
            JobInvitationFactory(job=job, freelancer=FreelancerProfileFactory(skills=2).user)
        JobInvitationFactory()  # another client's
        large = measure()
        assert small[0] == large[0] and (small[1], large[1]) == (1, 5)

    def test_expired_shows_as_expired(self, job):
        invitation = JobInvitationFactory(job=job, expires_at=timezone.now() - timedelta(minutes=5))
        body = api_for(invitation.freelancer).get(invitation_url(invitation)).json()
        assert body["status"] == "expired" and body["actions"] == ["decline"]
        response = api_for(invitation.freelancer).post(invitation_url(invitation, "accept/"))
        assert (
            response.status_code == 409 and response.json()["error"]["code"] == "invitation_expired"
        )

    def test_invitation_lists_query_count(self, django_assert_max_num_queries):
        freelancer, client = FreelancerFactory(), ClientFactory()
        mine, sent = api_for(freelancer), api_for(client)

        def measure():
            counts = []
            for api, url in ((mine, MY_INVITATIONS), (sent, SENT_INVITATIONS)):
                with django_assert_max_num_queries(5) as queries:
                    assert api.get(url).status_code == 200
                counts.append(len(queries.captured_queries))
            return counts

        JobInvitationFactory(freelancer=freelancer)
        JobInvitationFactory(
            job=JobFactory(client=client), freelancer=FreelancerProfileFactory(skills=1).user
        )
        small = measure()
        for _ in range(5):
            JobInvitationFactory(freelancer=freelancer)
            JobInvitationFactory(
                job=JobFactory(client=client),
                freelancer=FreelancerProfileFactory(skills=2).user,
            )
        assert measure() == small


def test_schema_documents_the_jobs_endpoints(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    for path in (
        "/api/v1/jobs/", "/api/v1/jobs/{id}/proposals/", "/api/v1/proposals/{id}/accept/",
        "/api/v1/job-invitations/{id}/accept/", "/api/v1/jobs/mine/",
    ):  # fmt: skip
        assert path in paths, path
