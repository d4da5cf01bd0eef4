"""Hourly contracts: time logs, weekly limits, timesheets, charging and paying out."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from craftwork.contracts import services
from craftwork.contracts.models import Contract, TimeLog, Timesheet
from craftwork.contracts.workflows.hourly import timesheet_amount
from craftwork.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from craftwork.payments import selectors as payment_selectors

from .factories import HourlyContractFactory, hourly_terms, pay_timesheet, usd

pytestmark = pytest.mark.django_db


def log(contract, minutes=60, day=None, description="Work"):
    day = day or services.provider_today(contract)
    return services.timelog_create(
        contract=contract,
        date=day,
        minutes=minutes,
        description=description,
        actor=contract.provider,
    )


def submitted(contract, minutes=90):
    entry = log(contract, minutes)
    return services.timesheet_submit(timesheet=entry.timesheet, actor=contract.provider)


class TestTimeLogs:
    def test_first_log_starts_the_contract_and_opens_the_week(self, hourly):
        assert hourly.state == "active"
        entry = log(hourly, 90)
        hourly.refresh_from_db()
        assert hourly.state == "in_progress" and hourly.started_at
        week = entry.timesheet
        assert week.state == "open" and week.week_start.weekday() == 0
        assert week.week_start <= entry.date <= week.week_start + timedelta(days=6)

    def test_never_in_the_future(self, hourly):
        tomorrow = services.provider_today(hourly) + timedelta(days=1)
        with pytest.raises(ValidationFailed) as error:
            log(hourly, day=tomorrow)
        assert error.value.code == "future_time_log" and "date" in error.value.details
        assert not TimeLog.objects.exists()

    def test_not_before_the_contract(self, hourly):
        with pytest.raises(ValidationFailed) as error:
            log(hourly, day=services.provider_today(hourly) - timedelta(days=400))
        assert "date" in error.value.details

    def test_the_weekly_limit_is_exact(self, hourly):
        log(hourly, 540)
        with pytest.raises(ValidationFailed) as error:
            log(hourly, 61)
        assert error.value.code == "weekly_limit_exceeded"
        assert "60 minutes left" in str(error.value.details["minutes"])
        log(hourly, 60)  # exactly the limit
        assert TimeLog.objects.filter(contract=hourly).count() == 2

    def test_editing_respects_the_limit(self, hourly):
        first = log(hourly, 300)
        log(hourly, 300)
        with pytest.raises(ValidationFailed):
            services.timelog_update(log=first, minutes=301, actor=hourly.provider)
        services.timelog_update(log=first, minutes=200, description="Less", actor=hourly.provider)
        first.refresh_from_db()
        assert (first.minutes, first.description) == (200, "Less")

    def test_one_day_has_24_hours(self):
        contract = HourlyContractFactory(terms=hourly_terms(weekly_limit_minutes=168 * 60))
        log(contract, 1000)
        with pytest.raises(ValidationFailed) as error:
            log(contract, 500)
        assert error.value.code == "day_limit_exceeded"

    @pytest.mark.parametrize(
        ("minutes", "description"),
        [(0, "x"), (-5, "x"), (1441, "x"), (True, "x"), ("60", "x"), (60, ""), (60, "x" * 501)],
    )
    def test_bad_values(self, hourly, minutes, description):
        with pytest.raises(ValidationFailed):
            log(hourly, minutes, description=description)
        assert not TimeLog.objects.exists()

    def test_only_the_freelancer_and_only_hourly(self, hourly, funded):
        with pytest.raises(PermissionDenied):
            services.timelog_create(
                contract=hourly, date=date.today(), minutes=60, description="x", actor=hourly.client
            )
        with pytest.raises(InvalidTransition) as error:
            log(funded)
        assert error.value.code == "not_hourly"

    def test_the_week_follows_the_freelancers_time_zone(self):
        contract = HourlyContractFactory()
        contract.provider.timezone = "Pacific/Auckland"
        contract.provider.save(update_fields=["timezone"])
        # Sunday 20:00 UTC is already Monday morning in Auckland.
        sunday_evening = datetime(2030, 6, 2, 20, 0, tzinfo=ZoneInfo("UTC"))
        Contract.objects.filter(pk=contract.pk).update(
            created_at=sunday_evening - timedelta(days=7)
        )
        contract.refresh_from_db()
        with mock.patch("django.utils.timezone.now", return_value=sunday_evening):
            today = services.provider_today(contract)
            entry = log(contract, day=today)
        assert today == date(2030, 6, 3)
        assert entry.timesheet.week_start == date(2030, 6, 3)

    def test_delete(self, hourly):
        entry = log(hourly)
        services.timelog_delete(log=entry, actor=hourly.provider)
        assert not TimeLog.objects.exists()


class TestTimesheets:
    def test_submit_freezes_minutes_and_amount(self, hourly):
        timesheet = submitted(hourly, 90)
        assert (timesheet.state, timesheet.minutes, timesheet.amount) == (
            "submitted",
            90,
            usd(7_500),
        )
        with pytest.raises(InvalidTransition) as error:
            log(hourly, 30)  # that week is closed now
        assert error.value.code == "timesheet_locked"

    def test_rounding_is_half_up(self):
        assert timesheet_amount(usd(3333), 1) == usd(56)  # 55.55 -> 56
        assert timesheet_amount(usd(3000), 1) == usd(50)
        assert timesheet_amount(usd(90), 1) == usd(2)  # 1.5 -> 2
        assert timesheet_amount(usd(30), 1) == usd(1)  # 0.5 -> 1

    def test_an_empty_week_cannot_be_submitted(self, hourly):
        entry = log(hourly)
        services.timelog_delete(log=entry, actor=hourly.provider)
        with pytest.raises(InvalidTransition) as error:
            services.timesheet_submit(timesheet=Timesheet.objects.get(), actor=hourly.provider)
        assert error.value.code == "empty_timesheet"

    def test_reject_with_comment_then_fix_and_resubmit(self, hourly):
        timesheet = submitted(hourly, 120)
        with pytest.raises(ValidationFailed):
            services.timesheet_reject(timesheet=timesheet, comment="", actor=hourly.client)
        services.timesheet_reject(
            timesheet=timesheet, comment="Too much for a logo", actor=hourly.client
        )
        timesheet.refresh_from_db()
        assert (timesheet.state, timesheet.reject_comment) == ("rejected", "Too much for a logo")
        entry = timesheet.time_logs.get()
        services.timelog_update(log=entry, minutes=60, actor=hourly.provider)
        services.timesheet_submit(timesheet=timesheet, actor=hourly.provider)
        timesheet.refresh_from_db()
        assert (timesheet.state, timesheet.minutes, timesheet.amount) == (
            "submitted",
            60,
            usd(5_000),
        )

    def test_wrong_parties(self, hourly, stranger):
        timesheet = submitted(hourly)
        with pytest.raises(PermissionDenied):
            services.timesheet_approve(timesheet=timesheet, actor=hourly.provider)
        with pytest.raises(PermissionDenied):
            services.timesheet_approve(timesheet=timesheet, actor=stranger)
        assert Timesheet.objects.get(pk=timesheet.pk).state == "submitted"

    def test_approve_charge_and_pay_out(self, hourly):
        timesheet = submitted(hourly, 90)
        services.timesheet_approve(timesheet=timesheet, actor=hourly.client)
        with pytest.raises(PermissionDenied):
            services.timesheet_pay_start(timesheet=timesheet, actor=hourly.provider)
        payment = pay_timesheet(timesheet)
        assert payment.reference == f"timesheet:{timesheet.pk}"
        assert payment.amount == usd(7_500) and payment.client_fee.is_positive
        assert (timesheet.state, timesheet.payment_ref) == ("paid", str(payment.pk))
        assert payment_selectors.escrow_balance(hourly.escrow_ref, "USD") == usd(0)
        assert payment_selectors.wallet_summary(hourly.provider, "USD").pending == usd(6_750)
        with pytest.raises(InvalidTransition):
            services.timesheet_pay_start(timesheet=timesheet, actor=hourly.client)
        call_command("reconcile")

    def test_only_approved_timesheets_are_paid(self, hourly):
        timesheet = submitted(hourly)
        with pytest.raises(InvalidTransition):
            services.timesheet_pay_start(timesheet=timesheet, actor=hourly.client)

    def test_auto_approval_after_the_window(self, hourly):
        timesheet = submitted(hourly)
        timesheet.refresh_from_db()
        assert services.run_due_timers(now=timezone.now()) == 0
        assert services.run_due_timers(now=timesheet.timer_due_at + timedelta(seconds=1)) == 1
        timesheet.refresh_from_db()
        assert timesheet.state == "approved"
        assert (
            hourly.history.get(subject="timesheet", transition="auto_approve").actor_role
            == "system"
        )


class TestEnding:
    def test_end_needs_everything_settled(self, hourly):
        entry = log(hourly)
        hourly.refresh_from_db()
        with pytest.raises(InvalidTransition) as error:
            services.contract_transition(obj=hourly, transition="end", actor=hourly.client)
        assert error.value.code == "time_not_submitted"
        timesheet = services.timesheet_submit(timesheet=entry.timesheet, actor=hourly.provider)
        with pytest.raises(InvalidTransition) as error:
            services.contract_transition(obj=hourly, transition="end", actor=hourly.provider)
        assert error.value.code == "timesheets_pending"
        services.timesheet_approve(timesheet=timesheet, actor=hourly.client)
        pay_timesheet(timesheet)
        services.contract_transition(obj=hourly, transition="end", actor=hourly.provider)
        assert Contract.objects.get(pk=hourly.pk).state == "completed"
        with pytest.raises(InvalidTransition):
            log(hourly)

    def test_cancel_before_any_work(self, hourly):
        with pytest.raises(ValidationFailed):
            services.contract_cancel(contract=hourly, actor=hourly.client, reason="")
        services.contract_cancel(contract=hourly, actor=hourly.client, reason="Found someone else")
        hourly.refresh_from_db()
        assert hourly.state == "cancelled" and hourly.cancel_reason == "Found someone else"
