"""Parallel requests with one Idempotency-Key, on real PostgreSQL connections."""

import pytest
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.models import AuditLog, IdempotencyRecord
from craftwork.core.tests.concurrency import run_in_threads

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("craftwork.core.tests.urls"),
]
CHARGE = "/api/v1/test/charge/"
THREADS = 6
ROUNDS = 8


def _post(user, amount, key):
    def call():
        client = APIClient()
        client.force_authenticate(user)
        client.raise_request_exception = False
        response = client.post(CHARGE, {"amount": amount}, format="json", HTTP_IDEMPOTENCY_KEY=key)
        return response.status_code, response.json()["error"]["code"]

    return call


def test_parallel_repeats_of_a_failing_request_answer_4xx_never_500():
    # The first one fails (409) and gives the key up while the others are claiming it.
    user = UserFactory()
    for round_ in range(ROUNDS):
        key = f"fails-{round_}"
        answers = run_in_threads([_post(user, 999, key) for _ in range(THREADS)])
        assert all(not isinstance(a, Exception) for a in answers), answers
        assert {code for _status, code in answers} <= {"amount_conflict", "idempotency_in_progress"}
        assert {status for status, _code in answers} == {409}, answers
    assert not IdempotencyRecord.objects.exists()


def test_parallel_repeats_of_a_good_request_write_once():
    user = UserFactory()
    for round_ in range(ROUNDS):
        key = f"works-{round_}"

        def call(key=key):
            client = APIClient()
            client.force_authenticate(user)
            response = client.post(CHARGE, {"amount": 5}, format="json", HTTP_IDEMPOTENCY_KEY=key)
            return response.status_code

        statuses = run_in_threads([call for _ in range(THREADS)])
        assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    assert AuditLog.objects.filter(action="test.charge").count() == ROUNDS
