import csv
import datetime as dt
import io
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from craftwork.accounts.tests.factories import UserFactory
from craftwork.console.models import DailyActivity
from craftwork.core.models import AuditLog
from craftwork.messaging.models import Message
from craftwork.payments import refunds
from craftwork.payments.models import Payment
from craftwork.staffroles.access import StaffPermissionDenied

from .factories import staff
from .seed import pay, usd

pytestmark = pytest.mark.django_db(transaction=False)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_only_staff_reach_the_console(user):
    assert Client().get("/console/").status_code == 302
    assert client_for(user).get("/console/").status_code == 403
    assert client_for(user).get("/console/users/").status_code == 403
    assert client_for(user).get("/api/v1/console/overview/").status_code == 403


def test_overview_for_finance_and_admin_lists_for_support():
    finance = staff("finance")
    response = client_for(finance).get("/console/?start=2026-01-01&end=2026-01-31")
    assert response.status_code == 200
    assert b"<svg" in response.content or b"Nothing in this period" in response.content
    support = staff("support")
    assert client_for(support).get("/console/").url == reverse("console:list", args=["users"])
    assert client_for(support).get("/console/overview/").status_code == 403
    admin = staff()  # no role row: admin
    assert client_for(admin).get("/console/overview/").status_code == 200


def test_bad_period_is_explained_not_a_500():
    c = client_for(staff("finance"))
    for query in (
        "start=2026-02-01&end=2026-01-01",
        "start=nope",
        "start=2020-01-01&end=2026-01-01",
    ):
        response = c.get(f"/console/overview/?{query}")
        assert response.status_code == 200, query
        assert b"form-errors" in response.content or b'role="alert"' in response.content


def test_payments_list_filters_and_export_streams_csv():
    payer = UserFactory(email="payer@example.com")
    ok = pay(payer, 10_000)
    failed = pay(payer, 5_000, card="4000000000000002")
    finance = staff("finance")
    c = client_for(finance)
    response = c.get("/console/payments/?status=failed")
    assert response.status_code == 200
    assert str(failed.pk)[:10].encode() in response.content
    assert str(ok.pk)[:10].encode() not in response.content

    response = c.get("/console/payments/export.csv?status=succeeded&currency=USD")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert rows[0][:3] == ["id", "created", "payer"]
    assert [row[0] for row in rows[1:]] == [str(ok.pk)]
    assert rows[1][5] == "100.00"
    assert AuditLog.objects.filter(action="console.export", actor=finance).exists()


def test_export_neutralises_formulas_and_needs_the_permission():
    UserFactory(first_name="=HYPERLINK(1)", email="formula@example.com")
    rows = csv_rows(client_for(staff("finance")).get("/console/users/export.csv?q=formula"))
    assert rows[1][2].startswith("'=HYPERLINK")
    assert client_for(staff("support")).get("/console/users/export.csv").status_code == 403


def test_bad_filters_and_unknown_lists():
    c = client_for(staff("admin"))
    assert c.get("/console/widgets/").status_code == 404
    assert c.get("/console/jobs/?q=a%00b").status_code == 400  # the NUL guard, site-wide
    response = c.get("/console/jobs/?status=bogus&since=yesterday")
    assert response.status_code == 200
    assert b"form-errors" in response.content
    assert c.get("/console/users/export.csv?since=nope").status_code == 302


def test_list_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    c = client_for(staff("admin"))
    for _ in range(3):
        UserFactory()
    c.get("/console/users/")
    with django_assert_max_num_queries(12):
        assert c.get("/console/users/").status_code == 200
    for _ in range(20):
        UserFactory()
    with django_assert_max_num_queries(12):
        assert c.get("/console/users/").status_code == 200


def test_trust_and_safety_suspend_and_reinstate_with_a_reason(django_capture_on_commit_callbacks):
    ts = staff("trust_safety")
    target = UserFactory(email="target@example.com")
    c = client_for(ts)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(
            "/console/users/bulk/",
            {"action": "suspend", "ids": [str(target.pk)], "reason": "Spam", "back": "q=target"},
        )
    assert response.status_code == 302
    assert response.url == "/console/users/?q=target"
    target.refresh_from_db()
    assert not target.is_active
    assert mail.outbox[-1].to == ["target@example.com"]
    assert "Spam" in mail.outbox[-1].body
    assert AuditLog.objects.filter(action="user_suspended", object_id=str(target.pk)).exists()
    assert AuditLog.objects.filter(action="console.bulk_action", actor=ts).exists()
    # Without a reason nothing happens.
    c.post("/console/users/bulk/", {"action": "reinstate", "ids": [str(target.pk)]})
    target.refresh_from_db()
    assert not target.is_active
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            "/console/users/bulk/",
            {"action": "reinstate", "ids": [str(target.pk)], "reason": "Appeal"},
        )
    target.refresh_from_db()
    assert target.is_active


