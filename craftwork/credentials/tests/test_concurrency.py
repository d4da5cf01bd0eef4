"""Races that only a database with real row locks can show (run with DATABASE_URL=postgres://...)."""

import datetime

import pytest
from django.db import connection

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.core.errors import InvalidTransition
from craftwork.core.tests.concurrency import race
from craftwork.credentials import services
from craftwork.credentials.models import Credential, CredentialEvent, CredentialReminder

from .factories import SCORES, make_credential, upload_credential

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_document_types"),
]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_two_reviewers_deciding_at_once_record_one_decision():
    credential = upload_credential()
    reviewers = [StaffFactory() for _ in range(6)]
    decisions = ["approve", "reject", "request_revision"] * 2
    results = race(
        *[
            (
                lambda r=r, d=d: services.credential_decide(
                    actor=r, credential=credential, decision=d, notes="n", **SCORES
                )
            )
            for r, d in zip(reviewers, decisions, strict=True)
        ]
    )
    assert [kind for kind, _ in results].count("ok") == 1
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(error, InvalidTransition) for error in errors), errors
    decided = CredentialEvent.objects.filter(
        credential=credential, action__in=["approve", "reject", "request_revision"]
    )
    assert decided.count() == 1
    credential.refresh_from_db()
    assert credential.status == decided.get().to_status


def test_concurrent_daily_jobs_expire_and_remind_once():
    expiring = make_credential("approved")
    due = make_credential("approved")
    today = expiring.expiry_date - datetime.timedelta(days=7)
    Credential.objects.filter(pk=due.pk).update(expiry_date=today - datetime.timedelta(days=1))
    results = race(*[lambda: services.credentials_daily(today=today)] * 4)
    assert all(kind == "ok" for kind, _ in results), results
    assert sum(value["expired"] for _, value in results) == 1
    assert sum(value["reminded"] for _, value in results) == 1
    assert CredentialReminder.objects.count() == 1
    assert CredentialEvent.objects.filter(action="expire").count() == 1
