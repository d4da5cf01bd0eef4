"""The overview's numbers, recounted from the raw rows of a seeded marketplace."""

import datetime as dt
import statistics
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model

from craftwork.catalog.models import Gig
from craftwork.console import metrics
from craftwork.console.models import DailyActivity
from craftwork.jobs.models import Job
from craftwork.moderation.models import Case
from craftwork.payments.models import (
    PAID_STATUSES,
    AccountKind,
    Chargeback,
    LedgerAccount,
    LedgerEntry,
    Payment,
    Payout,
    Refund,
)

from .seed import seed

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def seeded(time_machine):
    return seed(time_machine, TODAY)


def _inside(value, period):
    return value is not None and period.since <= value < period.until


def _sum_by_currency(rows):
    totals = defaultdict(int)
    for currency, amount in rows:
        totals[currency] += amount
    return dict(totals)


def raw_money(period):
    payments = list(Payment.objects.all())
    gmv = _sum_by_currency(
        (p.currency, p.amount_minor)
        for p in payments
        if p.status in PAID_STATUSES and _inside(p.succeeded_at, period)
    )
    revenue = _sum_by_currency(
        (e.currency, e.amount)
        for e in LedgerEntry.objects.select_related("account")
        if e.account.kind == AccountKind.PLATFORM_REVENUE and _inside(e.created_at, period)
    )
    refunded = _sum_by_currency(
        (r.currency, r.amount_minor)
        for r in Refund.objects.all()
        if r.status != Refund.Status.FAILED and _inside(r.created_at, period)
    )
    return gmv, revenue, refunded


def test_money_figures_match_the_rows(seeded):
    period = metrics.Period(TODAY - dt.timedelta(days=9), TODAY)
    previous = period.previous()
    assert previous == metrics.Period(TODAY - dt.timedelta(days=19), TODAY - dt.timedelta(days=10))
    overview = metrics.overview(period, now=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC))
    by_currency = {m.currency: m for m in overview.money}
    assert set(by_currency) == {"USD", "EUR"}

    gmv, revenue, refunded = raw_money(period)
    gmv_before, revenue_before, _refunded_before = raw_money(previous)
    usd = by_currency["USD"]
    assert usd.gmv.current == gmv["USD"] == 30_000 + 12_345
    assert usd.gmv.previous == gmv_before["USD"] == 20_000
    assert usd.net_revenue.current == revenue["USD"]
    assert usd.net_revenue.previous == revenue_before.get("USD", 0)
    assert usd.net_revenue.current > 0  # client fees and the platform fee of the release
    assert usd.take_rate_bps.current == round(revenue["USD"] * 10_000 / gmv["USD"])
    assert usd.refunds.current == refunded["USD"] == 2_345
    assert by_currency["EUR"].gmv.current == gmv["EUR"] == 9_000
    escrow = _sum_by_currency(
        (a.currency, a.balance)
        for a in LedgerAccount.objects.filter(kind=AccountKind.CONTRACT_ESCROW)
    )
    assert usd.escrow_held == escrow["USD"]
    assert usd.payouts_pending == sum(
        p.amount_minor for p in Payout.objects.filter(currency="USD", status="pending")
    )
    assert usd.chargebacks.current == sum(c.amount_minor for c in Chargeback.objects.all())


def test_counts_match_the_rows(seeded):
    period = metrics.Period(TODAY - dt.timedelta(days=9), TODAY)
    now = dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
    overview = metrics.overview(period, now=now)
    counts = overview.counts
    payments = list(Payment.objects.all())
    assert counts["payments_succeeded"].current == sum(
        1 for p in payments if p.status in PAID_STATUSES and _inside(p.succeeded_at, period)
    )
    assert counts["payments_succeeded"].previous == 1
    assert counts["payments_failed"].current == sum(
        1 for p in payments if p.status == "failed" and _inside(p.created_at, period)
    )
    assert (counts["payments_failed"].current, counts["payments_failed"].previous) == (1, 1)

    users = [u for u in get_user_model().objects.all() if _inside(u.date_joined, period)]
    assert counts["signups_total"].current == len(users)
    assert counts["signups_clients"].current == sum(1 for u in users if u.is_client)
    assert counts["signups_freelancers"].current == sum(1 for u in users if u.is_freelancer)

    days = list(DailyActivity.objects.values_list("user_id", "day"))
    for key, span in (("dau", 1), ("wau", 7), ("mau", 30)):
        start = period.end - dt.timedelta(days=span - 1)
        expected = len({u for u, day in days if start <= day <= period.end})
        assert counts[key].current == expected, key
    assert counts["mau"].current == 3

    published = [j for j in Job.objects.all() if _inside(j.published_at, period)]
    assert counts["jobs_published"].current == len(published) == 2
    waits = []
    for job in published:
        first = min((p.created_at for p in job.proposals.all()), default=None)
        if first is not None:
            waits.append((first - job.published_at).total_seconds() / 3600)
    assert counts["jobs_hours_to_first_proposal"].current == round(statistics.median(waits), 1)
    assert counts["jobs_hours_to_first_proposal"].previous == 24.0
    hired = sum(1 for j in published if j.hired_count)
    assert counts["jobs_hire_rate_bps"].current == round(hired * 10_000 / len(published))

    snapshot = overview.snapshot
    assert snapshot["jobs_by_status"] == _count(Job.objects.values_list("status", flat=True))
    assert snapshot["gigs_by_status"] == _count(Gig.objects.values_list("status", flat=True))
    assert snapshot["moderation_queue"] == Case.objects.filter(status="open").count()


def _count(values):
    counts = defaultdict(int)
    for value in values:
        counts[value] += 1
    return dict(counts)


def test_trends_add_up_to_the_totals(seeded):
    period = metrics.Period(TODAY - dt.timedelta(days=9), TODAY)
    series = metrics.trends(period, "USD")
    assert len(series["signups"]) == 10
    assert sum(v for _d, v in series["gmv"]) == 30_000 + 12_345
    assert dict(series["gmv"])[TODAY - dt.timedelta(days=5)] == 42_345
    assert sum(v for _d, v in series["payments"]) == 3  # two USD, one EUR
    long = metrics.Period(TODAY - dt.timedelta(days=89), TODAY)
    weekly = metrics.trends(long, "USD")["gmv"]
    assert len(weekly) == 13  # 12 weeks and a remainder
    assert sum(v for _d, v in weekly) == 20_000 + 30_000 + 12_345


def test_an_empty_period_has_no_rates():
    period = metrics.Period(TODAY, TODAY)
    overview = metrics.overview(period, now=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC))
    assert overview.money == []
    assert overview.counts["jobs_hire_rate_bps"].current is None
    assert overview.counts["jobs_hours_to_first_proposal"].current is None
    assert overview.snapshot["disputes"] == {
        "open": 0,
        "average_age_days": None,
        "oldest_age_days": None,
    }
