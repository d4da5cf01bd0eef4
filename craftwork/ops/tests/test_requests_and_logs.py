import json
import logging

import pytest
from django.test import override_settings

from craftwork.accounts.tests.factories import UserFactory
from craftwork.ops import celery_signals, logs, sentry
from craftwork.ops.context import current_request_id


def json_handler():
    """A handler rendering like production (the JSON formatter of settings.LOGGING)."""
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    config = logs.formatter(json_output=True)
    factory = config.pop("()")
    handler.setFormatter(factory(**config))
    return handler, stream


@pytest.fixture
def captured():
    handler, stream = json_handler()
    loggers = [logging.getLogger(name) for name in ("craftwork.request", "craftwork.test")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


@pytest.mark.django_db
class TestRequestId:
    def test_every_response_has_one(self, client, captured):
        response = client.get("/health/")
        request_id = response["X-Request-ID"]
        assert len(request_id) == 32
        (line,) = [r for r in captured() if r["logger"] == "craftwork.request"]
        assert line["request_id"] == request_id
        assert line["status"] == 200 and line["view"] == "health" and line["path"] == "/health/"
        assert "user_id" not in line

    def test_a_plain_incoming_id_is_kept_a_strange_one_replaced(self, client):
        assert client.get("/health/", HTTP_X_REQUEST_ID="lb-req-12345")["X-Request-ID"] == (
            "lb-req-12345"
        )
        for bad in ("x", "a b c d e f g h", "<script>alert(1)</script>", "z" * 200):
            assert client.get("/health/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"] != bad

    def test_signed_in_user_is_logged(self, client, captured):
        user = UserFactory()
        client.force_login(user)
        client.get("/notifications/")
        lines = [r for r in captured() if r["logger"] == "craftwork.request"]
        assert lines and lines[-1]["user_id"] == str(user.pk)

    def test_query_secrets_are_not_logged(self, client, captured):
        client.get("/health/?token=abc123secret&ticket=t1cket&page=2")
        (line,) = [r for r in captured() if r["logger"] == "craftwork.request"]
        assert "abc123secret" not in json.dumps(line) and "t1cket" not in json.dumps(line)
        assert "page=2" in line["query"]

    def test_api_login_password_never_logged(self, client, captured):
        user = UserFactory(email="logs@example.com")
        user.set_password("Correct-Horse-42!")
        user.save()
        client.post(
            "/api/v1/auth/token/",
            {"email": "logs@example.com", "password": "Correct-Horse-42!"},
            content_type="application/json",
        )
        assert "Correct-Horse-42!" not in json.dumps(captured())


class TestScrubbing:
    def test_secret_keys_and_card_numbers(self, captured):
        log = logging.getLogger("craftwork.test")
        log.info(
            "charging card 4242 4242 4242 4242 with Bearer eyJhbGciOi.abc.def password=hunter22",
            extra={
                "password": "hunter22",
                "card_number": "4000000000000002",
                "payload": {"refresh_token": "rt-1", "amount": 1200, "note": "4242-4242-4242-4242"},
                "amount_minor": 123456789,
            },
        )
        (line,) = captured()
        text = json.dumps(line)
        for secret in (
            "hunter22",
            "4242 4242",
            "4000000000000002",
            "eyJhbGciOi",
            "rt-1",
            "4242-4242",
        ):
            assert secret not in text
        assert line["payload"]["amount"] == 1200 and line["amount_minor"] == 123456789

    def test_exception_text_is_scrubbed(self, captured):
        log = logging.getLogger("craftwork.test")
        try:
            raise ValueError("bad card 4242424242424242 token=abcdef")
        except ValueError:
            log.exception("failed")
        (line,) = captured()
        assert "4242424242424242" not in line["exception"] and "abcdef" not in line["exception"]
        assert "ValueError" in line["exception"]

    def test_request_and_user_from_context(self, captured):
        token = current_request_id.set("req-abc-123")
        try:
            logging.getLogger("craftwork.test").info("inside")
        finally:
            current_request_id.reset(token)
        assert captured()[0]["request_id"] == "req-abc-123"


class TestCeleryPropagation:
    def test_published_task_carries_the_request_id(self):
        headers = {}
        token = current_request_id.set("req-for-task-1")
        try:
            celery_signals._send_request_id(headers=headers)
        finally:
            current_request_id.reset(token)
        assert headers["request_id"] == "req-for-task-1"

    def test_worker_runs_the_task_under_it(self, captured):
        class Request:
            request_id = "req-for-task-2"

        class Task:
            name = "craftwork.test.task"
            request = Request()

        handler, _stream = json_handler()
        logging.getLogger("craftwork.task").addHandler(handler)
        logging.getLogger("craftwork.task").setLevel(logging.INFO)
        try:
            celery_signals._task_started(task_id="t-1", task=Task())
            assert current_request_id.get() == "req-for-task-2"
            logging.getLogger("craftwork.test").info("in the task")
            celery_signals._task_finished(task_id="t-1", task=Task(), state="SUCCESS")
        finally:
            logging.getLogger("craftwork.task").removeHandler(handler)
            logging.getLogger("craftwork.task").setLevel(logging.NOTSET)
        assert current_request_id.get() is None
        assert captured()[0]["request_id"] == "req-for-task-2"
        done = json.loads(_stream.getvalue().splitlines()[0])
        assert done["task"] == "craftwork.test.task" and done["request_id"] == "req-for-task-2"
        assert done["state"] == "SUCCESS" and done["duration_ms"] >= 0


class TestSentry:
    def test_before_send_scrubs_what_the_sdk_leaves(self):
        event = {
            "request": {
                "data": {"number": "4242424242424242"},
                "query_string": "ticket=abc&page=1",
                "cookies": {"sessionid": "s"},
                "headers": {"Authorization": "Bearer x", "User-Agent": "ua"},
            },
            "exception": {"values": [{"type": "CardError", "value": "card 4242424242424242"}]},
            "logentry": {"message": "password=hunter22"},
            "user": {"id": "u1", "email": "a@b.c", "ip_address": "1.2.3.4"},
        }
        out = sentry.before_send(event, {})
        text = json.dumps(out)
        for secret in ("4242424242424242", "abc", "hunter22", "a@b.c", "1.2.3.4", "Bearer x"):
            assert secret not in text
        assert out["user"] == {"id": "u1"} and out["request"]["headers"]["User-Agent"] == "ua"
        assert "cookies" not in out["request"]

    def test_init_tags_release_and_environment(self):
        import sentry_sdk

        sentry.init(
            dsn="https://public@sentry.example.invalid/1",
            environment="staging",
            release="craftwork@abc123",
            traces_sample_rate=0.0,
        )
        try:
            options = sentry_sdk.get_client().options
            assert options["environment"] == "staging"
            assert options["release"] == "craftwork@abc123"
            assert options["send_default_pii"] is False
            assert options["before_send"] is sentry.before_send
            names = {type(i).__name__ for i in sentry_sdk.get_client().integrations.values()}
            assert {"DjangoIntegration", "CeleryIntegration"} <= names
        finally:
            sentry_sdk.init(dsn=None)

    @override_settings(METRICS_TOKEN="", PRODUCTION=True)
    def test_deploy_check_warns_without_a_metrics_token(self):
        from craftwork.ops.checks import check_metrics_token

        assert [w.id for w in check_metrics_token()] == ["craftwork.W101"]
