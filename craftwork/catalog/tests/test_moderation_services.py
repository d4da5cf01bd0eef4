"""gig_hide / gig_reinstate: the services moderation calls to hide and restore a gig."""

import pytest

from craftwork.accounts.tests.factories import StaffFactory, UserFactory
from craftwork.catalog import selectors, services
from craftwork.catalog.models import GigStatus
from craftwork.core.errors import NotFound, ValidationFailed
from craftwork.core.models import AuditLog, OutboxEvent

from .factories import GigFactory

pytestmark = pytest.mark.django_db


def test_hide_takes_the_gig_out_of_the_catalog_and_reinstate_brings_it_back():
    gig = GigFactory(active=True)
    staff = StaffFactory()
    services.gig_hide(actor=staff, gig=gig, reason="Reported as a scam")
    gig.refresh_from_db()
    assert (gig.status, gig.removed_reason) == (GigStatus.REMOVED, "Reported as a scam")
    assert not selectors.public_gigs().filter(pk=gig.pk).exists()
    assert OutboxEvent.objects.filter(name="catalog.gig_hidden").count() == 1

    services.gig_reinstate(actor=staff, gig=gig, reason="Checked: fine")
    gig.refresh_from_db()
    assert (gig.status, gig.removed_reason, gig.removed_at) == (GigStatus.ACTIVE, "", None)
    assert selectors.public_gigs().filter(pk=gig.pk).exists()
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"catalog.gig_hidden", "catalog.gig_reinstated"} <= actions


def test_the_system_may_hide_for_an_automatic_hold_and_hiding_twice_is_a_no_op():
    gig = GigFactory(active=True)
    services.gig_hide(actor=None, gig=gig, reason="Held for review")
    services.gig_hide(actor=None, gig=gig, reason="Held again")
    gig.refresh_from_db()
    assert gig.removed_reason == "Held for review"
    assert OutboxEvent.objects.filter(name="catalog.gig_hidden").count() == 1


def test_an_incomplete_gig_comes_back_paused():
    gig = GigFactory(active=True, packages=0)
    staff = StaffFactory()
    services.gig_hide(actor=staff, gig=gig, reason="r")
    services.gig_reinstate(actor=staff, gig=gig, reason="r")
    gig.refresh_from_db()
    assert gig.status == GigStatus.PAUSED


def test_only_staff_hide_or_reinstate():
    gig = GigFactory(active=True)
    for actor in (UserFactory(), gig.seller):
        with pytest.raises(NotFound):
            services.gig_hide(actor=actor, gig=gig, reason="r")
        with pytest.raises(NotFound):
            services.gig_reinstate(actor=actor, gig=gig, reason="r")
    with pytest.raises(NotFound):
        services.gig_reinstate(actor=None, gig=gig, reason="r")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_reason_is_required(reason):
    gig = GigFactory(active=True)
    with pytest.raises(ValidationFailed):
        services.gig_hide(actor=StaffFactory(), gig=gig, reason=reason)


def test_reinstating_a_visible_gig_changes_nothing():
    gig = GigFactory(active=True)
    services.gig_reinstate(actor=StaffFactory(), gig=gig, reason="r")
    gig.refresh_from_db()
    assert gig.status == GigStatus.ACTIVE
    assert not OutboxEvent.objects.filter(name="catalog.gig_reinstated").exists()
