"""The numbers of the console overview, each one aggregate query over indexed columns.

A period is whole UTC days ``[start, end]``; the previous period is the same number of days just
before it. Money is summed per currency in minor units and never mixed across currencies.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncDate

from craftwork.catalog.models import Gig
from craftwork.jobs.models import Job
from craftwork.moderation.models import Case
from craftwork.payments.models import (
    PAID_STATUSES,
    AccountKind,
    Chargeback,
    Dispute,
    LedgerAccount,
    LedgerEntry,
    Payment,
    Payout,
    Refund,
)

from .models import DailyActivity

UTC = dt.UTC
MAX_PERIOD_DAYS = 366
OPEN_DISPUTE_STATUSES = (Dispute.Status.OPEN, Dispute.Status.RESPONDED)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=UTC)

    @property
    def until(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)

    def previous(self) -> "Period":
        end = self.start - dt.timedelta(days=1)
        return Period(start=end - dt.timedelta(days=self.days - 1), end=end)

    def window(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.since, f"{name}__lt": self.until})


def default_period(today: dt.date, days: int = 30) -> Period:
    return Period(start=today - dt.timedelta(days=days - 1), end=today)


@dataclass
class Compared:
    """A figure for the period beside the same figure for the previous period."""

    current: int | float | None
    previous: int | float | None

    @property
    def change(self) -> int | float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass
class MoneyFigures:
    currency: str
    gmv: Compared
    net_revenue: Compared
    take_rate_bps: Compared
    refunds: Compared
    chargebacks: Compared
    escrow_held: int
    payouts_pending: int


@dataclass
class Overview:
    period: Period
    previous: Period
    money: list[MoneyFigures]
    counts: dict[str, Compared] = field(default_factory=dict)
    snapshot: dict[str, object] = field(default_factory=dict)


# --- one aggregate each -------------------------------------------------------------------------


def _per_currency(queryset, value: str) -> dict[str, int]:
    rows = queryset.values("currency").annotate(total=Sum(value)).order_by()
    return {row["currency"]: row["total"] or 0 for row in rows}


def gmv(period: Period) -> dict[str, int]:
    """What clients paid for work (before their service fee) in payments that succeeded in the
    period; a later refund does not make it less (refunds are their own figure)."""
    paid = Payment.objects.filter(period.window("succeeded_at"), status__in=PAID_STATUSES)
    return _per_currency(paid, "amount_minor")


def net_revenue(period: Period) -> dict[str, int]:
    """What the platform revenue account gained in the period: fees earned minus fees returned."""
    entries = LedgerEntry.objects.filter(
        period.window("created_at"), account__kind=AccountKind.PLATFORM_REVENUE
    )
    return _per_currency(entries, "amount")


def refunds(period: Period) -> dict[str, int]:
    """Refunds issued in the period: settled or on their way (a failed one gave nothing back)."""
    issued = Refund.objects.filter(period.window("created_at")).exclude(status=Refund.Status.FAILED)
    return _per_currency(issued, "amount_minor")


def chargebacks(period: Period) -> dict[str, int]:
    return _per_currency(Chargeback.objects.filter(period.window("created_at")), "amount_minor")


def escrow_held() -> dict[str, int]:
    accounts = LedgerAccount.objects.filter(kind=AccountKind.CONTRACT_ESCROW)
    return _per_currency(accounts, "balance")


def payouts_pending() -> dict[str, int]:
    return _per_currency(Payout.objects.filter(status=Payout.Status.PENDING), "amount_minor")


def payment_counts(period: Period) -> tuple[int, int]:
    """Payments that succeeded in the period, and attempts made in it that failed."""
    succeeded = Payment.objects.filter(
        period.window("succeeded_at"), status__in=PAID_STATUSES
    ).count()
    failed = Payment.objects.filter(
        period.window("created_at"), status=Payment.Status.FAILED
    ).count()
    return succeeded, failed


def signups(period: Period) -> dict[str, int]:
    return (
        get_user_model()
        .objects.filter(period.window("date_joined"))
        .aggregate(
            total=Count("pk"),
            clients=Count("pk", filter=Q(is_client=True)),
            freelancers=Count("pk", filter=Q(is_freelancer=True)),
        )
    )


def active_users(end: dt.date) -> dict[str, int]:
    """People who used the site on the period's last day, in its last 7 and last 30 days."""

    def since(days: int) -> int:
        start = end - dt.timedelta(days=days - 1)
        return (
            DailyActivity.objects.filter(day__gte=start, day__lte=end)
            .values("user_id")
            .distinct()
            .count()
        )

    return {"dau": since(1), "wau": since(7), "mau": since(30)}


def _by_status(model) -> dict[str, int]:
    rows = model.objects.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def hiring(period: Period) -> dict[str, object]:
    """Of the jobs published in the period: how many, how many hired someone, and the median
    hours until the first proposal arrived (jobs that received one)."""
    jobs = (
        Job.objects.filter(period.window("published_at"))
        .annotate(first_proposal=Min("proposals__created_at"))
        .values_list("published_at", "first_proposal", "hired_count")
    )
    published = hired = 0
    waits = []
    for published_at, first_proposal, hired_count in jobs.iterator(chunk_size=2000):
        published += 1
        hired += 1 if hired_count else 0
        if first_proposal is not None:
            waits.append(max((first_proposal - published_at).total_seconds(), 0) / 3600)
    return {
        "published": published,
        "hired": hired,
        "hire_rate_bps": round(hired * 10_000 / published) if published else None,
        "hours_to_first_proposal": round(statistics.median(waits), 1) if waits else None,
    }


