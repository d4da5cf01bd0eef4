import pytest

from craftwork.accounts.tests.factories import StaffFactory
from craftwork.catalog import services

from .factories import GigFactory

pytestmark = pytest.mark.django_db


def test_the_seller_is_told_when_staff_remove_their_gig(django_capture_on_commit_callbacks):
    from craftwork.notifications.models import Notification

    gig = GigFactory(active=True, title="Logo in a day")
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.gig_remove(actor=staff, gig=gig, reason="Stolen artwork")
    notification = Notification.objects.get(recipient=gig.seller)
    assert notification.type == "gig_removed"
    assert "Logo in a day" in notification.title
    assert "Stolen artwork" in notification.body
    assert notification.link == f"/gigs/{gig.pk}/manage/"
    assert not Notification.objects.filter(recipient=staff).exists()
