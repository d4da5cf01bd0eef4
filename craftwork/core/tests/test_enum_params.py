"""A query parameter the schema documents with a fixed set of values refuses any other value
with a 400 in the error shape, instead of ignoring it and answering an unfiltered list. The
operations come from the schema, so a new list endpoint is covered without touching this file."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def enum_query_params() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        for param in get.get("parameters", []):
            values = param.get("schema", {}).get("enum")
            if param.get("in") == "query" and values:
                found.append((path, param["name"]))
    return found


def test_the_schema_documents_enum_query_parameters():
    params = enum_query_params()
    assert ("/api/v1/jobs/mine/", "status") in params or len(params) > 5, params


@pytest.mark.parametrize(("path", "name"), enum_query_params())
def test_an_unknown_value_is_refused(path, name):
    client = APIClient()
    staff = StaffFactory(is_client=True, is_freelancer=True)
    client.force_authenticate(staff)
    response = client.get(path, {name: "no-such-value"})
    assert response.status_code == 400, (path, name, response.status_code)
    body = response.json()
    assert body["error"]["code"] in ("invalid_parameter", "validation_error"), body
