from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.contracts.models import Contract
from craftwork.contracts.tests.factories import ContractFactory
from craftwork.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.models import AuditLog, OutboxEvent
from craftwork.jobs.tests.factories import JobFactory, JobInvitationFactory, ProposalFactory
from craftwork.messaging import contexts, presence, selectors, services
from craftwork.messaging.models import (
    MAX_MESSAGE_LENGTH,
    Conversation,
    Message,
    MessageAttachment,
    Participant,
)
from craftwork.notifications.models import Notification

from .factories import (
    contract_conversation,
    fake_upload,
    image_upload,
    job_conversation,
    member,
    pdf_upload,
    send,
    team,
)

pytestmark = pytest.mark.django_db


# --- starting conversations --------------------------------------------------------------------


class TestContexts:
    def test_a_bidder_starts_the_job_conversation_once(self):
        proposal = ProposalFactory()
        first = services.conversation_for_context(
            kind="job", obj=proposal.job, actor=proposal.freelancer
        )
        again = services.conversation_for_context(
            kind="proposal", obj=proposal, actor=proposal.job.client
        )
        assert first == again
        assert first.kind == "job" and first.title == proposal.job.title
        assert {p.user_id for p in first.participants.all()} == {
            proposal.freelancer.pk,
            proposal.job.client_id,
        }
        assert AuditLog.objects.filter(action="messaging.conversation_started").count() == 1

    def test_an_invited_freelancer_may_write_to_the_client(self):
        invitation = JobInvitationFactory()
        conversation = services.conversation_for_context(
            kind="job", obj=invitation.job, actor=invitation.freelancer
        )
        assert conversation.key == f"job:{invitation.job.pk}:{invitation.freelancer.pk}"

    def test_a_freelancer_cannot_cold_message_a_client(self):
        job, stranger = JobFactory(), FreelancerFactory()
        with pytest.raises(PermissionDenied) as refused:
            services.conversation_for_context(kind="job", obj=job, actor=stranger)
        assert refused.value.code == "cold_message"
        assert not Conversation.objects.exists()

    def test_a_withdrawn_invitation_is_no_context(self):
        invitation = JobInvitationFactory(status="withdrawn")
        with pytest.raises(PermissionDenied):
            services.conversation_for_context(
                kind="job", obj=invitation.job, actor=invitation.freelancer
            )

    def test_an_invite_only_job_is_not_found_for_strangers(self):
        job = JobFactory(invite_only=True)
        with pytest.raises(NotFound):
            services.conversation_for_context(kind="job", obj=job, actor=FreelancerFactory())

    def test_a_client_may_write_first_to_any_freelancer_about_their_open_job(self):
        job, freelancer = JobFactory(), FreelancerFactory()
        conversation = services.conversation_for_context(
            kind="job", obj=job, actor=job.client, with_user=freelancer
        )
        # ... and the freelancer may answer, although they have no proposal.
        assert services.conversation_for_context(kind="job", obj=job, actor=freelancer) == (
            conversation
        )
        send(conversation, freelancer, "Thanks, interested!")

    def test_a_client_must_say_whom_to_write_to(self):
        job = JobFactory()
        with pytest.raises(DomainError) as refused:
            services.conversation_for_context(kind="job", obj=job, actor=job.client)
        assert refused.value.code == "with_user_required"

    def test_a_client_cannot_write_to_a_non_freelancer_or_themselves(self):
        job = JobFactory()
        for target in (UserFactory(is_freelancer=False), job.client):
            with pytest.raises(NotFound):
                services.conversation_for_context(
                    kind="job", obj=job, actor=job.client, with_user=target
                )

    def test_a_client_cannot_start_about_a_closed_job_with_a_stranger(self):
        job = JobFactory(status="closed")
        with pytest.raises(Conflict) as refused:
            services.conversation_for_context(
                kind="job", obj=job, actor=job.client, with_user=FreelancerFactory()
            )
        assert refused.value.code == "job_not_open"

    def test_someone_elses_job_is_a_cold_message(self):
        other_client, job = UserFactory(), JobFactory()
        with pytest.raises(PermissionDenied):
            services.conversation_for_context(kind="job", obj=job, actor=other_client)
        with pytest.raises(NotFound):  # only the job's client chooses whom to write to
            services.conversation_for_context(
                kind="job", obj=job, actor=other_client, with_user=FreelancerFactory()
            )

    def test_a_proposal_of_someone_else_is_not_found(self):
        with pytest.raises(NotFound):
            services.conversation_for_context(
                kind="proposal", obj=ProposalFactory(), actor=FreelancerFactory()
            )

    def test_contract_parties_only(self):
        contract = ContractFactory()
        conversation = services.conversation_for_context(
            kind="contract", obj=contract, actor=contract.provider
        )
        assert conversation.contract == contract
        assert member(conversation, contract.provider).contract == contract
        with pytest.raises(NotFound):
            services.conversation_for_context(kind="contract", obj=contract, actor=UserFactory())

    def test_unknown_kind(self):
        with pytest.raises(NotFound):
            services.conversation_for_context(kind="gig", obj=JobFactory(), actor=UserFactory())

    def test_anonymous_cannot_start(self):
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(PermissionDenied):
            services.conversation_for_context(kind="job", obj=JobFactory(), actor=AnonymousUser())


