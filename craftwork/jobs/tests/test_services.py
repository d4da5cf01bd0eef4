from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from craftwork.accounts.tests.factories import (
    FreelancerFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from craftwork.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.models import OutboxEvent
from craftwork.core.tests.documents import HTML_IN_PDF, scripted_pdf
from craftwork.jobs import services
from craftwork.jobs.models import (
    MAX_FIXED_AMOUNT_MINOR,
    MAX_RATE_MINOR,
    InvitationStatus,
    Job,
    JobStatus,
    Proposal,
    ProposalStatus,
)
from craftwork.profiles.models import Skill

from .factories import (
    ClientFactory,
    JobFactory,
    JobInvitationFactory,
    ProposalFactory,
    hourly_fields,
    job_fields,
    onsite_fields,
)

pytestmark = pytest.mark.django_db


def events(name):
    return list(OutboxEvent.objects.filter(name=name).order_by("created_at"))


def submit(job, freelancer=None, **overrides):
    values = {
        "amount": 45_000 if job.is_fixed else None,
        "hourly_rate": None if job.is_fixed else 5_000,
        "duration_days": 10,
        "cover_letter": "I can do this well and on time, here is how.",
    }
    values.update(overrides)
    return services.proposal_submit(actor=freelancer or FreelancerFactory(), job=job, **values)


# --- posting -----------------------------------------------------------------------------------


class TestJobCreate:
    def test_creates_a_draft_with_skills(self, client_user):
        job = services.job_create(actor=client_user, **job_fields())
        assert job.status == JobStatus.DRAFT and job.published_at is None
        assert {s.slug for s in job.skills.all()} == {"python", "django"}
        assert job.client == client_user and job.budget == 50_000
        assert not events("jobs.job_published")

    def test_publish_now_opens_it_and_publishes_an_event(self, client_user):
        job = services.job_create(actor=client_user, publish_now=True, **job_fields())
        assert job.status == JobStatus.OPEN and job.published_at is not None
        [event] = events("jobs.job_published")
        assert event.payload["job_id"] == str(job.pk)
        assert event.payload["client_id"] == str(client_user.pk)

    def test_publish_a_draft(self, client_user):
        job = services.job_create(actor=client_user, **job_fields())
        services.job_publish(actor=client_user, job=job)
        job.refresh_from_db()
        assert job.status == JobStatus.OPEN
        with pytest.raises(InvalidTransition):
            services.job_publish(actor=client_user, job=job)

    def test_a_user_without_the_client_role_cannot_post(self):
        with pytest.raises(PermissionDenied) as error:
            services.job_create(actor=FreelancerFactory(), **job_fields())
        assert error.value.code == "not_client"
        assert not Job.objects.exists()

    def test_posting_for_an_organization_needs_membership(self, client_user):
        organization = OrganizationFactory()
        with pytest.raises(PermissionDenied) as error:
            services.job_create(actor=client_user, organization=organization, **job_fields())
        assert error.value.code == "not_member"
        MembershipFactory(organization=organization, user=client_user)
        job = services.job_create(actor=client_user, organization=organization, **job_fields())
        assert job.organization == organization

    def test_hourly_job(self, client_user):
        job = services.job_create(actor=client_user, **hourly_fields())
        assert (job.hourly_rate_min, job.hourly_rate_max, job.hours_per_week) == (4000, 6000, 20)
        assert job.budget is None

    def test_onsite_job_keeps_its_place(self, client_user):
        job = services.job_create(actor=client_user, **onsite_fields())
        assert job.latitude == Decimal("40.416775") and job.service_radius_km == 10

    def test_remote_job_drops_location_fields(self, client_user):
        job = services.job_create(
            actor=client_user, **job_fields(address="Somewhere", latitude=Decimal("1.5"))
        )
        assert job.address == "" and job.latitude is None

    def test_fixed_job_drops_hourly_fields(self, client_user):
        job = services.job_create(actor=client_user, **job_fields(hours_per_week=10))
        assert job.hours_per_week is None

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"title": ""}, "title"),
            ({"title": "Hey"}, "title"),
            ({"title": "x" * 121}, "title"),
            ({"description": "too short"}, "description"),
            ({"description": "x" * 20_001}, "description"),
            ({"budget": None}, "budget"),
            ({"budget": 0}, "budget"),
            ({"budget": -100}, "budget"),
            ({"budget": MAX_FIXED_AMOUNT_MINOR + 1}, "budget"),
            ({"budget": "500"}, "budget"),
            ({"budget": True}, "budget"),
            ({"budget": 12.5}, "budget"),
            ({"currency": "XXX"}, "currency"),
            ({"openings": 0}, "openings"),
            ({"openings": 51}, "openings"),
            ({"category": None}, "category"),
            ({"skills": ["python"]}, "skills"),
            ({"visibility": "secret"}, "visibility"),
            ({"budget_type": "barter"}, "budget_type"),
            ({"location_type": "moon"}, "location_type"),
            ({"schedule_flexible": "no"}, "schedule_flexible"),
        ],
    )
    def test_bad_input_is_refused_by_field(self, client_user, overrides, field):
        with pytest.raises(ValidationFailed) as error:
            services.job_create(actor=client_user, **job_fields(**overrides))
        assert field in error.value.details
        assert not Job.objects.exists()

    def test_too_many_skills(self, client_user):
        many = list(Skill.objects.all()[:16])
        with pytest.raises(ValidationFailed) as error:
            services.job_create(actor=client_user, **job_fields(skills=many))
        assert "skills" in error.value.details

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"hourly_rate_min": 7_000}, "hourly_rate_max"),
            ({"hourly_rate_max": MAX_RATE_MINOR + 1}, "hourly_rate_max"),
            ({"hourly_rate_min": 0}, "hourly_rate_min"),
            ({"hours_per_week": None}, "hours_per_week"),
            ({"hours_per_week": 81}, "hours_per_week"),
        ],
    )
    def test_bad_hourly_terms(self, client_user, overrides, field):
        with pytest.raises(ValidationFailed) as error:
            services.job_create(actor=client_user, **hourly_fields(**overrides))
        assert field in error.value.details

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"address": ""}, "address"),
            ({"latitude": None}, "latitude"),
            ({"latitude": Decimal("91")}, "latitude"),
            ({"longitude": Decimal("-181")}, "longitude"),
            ({"service_radius_km": 0}, "service_radius_km"),
            ({"service_radius_km": 501}, "service_radius_km"),
        ],
    )
    def test_bad_onsite_location(self, client_user, overrides, field):
        with pytest.raises(ValidationFailed) as error:
            services.job_create(actor=client_user, **onsite_fields(**overrides))
        assert field in error.value.details

    def test_schedule_rules(self, client_user):
        soon = timezone.now() + timedelta(days=3)
        job = services.job_create(
            actor=client_user,
            **job_fields(
                schedule_flexible=False, starts_at=soon, ends_at=soon + timedelta(hours=4)
            ),
        )
        assert job.starts_at == soon
        cases = [
            ({"starts_at": None}, "starts_at"),
            ({"starts_at": timezone.now() - timedelta(days=2)}, "starts_at"),
            ({"starts_at": soon, "ends_at": soon - timedelta(hours=1)}, "ends_at"),
            ({"starts_at": soon, "ends_at": soon + timedelta(days=400)}, "ends_at"),
            ({"starts_at": soon.replace(tzinfo=None)}, "starts_at"),
        ]
        for overrides, field in cases:
            with pytest.raises(ValidationFailed) as error:
                services.job_create(
                    actor=client_user, **job_fields(schedule_flexible=False, **overrides)
                )
            assert field in error.value.details, overrides

    def test_flexible_schedule_clears_the_window(self, client_user):
        job = services.job_create(
            actor=client_user, **job_fields(starts_at=timezone.now() + timedelta(days=1))
        )
        assert job.starts_at is None

    def test_unknown_field(self, client_user):
        with pytest.raises(ValidationFailed) as error:
            services.job_create(actor=client_user, status="filled", **job_fields())
        assert "status" in error.value.details


