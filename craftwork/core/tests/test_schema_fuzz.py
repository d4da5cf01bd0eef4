"""Schema-driven fuzzing: every API operation, valid and invalid input, never a server error.

Schemathesis reads the OpenAPI schema the app serves and calls the app in-process (WSGI), signed
in as the demo's two-role user over the demo marketplace, with a bounded, derandomized number
of examples per operation so a failure reproduces. The bar: no 5xx, and every response the
schema describes matches it.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework_simplejwt.tokens import AccessToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from craftwork.accounts.models import User
from craftwork.web import demo

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))  # per operation and mode
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the example
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app():
    """Django's WSGI app, minus what closes the database connection after each request (the
    test's transaction lives on it); Django's test client does the same."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo_user(db):
    demo.seed(clients=1, freelancers=1, images=False)
    return User.objects.get(email=demo.DEMO_LOGINS[3][1])


def _fuzz(operation, mode, user, drift: dict) -> str | None:
    headers = {"Authorization": f"Bearer {AccessToken.for_user(user)}"}

    @HYPOTHESIS
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])
        try:
            case.validate_response(response, checks=CONFORMANCE)
        except (AssertionError, BaseExceptionGroup) as exc:
            drift.setdefault(f"{mode.value} {operation.label}", str(exc)[:1500])

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
        return None
    except (Exception, BaseExceptionGroup) as exc:  # list every failing operation, not the first
        return f"{mode.value} {operation.label}: {str(exc)[:3000]}"
    return None


@pytest.mark.postgres
def test_every_operation_survives_fuzzing(wsgi_app, demo_user):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    failures, drift = [], {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = _fuzz(operation, mode, demo_user, drift)
            if failure:
                failures.append(failure)
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures)
    report = "\n\n".join(f"{label}: {text}" for label, text in drift.items())
    assert not drift, f"{len(drift)} operations answer what the schema does not say:\n\n{report}"
