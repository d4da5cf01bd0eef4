"""Structured logs: one JSON object per line in production, with the request id and the user.

Every log record — Django's, Celery's, the app's — goes through structlog's
ProcessorFormatter, which adds the time, level, logger, the request id and the user id of the
work in progress (``context``), then scrubs secrets: values of keys that name a password,
token, secret, cookie, card or authorization are replaced, and card numbers, bearer tokens
and ``password=``/``token=`` pairs are cut out of free text, exception text included.
"""

from __future__ import annotations

import re

import structlog

REDACTED = "[redacted]"
SENSITIVE_KEY = re.compile(
    r"pass(word|wd)?|secret|token|ticket|authori[sz]ation|cookie|session|csrf|api[_-]?key|"
    r"card|cvc|cvv|pan\b|iban|signature|dsn",
    re.IGNORECASE,
)
# 13 to 19 digits, optionally grouped by spaces or dashes: the shape of a card number.
CARD_NUMBER = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
BEARER = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]+")
KEY_VALUE = re.compile(
    r"(?i)\b([\w-]*(?:password|passwd|secret|token|ticket|api_key|apikey|cvc|signature)[\w-]*)"
    r"(\s*[=:]\s*|\"\s*:\s*\"|'\s*:\s*')([^\s&,;\"']+)"
)
# Keys of the event dict that carry our own context, never secrets.
SAFE_KEYS = {"event", "level", "logger", "timestamp", "request_id", "user_id", "task_id"}


def scrub_text(text: str) -> str:
    text = CARD_NUMBER.sub("[card]", text)
    text = BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return KEY_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def scrub(value, key: str = ""):
    if key and key not in SAFE_KEYS and SENSITIVE_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


def redact_processor(logger, method_name, event_dict):
    return {key: scrub(value, key) for key, value in event_dict.items()}


def context_processor(logger, method_name, event_dict):
    from .context import current_request_id, current_user_id

    request_id = current_request_id.get()
    if request_id and "request_id" not in event_dict:
        event_dict["request_id"] = request_id
    user_id = current_user_id.get()
    if user_id and "user_id" not in event_dict:
        event_dict["user_id"] = user_id
    return event_dict


def shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        context_processor,
    ]


def formatter(json_output: bool) -> dict:
    """A ``logging.config`` formatter entry rendering JSON lines or readable key=value lines."""
    renderer = (
        structlog.processors.JSONRenderer(sort_keys=True)
        if json_output
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact_processor,
            renderer,
        ],
        "foreign_pre_chain": shared_processors(),
    }


def configure_structlog() -> None:
    """structlog's own loggers (``structlog.get_logger()``) hand over to the stdlib handlers."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