class TestJobUpdate:
    def test_owner_changes_fields_and_bidders_are_told(self, job):
        live = ProposalFactory(job=job)
        ProposalFactory(job=job, status=ProposalStatus.WITHDRAWN)
        services.job_update(actor=job.client, job=job, title="A better title", budget=60_000)
        job.refresh_from_db()
        assert job.title == "A better title" and job.budget == 60_000
        [event] = events("jobs.job_updated")
        assert event.payload["freelancer_ids"] == [str(live.freelancer_id)]
        assert set(event.payload["fields"]) == {"title", "budget"}

    def test_nothing_changed_publishes_nothing(self, job):
        services.job_update(actor=job.client, job=job, title=job.title)
        assert not events("jobs.job_updated")

    def test_budget_type_and_currency_are_locked_once_bids_exist(self, job):
        ProposalFactory(job=job)
        for change in ({"currency": "EUR"}, hourly_fields(title=job.title)):
            with pytest.raises(ValidationFailed) as error:
                services.job_update(actor=job.client, job=job, **change)
            assert error.value.code == "terms_locked"
        job.refresh_from_db()
        assert (job.currency, job.budget_type) == ("USD", "fixed")

    def test_currency_may_change_before_bids(self, job):
        services.job_update(actor=job.client, job=job, currency="EUR")
        job.refresh_from_db()
        assert job.currency == "EUR"

    def test_openings_cannot_go_below_the_hired_count(self, job):
        Job.objects.filter(pk=job.pk).update(openings=3, hired_count=2)
        job.refresh_from_db()
        with pytest.raises(ValidationFailed) as error:
            services.job_update(actor=job.client, job=job, openings=1)
        assert error.value.code == "openings_below_hired"
        services.job_update(actor=job.client, job=job, openings=2)

    def test_someone_elses_job_is_not_found_and_unchanged(self, job):
        with pytest.raises(NotFound):
            services.job_update(actor=ClientFactory(), job=job, title="Hijacked title")
        job.refresh_from_db()
        assert job.title != "Hijacked title"

    def test_closed_jobs_cannot_be_edited(self, job):
        services.job_close(actor=job.client, job=job)
        with pytest.raises(ValidationFailed) as error:
            services.job_update(actor=job.client, job=job, title="Reopened title")
        assert error.value.code == "job_not_editable"

    def test_a_start_already_in_the_past_may_stay(self, job):
        past = timezone.now() - timedelta(days=1)
        Job.objects.filter(pk=job.pk).update(schedule_flexible=False, starts_at=past)
        job.refresh_from_db()
        services.job_update(actor=job.client, job=job, title="Still the same window")