def disputes(now: dt.datetime) -> dict[str, object]:
    opened = list(
        Dispute.objects.filter(status__in=OPEN_DISPUTE_STATUSES).values_list(
            "created_at", flat=True
        )
    )
    ages = [(now - created).total_seconds() / 86400 for created in opened]
    return {
        "open": len(opened),
        "average_age_days": round(sum(ages) / len(ages), 1) if ages else None,
        "oldest_age_days": round(max(ages), 1) if ages else None,
    }


def moderation_queue() -> int:
    return Case.objects.filter(status=Case.Status.OPEN).count()


# --- the overview -------------------------------------------------------------------------------


def _take_rate(revenue: int, volume: int) -> int | None:
    return round(revenue * 10_000 / volume) if volume else None


def _money(period: Period, previous: Period) -> list[MoneyFigures]:
    now_gmv, before_gmv = gmv(period), gmv(previous)
    now_rev, before_rev = net_revenue(period), net_revenue(previous)
    now_ref, before_ref = refunds(period), refunds(previous)
    now_cb, before_cb = chargebacks(period), chargebacks(previous)
    held, pending = escrow_held(), payouts_pending()
    currencies = sorted(
        set(now_gmv)
        | set(before_gmv)
        | set(now_rev)
        | set(before_rev)
        | set(now_ref)
        | set(now_cb)
        | {c for c, v in held.items() if v}
        | {c for c, v in pending.items() if v}
    )
    return [
        MoneyFigures(
            currency=c,
            gmv=Compared(now_gmv.get(c, 0), before_gmv.get(c, 0)),
            net_revenue=Compared(now_rev.get(c, 0), before_rev.get(c, 0)),
            take_rate_bps=Compared(
                _take_rate(now_rev.get(c, 0), now_gmv.get(c, 0)),
                _take_rate(before_rev.get(c, 0), before_gmv.get(c, 0)),
            ),
            refunds=Compared(now_ref.get(c, 0), before_ref.get(c, 0)),
            chargebacks=Compared(now_cb.get(c, 0), before_cb.get(c, 0)),
            escrow_held=held.get(c, 0),
            payouts_pending=pending.get(c, 0),
        )
        for c in currencies
    ]


def overview(period: Period, *, now: dt.datetime) -> Overview:
    previous = period.previous()
    result = Overview(period=period, previous=previous, money=_money(period, previous))
    ok_now, failed_now = payment_counts(period)
    ok_before, failed_before = payment_counts(previous)
    result.counts["payments_succeeded"] = Compared(ok_now, ok_before)
    result.counts["payments_failed"] = Compared(failed_now, failed_before)
    joined_now, joined_before = signups(period), signups(previous)
    for key in ("total", "clients", "freelancers"):
        result.counts[f"signups_{key}"] = Compared(joined_now[key], joined_before[key])
    active_now, active_before = active_users(period.end), active_users(previous.end)
    for key in ("dau", "wau", "mau"):
        result.counts[key] = Compared(active_now[key], active_before[key])
    hiring_now, hiring_before = hiring(period), hiring(previous)
    for key in ("published", "hire_rate_bps", "hours_to_first_proposal"):
        result.counts[f"jobs_{key}"] = Compared(hiring_now[key], hiring_before[key])
    result.snapshot = {
        "jobs_by_status": _by_status(Job),
        "gigs_by_status": _by_status(Gig),
        "disputes": disputes(now),
        "moderation_queue": moderation_queue(),
    }
    return result


# --- trends -------------------------------------------------------------------------------------


def _daily(queryset, field_name: str, value=None) -> dict[dt.date, int]:
    aggregate = Sum(value) if value else Count("pk")
    rows = (
        queryset.annotate(day=TruncDate(field_name, tzinfo=UTC))
        .values("day")
        .annotate(n=aggregate)
        .order_by()
    )
    return {row["day"]: row["n"] or 0 for row in rows}


def _bucketed(period: Period, daily: dict[dt.date, int]) -> list[tuple[dt.date, int]]:
    """Days, or weeks (starting on the period's first day) when the period is longer than 62."""
    step = 7 if period.days > 62 else 1
    points = []
    day = period.start
    while day <= period.end:
        last = min(day + dt.timedelta(days=step - 1), period.end)
        total = 0
        cursor = day
        while cursor <= last:
            total += daily.get(cursor, 0)
            cursor += dt.timedelta(days=1)
        points.append((day, total))
        day = last + dt.timedelta(days=1)
    return points


def trends(period: Period, currency: str | None) -> dict[str, list[tuple[dt.date, int]]]:
    paid = Payment.objects.filter(period.window("succeeded_at"), status__in=PAID_STATUSES)
    series = {
        "signups": _bucketed(
            period,
            _daily(get_user_model().objects.filter(period.window("date_joined")), "date_joined"),
        ),
        "payments": _bucketed(period, _daily(paid, "succeeded_at")),
        "jobs": _bucketed(
            period, _daily(Job.objects.filter(period.window("published_at")), "published_at")
        ),
    }
    if currency:
        series["gmv"] = _bucketed(
            period, _daily(paid.filter(currency=currency), "succeeded_at", F("amount_minor"))
        )
    return series
