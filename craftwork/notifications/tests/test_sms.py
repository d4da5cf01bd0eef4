"""The SMS interface: console backend for the embedded mode, Twilio over HTTPS (never reached)."""

import base64
import io
import json
import urllib.error
import urllib.parse

import pytest
from django.core.exceptions import ImproperlyConfigured

from craftwork.notifications import sms


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def twilio(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = "+15550001111"


@pytest.fixture
def network(monkeypatch):
    """Replaces urlopen: records requests and answers with what the test queues."""
    calls, answers = [], []

    def urlopen(request, timeout=None):
        calls.append((request, timeout))
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return FakeResponse(json.dumps(answer).encode())

    monkeypatch.setattr(sms.urllib.request, "urlopen", urlopen)
    return calls, answers


def http_error(code: int, body: dict) -> urllib.error.HTTPError:
    return urllib.error.HTTPError(
        "https://api.twilio.com", code, "error", {}, io.BytesIO(json.dumps(body).encode())
    )


def test_console_backend_records_the_message(settings):
    settings.SMS_BACKEND = "console"
    sms.outbox.clear()
    sid = sms.send_sms(to="+34612345678", body="Hello")
    assert sid.startswith("console-")
    assert sms.outbox == [sms.SmsMessage(to="+34612345678", body="Hello", sid=sid)]
    sms.outbox.clear()


def test_twilio_posts_the_message_with_basic_auth(twilio, network):
    calls, answers = network
    answers.append({"sid": "SM42", "status": "queued"})
    assert sms.send_sms(to="+34612345678", body="Your code is 123456") == "SM42"
    ((request, timeout),) = calls
    assert request.full_url == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    assert request.get_method() == "POST"
    assert timeout == sms.TwilioSmsBackend.TIMEOUT_SECONDS
    expected = base64.b64encode(b"AC123:secret-token").decode()
    assert request.get_header("Authorization") == f"Basic {expected}"
    assert urllib.parse.parse_qs(request.data.decode()) == {
        "To": ["+34612345678"],
        "From": ["+15550001111"],
        "Body": ["Your code is 123456"],
    }


def test_twilio_client_errors_are_permanent(twilio, network):
    _calls, answers = network
    answers.append(http_error(400, {"code": 21211, "message": "Invalid 'To' Phone Number"}))
    with pytest.raises(sms.SmsError) as error:
        sms.send_sms(to="+34612345678", body="x")
    assert error.value.permanent is True
    assert "Invalid 'To' Phone Number" in str(error.value)


@pytest.mark.parametrize(
    "failure",
    [
        http_error(503, {"message": "Service unavailable"}),
        http_error(429, {"message": "Too many requests"}),
        urllib.error.URLError("no route to host"),
        TimeoutError("timed out"),
    ],
)
def test_twilio_outages_may_be_retried(twilio, network, failure):
    _calls, answers = network
    answers.append(failure)
    with pytest.raises(sms.SmsError) as error:
        sms.send_sms(to="+34612345678", body="x")
    assert error.value.permanent is False


def test_twilio_answer_without_a_sid_is_an_error(twilio, network):
    _calls, answers = network
    answers.append({"status": "weird"})
    with pytest.raises(sms.SmsError):
        sms.send_sms(to="+34612345678", body="x")


def test_twilio_needs_its_credentials(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""
    with pytest.raises(ImproperlyConfigured):
        sms.send_sms(to="+34612345678", body="x")


def test_a_dotted_path_selects_a_custom_backend(settings):
    settings.SMS_BACKEND = "craftwork.notifications.sms.ConsoleSmsBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleSmsBackend)