def test_support_cannot_suspend_and_nobody_suspends_themselves():
    support = staff("support")
    target = UserFactory()
    client_for(support).post(
        "/console/users/bulk/", {"action": "suspend", "ids": [str(target.pk)], "reason": "x"}
    )
    target.refresh_from_db()
    assert target.is_active
    admin = staff("admin")
    client_for(admin).post(
        "/console/users/bulk/", {"action": "suspend", "ids": [str(admin.pk)], "reason": "x"}
    )
    admin.refresh_from_db()
    assert admin.is_active


def test_unpublish_gigs_through_the_catalog_service():
    from craftwork.catalog.tests.factories import GigFactory

    gig = GigFactory(status="active")
    c = client_for(staff("trust_safety"))
    c.post("/console/gigs/bulk/", {"action": "unpublish", "ids": [str(gig.pk)], "reason": "Scam"})
    gig.refresh_from_db()
    assert gig.status == "removed"
    assert gig.removed_reason == "Scam"


def test_user_page_shows_the_person_and_is_audited():
    person = UserFactory()
    pay(person, 10_000)
    support = staff("support")
    response = client_for(support).get(f"/console/users/{person.pk}/")
    assert response.status_code == 200
    assert person.email.encode() in response.content
    assert b"milestone:" in response.content  # their payment
    assert AuditLog.objects.filter(
        action="console.user_viewed", actor=support, object_id=str(person.pk)
    ).exists()
    assert client_for(support).get(f"/console/users/{uuid.uuid4()}/").status_code == 404


def test_finance_cannot_read_messages_support_can():
    person = UserFactory()
    url = f"/console/users/{person.pk}/messages/"
    assert client_for(staff("finance")).get(url).status_code == 403
    assert (
        b"Messages they wrote"
        not in client_for(staff("finance")).get(f"/console/users/{person.pk}/").content
    )
    support = staff("support")
    assert client_for(support).get(url).status_code == 200
    assert AuditLog.objects.filter(action="console.messages_read", actor=support).exists()
    assert Message.objects.count() == 0


def test_support_cannot_refund_finance_can():
    payment = pay(UserFactory(), 10_000)
    with pytest.raises(StaffPermissionDenied):
        refunds.refund_by_staff(
            actor=staff("support"),
            payment=payment,
            amount=usd(1_000),
            reason="asked",
            idempotency_key=str(uuid.uuid4()),
        )
    refund = refunds.refund_by_staff(
        actor=staff("finance"),
        payment=payment,
        amount=usd(1_000),
        reason="asked",
        idempotency_key=str(uuid.uuid4()),
    )
    assert refund.amount_minor == 1_000


def test_support_is_refused_a_refund_on_the_staff_payment_page():
    payment = pay(UserFactory(), 10_000)
    c = client_for(staff("support"))
    response = c.post(
        reverse("payments:staff-payment", args=[payment.pk]),
        {"amount": "10.00", "reason": "asked", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert b"not allowed" in response.content
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert not payment.refunds.exists()


def test_a_signed_in_request_counts_the_person_active_once_a_day(settings, user, time_machine):
    settings.CONSOLE_RECORD_ACTIVITY = True
    time_machine.move_to("2026-05-20T10:00:00Z", tick=False)
    c = client_for(user)
    c.get("/dashboard/")
    c.get("/dashboard/")
    Client().get("/")  # anonymous: nobody to count
    assert list(DailyActivity.objects.values_list("user_id", "day")) == [
        (user.pk, dt.date(2026, 5, 20))
    ]
    api = APIClient()
    api.force_authenticate(user)
    time_machine.move_to("2026-05-21T10:00:00Z", tick=False)
    api.get("/api/v1/me/")
    assert DailyActivity.objects.filter(user=user).count() == 2


def test_an_admin_assigns_a_staff_role_and_it_takes_effect_at_once():
    from craftwork.staffroles.models import StaffRole

    admin = staff("admin")
    agent = staff()  # no row yet: an admin
    c = client_for(admin)
    url = f"/console/users/{agent.pk}/role/"
    assert c.post(url, {"role": "support"}).status_code == 302
    assert StaffRole.objects.get(user=agent).role == "support"
    assert AuditLog.objects.filter(action="staff_role_set", actor=admin).exists()
    assert client_for(agent).get("/console/overview/").status_code == 403
    c.post(url, {"role": "overlord"})
    assert StaffRole.objects.get(user=agent).role == "support"
    c.post(f"/console/users/{UserFactory().pk}/role/", {"role": "finance"})  # not staff
    assert StaffRole.objects.count() == 2  # admin's and agent's
    assert client_for(staff("finance")).post(url, {"role": "admin"}).status_code == 403
