"""JSON from outside (request bodies, webhook bodies, WebSocket frames), checked before use.

``json.loads`` alone lets two kinds of input through that fail far from where they entered:
nesting deep enough to raise ``RecursionError`` (not a ``ValueError``, so parsers that catch
only that answer 500), and NUL characters (``"\\u0000"``), which PostgreSQL refuses in text and
``jsonb`` columns.
"""

import json
from typing import Any

from django.utils.translation import gettext_lazy as _

MAX_JSON_DEPTH = 32


class UnsafeJSON(ValueError):
    """Well-formed JSON that the platform refuses; a ``ValueError`` like any parse failure."""

    def __init__(self, code: str, message, details: dict | None = None):
        self.code = code
        self.message = message
        self.details = details or {}
        super().__init__(str(message))


def too_deep() -> UnsafeJSON:
    return UnsafeJSON(
        "parse_error",
        _("JSON nested deeper than %(depth)d levels is not accepted.") % {"depth": MAX_JSON_DEPTH},
        {"max_depth": MAX_JSON_DEPTH},
    )


def nul_character() -> UnsafeJSON:
    return UnsafeJSON("nul_character", _("The request contains a NUL character, which is refused."))


def loads(text: str | bytes, **kwargs) -> Any:
    """``json.loads`` that raises ``ValueError`` (an ``UnsafeJSON`` for the cases above) on bad input."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError as exc:
        raise too_deep() from exc
    check(value)
    return value


def check(value: Any) -> None:
    """Raise ``UnsafeJSON`` when a parsed value nests too deep or holds a NUL in any string."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise nul_character()
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise too_deep()
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
