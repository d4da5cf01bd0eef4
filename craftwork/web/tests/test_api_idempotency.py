"""Every write endpoint of the OpenAPI schema honours Idempotency-Key: no 500, and a repeat
answers the same without writing again. The list comes from the schema, so a new endpoint is
covered without touching this file."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from craftwork.catalog.models import Gig
from craftwork.contracts.models import GigOrder
from craftwork.contracts.tests.factories import gig_order
from craftwork.core.tests.documents import pdf_upload

pytestmark = pytest.mark.django_db
WRITE_METHODS = ("post", "put", "patch", "delete")


def write_operations() -> list[tuple[str, str, list]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method, path, [*ops.get("parameters", []), *operation.get("parameters", [])])
        for path, ops in schema["paths"].items()
        for method, operation in ops.items()
        if method in WRITE_METHODS
    ]


def test_the_schema_lists_the_write_endpoints():
    operations = write_operations()
    assert len(operations) > 100
    assert ("post", "/api/v1/contracts/{id}/gig/deliver/") in {(m, p) for m, p, _ in operations}


def test_every_write_view_method_honours_the_key():
    for method, path, params in write_operations():
        match = resolve(_url(path, params, {}))
        handler = getattr(match.func.cls, method)
        assert getattr(handler, "honours_idempotency_key", False), f"{method.upper()} {path}"


@pytest.fixture
def world():
    """A seller with an order to deliver (the endpoint whose answer once broke the replay)."""
    contract = gig_order()
    assert contract.state == "in_progress"
    gig = Gig.objects.filter(seller=contract.provider).first()
    return {
        "user": contract.provider,
        "ids": {"/api/v1/contracts/": contract.pk, "/api/v1/me/gigs/": gig.pk},
        "contract": contract,
    }


def _url(path: str, params: list, ids: dict) -> str:
    own = next((pk for prefix, pk in ids.items() if path.startswith(prefix + "{id}")), None)
    for param in params:
        if param.get("in") != "path":
            continue
        name, schema = param["name"], param.get("schema", {})
        if name == "id" and own is not None:
            value = own
        elif schema.get("type") == "integer":
            value = 999_999
        elif schema.get("format") == "uuid":
            value = uuid.uuid4()
        else:
            value = "sandbox"
        path = path.replace("{" + name + "}", str(value))
    return path


def _body(path: str) -> tuple[dict, str]:
    if path.endswith("/gig/deliver/"):
        return {"message": "Version 1", "files": [pdf_upload("v1.pdf")]}, "multipart"
    return {}, "json"


def _send(client, method, url, path, key):
    body, fmt = _body(path)
    return getattr(client, method)(url, body, format=fmt, HTTP_IDEMPOTENCY_KEY=key)


def _writes(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")
    ]


def test_every_write_endpoint_answers_a_repeat_the_same_without_writing_again(world):
    client = APIClient()
    client.force_authenticate(world["user"])
    client.raise_request_exception = False
    problems, succeeded = [], []
    for index, (method, path, params) in enumerate(write_operations()):
        url, key, name = (
            _url(path, params, world["ids"]),
            f"key-{index}",
            f"{method.upper()} {path}",
        )
        first = _send(client, method, url, path, key)
        with CaptureQueriesContext(connection) as repeat_queries:
            again = _send(client, method, url, path, key)
        if first.status_code >= 500:
            problems.append(f"{name}: {first.status_code} {first.content[:300]!r}")
            continue
        if (again.status_code, again.content) != (first.status_code, first.content):
            problems.append(
                f"{name}: the repeat answered {again.status_code} {again.content[:200]!r}"
            )
        if again.get("Idempotent-Replayed") == "true" and _writes(repeat_queries):
            problems.append(f"{name}: the replay wrote {_writes(repeat_queries)[:2]}")
        if 200 <= first.status_code < 300:
            succeeded.append(name)
            if again.get("Idempotent-Replayed") != "true":
                problems.append(f"{name}: a successful write was not replayed")
    assert not problems, "\n".join(problems)
    assert "POST /api/v1/contracts/{id}/gig/deliver/" in succeeded, succeeded
    assert GigOrder.objects.get(contract=world["contract"]).deliveries.count() == 1
