import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import FreelancerFactory, UserFactory
from craftwork.contracts.models import Contract
from craftwork.core.tests.documents import HTML_IN_PDF, scripted_pdf
from craftwork.jobs.tests.factories import JobFactory, ProposalFactory
from craftwork.messaging.models import MAX_MESSAGE_LENGTH, Conversation, Message

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
BASE = "/api/v1/conversations/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(conversation, suffix=""):
    return f"{BASE}{conversation.pk}/{suffix}"


class TestStart:
    def test_start_about_a_proposal_then_get_it_again(self):
        proposal = ProposalFactory()
        api = client_for(proposal.freelancer)
        created = api.post(BASE, {"kind": "proposal", "id": str(proposal.pk)}, format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        assert body["context"] == {
            "kind": "job",
            "title": proposal.job.title,
            "job_id": str(proposal.job.pk),
            "contract_id": None,
        }
        assert body["websocket"] == f"/ws/conversations/{body['id']}/"
        assert {p["role"] for p in body["participants"]} == {"client", "freelancer"}
        again = client_for(proposal.job.client).post(
            BASE, {"kind": "job", "id": str(proposal.job.pk), "with_user": str(proposal.freelancer.pk)},
            format="json",
        )  # fmt: skip
        assert again.status_code == 200 and again.json()["id"] == body["id"]

    def test_cold_message_is_403_with_a_code(self):
        response = client_for(FreelancerFactory()).post(
            BASE, {"kind": "job", "id": str(JobFactory().pk)}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "cold_message"
        assert not Conversation.objects.exists()

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"kind": "gig", "id": str(uuid.uuid4())},
            {"kind": "job", "id": "not-a-uuid"},
            {"kind": "job", "id": str(uuid.uuid4()), "extra": 1},
            {"kind": ["job"], "id": str(uuid.uuid4())},
        ],
    )
    def test_bad_input_is_400(self, payload):
        response = client_for(UserFactory()).post(BASE, payload, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"

    def test_unknown_or_foreign_ids_are_404(self):
        api = client_for(UserFactory())
        for kind in ("job", "proposal", "contract", "team"):
            response = api.post(BASE, {"kind": kind, "id": str(uuid.uuid4())}, format="json")
            assert response.status_code == 404, kind
        contract = contract_conversation().contract
        response = api.post(BASE, {"kind": "contract", "id": str(contract.pk)}, format="json")
        assert response.status_code == 404

    def test_client_needs_with_user(self):
        job = JobFactory()
        api = client_for(job.client)
        response = api.post(BASE, {"kind": "job", "id": str(job.pk)}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "with_user_required"
        response = api.post(
            BASE, {"kind": "job", "id": str(job.pk), "with_user": str(uuid.uuid4())}, format="json"
        )
        assert response.status_code == 404

    def test_team_needs_two_hires(self):
        _job, (only,) = team(size=1)
        response = client_for(only.client).post(
            BASE, {"kind": "team", "id": str(only.pk)}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "no_team"

    def test_anonymous_is_401(self):
        assert APIClient().get(BASE).status_code == 401


class TestInbox:
    def test_list_with_unread_counts_and_last_message(self):
        conversation = job_conversation()
        quiet = contract_conversation(client=conversation.client)  # no message: older activity
        freelancer = conversation.proposal.freelancer
        send(conversation, freelancer, "first")
        send(conversation, freelancer, "second " * 40)
        response = client_for(conversation.client).get(BASE)
        assert response.status_code == 200
        rows = response.json()["results"]
        assert next(row["id"] for row in rows) == str(conversation.pk)
        row = rows[0]
        assert row["unread_count"] == 2 and row["read_only"] is False
        assert row["last_message"]["seq"] == 2
        assert len(row["last_message"]["preview"]) <= 140
        assert {p["id"] for p in row["participants"]} == {
            str(freelancer.pk),
            str(conversation.client.pk),
        }
        assert rows[1]["id"] == str(quiet.pk) and rows[1]["last_message"] is None
        unread_only = client_for(conversation.client).get(f"{BASE}?unread=1").json()
        assert [row["id"] for row in unread_only["results"]] == [str(conversation.pk)]
        assert client_for(UserFactory()).get(BASE).json()["results"] == []

    def test_inbox_query_count_does_not_grow(self, django_assert_max_num_queries):
        client = UserFactory()
        for _ in range(6):
            conversation = job_conversation(job=JobFactory(client=client))
            send(conversation, conversation.proposal.freelancer, "hi", files=[pdf_upload()])
        contract_conversation(client=client)
        api = client_for(client)
        with django_assert_max_num_queries(4):  # count, page, members (+ savepoint-free)
            response = api.get(BASE)
        assert len(response.json()["results"]) == 7

    def test_unread_endpoint(self):
        conversation = job_conversation()
        send(conversation, conversation.proposal.freelancer, "ping")
        body = client_for(conversation.client).get(f"{BASE}unread/").json()
        assert body == {"total": 1, "conversations": {str(conversation.pk): 1}}
        assert client_for(conversation.proposal.freelancer).get(f"{BASE}unread/").json() == {
            "total": 0,
            "conversations": {},
        }


class TestDetail:
    def test_detail_and_read_only(self):
        conversation = contract_conversation()
        api = client_for(conversation.contract.provider)
        body = api.get(url(conversation)).json()
        assert body["read_only"] is False and body["context"]["kind"] == "contract"
        Contract.objects.filter(pk=conversation.contract.pk).update(state="completed")
        assert api.get(url(conversation)).json()["read_only"] is True

    def test_someone_elses_conversation_is_404(self):
        conversation = job_conversation()
        api = client_for(UserFactory())
        for suffix in ("", "messages/", "search/?q=hello"):
            assert api.get(url(conversation, suffix)).status_code == 404
        assert api.post(url(conversation, "messages/"), {"body": "x"}).status_code == 404
        assert api.post(url(conversation, "read/"), {}).status_code == 404
        assert client_for(conversation.client).get(f"{BASE}{uuid.uuid4()}/").status_code == 404


class TestMessages:
    def test_send_json_and_list_by_cursor(self):
        conversation = job_conversation()
        api = client_for(conversation.client)
        for n in range(5):
            response = api.post(url(conversation, "messages/"), {"body": f"m{n}"}, format="json")
            assert response.status_code == 201
        sent = response.json()
        assert sent["seq"] == 5 and sent["state"] == "visible" and sent["body_html"] == "<p>m4</p>"
        page = api.get(url(conversation, "messages/?limit=2")).json()
        assert [m["seq"] for m in page["results"]] == [4, 5]
        assert page["has_older"] is True and page["older_cursor"] == 4
        older = api.get(url(conversation, "messages/?limit=2&before=4")).json()
        assert [m["seq"] for m in older["results"]] == [2, 3]
        newer = api.get(url(conversation, "messages/?after=3")).json()
        assert [m["seq"] for m in newer["results"]] == [4, 5]

    @pytest.mark.parametrize("query", ["before=abc", "after=-2", "limit=0", "limit=1000"])
    def test_bad_cursor_is_400(self, query):
        conversation = job_conversation()
        response = client_for(conversation.client).get(url(conversation, f"messages/?{query}"))
        assert response.status_code == 400

    def test_message_list_query_count(self, django_assert_max_num_queries):
        conversation = job_conversation()
        for n in range(12):
            send(conversation, conversation.client, f"with files {n}", files=[pdf_upload()])
        api = client_for(conversation.client)
        with django_assert_max_num_queries(4):  # conversation + members, messages, attachments
            response = api.get(url(conversation, "messages/"))
        assert len(response.json()["results"]) == 12

    def test_send_with_attachments_multipart(self):
        conversation = job_conversation()
        api = client_for(conversation.client)
        response = api.post(
            url(conversation, "messages/"),
            {"body": "see files", "attachments": [image_upload(), pdf_upload()]},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        files = response.json()["attachments"]
        assert [f["kind"] for f in files] == ["jpg", "pdf"]
        image = api.get(files[0]["url"])
        assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
        assert api.get(files[0]["thumbnail_url"]).status_code == 200
        pdf = api.get(files[1]["url"])
        assert pdf["Content-Disposition"].startswith("attachment")
        assert files[1]["thumbnail_url"] is None
        assert client_for(UserFactory()).get(files[0]["url"]).status_code == 404

    def test_attachments_follow_the_upload_policy(self):
        conversation = job_conversation()
        api = client_for(conversation.client)
        scripted = SimpleUploadedFile("brief.pdf", scripted_pdf(), content_type="application/pdf")
        response = api.post(
            url(conversation, "messages/"), {"attachments": [scripted]}, format="multipart"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "unsafe_document"
        polyglot = SimpleUploadedFile("page.html", HTML_IN_PDF, content_type="text/html")
        response = api.post(
            url(conversation, "messages/"),
            {"attachments": [polyglot, image_upload()]},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        by_kind = {row["kind"]: row for row in response.json()["attachments"]}
        pdf, image = by_kind["pdf"], by_kind["jpg"]
        assert pdf["name"] == "page.pdf" and image["name"] == "photo.jpg"
        download = api.get(pdf["url"])
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == 'attachment; filename="page.pdf"'
        for shown in (api.get(image["url"]), api.get(image["thumbnail_url"])):
            assert shown["Content-Disposition"] == 'attachment; filename="photo.jpg"'
            assert shown["Content-Type"] == "image/jpeg"
            assert shown["X-Content-Type-Options"] == "nosniff"

    def test_bad_attachment_is_400(self):
        conversation = job_conversation()
        response = client_for(conversation.client).post(
            url(conversation, "messages/"),
            {"body": "virus", "attachments": [fake_upload()]},
            format="multipart",
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_image"
        assert not Message.objects.exists()

    @pytest.mark.parametrize(
        "payload",
        [{}, {"body": ""}, {"body": "   "}, {"body": ["x"]}, {"body": "x", "author": "me"}],
    )
    def test_empty_or_malformed_body_is_400(self, payload):
        conversation = job_conversation()
        response = client_for(conversation.client).post(
            url(conversation, "messages/"), payload, format="json"
        )
        assert response.status_code == 400
        assert not Message.objects.exists()

    def test_huge_text_is_400_and_a_huge_body_413(self):
        conversation = job_conversation()
        api = client_for(conversation.client)
        response = api.post(
            url(conversation, "messages/"), {"body": "x" * (MAX_MESSAGE_LENGTH + 1)}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "message_too_long"
        response = api.post(
            url(conversation, "messages/"), {"body": "x" * 3_000_000}, format="json"
        )
        assert response.status_code == 413

    def test_sending_to_a_read_only_conversation_is_409(self):
        conversation = contract_conversation()
        Contract.objects.filter(pk=conversation.contract.pk).update(state="cancelled")
        response = client_for(conversation.contract.client).post(
            url(conversation, "messages/"), {"body": "too late"}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "conversation_read_only"
        listing = client_for(conversation.contract.client).get(url(conversation, "messages/"))
        assert listing.status_code == 200  # still readable

    def test_rate_limit_is_429(self, settings):
        settings.MESSAGING_SEND_RATE_PER_MINUTE = 2
        conversation = job_conversation()
        api = client_for(conversation.client)
        for _ in range(2):
            assert api.post(url(conversation, "messages/"), {"body": "x"}).status_code == 201
        response = api.post(url(conversation, "messages/"), {"body": "x"}, format="json")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"

    def test_api_throttle_refuses_bursts_of_requests(self, settings):
        settings.MESSAGING_SEND_THROTTLE = "3/minute"
        conversation = job_conversation()
        api = client_for(conversation.client)
        for _ in range(3):
            api.post(url(conversation, "messages/"), {"body": ""}, format="json")  # 400s count
        response = api.post(url(conversation, "messages/"), {"body": "x"}, format="json")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "throttled"
        assert api.get(url(conversation, "messages/")).status_code == 200  # reading is not


class TestEditDelete:
    def test_edit_and_delete_own(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "helo")
        api = client_for(conversation.client)
        target = url(conversation, f"messages/{message.pk}/")
        edited = api.patch(target, {"body": "hello"}, format="json").json()
        assert edited["body"] == "hello" and edited["edited"] is True
        deleted = api.delete(target).json()
        assert (
            deleted["state"] == "deleted" and deleted["body"] == "" and deleted["attachments"] == []
        )
        assert api.get(target).json()["state"] == "deleted"

    def test_editing_someone_elses_message_is_403(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "mine")
        api = client_for(conversation.proposal.freelancer)
        target = url(conversation, f"messages/{message.pk}/")
        response = api.patch(target, {"body": "theirs"}, format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "not_author"
        assert api.delete(target).status_code == 403
        assert (
            client_for(UserFactory()).patch(target, {"body": "x"}, format="json").status_code == 404
        )

    def test_editing_after_the_window_is_409(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "old")
        Message.objects.filter(pk=message.pk).update(
            created_at=timezone.now() - timedelta(minutes=20)
        )
        response = client_for(conversation.client).patch(
            url(conversation, f"messages/{message.pk}/"), {"body": "new"}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "edit_window_passed"

    def test_bad_edit_payloads(self):
        conversation = job_conversation()
        message = send(conversation, conversation.client, "text")
        api = client_for(conversation.client)
        target = url(conversation, f"messages/{message.pk}/")
        assert api.patch(target, {}, format="json").status_code == 400
        assert api.patch(target, {"body": "x", "seq": 9}, format="json").status_code == 400
        assert api.patch(target, {"body": " "}, format="json").status_code == 400
        other = job_conversation()
        wrong_conversation = url(other, f"messages/{message.pk}/")
        assert client_for(other.client).patch(wrong_conversation, {"body": "x"}).status_code == 404


class TestReadAndSearch:
    def test_mark_read(self):
        conversation = job_conversation()
        for n in range(3):
            send(conversation, conversation.proposal.freelancer, f"m{n}")
        api = client_for(conversation.client)
        body = api.post(url(conversation, "read/"), {"seq": 2}, format="json").json()
        assert body == {"last_read_seq": 2, "unread_total": 1}
        body = api.post(url(conversation, "read/"), {}, format="json").json()
        assert body == {"last_read_seq": 3, "unread_total": 0}
        detail = client_for(conversation.proposal.freelancer).get(url(conversation)).json()
        pointers = {p["user"]["id"]: p["last_read_seq"] for p in detail["participants"]}
        assert pointers[str(conversation.client.pk)] == 3  # the read receipt

    @pytest.mark.parametrize("payload", [{"seq": -1}, {"seq": "x"}, {"seq": 1, "other": 2}])
    def test_bad_read_payloads(self, payload):
        conversation = job_conversation()
        response = client_for(conversation.client).post(
            url(conversation, "read/"), payload, format="json"
        )
        assert response.status_code == 400

    def test_search(self):
        conversation = job_conversation()
        send(conversation, conversation.client, "Budget is fine")
        send(conversation, conversation.client, "Something else")
        api = client_for(conversation.client)
        body = api.get(url(conversation, "search/?q=budget")).json()
        assert [m["body"] for m in body["results"]] == ["Budget is fine"]
        assert api.get(url(conversation, "search/?q=x")).status_code == 400
        assert api.get(url(conversation, "search/")).status_code == 400


def test_message_payload_matches_the_documented_fields():
    from craftwork.messaging.api.serializers import AttachmentOutput, MessageOutput

    conversation = job_conversation()
    message = send(conversation, conversation.client, "doc", files=[image_upload()])
    body = client_for(conversation.client).get(url(conversation, f"messages/{message.pk}/")).json()
    assert set(body) == set(MessageOutput().fields)
    assert set(body["attachments"][0]) == set(AttachmentOutput().fields)
    assert body["created_at"].endswith("Z")  # as every other endpoint's datetimes
