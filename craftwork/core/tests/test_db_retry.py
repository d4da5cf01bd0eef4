"""Transactions the database aborts for a deadlock run again; when that keeps happening the
caller gets a clean 503 ``database_busy``, never a 500."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from craftwork.core import db as core_db
from craftwork.core.models import AuditLog
from craftwork.core.tests.concurrency import run_in_threads


def _deadlock_error():
    error = OperationalError("deadlock detected")
    error.__cause__ = type("DeadlockDetected", (Exception,), {"sqlstate": "40P01"})()
    return error


class TestRunWithRetry:
    @pytest.fixture(autouse=True)
    def _no_pause(self, monkeypatch):
        monkeypatch.setattr(core_db, "_pause", lambda attempt: None)

    def test_a_deadlock_victim_runs_again_and_only_its_last_attempt_counts(
        self, transactional_db, settings, django_capture_on_commit_callbacks
    ):
        attempts, committed = [], []

        def work():
            attempts.append(1)
            AuditLog.objects.create(action="test.retry", details={})
            transaction.on_commit(lambda: committed.append(1))
            if len(attempts) < 3:
                raise _deadlock_error()
            return "done"

        assert core_db.run_with_retry(work) == "done"
        assert len(attempts) == 3
        assert AuditLog.objects.filter(action="test.retry").count() == 1
        assert committed == [1]  # the side effects of the aborted attempts never ran

    def test_other_database_errors_are_not_retried(self, transactional_db):
        attempts = []

        def work():
            attempts.append(1)
            raise OperationalError("disk full")

        with pytest.raises(OperationalError):
            core_db.run_with_retry(work)
        assert attempts == [1]

    def test_exhausted_retries_raise_database_busy(self, transactional_db, settings):
        settings.DB_RETRY_ATTEMPTS = 3
        attempts = []

        def work():
            attempts.append(1)
            raise _deadlock_error()

        with pytest.raises(core_db.DatabaseBusy) as caught:
            core_db.run_with_retry(work)
        assert len(attempts) == 3 and caught.value.status_code == 503

    def test_inside_a_transaction_the_owner_of_the_transaction_retries(self, db):
        # pytest-django runs this test in a transaction: nothing can be run again here.
        with pytest.raises(OperationalError):
            core_db.run_with_retry(lambda: (_ for _ in ()).throw(_deadlock_error()))


@pytest.mark.urls("craftwork.core.tests.urls")
def test_the_api_answers_503_in_the_error_shape(auth_client, transactional_db, monkeypatch):
    monkeypatch.setattr(core_db, "_pause", lambda attempt: None)
    auth_client.raise_request_exception = False
    response = auth_client.post("/api/v1/test/deadlock/", {}, format="json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_busy"
    assert not AuditLog.objects.filter(action="test.deadlock").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_until_both_sides_commit():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    first, second = (AuditLog.objects.create(action=f"row-{n}", details={}) for n in range(2))
    both_hold_one = threading.Barrier(2)

    def lock_in_order(rows):
        def work():
            AuditLog.objects.select_for_update().get(pk=rows[0].pk)
            if not getattr(both_hold_one, "passed", False):
                both_hold_one.wait(timeout=10)  # first attempt: each holds one row
                both_hold_one.passed = True
            AuditLog.objects.select_for_update().get(pk=rows[1].pk)
            return "ok"

        return lambda: core_db.run_with_retry(work)

    results = run_in_threads([lock_in_order([first, second]), lock_in_order([second, first])])
    assert results == ["ok", "ok"], results
