"""The API's one pagination: keyset (cursor) pages with ``next``/``previous`` links.

Every list answers ``{"next", "previous", "results"}``. There is no ``count``: counting costs a
scan of every matching row on each request, which made the first page of a list grow with the
table. ``next`` and ``previous`` are links carrying an opaque ``cursor``; ``page_size`` (default
20, at most 100) sets the size.

A page is found by the position of the last row seen, not by an offset: the cursor holds the
values of that row's ordering columns, and the next page is ``WHERE (ordering) > (those values)
ORDER BY ordering LIMIT size + 1``. A deep page costs what the first costs (with an index on the
ordering), and a row inserted meanwhile never shifts a page (no duplicates, no skipped rows).

The ordering is the queryset's own (``order_by`` of the selector, or the model's
``Meta.ordering``), so views keep their order; the primary key is appended when missing so the
position is unique. NULLs are placed where the database places them by default (PostgreSQL:
last ascending, first descending; SQLite and MySQL the reverse), so the order is the one the
selector always had. A queryset that cannot be walked by keys (a random order, a combined query,
a plain list) is paged by an offset carried in the same opaque cursor, still without a count.

``StandardPagination`` is the name the whole API uses (settings' default and explicit
``pagination_class``); keep it.
"""

import base64
import binascii
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from craftwork.core.errors import ValidationFailed

KEY_PREFIX = "_page_key_"
# A cursor longer than this is not one we made (the longest real one holds a few keys).
MAX_CURSOR_LENGTH = 2000


@dataclass(frozen=True)
class _Key:
    """One column of the ordering: the expression, its direction, where its NULLs sort."""

    expression: Any
    descending: bool
    nulls_first: bool  # in the forward order
    nullable: bool