class TestTeams:
    def test_team_is_the_client_and_every_hire_of_the_job(self):
        job, (first, second) = team()
        conversation = services.conversation_for_context(
            kind="team", obj=first, actor=first.provider
        )
        assert conversation.kind == "team" and conversation.job == job
        assert {p.user_id for p in conversation.participants.all()} == {
            job.client_id,
            first.provider_id,
            second.provider_id,
        }
        assert (
            services.conversation_for_context(kind="team", obj=second, actor=job.client)
            == conversation
        )

    def test_one_hire_is_no_team(self):
        _job, (only,) = team(size=1)
        with pytest.raises(Conflict) as refused:
            services.conversation_for_context(kind="team", obj=only, actor=only.client)
        assert refused.value.code == "no_team"

    def test_a_gig_order_has_no_team(self):
        contract = ContractFactory(source="gig_order")
        with pytest.raises(Conflict):
            services.conversation_for_context(kind="team", obj=contract, actor=contract.client)

    def test_a_later_hire_joins_the_team(self):
        job, (first, _second) = team(JobFactory(openings=3))
        conversation = services.conversation_for_context(kind="team", obj=first, actor=job.client)
        freelancer = FreelancerFactory()
        third = ContractFactory(client=job.client, provider=freelancer)
        ProposalFactory(job=job, freelancer=freelancer, status="accepted", contract_id=third.pk)
        assert services.team_sync_for_contract(third) == 1
        assert member(conversation, freelancer).contract == third
        assert services.team_sync_for_contract(third) == 0  # idempotent

    def test_the_contracts_created_event_adds_the_hire(self, committed):
        job, (first, _second) = team(JobFactory(openings=3))
        conversation = services.conversation_for_context(kind="team", obj=first, actor=job.client)
        freelancer = FreelancerFactory()
        with committed():
            third = ContractFactory(client=job.client, provider=freelancer)
            ProposalFactory(job=job, freelancer=freelancer, status="accepted", contract_id=third.pk)
        # The event was dispatched before the proposal row linked the contract; opening the
        # team again syncs too.
        services.conversation_for_context(kind="team", obj=third, actor=freelancer)
        assert member(conversation, freelancer)

    def test_a_freelancer_whose_contract_ended_reads_but_cannot_write(self):
        job, (first, second) = team()
        conversation = services.conversation_for_context(kind="team", obj=first, actor=job.client)
        Contract.objects.filter(pk=first.pk).update(state="completed")
        with pytest.raises(Conflict):
            send(conversation, first.provider)
        send(conversation, second.provider, "still on it")
        send(conversation, job.client, "thanks all")
        Contract.objects.filter(pk=second.pk).update(state="cancelled")
        with pytest.raises(Conflict) as refused:
            send(conversation, job.client)
        assert refused.value.code == "conversation_read_only"


# --- sending ------------------------------------------------------------------------------------


