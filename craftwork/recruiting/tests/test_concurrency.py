"""Races that only a database with real row locks can show (run with DATABASE_URL=postgres://...)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from craftwork.accounts.models import Membership
from craftwork.accounts.tests.factories import UserFactory
from craftwork.core.errors import Conflict
from craftwork.core.tests.concurrency import race
from craftwork.recruiting import services
from craftwork.recruiting.models import Application, Offer

from .factories import apply, make_opening, stage, workspace_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


def test_a_double_submitted_application_creates_one():
    opening = make_opening(workspace_member())
    candidate = UserFactory()
    results = race(*[lambda: services.application_submit(actor=candidate, opening=opening)] * 6)
    kinds = [kind for kind, _ in results]
    assert kinds.count("ok") == 1
    errors = [value for kind, value in results if kind == "error"]
    assert all(isinstance(e, Conflict) and e.code == "already_applied" for e in errors), errors
    assert Application.objects.count() == 1


def test_two_offers_accepted_at_once_fill_one_position_once():
    member = workspace_member(role=Membership.Role.OWNER)
    opening = make_opening(member, positions=1)
    offers = []
    for _ in range(2):
        application = apply(opening)
        for kind in ("interview", "offer"):
            services.application_move(actor=member.user, membership=member,
                                      application=application, stage=stage(member, kind))  # fmt: skip
        offer = services.offer_create(
            actor=member.user, membership=member, application=application, salary=100,
            currency="EUR", period="year", start_date=date.today() + timedelta(days=5),
            expires_at=timezone.now() + timedelta(days=3),
        )  # fmt: skip
        for name in ("approve", "send"):
            services.offer_transition(actor=member.user, membership=member, offer=offer,
                                      name=name)  # fmt: skip
        offers.append(offer)
    results = race(
        *[(lambda o=o: services.offer_answer(actor=o.application.candidate, offer=o, accept=True))
          for o in offers]
    )  # fmt: skip
    assert [kind for kind, _ in results].count("ok") == 1
    opening.refresh_from_db()
    assert (opening.hired_count, opening.status) == (1, "closed")
    assert Application.objects.filter(status="hired").count() == 1
    assert Offer.objects.filter(status="accepted").count() == 1