class TestJobCloseAndCancel:
    def test_close_declines_live_bids_and_withdraws_invitations(self, job):
        live = ProposalFactory(job=job)
        shortlisted = ProposalFactory(job=job, status=ProposalStatus.SHORTLISTED)
        withdrawn = ProposalFactory(job=job, status=ProposalStatus.WITHDRAWN)
        invitation = JobInvitationFactory(job=job)
        services.job_close(actor=job.client, job=job, reason="Found someone offline")
        job.refresh_from_db()
        assert job.status == JobStatus.CLOSED and job.closed_at
        for proposal, expected in (
            (live, "declined"),
            (shortlisted, "declined"),
            (withdrawn, "withdrawn"),
        ):
            proposal.refresh_from_db()
            assert proposal.status == expected
        invitation.refresh_from_db()
        assert invitation.status == InvitationStatus.WITHDRAWN
        assert len(events("jobs.proposal_declined")) == 2

    def test_cancel_is_refused_once_someone_is_hired(self, job):
        Job.objects.filter(pk=job.pk).update(openings=2, hired_count=1)
        with pytest.raises(InvalidTransition) as error:
            services.job_cancel(actor=job.client, job=job)
        assert error.value.code == "job_has_hires"

    def test_cancel_a_draft(self, client_user):
        job = JobFactory(client=client_user, draft=True)
        services.job_cancel(actor=client_user, job=job)
        job.refresh_from_db()
        assert job.status == JobStatus.CANCELLED

    def test_only_the_owner_closes(self, job):
        with pytest.raises(NotFound):
            services.job_close(actor=FreelancerFactory(), job=job)