class TestSend:
    def test_sequence_numbers_and_markdown(self):
        conversation = job_conversation()
        first = send(conversation, conversation.client, "Hello **there** <script>x()</script>")
        second = send(conversation, conversation.proposal.freelancer, "[link](javascript:alert(1))")
        assert (first.seq, second.seq) == (1, 2)
        assert "<strong>there</strong>" in first.body_html
        assert "<script>" not in first.body_html
        assert "javascript:" not in second.body_html
        conversation.refresh_from_db()
        assert conversation.last_seq == 2 and conversation.last_message == second

    def test_text_is_required_unless_there_are_files(self):
        conversation = job_conversation()
        for empty in ("", "   \n\t"):
            with pytest.raises(ValidationFailed) as refused:
                send(conversation, conversation.client, empty)
            assert refused.value.code == "empty_message"
        assert not Message.objects.exists()

    def test_huge_text_is_refused(self):
        conversation = job_conversation()
        with pytest.raises(ValidationFailed) as refused:
            send(conversation, conversation.client, "x" * (MAX_MESSAGE_LENGTH + 1))
        assert refused.value.code == "message_too_long"
        send(conversation, conversation.client, "x" * MAX_MESSAGE_LENGTH)

    def test_null_characters_and_non_text_are_refused(self):
        conversation = job_conversation()
        with pytest.raises(ValidationFailed):
            send(conversation, conversation.client, "a\x00b")
        with pytest.raises(ValidationFailed):
            send(conversation, conversation.client, ["not", "text"])

    def test_a_non_participant_gets_not_found(self):
        conversation = job_conversation()
        with pytest.raises(NotFound):
            send(conversation, UserFactory())

    def test_attachments_are_validated_reencoded_and_thumbnailed(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "", files=[image_upload(), pdf_upload()])
        image, pdf = message.attachments.order_by("kind")
        assert (image.kind, image.original_name) == ("jpg", "photo.jpg")  # the stored type
        assert image.thumbnail and image.file.read(3) == b"\xff\xd8\xff"  # JPEG now
        assert (pdf.kind, bool(pdf.thumbnail)) == ("pdf", False)

    def test_a_fake_image_is_refused_and_nothing_is_stored(self):
        conversation = job_conversation()
        with pytest.raises(ValidationFailed) as refused:
            send(conversation, conversation.client, "see", files=[fake_upload()])
        assert refused.value.code == "invalid_image"
        assert not Message.objects.exists() and not MessageAttachment.objects.exists()

    def test_too_many_or_too_large_files(self, settings):
        conversation = job_conversation()
        with pytest.raises(ValidationFailed) as refused:
            send(conversation, conversation.client, "x", files=[pdf_upload() for _ in range(6)])
        assert refused.value.code == "too_many_attachments"
        settings.MAX_DOCUMENT_UPLOAD_BYTES = 10
        with pytest.raises(ValidationFailed) as refused:
            send(conversation, conversation.client, "x", files=[pdf_upload()])
        assert refused.value.code == "file_too_large"

    def test_rate_limit(self, settings):
        settings.MESSAGING_SEND_RATE_PER_MINUTE = 3
        conversation = job_conversation()
        for n in range(3):
            send(conversation, conversation.client, f"message {n}")
        with pytest.raises(services.RateLimited) as refused:
            send(conversation, conversation.client, "one too many")
        assert refused.value.status_code == 429
        assert refused.value.details["limit_per_minute"] == 3
        send(conversation, conversation.proposal.freelancer, "others are not limited")

    def test_contract_conversation_becomes_read_only_when_the_contract_ends(self):
        conversation = contract_conversation()
        contract = conversation.contract
        message = send(conversation, contract.client, "before the end")
        for state in ("completed", "cancelled"):
            Contract.objects.filter(pk=contract.pk).update(state=state)
            for party in (contract.client, contract.provider):
                with pytest.raises(Conflict) as refused:
                    send(conversation, party)
                assert refused.value.code == "conversation_read_only"
        with pytest.raises(Conflict):
            services.message_delete(message=message, actor=contract.client)
        page = selectors.message_page(conversation)
        assert [m.pk for m in page.messages] == [message.pk]  # still readable

    def test_job_conversation_is_read_only_once_the_job_is_closed(self):
        conversation = job_conversation()
        conversation.job.status = "cancelled"
        conversation.job.save(update_fields=["status"])
        with pytest.raises(Conflict):
            send(conversation, conversation.client)


class TestEditAndDelete:
    def test_edit_own_message_within_the_window(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "helo")
        edited = services.message_edit(message=message, actor=conversation.client, body="hello")
        assert edited.body == "hello" and edited.edited_at is not None
        assert AuditLog.objects.filter(action="messaging.message_edited").exists()

    def test_editing_someone_elses_message_is_forbidden(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "mine")
        with pytest.raises(PermissionDenied) as refused:
            services.message_edit(
                message=message, actor=conversation.proposal.freelancer, body="hacked"
            )
        assert refused.value.code == "not_author"
        with pytest.raises(PermissionDenied):
            services.message_delete(message=message, actor=conversation.proposal.freelancer)
        with pytest.raises(NotFound):
            services.message_edit(message=message, actor=UserFactory(), body="x")

    def test_editing_after_the_window_is_refused(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "old")
        Message.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - timedelta(minutes=16)
        )
        with pytest.raises(Conflict) as refused:
            services.message_edit(message=message, actor=conversation.client, body="new")
        assert refused.value.code == "edit_window_passed"

    def test_edit_to_empty_or_huge_is_refused(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "text")
        with pytest.raises(ValidationFailed):
            services.message_edit(message=message, actor=conversation.client, body="  ")
        with pytest.raises(ValidationFailed):
            services.message_edit(
                message=message, actor=conversation.client, body="y" * (MAX_MESSAGE_LENGTH + 1)
            )

    def test_delete_is_soft_and_idempotent(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "oops", files=[pdf_upload()])
        deleted = services.message_delete(message=message, actor=conversation.client)
        again = services.message_delete(message=message, actor=conversation.client)
        assert deleted.deleted_at == again.deleted_at and deleted.state == "deleted"
        assert Message.objects.get(pk=message.pk).body == "oops"  # kept for moderation
        with pytest.raises(Conflict):
            services.message_edit(message=message, actor=conversation.client, body="x")
        with pytest.raises(NotFound):
            selectors.attachment_for_participant(conversation.client, message.attachments.get().pk)


