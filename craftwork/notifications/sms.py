"""Sending SMS behind one small interface, chosen by ``settings.SMS_BACKEND``.

- ``console``: writes the message to the log and appends it to ``outbox`` (the embedded mode and tests).
- ``twilio``: Twilio's REST API over HTTPS (``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``,
  ``TWILIO_FROM_NUMBER``), with the standard library only.
- any other value: the dotted path of a class with ``send(*, to, body) -> str``.
"""

import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """Sending failed. ``permanent`` errors (a refused number) are not worth retrying."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sid: str


# What the console backend "sent", newest last. Tests read and clear it.
outbox: list[SmsMessage] = []


class ConsoleSmsBackend:
    def send(self, *, to: str, body: str) -> str:
        sid = f"console-{len(outbox) + 1}"
        outbox.append(SmsMessage(to=to, body=body, sid=sid))
        logger.info("SMS to %s: %s", to, body)
        return sid


class TwilioSmsBackend:
    API_URL = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
    TIMEOUT_SECONDS = 10

    def __init__(self):
        self.account_sid = settings.TWILIO_ACCOUNT_SID
        self.auth_token = settings.TWILIO_AUTH_TOKEN
        self.from_number = settings.TWILIO_FROM_NUMBER
        if not (self.account_sid and self.auth_token and self.from_number):
            raise ImproperlyConfigured(
                "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER."
            )

    def send(self, *, to: str, body: str) -> str:
        request = self._request(to, body)
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT_SECONDS) as response:  # noqa: S310 - fixed https URL
                data = json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"Twilio unreachable: {exc}") from exc
        except ValueError as exc:
            raise SmsError("Twilio answered with something that is not JSON.") from exc
        sid = data.get("sid")
        if not sid:
            raise SmsError(f"Twilio accepted no message: {data!r}"[:500])
        return sid

    def _request(self, to: str, body: str) -> urllib.request.Request:
        url = self.API_URL.format(sid=urllib.parse.quote(self.account_sid, safe=""))
        form = urllib.parse.urlencode({"To": to, "From": self.from_number, "Body": body}).encode()
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return urllib.request.Request(  # noqa: S310 - fixed https URL
            url,
            data=form,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )

    @staticmethod
    def _http_error(exc: urllib.error.HTTPError) -> SmsError:
        try:
            detail = json.loads(exc.read().decode() or "{}")
        except (ValueError, OSError):
            detail = {}
        message = f"Twilio {exc.code}: {detail.get('message') or exc.reason}"
        # 4xx means this request will never succeed (bad number, unverified sender); 429 and 5xx may.
        permanent = 400 <= exc.code < 500 and exc.code != 429
        return SmsError(message, permanent=permanent)


BACKENDS = {"console": ConsoleSmsBackend, "twilio": TwilioSmsBackend}


def get_backend():
    name = settings.SMS_BACKEND
    backend_class = BACKENDS.get(name) or import_string(name)
    return backend_class()


def send_sms(*, to: str, body: str) -> str:
    """Send one SMS; returns the provider's message id. Raises ``SmsError``."""
    return get_backend().send(to=to, body=body)