class TestJobAttachments:
    def test_pdf_is_stored_privately(self, job, pdf_upload):
        attachment = services.job_attachment_add(actor=job.client, job=job, upload=pdf_upload())
        assert attachment.kind == "pdf" and attachment.original_name == "brief.pdf"
        assert attachment.file.storage.exists(attachment.file.name)
        with pytest.raises(ValueError):
            attachment.file.url

    def test_images_are_reencoded(self, job, png_upload):
        attachment = services.job_attachment_add(actor=job.client, job=job, upload=png_upload())
        assert attachment.kind == "jpg" and attachment.file.name.endswith(".jpg")

    def test_other_files_are_refused(self, job):
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile(
            "virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )
        with pytest.raises(ValidationFailed):
            services.job_attachment_add(actor=job.client, job=job, upload=fake)
        assert not job.attachments.exists()

    def test_at_most_ten(self, job, pdf_upload):
        for _ in range(10):
            services.job_attachment_add(actor=job.client, job=job, upload=pdf_upload())
        with pytest.raises(ValidationFailed) as error:
            services.job_attachment_add(actor=job.client, job=job, upload=pdf_upload())
        assert error.value.code == "too_many_attachments"

    def test_remove_and_foreign_ids(self, job, pdf_upload, committed):
        attachment = services.job_attachment_add(actor=job.client, job=job, upload=pdf_upload())
        with pytest.raises(NotFound):
            services.job_attachment_remove(
                actor=ClientFactory(), job=job, attachment_id=attachment.pk
            )
        with pytest.raises(NotFound):
            services.job_attachment_remove(actor=job.client, job=job, attachment_id="not-a-uuid")
        name, storage = attachment.file.name, attachment.file.storage
        with committed():
            services.job_attachment_remove(actor=job.client, job=job, attachment_id=attachment.pk)
        assert not job.attachments.exists() and not storage.exists(name)


# --- proposals -------------------------------------------------------------------------------------


class TestProposalSubmit:
    def test_submit(self, job, bidder):
        proposal = submit(job, bidder)
        assert proposal.status == ProposalStatus.SUBMITTED and proposal.currency == "USD"
        [event] = events("jobs.proposal_submitted")
        assert event.payload["client_id"] == str(job.client_id)
        assert event.payload["freelancer_id"] == str(bidder.pk)

    def test_hourly_job_takes_a_rate(self, client_user, bidder):
        job = JobFactory(client=client_user, hourly=True)
        proposal = submit(job, bidder, hourly_rate=5_500)
        assert proposal.hourly_rate == 5_500 and proposal.amount is None
        with pytest.raises(ValidationFailed) as error:
            submit(job, FreelancerFactory(), amount=10_000, hourly_rate=None)
        assert {"amount", "hourly_rate"} <= set(error.value.details)

    @pytest.mark.parametrize("amount", [0, -1, MAX_FIXED_AMOUNT_MINOR + 1, None, "100", 1.5])
    def test_bad_amounts(self, job, bidder, amount):
        with pytest.raises(ValidationFailed) as error:
            submit(job, bidder, amount=amount)
        assert "amount" in error.value.details
        assert not Proposal.objects.exists()

    def test_hourly_rate_over_the_cap(self, bidder):
        job = JobFactory(hourly=True)
        with pytest.raises(ValidationFailed) as error:
            submit(job, bidder, hourly_rate=MAX_RATE_MINOR + 1)
        assert error.value.code == "invalid_amount"

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"duration_days": 0}, "duration_days"),
            ({"duration_days": 366}, "duration_days"),
            ({"cover_letter": ""}, "cover_letter"),
            ({"cover_letter": "x" * 10_001}, "cover_letter"),
        ],
    )
    def test_bad_fields(self, job, bidder, overrides, field):
        with pytest.raises(ValidationFailed) as error:
            submit(job, bidder, **overrides)
        assert field in error.value.details

    @pytest.mark.parametrize("status", [JobStatus.DRAFT, JobStatus.CLOSED, JobStatus.CANCELLED])
    def test_not_on_jobs_that_are_not_open(self, bidder, status):
        job = JobFactory(status=status)
        with pytest.raises(InvalidTransition) as error:
            submit(job, bidder)
        assert error.value.code == "job_not_open"

    def test_not_on_a_filled_job(self, bidder):
        job = JobFactory(status=JobStatus.FILLED, hired_count=1)
        with pytest.raises(Conflict) as error:
            submit(job, bidder)
        assert error.value.code == "job_filled"

    def test_invite_only_needs_an_invitation(self, bidder):
        job = JobFactory(invite_only=True)
        with pytest.raises(PermissionDenied) as error:
            submit(job, bidder)
        assert error.value.code == "invite_only"
        JobInvitationFactory(job=job, freelancer=bidder)
        assert submit(job, bidder).status == ProposalStatus.SUBMITTED

    def test_a_withdrawn_invitation_does_not_count(self, bidder):
        job = JobFactory(invite_only=True)
        JobInvitationFactory(job=job, freelancer=bidder, status=InvitationStatus.WITHDRAWN)
        with pytest.raises(PermissionDenied):
            submit(job, bidder)

    def test_not_on_your_own_job(self):
        both = UserFactory(is_client=True, is_freelancer=True)
        job = JobFactory(client=both)
        with pytest.raises(PermissionDenied) as error:
            submit(job, both)
        assert error.value.code == "own_job"

    def test_clients_without_the_freelancer_role_cannot_bid(self, job):
        with pytest.raises(PermissionDenied) as error:
            submit(job, ClientFactory())
        assert error.value.code == "not_freelancer"

    def test_one_live_proposal_per_freelancer(self, job, bidder):
        first = submit(job, bidder)
        with pytest.raises(Conflict) as error:
            submit(job, bidder)
        assert error.value.code == "proposal_exists"
        assert error.value.details["proposal_id"] == str(first.pk)
        assert Proposal.objects.filter(job=job, freelancer=bidder).count() == 1

    def test_a_new_bid_after_withdrawing(self, job, bidder):
        first = submit(job, bidder)
        services.proposal_withdraw(actor=bidder, proposal=first)
        second = submit(job, bidder, amount=40_000)
        assert second.pk != first.pk

    def test_attachments(self, job, bidder, pdf_upload, png_upload):
        proposal = submit(job, bidder, attachments=[pdf_upload(), png_upload()])
        assert sorted(a.kind for a in proposal.attachments.all()) == ["jpg", "pdf"]
        with pytest.raises(ValidationFailed) as error:
            submit(job, FreelancerFactory(), attachments=[pdf_upload()] * 6)
        assert error.value.code == "too_many_attachments"


