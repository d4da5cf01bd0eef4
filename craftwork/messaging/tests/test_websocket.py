"""/ws/conversations/<uuid>/: auth, authorisation, live delivery, typing, receipts, bad frames.

Each scenario runs in a thread with its own event loop (as in craftwork/core/tests/test_websocket.py),
so these tests also work in a process where Playwright's sync API holds the main thread's loop."""

import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from craftwork.accounts.tests.conftest import websocket_ticket
from craftwork.accounts.tests.factories import UserFactory
from craftwork.accounts.websocket import SessionOrTicketAuthMiddleware
from craftwork.contracts.models import Contract
from craftwork.core.tests.aio import run_async
from craftwork.messaging import presence, services
from craftwork.messaging.models import Message, Participant
from craftwork.routing import websocket_urlpatterns

from .factories import contract_conversation, job_conversation

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(path):
    return WebsocketCommunicator(
        SessionOrTicketAuthMiddleware(URLRouter(websocket_urlpatterns)), path
    )


def path_for(conversation, user=None):
    path = f"/ws/conversations/{conversation.pk}/"
    return f"{path}?ticket={websocket_ticket(user)}" if user is not None else path


async def open_socket(conversation, user):
    socket = communicator(path_for(conversation, user))
    connected, _ = await socket.connect(timeout=10)
    assert connected
    hello = await socket.receive_json_from(timeout=5)
    assert hello["type"] == "hello"
    return socket


async def refused(path):
    """Connect, and return the close code the server answers with."""
    socket = communicator(path)
    connected, code = await socket.connect(timeout=10)
    if not connected:
        return code
    closed = await socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    return closed["code"]


def test_without_auth_the_socket_is_closed_with_4401():
    conversation = job_conversation()
    assert run_async(lambda: refused(path_for(conversation))) == 4401
    assert (
        run_async(
            lambda: refused(f"{path_for(conversation)}?ticket=forged-ticket-value-0123456789")
        )
        == 4401
    )


def test_someone_elses_or_an_unknown_conversation_is_closed_with_4404():
    conversation = job_conversation()
    stranger = UserFactory()
    assert run_async(lambda: refused(path_for(conversation, stranger))) == 4404
    unknown = f"/ws/conversations/{uuid.uuid4()}/?ticket={websocket_ticket(stranger)}"
    assert run_async(lambda: refused(unknown)) == 4404


def test_a_message_reaches_the_other_participant_live():
    conversation = job_conversation()
    client, freelancer = conversation.client, conversation.proposal.freelancer

    async def scenario():
        mine, theirs = (
            await open_socket(conversation, client),
            await open_socket(conversation, freelancer),
        )
        await database_sync_to_async(services.message_send)(
            conversation=conversation, actor=client, body="Hello *live*"
        )
        received = await theirs.receive_json_from(timeout=5)
        echoed = await mine.receive_json_from(timeout=5)  # the author's other tabs see it too
        await mine.disconnect()
        await theirs.disconnect()
        return received, echoed

    received, echoed = run_async(scenario)
    assert received["type"] == "message.created" and echoed == received
    data = received["data"]
    assert data["seq"] == 1 and data["body_html"] == "<p>Hello <em>live</em></p>"
    assert data["author"]["id"] == str(client.pk) and data["state"] == "visible"


def test_send_over_the_socket_edits_deletes_and_receipts():
    conversation = job_conversation()
    client, freelancer = conversation.client, conversation.proposal.freelancer

    async def scenario():
        mine, theirs = (
            await open_socket(conversation, client),
            await open_socket(conversation, freelancer),
        )
        await mine.send_json_to({"type": "send", "body": "via socket", "ref": "c1"})
        frames = [await mine.receive_json_from(timeout=5) for _ in range(2)]
        created = await theirs.receive_json_from(timeout=5)
        message = await database_sync_to_async(Message.objects.get)()
        await database_sync_to_async(services.message_edit)(
            message=message, actor=client, body="edited"
        )
        edited = await theirs.receive_json_from(timeout=5)
        assert (await mine.receive_json_from(timeout=5))["type"] == "message.updated"
        await theirs.send_json_to({"type": "read", "seq": 1})
        receipt = await mine.receive_json_from(timeout=5)
        assert await theirs.receive_json_from(timeout=5) == receipt  # the reader's other tabs
        await database_sync_to_async(services.message_delete)(message=message, actor=client)
        deleted = await theirs.receive_json_from(timeout=5)
        await mine.disconnect()
        await theirs.disconnect()
        return frames, created, edited, receipt, deleted

    frames, created, edited, receipt, deleted = run_async(scenario)
    types = sorted(frame["type"] for frame in frames)
    assert types == ["message.created", "sent"]
    sent = next(frame for frame in frames if frame["type"] == "sent")
    assert sent["data"]["ref"] == "c1" and sent["data"]["seq"] == 1
    assert created["data"]["body"] == "via socket"
    assert edited["type"] == "message.updated" and edited["data"]["edited"] is True
    assert receipt == {
        "type": "read",
        "data": {"user": {"id": str(freelancer.pk), "name": freelancer.get_full_name()}, "seq": 1},
    }
    assert deleted["data"]["state"] == "deleted" and deleted["data"]["body"] == ""
    assert Participant.objects.get(user=freelancer).last_read_seq == 1


