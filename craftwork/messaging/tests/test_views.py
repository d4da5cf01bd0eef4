import uuid
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.models import Contract
from craftwork.contracts.tests.factories import ContractFactory
from craftwork.jobs.tests.factories import JobFactory, JobInvitationFactory, ProposalFactory
from craftwork.messaging import services
from craftwork.messaging.context_processors import messaging as messaging_context
from craftwork.messaging.models import Conversation, Message, Participant

from .factories import (
    contract_conversation,
    fake_upload,
    image_upload,
    job_conversation,
    pdf_upload,
    send,
    team,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def logged_in(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def page_url(conversation, suffix=""):
    return f"/messages/{conversation.pk}/{suffix}"


def page_queries(web, path) -> list[str]:
    """The SQL one GET runs (the header's badges of other apps included)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert web.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def messaging_queries(queries) -> list[str]:
    return [sql for sql in queries if "messaging_" in sql]


class TestInbox:
    def test_lists_conversations_with_unread_badges(self, logged_in):
        conversation = job_conversation()
        send(conversation, conversation.proposal.freelancer, "Quick question about the API")
        response = logged_in(conversation.client).get("/messages/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Quick question about the API" in html
        assert 'data-testid="unread-badge">1<' in html
        assert conversation.proposal.freelancer.get_full_name() in html

    def test_unread_filter_and_empty_states(self, logged_in):
        conversation = job_conversation()
        html = logged_in(conversation.client).get("/messages/?unread=1").content.decode()
        assert "No unread messages." in html
        assert "No conversations yet" in logged_in(UserFactory()).get("/messages/").content.decode()

    def test_needs_login(self, client):
        assert client.get("/messages/").status_code == 302

    def test_query_count_does_not_grow(self, logged_in):
        user = UserFactory()
        web = logged_in(user)

        def add_conversations(n):
            for _ in range(n):
                conversation = job_conversation(job=JobFactory(client=user))
                send(conversation, conversation.proposal.freelancer, "hello", files=[pdf_upload()])

        add_conversations(1)
        few = page_queries(web, "/messages/")
        add_conversations(5)
        contract_conversation(client=user)
        many = page_queries(web, "/messages/")
        assert len(many) == len(few)
        # count, page (with the unread subquery), members; + the header's unread total
        assert len(messaging_queries(many)) <= 4


class TestConversationPage:
    def test_shows_history_and_marks_it_read(self, logged_in):
        conversation = job_conversation()
        freelancer = conversation.proposal.freelancer
        send(
            conversation, freelancer, "First **bold** message", files=[image_upload(), pdf_upload()]
        )
        response = logged_in(conversation.client).get(page_url(conversation))
        assert response.status_code == 200
        html = response.content.decode()
        assert "<strong>bold</strong>" in html
        assert 'data-testid="attachment-thumbnail"' in html and "brief.pdf" in html
        assert f'data-conversation-id="{conversation.pk}"' in html
        assert Participant.objects.get(user=conversation.client).last_read_seq == 1

    def test_someone_elses_conversation_is_404(self, logged_in):
        conversation = job_conversation()
        web = logged_in(UserFactory())
        assert web.get(page_url(conversation)).status_code == 404
        assert web.get(page_url(conversation, "updates/")).status_code == 404
        assert web.post(page_url(conversation, "send/"), {"body": "x"}).status_code == 404
        assert web.get(f"/messages/{uuid.uuid4()}/").status_code == 404

    def test_query_count_does_not_grow_with_messages(self, logged_in):
        conversation = job_conversation()
        web = logged_in(conversation.client)
        send(conversation, conversation.proposal.freelancer, "m", files=[pdf_upload()])
        few = page_queries(web, page_url(conversation))
        for n in range(14):
            send(conversation, conversation.proposal.freelancer, f"m{n}", files=[pdf_upload()])
        many = page_queries(web, page_url(conversation))
        assert len(many) == len(few)
        # conversation, members, messages, attachments, read pointer (select + update),
        # my newest seq; + the header's unread total
        assert len(messaging_queries(many)) <= 8
        html = web.get(page_url(conversation)).content.decode()
        assert html.count('data-testid="message"') == 15

    def test_load_older_without_and_with_htmx(self, logged_in, settings):
        settings.MESSAGING_SEND_RATE_PER_MINUTE = 100
        conversation = job_conversation()
        for n in range(1, 36):
            send(conversation, conversation.client, f"number {n}")
        web = logged_in(conversation.client)
        html = web.get(page_url(conversation)).content.decode()
        assert "number 35" in html and "number 5<" not in html
        assert "?before=6" in html
        older = web.get(page_url(conversation, "?before=6")).content.decode()
        assert "number 5<" in older and "number 35" not in older
        assert 'data-testid="jump-newest"' in older
        fragment = web.get(page_url(conversation, "?before=6"), **HTMX).content.decode()
        assert 'hx-swap-oob="afterbegin:#message-list"' in fragment and "number 1<" in fragment
        assert "start of the conversation" in fragment

    def test_bad_cursor_redirects_to_the_newest(self, logged_in):
        conversation = job_conversation()
        response = logged_in(conversation.client).get(page_url(conversation, "?before=abc"))
        assert response.status_code == 302

    def test_read_only_conversation_shows_no_form(self, logged_in):
        conversation = contract_conversation()
        Contract.objects.filter(pk=conversation.contract.pk).update(state="completed")
        html = logged_in(conversation.contract.client).get(page_url(conversation)).content.decode()
        assert 'data-testid="read-only"' in html and 'data-testid="message-form"' not in html

    def test_read_receipt(self, logged_in):
        conversation = job_conversation()
        send(conversation, conversation.client, "Did you see this?")
        web = logged_in(conversation.client)
        assert 'data-testid="read-receipt"' not in web.get(page_url(conversation)).content.decode()
        services.conversation_mark_read(
            conversation=conversation, actor=conversation.proposal.freelancer
        )
        assert 'data-testid="read-receipt"' in web.get(page_url(conversation)).content.decode()


class TestSend:
    def test_post_without_javascript(self, logged_in):
        conversation = job_conversation()
        response = logged_in(conversation.client).post(
            page_url(conversation, "send/"), {"body": "Plain form post"}
        )
        message = Message.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/messages/{conversation.pk}/#m-{message.pk}"

    def test_post_with_htmx_returns_the_updates(self, logged_in):
        conversation = job_conversation()
        send(conversation, conversation.proposal.freelancer, "earlier")
        response = logged_in(conversation.client).post(
            page_url(conversation, "send/"),
            {"body": "Via htmx", "after": "1", "since": timezone.now().isoformat(), "ro": "0"},
            **HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert 'hx-swap-oob="beforeend:#message-list"' in html and "Via htmx" in html
        assert "earlier" not in html  # only what is new after seq 1
        assert 'id="sync-state"' in html and 'name="after" value="2"' in html

    def test_empty_message_shows_an_error(self, logged_in):
        conversation = job_conversation()
        web = logged_in(conversation.client)
        response = web.post(page_url(conversation, "send/"), {"body": "  "}, follow=True)
        assert "Write a message or attach a file." in response.content.decode()
        fragment = web.post(page_url(conversation, "send/"), {"body": ""}, **HTMX).content.decode()
        assert 'data-testid="send-error"' in fragment
        assert not Message.objects.exists()

    def test_huge_text_and_bad_files_are_refused(self, logged_in):
        conversation = job_conversation()
        web = logged_in(conversation.client)
        web.post(page_url(conversation, "send/"), {"body": "x" * 5001})
        web.post(page_url(conversation, "send/"), {"body": "x", "attachments": [fake_upload()]})
        assert not Message.objects.exists()
        web.post(page_url(conversation, "send/"), {"body": "ok", "attachments": [image_upload()]})
        assert Message.objects.get().attachments.count() == 1

    def test_read_only_refusal_is_shown(self, logged_in):
        conversation = contract_conversation()
        Contract.objects.filter(pk=conversation.contract.pk).update(state="cancelled")
        web = logged_in(conversation.contract.provider)
        response = web.post(page_url(conversation, "send/"), {"body": "late"}, follow=True)
        assert "read-only" in response.content.decode()
        fragment = web.post(
            page_url(conversation, "send/"), {"body": "late", "ro": "0"}, **HTMX
        ).content.decode()
        assert 'data-testid="read-only"' in fragment
        assert not Message.objects.exists()

    def test_rate_limit_is_shown(self, logged_in, settings):
        settings.MESSAGING_SEND_RATE_PER_MINUTE = 1
        conversation = job_conversation()
        web = logged_in(conversation.client)
        web.post(page_url(conversation, "send/"), {"body": "one"})
        response = web.post(page_url(conversation, "send/"), {"body": "two"}, follow=True)
        assert "too fast" in response.content.decode()
        assert Message.objects.count() == 1


class TestUpdates:
    def test_new_and_changed_messages(self, logged_in):
        conversation = job_conversation()
        client = conversation.client
        first = send(conversation, client, "first")
        since = timezone.now().isoformat()
        services.message_edit(message=first, actor=client, body="first, edited")
        send(conversation, conversation.proposal.freelancer, "second")
        response = logged_in(client).get(
            page_url(conversation, "updates/"), {"after": 1, "since": since, "ro": "0"}
        )
        html = response.content.decode()
        assert "second" in html
        assert f'id="m-{first.pk}"' in html and "first, edited" in html
        assert 'data-testid="edited-marker"' in html
        assert 'id="composer"' not in html  # the state did not change: the draft is kept
        assert Participant.objects.get(user=client).last_read_seq == 2

    def test_a_state_change_replaces_the_composer(self, logged_in):
        conversation = contract_conversation()
        Contract.objects.filter(pk=conversation.contract.pk).update(state="completed")
        html = (
            logged_in(conversation.contract.client)
            .get(page_url(conversation, "updates/"), {"after": 0, "ro": "0"})
            .content.decode()
        )
        assert 'id="composer" hx-swap-oob="true"' in html and 'data-testid="read-only"' in html

    def test_garbage_parameters_are_tolerated(self, logged_in):
        conversation = job_conversation()
        send(conversation, conversation.client, "hello")
        response = logged_in(conversation.client).get(
            page_url(conversation, "updates/"), {"after": "x", "since": "yesterday"}
        )
        assert response.status_code == 200 and "hello" in response.content.decode()


class TestEditAndDelete:
    def test_edit_page_and_save(self, logged_in):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "helo")
        web = logged_in(conversation.client)
        edit_url = page_url(conversation, f"messages/{message.pk}/edit/")
        assert "helo" in web.get(edit_url).content.decode()
        response = web.post(edit_url, {"body": "hello"})
        assert response.status_code == 302
        message.refresh_from_db()
        assert message.body == "hello" and message.edited_at

    def test_someone_elses_message(self, logged_in):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "mine")
        web = logged_in(conversation.proposal.freelancer)
        edit_url = page_url(conversation, f"messages/{message.pk}/edit/")
        assert web.get(edit_url).status_code == 404
        response = web.post(edit_url, {"body": "theirs"})
        assert response.status_code == 400
        assert "your own messages" in response.content.decode()
        web.post(page_url(conversation, f"messages/{message.pk}/delete/"))
        message.refresh_from_db()
        assert message.body == "mine" and message.deleted_at is None

    def test_after_the_window(self, logged_in):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "old")
        Message.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - timedelta(minutes=30)
        )
        web = logged_in(conversation.client)
        assert 'data-testid="edit-message"' not in web.get(page_url(conversation)).content.decode()
        response = web.post(page_url(conversation, f"messages/{message.pk}/edit/"), {"body": "new"})
        assert response.status_code == 400 and "15 minutes" in response.content.decode()

    def test_delete_shows_the_marker(self, logged_in):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "regret")
        web = logged_in(conversation.client)
        since = (timezone.now() - timedelta(seconds=1)).isoformat()
        fragment = web.post(
            page_url(conversation, f"messages/{message.pk}/delete/"),
            {"after": "1", "since": since},
            **HTMX,
        ).content.decode()
        assert 'data-testid="message-deleted"' in fragment and "regret" not in fragment
        html = (
            logged_in(conversation.proposal.freelancer).get(page_url(conversation)).content.decode()
        )
        assert "Message deleted" in html and "regret" not in html

    def test_hidden_by_moderation(self, logged_in):
        from craftwork.accounts.tests.factories import StaffFactory

        conversation = job_conversation()
        message = send(conversation, conversation.client, "nasty words")
        services.message_hide(message=message, actor=StaffFactory(), reason="abuse")
        html = (
            logged_in(conversation.proposal.freelancer).get(page_url(conversation)).content.decode()
        )
        assert "Hidden by moderation" in html and "nasty words" not in html


class TestAttachmentsAndSearch:
    def test_download_is_for_participants_only(self, logged_in):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "", files=[pdf_upload(), image_upload()])
        pdf, image = (
            message.attachments.order_by("kind")[1],
            message.attachments.order_by("kind")[0],
        )
        web = logged_in(conversation.proposal.freelancer)
        response = web.get(f"/messages/attachments/{pdf.pk}/")
        assert response.status_code == 200 and response["Content-Disposition"].startswith(
            "attachment"
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        thumb = web.get(f"/messages/attachments/{image.pk}/?thumbnail=1")
        assert thumb["Content-Type"] == "image/jpeg"
        assert logged_in(UserFactory()).get(f"/messages/attachments/{pdf.pk}/").status_code == 404
        services.message_delete(message=message, actor=conversation.client)
        assert (
            logged_in(conversation.client).get(f"/messages/attachments/{pdf.pk}/").status_code
            == 404
        )

    def test_search(self, logged_in):
        conversation = job_conversation()
        send(conversation, conversation.client, "The deadline is Friday")
        send(conversation, conversation.client, "Unrelated")
        web = logged_in(conversation.client)
        html = web.get(page_url(conversation), {"q": "deadline"}).content.decode()
        assert html.count('data-testid="search-result"') == 1 and "Friday" in html
        assert web.get(page_url(conversation), {"q": "x"}).status_code == 400
        assert (
            'data-testid="no-results"'
            in web.get(page_url(conversation), {"q": "zzz"}).content.decode()
        )


class TestStart:
    def test_existing_conversation_redirects(self, logged_in):
        conversation = job_conversation()
        response = logged_in(conversation.client).get(
            f"/messages/start/proposal/{conversation.proposal.pk}/"
        )
        assert response.status_code == 302 and response["Location"] == page_url(conversation)

    def test_new_conversation_starts_with_the_first_message(self, logged_in):
        proposal = ProposalFactory()
        web = logged_in(proposal.job.client)
        start = f"/messages/start/proposal/{proposal.pk}/"
        page = web.get(start)
        assert page.status_code == 200 and 'data-testid="start-form"' in page.content.decode()
        assert not Conversation.objects.exists()  # a GET creates nothing
        assert web.post(start, {"body": "  "}).status_code == 400
        assert not Conversation.objects.exists()
        response = web.post(start, {"body": "Can you start Monday?"})
        conversation = Conversation.objects.get()
        assert response["Location"] == page_url(conversation)
        assert conversation.messages.get().body == "Can you start Monday?"

    def test_client_writes_to_an_invited_freelancer(self, logged_in):
        invitation = JobInvitationFactory()
        web = logged_in(invitation.job.client)
        start = f"/messages/start/job/{invitation.job.pk}/?with={invitation.freelancer.pk}"
        assert web.get(start).status_code == 200
        web.post(
            f"/messages/start/job/{invitation.job.pk}/",
            {"body": "Hi!", "with": invitation.freelancer.pk},
        )
        assert Participant.objects.filter(user=invitation.freelancer).exists()

    def test_cold_message_is_refused_with_its_code(self, logged_in):
        job = JobFactory()
        web = logged_in(FreelancerFactory())
        response = web.get(f"/messages/start/job/{job.pk}/")
        assert response.status_code == 403
        assert 'data-code="cold_message"' in response.content.decode()
        assert web.post(f"/messages/start/job/{job.pk}/", {"body": "hi"}).status_code == 403
        assert not Conversation.objects.exists()

    def test_unknown_kind_or_foreign_ids_are_404(self, logged_in):
        web = logged_in(UserFactory())
        assert web.get(f"/messages/start/gig/{uuid.uuid4()}/").status_code == 404
        assert web.get(f"/messages/start/contract/{ContractFactory().pk}/").status_code == 404
        job = JobFactory()
        assert (
            logged_in(job.client).get(f"/messages/start/job/{job.pk}/?with=not-a-uuid").status_code
            == 404
        )

    def test_team(self, logged_in):
        _job, (first, _second) = team()
        web = logged_in(first.provider)
        assert web.post(f"/messages/start/team/{first.pk}/", {"body": "Hi team"}).status_code == 302
        conversation = Conversation.objects.get(kind="team")
        assert conversation.participants.count() == 3


class TestLinksOnOtherPages:
    def test_contract_page_links(self, logged_in):
        _job, (first, _second) = team()
        html = logged_in(first.provider).get(f"/contracts/{first.pk}/").content.decode()
        assert f"/messages/start/contract/{first.pk}/" in html
        assert f"/messages/start/team/{first.pk}/" in html
        solo = ContractFactory()
        html = logged_in(solo.client).get(f"/contracts/{solo.pk}/").content.decode()
        assert f"/messages/start/contract/{solo.pk}/" in html and "/start/team/" not in html

    def test_job_pages_link(self, logged_in):
        proposal = ProposalFactory()
        html = logged_in(proposal.freelancer).get(f"/jobs/{proposal.job.pk}/").content.decode()
        assert f"/messages/start/job/{proposal.job.pk}/" in html
        html = (
            logged_in(proposal.job.client)
            .get(f"/jobs/{proposal.job.pk}/proposals/")
            .content.decode()
        )
        assert f"/messages/start/proposal/{proposal.pk}/" in html
        html = (
            logged_in(proposal.job.client).get(f"/jobs/proposals/{proposal.pk}/").content.decode()
        )
        assert 'data-testid="message-proposal"' in html


def test_header_badge_context_and_snippet():
    conversation = job_conversation()
    send(conversation, conversation.proposal.freelancer, "one")
    request = RequestFactory().get("/")
    request.user = conversation.client
    context = messaging_context(request)
    assert context["messaging_badge"].count == 1
    html = Template('{% include "messaging/_nav_badge.html" %}').render(
        Context({**context, "user": conversation.client})
    )
    assert "/messages/" in html and "data-messages-count" in html and "<span data-count>1<" in html