# --- reading ------------------------------------------------------------------------------------


class TestReading:
    def test_unread_counts_follow_the_read_pointer(self):
        conversation = job_conversation()
        client, freelancer = conversation.client, conversation.proposal.freelancer
        other = job_conversation(job=JobFactory(client=client))
        for n in range(3):
            send(conversation, freelancer, f"m{n}")
        send(other, other.proposal.freelancer, "elsewhere")
        assert selectors.unread_counts(client) == {conversation.pk: 3, other.pk: 1}
        assert selectors.unread_total(client) == 4
        assert selectors.unread_counts(freelancer) == {}  # own messages are never unread
        send(conversation, client, "answering reads everything before")
        assert selectors.unread_counts(client) == {other.pk: 1}
        # marking an older seq never moves the pointer back
        assert services.conversation_mark_read(conversation=conversation, actor=client, seq=2) == 4

    def test_mark_read_up_to_a_seq(self):
        conversation = job_conversation()
        freelancer = conversation.proposal.freelancer
        for n in range(3):
            send(conversation, freelancer, f"m{n}")
        client = conversation.client
        assert services.conversation_mark_read(conversation=conversation, actor=client, seq=2) == 2
        assert selectors.unread_counts(client) == {conversation.pk: 1}
        assert (
            services.conversation_mark_read(conversation=conversation, actor=client, seq=99) == 3
        )  # capped at the newest message
        assert services.conversation_mark_read(conversation=conversation, actor=client, seq=1) == 3

    def test_bad_seq_and_strangers(self):
        conversation = job_conversation()
        with pytest.raises(ValidationFailed):
            services.conversation_mark_read(
                conversation=conversation, actor=conversation.client, seq=-1
            )
        with pytest.raises(ValidationFailed):
            services.conversation_mark_read(
                conversation=conversation, actor=conversation.client, seq="3"
            )
        with pytest.raises(NotFound):
            services.conversation_mark_read(conversation=conversation, actor=UserFactory())

    def test_deleted_messages_are_not_unread(self):
        conversation = job_conversation()
        message = send(conversation, conversation.proposal.freelancer, "x")
        services.message_delete(message=message, actor=conversation.proposal.freelancer)
        assert selectors.unread_total(conversation.client) == 0

    def test_seen_by(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "seen?")
        participants = list(conversation.participants.all())
        assert selectors.seen_by(participants, message) == []
        services.conversation_mark_read(
            conversation=conversation, actor=conversation.proposal.freelancer
        )
        participants = list(conversation.participants.all())
        assert [p.user_id for p in selectors.seen_by(participants, message)] == [
            conversation.proposal.freelancer.pk
        ]