def _encode_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()  # full microseconds (DjangoJSONEncoder cuts them to ms)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def encode_cursor(payload: dict) -> str:
    raw = json.dumps(payload, default=_encode_value, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> dict:
    if len(text) > MAX_CURSOR_LENGTH:
        raise ValueError("cursor too long")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        payload = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValueError("cursor not readable") from error
    if not isinstance(payload, dict):
        raise ValueError("cursor not an object")
    return payload


def _nulls_first_by_default(vendor: str, descending: bool) -> bool:
    # PostgreSQL and Oracle treat NULL as larger than any value; SQLite and MySQL as smaller.
    nulls_large = vendor in ("postgresql", "oracle")
    return descending if nulls_large else not descending


def _field_nullable(model, name: str) -> bool:
    """Whether the (possibly related) field ``name`` may hold NULL; True when unsure."""
    if name == "pk":
        return False
    opts, parts = model._meta, name.split("__")
    nullable = False
    for index, part in enumerate(parts):
        try:
            field = opts.get_field(part)
        except Exception:  # an annotation or a transform: be careful
            return True
        nullable = nullable or getattr(field, "null", True)
        if index < len(parts) - 1:
            if not field.is_relation or field.related_model is None:
                return True
            opts = field.related_model._meta
    return nullable


def ordering_keys(queryset: QuerySet) -> list[_Key] | None:
    """The keys the queryset is ordered by, with the primary key last; None when it cannot be
    paged by keys (random order, a union, ``DISTINCT ON``, a values queryset)."""
    query = queryset.query
    if query.combinator or query.distinct_fields or queryset._fields is not None:
        return None  # a union, DISTINCT ON, or values()/values_list() rows without attributes
    if query.order_by:
        items = list(query.order_by)
    elif query.default_ordering:
        items = list(queryset.model._meta.ordering)
    else:
        items = []
    vendor = connections[queryset.db].vendor
    keys, names = [], set()
    for item in items:
        if isinstance(item, str):
            if item == "?" or "." in item:
                return None
            descending = item.startswith("-")
            name = item.lstrip("-+")
            nullable = name in query.annotations or _field_nullable(queryset.model, name)
            names.add(name)
            keys.append(
                _Key(F(name), descending, _nulls_first_by_default(vendor, descending), nullable)
            )
        elif isinstance(item, OrderBy):
            descending = item.descending
            if item.nulls_first:
                nulls_first = True
            elif item.nulls_last:
                nulls_first = False
            else:
                nulls_first = _nulls_first_by_default(vendor, descending)
            expression = item.expression
            nullable = True
            if isinstance(expression, F):
                names.add(expression.name)
                nullable = _field_nullable(queryset.model, expression.name)
            keys.append(_Key(expression, descending, nulls_first, nullable))
        elif hasattr(item, "resolve_expression"):
            keys.append(_Key(item, False, _nulls_first_by_default(vendor, False), True))
        else:
            return None
    pk_name = queryset.model._meta.pk.name
    if not names & {"pk", pk_name}:
        descending = keys[-1].descending if keys else False
        keys.append(_Key(F("pk"), descending, _nulls_first_by_default(vendor, descending), False))
    return keys


def _after(keys: list[_Key], values: list, reverse: bool) -> Q:
    """Rows strictly after ``values`` in the order of ``keys`` (before them when ``reverse``)."""
    condition = Q(pk__in=[])  # nothing, the identity of OR
    equal_so_far = Q()
    for index, (key, value) in enumerate(zip(keys, values, strict=True)):
        name = f"{KEY_PREFIX}{index}"
        descending = key.descending != reverse
        nulls_first = key.nulls_first != reverse
        if value is None:
            # Past a NULL: the non-NULL values when NULLs come first; nothing when they are last.
            beyond = Q(**{f"{name}__isnull": False}) if nulls_first else Q(pk__in=[])
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__lt" if descending else f"{name}__gt": value})
            if key.nullable and not nulls_first:
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal_so_far & beyond
        equal_so_far &= same
    # A redundant bound on the first key lets the database start an index scan at the cursor
    # instead of filtering every row before it (the OR above alone is not sargable).
    first, value = keys[0], values[0]
    if value is not None and (not first.nullable or first.nulls_first != reverse):
        descending = first.descending != reverse
        condition &= Q(**{f"{KEY_PREFIX}0__lte" if descending else f"{KEY_PREFIX}0__gte": value})
    return condition


def _order(keys: list[_Key], reverse: bool, vendor: str) -> list[OrderBy]:
    """The ORDER BY of a page; NULLS FIRST/LAST only where it differs from the database's
    default (an explicit one PostgreSQL cannot match with a plain index would force a sort)."""
    ordering = []
    for index, key in enumerate(keys):
        descending = key.descending != reverse
        nulls_first = key.nulls_first != reverse
        explicit = nulls_first != _nulls_first_by_default(vendor, descending)
        ordering.append(
            OrderBy(
                F(f"{KEY_PREFIX}{index}"),
                descending=descending,
                nulls_first=True if explicit and nulls_first else None,
                nulls_last=True if explicit and not nulls_first else None,
            )
        )
    return ordering


class StandardPagination(BasePagination):
    """Keyset pages of ``page_size`` rows (default 20, at most 100) with opaque cursor links."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.size = self.get_page_size(request)
        cursor = self._cursor(request)
        keys = ordering_keys(queryset) if isinstance(queryset, QuerySet) else None
        if keys is None or "o" in cursor:
            return self._offset_page(queryset, cursor)
        return self._keyset_page(queryset, keys, cursor)

    get_page_size = PageNumberPagination.get_page_size

    def _cursor(self, request) -> dict:
        text = request.query_params.get(self.cursor_query_param)
        if not text:
            return {}
        message = _("This cursor is not valid; follow the next or previous link of a list.")
        try:
            cursor = decode_cursor(text)
        except ValueError:
            cursor = None
        if cursor is None or not self._cursor_well_formed(cursor):
            raise ValidationFailed(
                message, code="invalid_parameter", details={self.cursor_query_param: [message]}
            )
        return cursor

    @staticmethod
    def _cursor_well_formed(cursor: dict) -> bool:
        if "o" in cursor:
            offset = cursor["o"]
            return type(offset) is int and offset >= 0 and set(cursor) == {"o"}
        values = cursor.get("v")
        return (
            isinstance(values, list)
            and isinstance(cursor.get("r", False), bool)
            and set(cursor) <= {"v", "r"}
            and all(v is None or isinstance(v, str | int | float | bool) for v in values)
        )

    def _keyset_page(self, queryset, keys, cursor):
        annotated = queryset.annotate(
            **{f"{KEY_PREFIX}{index}": key.expression for index, key in enumerate(keys)}
        )
        reverse = cursor.get("r", False)
        vendor = connections[queryset.db].vendor
        try:
            if cursor:
                if len(cursor["v"]) != len(keys):
                    self._bad_cursor()
                annotated = annotated.filter(_after(keys, cursor["v"], reverse))
            rows = list(annotated.order_by(*_order(keys, reverse, vendor))[: self.size + 1])
        except (ValueError, TypeError, decimal.InvalidOperation, DjangoValidationError):
            self._bad_cursor()  # a value that does not fit its column
        more = len(rows) > self.size
        rows = rows[: self.size]
        if reverse:
            rows.reverse()
        position = [[getattr(row, f"{KEY_PREFIX}{i}") for i in range(len(keys))] for row in rows]
        self.next_cursor = self.previous_cursor = None
        if rows:
            if more or reverse:
                self.next_cursor = {"v": position[-1]}
            if cursor and (more or not reverse):
                self.previous_cursor = {"v": position[0], "r": True}
        elif cursor and not reverse:
            # Past the end (the rows after the cursor went away): offer the way back.
            self.previous_cursor = {"v": cursor["v"], "r": True}
        return rows

    def _offset_page(self, queryset, cursor):
        offset = cursor.get("o", 0)
        rows = list(queryset[offset : offset + self.size + 1])
        more = len(rows) > self.size
        self.next_cursor = {"o": offset + self.size} if more else None
        self.previous_cursor = None
        if offset > 0:
            self.previous_cursor = {"o": max(offset - self.size, 0)}
        return rows[: self.size]

    def _bad_cursor(self):
        message = _("This cursor is not valid; follow the next or previous link of a list.")
        raise ValidationFailed(
            message, code="invalid_parameter", details={self.cursor_query_param: [message]}
        )

    def _link(self, cursor):
        if cursor is None:
            return None
        if cursor == {"o": 0}:
            return remove_query_param(self.base_url, self.cursor_query_param)
        return replace_query_param(self.base_url, self.cursor_query_param, encode_cursor(cursor))

    def get_next_link(self):
        return self._link(self.next_cursor)

    def get_previous_link(self):
        return self._link(self.previous_cursor)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "example": "http://api.example.org/accounts/?cursor=eyJ2IjpbXX0"},
                "previous": {**link, "example": None},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The position in the list, from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": "Number of results per page (at most 100).",
                "schema": {"type": "integer"},
            },
        ]
