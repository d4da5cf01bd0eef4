"""The staff console at scale: peak memory of a streamed CSV export and the overview's query time.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.console_export --rows 100000

Seeds ``--rows`` payments (and as many users) with bulk inserts into the configured database
unless they are there already, then
- consumes the payments export exactly as the response would stream it, measuring the Python
  heap's peak (tracemalloc) and the process's resident set growth;
- times ``metrics.overview`` for the last 30 days (median of 5 runs).
"""

import argparse
import datetime as dt
import os
import resource
import statistics
import time
import tracemalloc
import uuid


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
    import django

    django.setup()


def seed(rows: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from craftwork.payments.models import Payment

    User = get_user_model()
    have = Payment.objects.filter(purpose="bench_console").count()
    if have >= rows:
        return
    now = timezone.now()
    batch = 5000
    made = have
    while made < rows:
        size = min(batch, rows - made)
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench-console-{made + i}@example.com",
                    first_name="Bench",
                    last_name=str(made + i),
                    is_client=True,
                    password="!",
                    date_joined=now - dt.timedelta(minutes=(made + i) % 80_000),
                )
                for i in range(size)
            ]
        )
        Payment.objects.bulk_create(
            [
                Payment(
                    payer=user,
                    amount_minor=1000 + (made + i) % 50_000,
                    client_fee_minor=50,
                    currency="USD",
                    status="succeeded" if (made + i) % 10 else "failed",
                    purpose="bench_console",
                    reference=f"milestone:{uuid.uuid4()}",
                    escrow_ref=f"contract:{uuid.uuid4()}",
                    provider="sandbox",
                    idempotency_key=str(uuid.uuid4()),
                    succeeded_at=None
                    if (made + i) % 10 == 0
                    else now - dt.timedelta(minutes=(made + i) % 80_000),
                )
                for i, user in enumerate(users)
            ]
        )
        made += size


def measure_export() -> dict:
    from craftwork.console.listings import LISTINGS, Filters, csv_lines

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    lines = size = 0
    for chunk in csv_lines(LISTINGS["payments"], Filters()):
        lines += 1
        size += len(chunk.encode())
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": lines - 1,
        "bytes": size,
        "seconds": round(elapsed, 2),
        "python_heap_peak_mib": round(peak / 2**20, 2),
        "max_rss_growth_mib": round((rss_after - rss_before) / 1024, 2),
    }


def measure_overview(runs: int = 5) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from craftwork.console import metrics

    now = timezone.now()
    period = metrics.default_period(now.date())
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            metrics.overview(period, now=now)
            metrics.trends(period, "USD")
        times.append(time.perf_counter() - started)
        count = len(queries.captured_queries)
        reset_queries()
    return {
        "queries": count,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    seed(args.rows)
    print("database:", connection.vendor)
    if not args.skip_export:
        print("export:", measure_export())
    print("overview:", measure_overview())
    print("load:", os.getloadavg())


if __name__ == "__main__":
    main()
