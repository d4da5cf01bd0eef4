import uuid

import factory
from django.utils import timezone

from craftwork.accounts.tests.factories import UserFactory
from craftwork.notifications.models import Notification, UserPhone


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    type = "something_happened"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    link = "/dashboard/"
    event_id = factory.LazyFunction(uuid.uuid4)


class UserPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserPhone

    user = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: f"+3461{n:07d}")
    verified_at = factory.LazyFunction(timezone.now)