def test_typing_goes_to_the_others_only_and_is_not_stored():
    conversation = job_conversation()
    client, freelancer = conversation.client, conversation.proposal.freelancer

    async def scenario():
        mine, theirs = (
            await open_socket(conversation, client),
            await open_socket(conversation, freelancer),
        )
        await mine.send_json_to({"type": "typing"})
        await mine.send_json_to({"type": "typing"})  # within 2 s: not repeated
        typing = await theirs.receive_json_from(timeout=5)
        quiet_them = await theirs.receive_nothing(timeout=0.3)
        quiet_me = await mine.receive_nothing(timeout=0.1)
        await mine.disconnect()
        await theirs.disconnect()
        return typing, quiet_them, quiet_me

    typing, quiet_them, quiet_me = run_async(scenario)
    assert typing == {
        "type": "typing",
        "data": {"user": {"id": str(client.pk), "name": client.get_full_name()}},
    }
    assert quiet_them and quiet_me
    assert not Message.objects.exists()


def test_malformed_frames_get_an_error_and_the_socket_stays_up():
    conversation = job_conversation()

    async def scenario():
        socket = await open_socket(conversation, conversation.client)
        answers = []
        for frame in (
            "not json",
            "[1, 2]",
            '{"no": "type"}',
            '{"type": 5}',
            '{"type": "dance"}',
            '{"type": "send", "body": 42}',
            '{"type": "send", "body": ""}',
            '{"type": "read", "seq": "one"}',
            "x" * 30_000,
            "[" * 5_000 + "]" * 5_000,
            '{"type": "send", "body": "a\\u0000b"}',
        ):
            await socket.send_to(text_data=frame)
            answers.append(await socket.receive_json_from(timeout=5))
        await socket.send_to(bytes_data=b"\x00\x01")
        answers.append(await socket.receive_json_from(timeout=5))
        await socket.send_json_to({"type": "ping"})
        pong = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return answers, pong

    answers, pong = run_async(scenario)
    assert [a["type"] for a in answers] == ["error"] * 12
    assert [a["data"]["code"] for a in answers] == [
        "bad_json", "bad_frame", "bad_frame", "bad_frame", "unknown_type",
        "bad_frame", "empty_message", "bad_frame", "frame_too_large", "bad_json", "bad_json",
        "bad_frame",
    ]  # fmt: skip
    assert pong == {"type": "pong"}
    assert not Message.objects.exists()


def test_sending_to_a_read_only_conversation_over_the_socket_is_refused():
    conversation = contract_conversation()
    Contract.objects.filter(pk=conversation.contract.pk).update(state="completed")

    async def scenario():
        socket = await open_socket(conversation, conversation.contract.client)
        await socket.send_to(text_data=json.dumps({"type": "send", "body": "late", "ref": 7}))
        answer = await socket.receive_json_from(timeout=5)
        await socket.disconnect()
        return answer

    answer = run_async(scenario)
    assert answer["type"] == "error"
    assert answer["data"]["code"] == "conversation_read_only" and answer["data"]["ref"] == 7


def test_an_open_socket_counts_as_viewing():
    conversation = job_conversation()
    client = conversation.client

    async def scenario():
        socket = await open_socket(conversation, client)
        while_open = await database_sync_to_async(presence.viewing)(conversation.pk, [client.pk])
        await socket.disconnect()
        await asyncio.sleep(0.1)
        after = await database_sync_to_async(presence.viewing)(conversation.pk, [client.pk])
        return while_open, after

    assert run_async(scenario) == ({client.pk}, set())