class TestHistory:
    def test_cursor_pages(self):
        conversation = job_conversation()
        for n in range(1, 8):
            send(conversation, conversation.client, f"message {n}")
        newest = selectors.message_page(conversation, limit=3)
        assert [m.seq for m in newest.messages] == [5, 6, 7]
        assert newest.has_older and newest.older_cursor == 5
        older = selectors.message_page(conversation, before=5, limit=3)
        assert [m.seq for m in older.messages] == [2, 3, 4]
        oldest = selectors.message_page(conversation, before=2, limit=3)
        assert [m.seq for m in oldest.messages] == [1] and not oldest.has_older
        after = selectors.message_page(conversation, after=5, limit=10)
        assert [m.seq for m in after.messages] == [6, 7] and not after.has_newer

    @pytest.mark.parametrize(
        "params", [{"before": "x"}, {"after": "-1"}, {"limit": "0"}, {"limit": "101"}]
    )
    def test_bad_cursors(self, params):
        with pytest.raises(ValidationFailed):
            selectors.message_page(job_conversation(), **params)

    def test_search_skips_deleted_and_moderated(self):
        conversation = job_conversation()
        keep = send(conversation, conversation.client, "The Invoice is attached")
        gone = send(conversation, conversation.client, "invoice draft")
        hidden = send(conversation, conversation.client, "invoice secret")
        send(conversation, conversation.client, "unrelated")
        services.message_delete(message=gone, actor=conversation.client)
        services.message_hide(message=hidden, actor=StaffFactory(), reason="spam")
        results = selectors.search(conversation, "INVOICE")
        assert [m.pk for m in results.messages] == [keep.pk]
        for bad in ("", "x", "y" * 201, None):
            with pytest.raises(ValidationFailed):
                selectors.search(conversation, bad)

    def test_conversation_of_someone_else_is_not_found(self):
        conversation = job_conversation()
        with pytest.raises(NotFound):
            selectors.conversation_for_participant(UserFactory(), conversation.pk)
        with pytest.raises(NotFound):
            selectors.conversation_for_participant(conversation.client, "not-a-uuid")


# --- notifications --------------------------------------------------------------------------


class TestNotifications:
    def test_first_unread_message_notifies_later_ones_do_not(self, committed):
        conversation = job_conversation()
        client, freelancer = conversation.client, conversation.proposal.freelancer
        with committed():
            send(conversation, freelancer, "Are you there?")
            send(conversation, freelancer, "Hello?")
        notification = Notification.objects.get(recipient=client)
        assert notification.type == "message_received"
        assert freelancer.first_name in notification.title
        assert notification.link == f"/messages/{conversation.pk}/"
        assert not Notification.objects.filter(recipient=freelancer).exists()
        assert len(mail.outbox) == 1
        services.conversation_mark_read(conversation=conversation, actor=client)
        with committed():
            send(conversation, freelancer, "A new burst")
        assert Notification.objects.filter(recipient=client).count() == 2

    def test_no_notification_while_the_recipient_is_looking(self, committed):
        conversation = job_conversation()
        presence.mark_viewing(conversation.pk, conversation.client.pk)
        with committed():
            send(conversation, conversation.proposal.freelancer, "You see this live")
        assert not Notification.objects.exists()
        assert not OutboxEvent.objects.filter(name="messaging.message_received").exists()
        presence.clear_viewing(conversation.pk, conversation.client.pk)
        services.conversation_mark_read(conversation=conversation, actor=conversation.client)
        with committed():
            send(conversation, conversation.proposal.freelancer, "Now you are away")
        assert Notification.objects.filter(recipient=conversation.client).count() == 1


# --- moderation ---------------------------------------------------------------------------


class TestModeration:
    def test_the_message_kind_is_registered(self):
        from craftwork.moderation import registry

        entry = registry.get_flaggable("message")
        conversation = job_conversation()
        message = send(conversation, conversation.client, "rude words")
        assert entry.visible(message, conversation.proposal.freelancer)
        assert not entry.visible(message, UserFactory())
        assert entry.author(message) == conversation.client
        assert "rude words" in entry.describe(message)
        assert entry.url(message).startswith(f"/messages/{conversation.pk}/")
        staff = StaffFactory()
        entry.hide(message, actor=staff, reason="abuse")
        message.refresh_from_db()
        assert message.state == "hidden" and not entry.visible(message, conversation.client)
        entry.restore(message, actor=staff, reason="ok after all")
        message.refresh_from_db()
        assert message.state == "visible"
        entry.remove(message, actor=staff, reason="abuse")
        message.refresh_from_db()
        assert message.state == "removed"
        with pytest.raises(Conflict):
            services.message_restore(message=message, actor=staff)

    def test_a_hidden_message_cannot_be_edited_or_deleted_by_its_author(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "bad")
        services.message_hide(message=message, actor=StaffFactory(), reason="x")
        for call in (
            lambda: services.message_edit(message=message, actor=conversation.client, body="ok"),
            lambda: services.message_delete(message=message, actor=conversation.client),
        ):
            with pytest.raises(Conflict) as refused:
                call()
            assert refused.value.code == "message_moderated"


def test_contexts_has_team():
    _job, (first, _second) = team()
    assert contexts.has_team(first)
    assert not contexts.has_team(ContractFactory())


def test_participant_rows_are_unique():
    conversation = job_conversation()
    assert Participant.objects.filter(conversation=conversation).count() == 2
