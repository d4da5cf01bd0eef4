"""Mentorship sessions: created paid by checkout, completed, cancelled, no-shows, reminders."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from craftwork.accounts.tests.factories import FreelancerFactory, StaffFactory, UserFactory
from craftwork.catalog import selectors as catalog_selectors
from craftwork.catalog import services as catalog
from craftwork.catalog.models import SlotReservation
from craftwork.catalog.tests.factories import OfferingFactory
from craftwork.contracts import orders, services
from craftwork.contracts.models import Contract, SessionBooking
from craftwork.contracts.orders import session_booking_create
from craftwork.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from craftwork.core.money import Money
from craftwork.payments import disputes as payment_disputes
from craftwork.payments import selectors as payment_selectors
from craftwork.payments.models import Dispute, LedgerEntry, LedgerTransaction

from .conftest import api_for
from .factories import fund_escrow, next_slot, session_booking, usd

pytestmark = pytest.mark.django_db


def escrow(contract) -> Money:
    return payment_selectors.escrow_balance(contract.escrow_ref, contract.currency)


def pending(user) -> Money:
    return payment_selectors.wallet_summary(user, "USD").pending


def refunded(contract) -> Money:
    entries = LedgerEntry.objects.filter(
        transaction__kind__in=["escrow_refund", "escrow_split"],
        transaction__reference=contract.escrow_ref,
        account__kind="provider_clearing",
    )
    return Money(sum(entries.values_list("amount", flat=True)), contract.currency)


def net(amount: int) -> Money:
    return usd(amount).split_fee(1000)[1]


def fresh(contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


def times(contract):
    booking = SessionBooking.objects.get(contract=contract)
    return booking.starts_at, booking.ends_at


def move_to_the_past(contract, hours_ago: float = 2) -> None:
    """Test setup: the booked hour already went by (the services take ``now`` instead)."""
    start = timezone.now() - timedelta(hours=hours_ago)
    SessionBooking.objects.filter(contract=contract).update(
        starts_at=start, ends_at=start + timedelta(hours=1)
    )


# --- creation -------------------------------------------------------------------------------------


class TestCreate:
    def test_scheduled_paid_with_its_slot(self, settings):
        settings.SESSION_AUTO_COMPLETE_HOURS = 24
        contract = session_booking(price=6_000)
        booking = contract.session_booking
        assert (contract.kind, contract.source, contract.state) == (
            "session",
            "session_booking",
            "scheduled",
        )
        assert escrow(contract) == usd(6_000) and contract.amount == usd(6_000)
        assert booking.starts_at == booking.reservation.start
        assert booking.starts_at.hour == 10 and booking.starts_at > timezone.now()
        assert booking.duration_minutes == 60 and booking.meeting_url == ""
        assert contract.timer_due_at == booking.ends_at + timedelta(hours=24)
        assert contract.cancellation_policy == "moderate"

    def _attempt(self, *, fund=True, **overrides):
        client, mentor = UserFactory(), FreelancerFactory()
        offering = OfferingFactory(mentor=mentor)
        reservation = catalog.slot_reserve(
            offering=offering, start=next_slot(), client=client, actor=None
        )
        contract_id = uuid.uuid4()
        if fund:
            fund_escrow(contract_id, client, usd(6_000))
        kwargs = {
            "contract_id": contract_id,
            "source_ref": f"checkout-line:{uuid.uuid4()}",
            "client": client,
            "provider": mentor,
            "reservation": reservation,
            "price": usd(6_000),
            **overrides,
        }
        return session_booking_create(**kwargs), kwargs

    def test_repeating_the_call_returns_the_same_contract(self):
        contract, kwargs = self._attempt()
        assert session_booking_create(**kwargs).pk == contract.pk
        other_id = uuid.uuid4()
        fund_escrow(other_id, kwargs["client"], usd(6_000))
        with pytest.raises(Conflict) as error:  # the same slot bought twice
            session_booking_create(
                **{**kwargs, "contract_id": other_id, "source_ref": "checkout-line:2"}
            )
        assert error.value.code == "reservation_used"

    @pytest.mark.parametrize(
        ("case", "code"),
        [
            ("not_funded", "contract_not_funded"),
            ("other_client", "reservation_mismatch"),
            ("other_mentor", "reservation_mismatch"),
            ("released", "reservation_released"),
            ("past", "session_in_past"),
            ("no_reservation", "reservation_not_found"),
            ("bad_policy", "invalid_terms"),
            ("wrong_currency", "currency_mismatch"),
        ],
    )
    def test_refusals_write_nothing(self, case, code):
        client, mentor = UserFactory(), FreelancerFactory()
        reservation = catalog.slot_reserve(
            offering=OfferingFactory(mentor=mentor), start=next_slot(), client=client, actor=None
        )
        contract_id = uuid.uuid4()
        if case != "not_funded":
            fund_escrow(contract_id, client, usd(6_000))
        kwargs = {
            "contract_id": contract_id,
            "source_ref": "checkout-line:x",
            "client": client,
            "provider": mentor,
            "reservation": reservation,
            "price": usd(6_000),
        }
        if case == "other_client":
            kwargs["client"] = UserFactory()
        elif case == "other_mentor":
            kwargs["provider"] = FreelancerFactory()
        elif case == "released":
            catalog.slot_release(reservation=reservation, actor=None, reason="gone")
        elif case == "past":
            SlotReservation.objects.filter(pk=reservation.pk).update(
                start=timezone.now() - timedelta(hours=1), end=timezone.now()
            )
        elif case == "no_reservation":
            kwargs["reservation"] = None
        elif case == "bad_policy":
            kwargs["cancellation_policy"] = "generous"
        elif case == "wrong_currency":
            kwargs["price"] = Money(6_000, "EUR")
        with pytest.raises(DomainError) as error:
            session_booking_create(**kwargs)
        assert error.value.code == code
        assert not Contract.objects.exists() and not SessionBooking.objects.exists()


# --- completion -----------------------------------------------------------------------------------


class TestComplete:
    def test_the_client_confirms_after_the_end(self):
        contract = session_booking(price=6_000)
        _start, end = times(contract)
        with pytest.raises(InvalidTransition) as error:
            orders.session_confirm(contract=contract, actor=contract.client, now=end - timedelta(1))
        assert error.value.code == "session_not_ended"
        with pytest.raises(PermissionDenied):
            orders.session_confirm(contract=contract, actor=contract.provider, now=end)
        orders.session_confirm(contract=contract, actor=contract.client, now=end)
        contract = fresh(contract)
        assert contract.state == "completed" and contract.session_booking.confirmed_at == end
        assert escrow(contract) == usd(0) and pending(contract.provider) == net(6_000)
        with pytest.raises(InvalidTransition):
            orders.session_confirm(contract=contract, actor=contract.client, now=end)
        assert LedgerTransaction.objects.filter(kind="escrow_release").count() == 1
        call_command("reconcile")

    def test_completed_automatically_hours_after_the_end(self, settings):
        settings.SESSION_AUTO_COMPLETE_HOURS = 12
        contract = session_booking(price=6_000)
        _start, end = times(contract)
        assert contract.timer_due_at == end + timedelta(hours=12)
        assert services.run_due_timers(now=end + timedelta(hours=11)) == 0
        assert services.run_due_timers(now=end + timedelta(hours=12)) == 1
        contract = fresh(contract)
        assert contract.state == "completed" and pending(contract.provider) == net(6_000)
        assert services.run_due_timers(now=end + timedelta(days=3)) == 0
        call_command("reconcile")


# --- cancellation ---------------------------------------------------------------------------------


class TestCancel:
    def test_the_client_24_hours_ahead_gets_everything_back_and_the_slot_is_free(self):
        contract = session_booking(price=6_000, policy="strict")
        start, _end = times(contract)
        now = start - timedelta(hours=24)
        preview = orders.session_cancel_preview(contract=contract, actor=contract.client, now=now)
        assert (preview.rule, preview.to_client, preview.to_provider) == (
            "free",
            usd(6_000),
            usd(0),
        )
        orders.session_cancel(contract=contract, actor=contract.client, reason="Ill", now=now)
        contract = fresh(contract)
        booking = contract.session_booking
        assert contract.state == "cancelled" and contract.cancel_reason == "Ill"
        assert refunded(contract) == usd(6_000) and escrow(contract) == usd(0)
        assert pending(contract.provider) == usd(0)
        assert booking.reservation.status == "released"
        offering = booking.reservation.offering
        assert catalog_selectors.slot_problem(offering, start) is None  # bookable again
        call_command("reconcile")

    @pytest.mark.parametrize(
        ("policy", "price", "to_client"),
        [
            ("flexible", 6_000, 6_000),
            ("moderate", 6_000, 3_000),
            ("moderate", 6_001, 3_001),  # the odd minor unit goes to the client
            ("strict", 6_000, 0),
        ],
    )
    def test_the_client_later_pays_by_policy(self, policy, price, to_client):
        contract = session_booking(price=price, policy=policy)
        start, _end = times(contract)
        now = start - timedelta(hours=23, minutes=59)
        preview = orders.session_cancel_preview(contract=contract, actor=contract.client, now=now)
        assert (preview.rule, preview.to_client) == ("policy", usd(to_client))
        assert preview.to_client + preview.to_provider == usd(price)
        orders.session_cancel(contract=contract, actor=contract.client, now=now)
        contract = fresh(contract)
        assert refunded(contract) == usd(to_client)
        to_mentor = price - to_client
        assert pending(contract.provider) == (net(to_mentor) if to_mentor else usd(0))
        assert escrow(contract) == usd(0)
        call_command("reconcile")

    @pytest.mark.parametrize("hours_after_start", [0, 0.5, 5])
    def test_the_client_cannot_cancel_once_it_started(self, hours_after_start):
        contract = session_booking()
        start, _end = times(contract)
        now = start + timedelta(hours=hours_after_start)
        with pytest.raises(InvalidTransition) as error:
            orders.session_cancel(contract=contract, actor=contract.client, now=now)
        assert error.value.code == "session_already_started"
        preview = orders.session_cancel_preview(contract=contract, actor=contract.client, now=now)
        assert not preview.allowed and preview.rule == "started"
        assert fresh(contract).state == "scheduled" and escrow(contract) == usd(6_000)

    @pytest.mark.parametrize("who", ["provider", "staff"])
    def test_the_mentor_or_staff_cancel_any_time_with_a_full_refund(self, who):
        contract = session_booking(price=6_000, policy="strict")
        start, _end = times(contract)
        actor = contract.provider if who == "provider" else StaffFactory()
        orders.session_cancel(contract=contract, actor=actor, now=start + timedelta(minutes=10))
        contract = fresh(contract)
        assert contract.state == "cancelled" and refunded(contract) == usd(6_000)
        assert pending(contract.provider) == usd(0)
        assert contract.session_booking.reservation.status == "released"

    def test_a_stranger_cannot_cancel(self, stranger):
        contract = session_booking()
        with pytest.raises(PermissionDenied):
            orders.session_cancel(contract=contract, actor=stranger)
        with pytest.raises(PermissionDenied):
            orders.session_cancel_preview(contract=contract, actor=stranger)


# --- no-shows -------------------------------------------------------------------------------------


class TestAbsence:
    def test_nobody_reports_an_absence_before_the_start(self):
        contract = session_booking()
        start, _end = times(contract)
        for actor in (contract.client, contract.provider):
            with pytest.raises(InvalidTransition) as error:
                orders.session_report_absence(
                    contract=contract, actor=actor, now=start - timedelta(minutes=1)
                )
            assert error.value.code == "session_not_started"
        with pytest.raises(PermissionDenied):
            orders.session_report_absence(contract=contract, actor=UserFactory(), now=start)

    def test_the_mentor_reports_the_client_absent_and_is_paid(self):
        contract = session_booking(price=6_000)
        start, _end = times(contract)
        orders.session_report_absence(
            contract=contract, actor=contract.provider, now=start + timedelta(minutes=15)
        )
        contract = fresh(contract)
        assert contract.state == "no_show" and contract.session_booking.absent_party == "client"
        assert pending(contract.provider) == net(6_000) and escrow(contract) == usd(0)
        assert contract.timer_due_at is None
        call_command("reconcile")

    def test_an_uncontested_report_refunds_the_client(self, settings):
        settings.SESSION_ABSENCE_CONTEST_HOURS = 48
        contract = session_booking(price=6_000)
        start, _end = times(contract)
        reported = start + timedelta(minutes=20)
        orders.session_report_absence(contract=contract, actor=contract.client, now=reported)
        contract = fresh(contract)
        assert contract.state == "absence_reported"
        assert contract.session_booking.absent_party == "provider"
        assert contract.timer_due_at == reported + timedelta(hours=48)
        assert services.run_due_timers(now=reported + timedelta(hours=47)) == 0
        assert services.run_due_timers(now=reported + timedelta(hours=48)) == 1
        contract = fresh(contract)
        assert contract.state == "no_show"
        assert refunded(contract) == usd(6_000) and pending(contract.provider) == usd(0)
        call_command("reconcile")

    @pytest.mark.parametrize(
        ("outcome", "state", "to_mentor"),
        [("release", "completed", 6_000), ("refund", "cancelled", 0)],
    )
    def test_the_mentor_contests_and_staff_decide(self, committed, outcome, state, to_mentor):
        contract = session_booking(price=6_000)
        start, _end = times(contract)
        orders.session_report_absence(contract=contract, actor=contract.client, now=start)
        with pytest.raises(PermissionDenied):
            orders.session_contest_absence(
                contract=fresh(contract), actor=contract.client, reason="x"
            )
        with pytest.raises(ValidationFailed):
            orders.session_contest_absence(
                contract=fresh(contract), actor=contract.provider, reason=""
            )
        orders.session_contest_absence(
            contract=fresh(contract), actor=contract.provider, reason="I was there, logs attached"
        )
        contract = fresh(contract)
        dispute = Dispute.objects.get()
        assert contract.state == "disputed" and contract.timer_due_at is None
        assert contract.session_booking.dispute_ref == str(dispute.pk)
        with committed():
            payment_disputes.dispute_resolve(
                actor=StaffFactory(), dispute=dispute, outcome=outcome, to_provider=None,
                decision="Decided.",
            )  # fmt: skip
        contract = fresh(contract)
        assert contract.state == state and escrow(contract) == usd(0)
        assert pending(contract.provider) == (net(to_mentor) if to_mentor else usd(0))
        call_command("reconcile")

    def test_the_client_may_take_the_report_back_by_confirming(self):
        contract = session_booking()
        start, end = times(contract)
        orders.session_report_absence(contract=contract, actor=contract.client, now=start)
        orders.session_confirm(contract=fresh(contract), actor=contract.client, now=end)
        contract = fresh(contract)
        assert contract.state == "completed" and contract.session_booking.absent_party == ""
        assert pending(contract.provider) == net(6_000)


# --- where to meet ---------------------------------------------------------------------------------


class TestLocation:
    def test_the_mentor_sets_a_link_and_a_place(self, committed):
        from craftwork.notifications.models import Notification

        contract = session_booking()
        with committed():
            booking = orders.session_location_set(
                contract=contract,
                actor=contract.provider,
                meeting_url=" https://meet.example.com/abc-def ",
                meeting_place="Café Central,\nFloor 2",
            )
        assert booking.meeting_url == "https://meet.example.com/abc-def"
        assert booking.meeting_place == "Café Central, Floor 2"
        assert Notification.objects.get(type="session_location_set").recipient == contract.client

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"meeting_url": "javascript:alert(1)"}, "meeting_url"),
            ({"meeting_url": "ftp://files.example.com"}, "meeting_url"),
            ({"meeting_url": "https://" + "a" * 600 + ".com"}, "meeting_url"),
            ({"meeting_url": 42}, "meeting_url"),
            ({"meeting_place": "x" * 301}, "meeting_place"),
            ({"meeting_place": None}, "meeting_place"),
        ],
    )
    def test_bad_locations_are_refused(self, fields, field):
        contract = session_booking()
        with pytest.raises(ValidationFailed) as error:
            orders.session_location_set(contract=contract, actor=contract.provider, **fields)
        assert field in error.value.details

    def test_only_the_mentor_while_scheduled(self):
        contract = session_booking()
        with pytest.raises(PermissionDenied):
            orders.session_location_set(contract=contract, actor=contract.client, meeting_place="x")
        orders.session_cancel(contract=contract, actor=contract.provider)
        with pytest.raises(InvalidTransition):
            orders.session_location_set(contract=fresh(contract), actor=contract.provider)


# --- reminders ------------------------------------------------------------------------------------


class TestReminders:
    def run(self, committed, now) -> int:
        from craftwork.notifications import services as notifications

        with committed():
            return notifications.reminders_run(now=now)

    def test_a_day_and_an_hour_before_to_both_parties_once(self, committed):
        from craftwork.notifications.models import Notification

        contract = session_booking()
        start, _end = times(contract)
        assert self.run(committed, start - timedelta(hours=30)) == 0
        assert self.run(committed, start - timedelta(hours=23)) == 1
        assert self.run(committed, start - timedelta(hours=22)) == 0  # safe to run twice
        reminders = Notification.objects.filter(type="session_reminder")
        assert {n.recipient for n in reminders} == {contract.client, contract.provider}
        assert self.run(committed, start - timedelta(minutes=50)) == 1
        assert self.run(committed, start - timedelta(minutes=40)) == 0
        assert Notification.objects.filter(type="session_reminder").count() == 4
        hour = Notification.objects.filter(type="session_reminder").order_by("-created_at")[0]
        assert hour.title.startswith("Starting in an hour") and "UTC" in hour.body
        assert hour.link == f"/contracts/{contract.pk}/"
        assert self.run(committed, start + timedelta(minutes=5)) == 0

    def test_short_notice_gets_only_the_hour_reminder(self, committed):
        contract = session_booking()
        start, _end = times(contract)
        assert self.run(committed, start - timedelta(minutes=30)) == 1
        assert self.run(committed, start - timedelta(minutes=10)) == 0

    def test_cancelled_sessions_are_not_reminded(self, committed):
        contract = session_booking()
        start, _end = times(contract)
        orders.session_cancel(contract=contract, actor=contract.provider)
        assert self.run(committed, start - timedelta(hours=23)) == 0


# --- API ------------------------------------------------------------------------------------------


def api_url(name, *args):
    return reverse(f"contracts-api:{name}", args=args)


def code_of(response):
    return response.json()["error"]["code"]


class TestApi:
    def test_the_parties_see_where_to_meet_and_nobody_else(self, stranger):
        contract = session_booking()
        orders.session_location_set(
            contract=contract, actor=contract.provider, meeting_url="https://meet.example.com/x"
        )
        data = api_for(contract.client).get(api_url("session", contract.pk)).json()
        assert data["meeting_url"] == "https://meet.example.com/x"
        assert data["cancel_preview"]["rule"] == "free"
        assert data["cancel_preview"]["to_client"]["amount_minor"] == 6_000
        detail = api_for(contract.provider).get(api_url("detail", contract.pk)).json()
        assert detail["session"]["meeting_url"] == "https://meet.example.com/x"
        assert detail["available_transitions"]["set_session_location"] is True
        assert detail["gig_order"] is None
        for name in ("session", "detail", "session-cancel-preview"):
            response = api_for(stranger).get(api_url(name, contract.pk))
            assert response.status_code == 404 and code_of(response) == "contract_not_found"
            assert "meet.example.com" not in response.content.decode()

    def test_session_endpoints_on_another_kind_are_404(self, funded):
        response = api_for(funded.client).get(api_url("session", funded.pk))
        assert response.status_code == 404 and code_of(response) == "not_a_session"

    def test_location_patch(self):
        contract = session_booking()
        url = api_url("session", contract.pk)
        response = api_for(contract.client).patch(url, {"meeting_place": "Here"}, format="json")
        assert response.status_code == 403
        mentor = api_for(contract.provider)
        response = mentor.patch(url, {"meeting_url": "javascript:alert(1)"}, format="json")
        assert response.status_code == 400 and "meeting_url" in response.json()["error"]["details"]
        response = mentor.patch(url, {"meeting_url": "x" * 501}, format="json")
        assert response.status_code == 400
        response = mentor.patch(url, {"meeting_place": "Library", "color": "red"}, format="json")
        assert response.status_code == 400
        response = mentor.patch(url, {"meeting_place": "Library"}, format="json")
        assert response.status_code == 200 and response.json()["meeting_place"] == "Library"

    def test_cancelling_after_the_end_is_refused(self):
        contract = session_booking()
        move_to_the_past(contract)
        client = api_for(contract.client)
        response = client.post(api_url("session-cancel", contract.pk), {}, format="json")
        assert response.status_code == 409 and code_of(response) == "session_already_started"
        preview = client.get(api_url("session-cancel-preview", contract.pk)).json()
        assert preview["allowed"] is False
        assert fresh(contract).state == "scheduled"

    def test_cancel_confirm_and_report_through_the_api(self, stranger):
        contract = session_booking(price=6_000)
        client, mentor = api_for(contract.client), api_for(contract.provider)
        response = client.post(api_url("session-confirm", contract.pk))
        assert response.status_code == 409 and code_of(response) == "session_not_ended"
        response = client.post(api_url("session-report-absence", contract.pk), {}, format="json")
        assert response.status_code == 409 and code_of(response) == "session_not_started"
        response = api_for(stranger).post(api_url("session-report-absence", contract.pk))
        assert response.status_code == 404
        move_to_the_past(contract)
        response = mentor.post(api_url("session-confirm", contract.pk))
        assert response.status_code == 403
        response = client.post(api_url("session-confirm", contract.pk))
        assert response.status_code == 200 and response.json()["state"] == "completed"
        again = client.post(api_url("session-confirm", contract.pk))
        assert again.status_code == 409 and code_of(again) == "invalid_state"
        assert pending(contract.provider) == net(6_000)

    def test_client_cancels_ahead_with_a_full_refund(self):
        contract = session_booking(price=6_000)
        response = api_for(contract.client).post(
            api_url("session-cancel", contract.pk), {"reason": "Conflict"}, format="json"
        )
        assert response.status_code == 200 and response.json()["state"] == "cancelled"
        assert refunded(contract) == usd(6_000)

    def test_absence_and_contest(self):
        contract = session_booking()
        move_to_the_past(contract, hours_ago=0.5)
        response = api_for(contract.client).post(
            api_url("session-report-absence", contract.pk), {"note": "Nobody came"}, format="json"
        )
        assert response.status_code == 200 and response.json()["state"] == "absence_reported"
        mentor = api_for(contract.provider)
        response = mentor.post(api_url("session-contest", contract.pk), {}, format="json")
        assert response.status_code == 400
        response = mentor.post(
            api_url("session-contest", contract.pk), {"reason": "I waited 30 min"}, format="json"
        )
        assert response.status_code == 200 and response.json()["state"] == "disputed"


# --- web pages ------------------------------------------------------------------------------------


def page(client, contract):
    response = client.get(reverse("contracts:detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestPages:
    def test_the_client_sees_the_session_and_a_refund_preview(self, client):
        contract = session_booking(price=6_000)
        client.force_login(contract.client)
        html = page(client, contract)
        assert 'data-testid="session"' in html and "The mentor will add" in html
        assert 'data-testid="location-form"' not in html
        assert 'data-refund="6000"' in html and 'data-paid="0"' in html
        response = client.post(
            reverse("contracts:transition", args=[contract.pk]),
            {"subject": "contract", "subject_id": str(contract.pk), "transition": "cancel"},
        )
        assert response.status_code == 302
        assert fresh(contract).state == "cancelled"

    def test_the_mentor_sets_where_to_meet(self, client, stranger):
        contract = session_booking()
        client.force_login(contract.provider)
        assert 'data-testid="location-form"' in page(client, contract)
        url = reverse("contracts:session-location", args=[contract.pk])
        response = client.post(url, {"meeting_url": "javascript:alert(1)"})
        assert response.status_code == 400
        response = client.post(url, {"meeting_url": "meet.example.com/room", "meeting_place": ""})
        assert response.status_code == 302
        client.force_login(contract.client)
        html = page(client, contract)
        assert 'href="https://meet.example.com/room"' in html
        assert client.post(url, {"meeting_place": "Mine"}).status_code == 400  # not the mentor
        client.force_login(stranger)
        assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
        assert client.post(url, {"meeting_place": "Mine"}).status_code == 404

    def test_after_the_end_the_client_confirms(self, client):
        contract = session_booking()
        move_to_the_past(contract)
        client.force_login(contract.client)
        html = page(client, contract)
        assert 'data-testid="action-confirm"' in html
        assert 'data-testid="action-report_mentor_absent"' in html
        assert 'data-testid="cancel-session-form"' not in html
        response = client.post(
            reverse("contracts:transition", args=[contract.pk]),
            {"subject": "contract", "subject_id": str(contract.pk), "transition": "confirm"},
        )
        assert response.status_code == 302 and fresh(contract).state == "completed"


def test_the_contract_takes_the_policy_the_offering_had_when_the_slot_was_reserved():
    client, mentor = UserFactory(), FreelancerFactory()
    offering = OfferingFactory(mentor=mentor, cancellation_policy="strict")
    reservation = catalog.slot_reserve(
        offering=offering, start=next_slot(), client=client, actor=None
    )
    catalog.offering_update(actor=mentor, offering=offering, cancellation_policy="flexible")
    contract_id = uuid.uuid4()
    fund_escrow(contract_id, client, usd(6_000))
    contract = session_booking_create(
        contract_id=contract_id,
        source_ref=f"checkout-line:{uuid.uuid4()}",
        client=client,
        provider=mentor,
        reservation=reservation,
        price=usd(6_000),
    )
    assert contract.cancellation_policy == "strict"
    late = orders.session_cancel_preview(
        contract=contract, actor=client, now=times(contract)[0] - timedelta(hours=2)
    )
    assert (late.to_client, late.to_provider) == (usd(0), usd(6_000))
