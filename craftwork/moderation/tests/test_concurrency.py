"""Races on real PostgreSQL connections: every thread has its own connection and transaction."""

import pytest
from django.db import connection

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.catalog.models import GigStatus
from craftwork.core.errors import Conflict, DomainError
from craftwork.core.models import AuditLog
from craftwork.core.tests.concurrency import run_in_threads
from craftwork.moderation import services
from craftwork.moderation.models import Case, Decision, Flag

from .factories import public_gig

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL")


def flag_call(user, gig, reason="spam"):
    return lambda: services.flag_create(
        actor=user, kind="gig", object_id=str(gig.pk), reason=reason
    )


def test_two_staff_deciding_one_case_record_one_decision(reference_data):
    gig = public_gig()
    case = services.flag_create(
        actor=UserFactory(), kind="gig", object_id=str(gig.pk), reason="scam"
    ).case
    first, second = StaffFactory(), StaffFactory()
    results = run_in_threads(
        [
            lambda: services.case_decide(
                actor=first, case_id=case.pk, action="hide", reason="first"
            ),
            lambda: services.case_decide(
                actor=second, case_id=case.pk, action="remove", reason="second"
            ),
        ]
    )
    decisions = [r for r in results if isinstance(r, Decision)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(decisions) == 1 and len(conflicts) == 1, results
    assert conflicts[0].code == "case_closed"
    assert Decision.objects.count() == 1
    assert AuditLog.objects.filter(action="moderation.case_decided").count() == 1
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED


def test_many_users_flagging_at_once_share_one_case(reference_data):
    gig = public_gig()
    users = [UserFactory() for _ in range(6)]
    results = run_in_threads([flag_call(user, gig) for user in users])
    assert all(isinstance(r, Flag) for r in results), results
    case = Case.objects.get()
    assert case.flag_count == 6
    assert Flag.objects.filter(case=case).count() == 6


def test_a_double_submit_makes_one_flag(reference_data):
    gig = public_gig()
    user = UserFactory()
    results = run_in_threads([flag_call(user, gig), flag_call(user, gig, "scam")])
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Flag"], results
    assert Flag.objects.count() == 1


def test_a_hold_racing_a_decision_does_not_deadlock(reference_data):
    gig = public_gig()
    case = services.flag_create(
        actor=UserFactory(), kind="gig", object_id=str(gig.pk), reason="scam"
    ).case
    staff = StaffFactory()
    results = run_in_threads(
        [
            lambda: services.case_decide(
                actor=staff, case_id=case.pk, action="dismiss", reason="fine"
            ),
            lambda: services.hold_for_moderation(kind="gig", obj=gig, reasons=["phone"]),
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    # Either order is fine: hold then decide (InvalidTransition: held content needs a decision)
    # or decide then hold (a new held case). Never a deadlock or a database error.
    assert all(isinstance(e, DomainError) for e in errors), results
    gig.refresh_from_db()
    assert gig.status == GigStatus.REMOVED
    assert Case.objects.filter(status="open", held=True).count() == 1