class TestProposalChanges:
    def test_freelancer_edits_a_live_proposal(self, job, bidder):
        proposal = submit(job, bidder)
        services.proposal_update(actor=bidder, proposal=proposal, amount=42_000, duration_days=5)
        proposal.refresh_from_db()
        assert (proposal.amount, proposal.duration_days) == (42_000, 5)

    def test_bad_edits(self, job, bidder):
        proposal = submit(job, bidder)
        with pytest.raises(ValidationFailed):
            services.proposal_update(actor=bidder, proposal=proposal, amount=0)
        with pytest.raises(ValidationFailed):
            services.proposal_update(actor=bidder, proposal=proposal, status="accepted")
        with pytest.raises(NotFound):
            services.proposal_update(actor=FreelancerFactory(), proposal=proposal, amount=1)
        with pytest.raises(NotFound):
            services.proposal_update(actor=job.client, proposal=proposal, amount=1)
        proposal.refresh_from_db()
        assert proposal.amount == 45_000

    def test_withdraw_once(self, job, bidder):
        proposal = submit(job, bidder)
        services.proposal_withdraw(actor=bidder, proposal=proposal)
        with pytest.raises(InvalidTransition):
            services.proposal_withdraw(actor=bidder, proposal=proposal)
        with pytest.raises(ValidationFailed) as error:
            services.proposal_update(actor=bidder, proposal=proposal, amount=1_000)
        assert error.value.code == "proposal_decided"

    def test_client_shortlists_and_declines(self, job, bidder):
        proposal = submit(job, bidder)
        services.proposal_shortlist(actor=job.client, proposal=proposal)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SHORTLISTED
        services.proposal_unshortlist(actor=job.client, proposal=proposal)
        services.proposal_shortlist(actor=job.client, proposal=proposal)
        services.proposal_decline(actor=job.client, proposal=proposal, reason="Over budget")
        proposal.refresh_from_db()
        assert (
            proposal.status == ProposalStatus.DECLINED and proposal.decline_reason == "Over budget"
        )
        [event] = events("jobs.proposal_declined")
        assert event.payload["freelancer_id"] == str(bidder.pk)
        with pytest.raises(InvalidTransition):
            services.proposal_shortlist(actor=job.client, proposal=proposal)

    def test_the_bidder_cannot_act_as_the_client(self, job, bidder):
        proposal = submit(job, bidder)
        for call in (
            services.proposal_shortlist,
            services.proposal_decline,
            services.proposal_accept,
        ):
            with pytest.raises(NotFound):
                call(actor=bidder, proposal=proposal)
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.SUBMITTED

    def test_proposal_attachments_follow_the_upload_policy(self, job, bidder):
        proposal = submit(job, bidder)
        for content in (scripted_pdf(), scripted_pdf(hidden=True)):
            upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")
            with pytest.raises(ValidationFailed) as error:
                services.proposal_attachment_add(actor=bidder, proposal=proposal, upload=upload)
            assert error.value.code == "unsafe_document"
        assert not proposal.attachments.exists()
        upload = SimpleUploadedFile("plan.html", HTML_IN_PDF, content_type="text/html")
        attachment = services.proposal_attachment_add(
            actor=bidder, proposal=proposal, upload=upload
        )
        assert (attachment.kind, attachment.original_name) == ("pdf", "plan.pdf")
        assert attachment.file.name.endswith(".pdf")

    def test_proposal_attachments_after_submit(self, job, bidder, pdf_upload):
        proposal = submit(job, bidder)
        attachment = services.proposal_attachment_add(
            actor=bidder, proposal=proposal, upload=pdf_upload()
        )
        with pytest.raises(NotFound):
            services.proposal_attachment_add(
                actor=job.client, proposal=proposal, upload=pdf_upload()
            )
        services.proposal_attachment_remove(
            actor=bidder, proposal=proposal, attachment_id=attachment.pk
        )
        assert not proposal.attachments.exists()
