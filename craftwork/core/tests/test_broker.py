"""The embedded broker (`make run` without Redis): first in, first out, across processes."""

import pytest
from kombu import Connection

from craftwork.celery import app
from craftwork.core import broker


@pytest.fixture
def connect(tmp_path):
    broker.register()
    path = str(tmp_path / "broker.sqlite3")
    opened = []

    def open_connection():
        connection = Connection("sqlite://", transport_options={"path": path})
        opened.append(connection)
        return connection

    yield open_connection
    for connection in opened:
        connection.release()


def test_messages_come_out_in_the_order_they_went_in_whoever_sent_them(connect):
    web, worker = connect(), connect()  # two processes share the file
    for number in range(1, 13):  # 12 > 9: no ordering by the digits of a name
        sender = web if number % 2 else worker
        sender.SimpleQueue("celery").put({"n": number})
    queue = worker.SimpleQueue("celery")
    received = []
    for _ in range(12):
        message = queue.get(timeout=1)
        received.append(message.payload["n"])
        message.ack()
    assert received == list(range(1, 13))
    with pytest.raises(queue.Empty):
        queue.get(timeout=0.3)


def test_queues_are_separate_and_a_taken_message_is_gone(connect):
    connection = connect()
    connection.SimpleQueue("celery").put({"kind": "background"})
    connection.SimpleQueue("mail").put({"kind": "verification"})
    mail = connect().SimpleQueue("mail")
    assert mail.qsize() == 1
    message = mail.get(timeout=1)
    message.ack()
    assert message.payload == {"kind": "verification"}
    assert mail.qsize() == 0
    assert connect().SimpleQueue("celery").qsize() == 1


@pytest.mark.parametrize(
    "task",
    [
        "craftwork.accounts.tasks.send_verification_email",
        "craftwork.accounts.tasks.send_password_reset_email",
        "craftwork.notifications.tasks.deliver",
        "craftwork.notifications.tasks.send_phone_code",
    ],
)
def test_messages_to_people_have_their_own_queue(task):
    assert app.amqp.router.route({}, task)["queue"].name == "mail"


def test_background_work_stays_on_the_default_queue():
    route = app.amqp.router.route({}, "craftwork.core.tasks.dispatch_event")
    assert route["queue"].name == "celery"
