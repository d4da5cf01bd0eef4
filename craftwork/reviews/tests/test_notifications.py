"""Review events become notifications; the pending-review reminder goes out once per party."""

from datetime import timedelta

import pytest
from django.utils import timezone

from craftwork.core.models import OutboxEvent
from craftwork.notifications import handlers
from craftwork.notifications import services as notification_services
from craftwork.notifications.models import Notification
from craftwork.reviews import services
from craftwork.reviews.notifications import REMINDER_EVENT

from .factories import completed_contract, write_review

pytestmark = pytest.mark.django_db


def notify(event_name):
    for event in OutboxEvent.objects.filter(name=event_name).order_by("created_at"):
        handlers.notify_for_event(event)


def test_completion_asks_both_parties_for_a_review(contract):
    notify("contracts.completed")
    asked = Notification.objects.filter(type="review_requested")
    assert {n.recipient_id for n in asked} == {contract.client_id, contract.provider_id}
    assert all(n.link == f"/reviews/contracts/{contract.pk}/" for n in asked)


def test_first_review_tells_the_other_side_without_revealing_it(contract):
    write_review(contract, contract.client, text="Superb craftsmanship")
    notify("reviews.submitted")
    notification = Notification.objects.get(type="review_received")
    assert notification.recipient_id == contract.provider_id
    assert "Superb" not in notification.title + notification.body
    # No star rating leaks: apart from the contract's own title, the text carries no digit.
    text = (notification.title + notification.body).replace(contract.title, "")
    assert not any(character.isdigit() for character in text)


def test_publication_tells_both_parties(contract):
    write_review(contract, contract.client)
    write_review(contract, contract.provider)
    notify("reviews.published")
    published = Notification.objects.filter(type="review_published")
    assert {n.recipient_id for n in published} == {contract.client_id, contract.provider_id}


def test_response_tells_the_author(contract):
    review = write_review(contract, contract.client)
    write_review(contract, contract.provider)
    review.refresh_from_db()
    services.review_respond(actor=contract.provider, review=review, text="Thanks a lot")
    notify("reviews.responded")
    assert Notification.objects.get(type="review_response").recipient_id == contract.client_id


def test_reminder_three_days_before_the_end_once_per_missing_review(db):
    now = timezone.now()
    due = completed_contract(days_ago=12)  # the window closes in two days
    early = completed_contract(days_ago=5)
    late = completed_contract(days_ago=15)
    write_review(due, due.client)  # the client has done it: only the freelancer is reminded
    notification_services.reminders_run(now=now)
    notification_services.reminders_run(now=now)  # safe to run twice
    event = OutboxEvent.objects.get(name=REMINDER_EVENT)
    assert event.payload["user_id"] == str(due.provider_id)
    assert event.payload["contract_id"] == str(due.pk)
    notify(REMINDER_EVENT)
    reminder = Notification.objects.get(type="review_reminder")
    assert reminder.recipient_id == due.provider_id
    assert early.title not in reminder.title and late.title not in reminder.title
    notification_services.reminders_run(now=now + timedelta(hours=6))
    assert OutboxEvent.objects.filter(name=REMINDER_EVENT).count() == 1
