"""Ledger throughput: how many postings per second the money services sustain on this machine.

    .venv/bin/python -m bench.ledger                          # SQLite (var/bench-ledger/)
    .venv/bin/python -m bench.ledger --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.ledger --seconds 30 --concurrency 8

One *operation* is what funding and paying out one piece of work costs: ``escrow_fund`` (a new
contract escrow, the amount plus a 5 % client fee from provider clearing; three entries) and
``escrow_release`` (escrow to the provider's pending wallet less a 10 % platform fee, plus the
pending-earning row; three entries), each through the real service: its own transaction, the
account rows locked in primary-key order, the idempotency key, the audit row and the outbox
event. So one operation is two ledger postings (six entries). Clients and providers come from
a pool of ``USERS`` each; provider clearing and platform revenue are shared by every posting
(the hot rows every posting locks).

Each mode runs for ``--seconds``: one process, ``--concurrency`` threads (one process, one
connection per thread) and ``--concurrency`` processes (one connection each). At the end the
ledger must balance: every posting counted is in the database, the entries sum to zero per
currency, and ``reconcile`` (cached balances against the entries, no negative restricted
account) finds nothing. The result is a Markdown table.

The database is always a throwaway one: the SQLite file ``var/bench-ledger/ledger.sqlite3`` or the
PostgreSQL database ``craftwork_bench_ledger`` on the server of ``--database-url`` (dropped
and created; the database the URL names is never touched). Task messages (outbox dispatch) go
to a file broker under ``var/bench-ledger/var`` as they would to Redis in production.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench-ledger"  # not var/bench/: make bench may run meanwhile
DATABASE_NAME = "craftwork_bench_ledger"
USERS = 64
CLIENT_FEE_BPS = 500
PLATFORM_FEE_BPS = 1000


@dataclass
class Tally:
    operations: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)  # one per posting

    def add(self, other: Tally) -> None:
        self.operations += other.operations
        for name, count in other.errors.items():
            self.errors[name] = self.errors.get(name, 0) + count
        self.latencies_ms += other.latencies_ms


@dataclass(frozen=True)
class Row:
    mode: str
    workers: int
    seconds: float
    tally: Tally

    @property
    def postings_per_second(self) -> float:
        return 2 * self.tally.operations / self.seconds

    def percentile(self, share: float) -> float:
        values = sorted(self.tally.latencies_ms)
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(share * len(values)))]


# --- the database -----------------------------------------------------------------------------


def fresh_database(server_url: str) -> tuple[str, str]:
    """(url, engine) of a new empty bench database."""
    if not server_url:
        path = VAR_DIR / "ledger.sqlite3"
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        return f"sqlite:///{path}", "sqlite"
    import psycopg

    parts = urlsplit(server_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"--database-url must be a postgres:// URL, got {parts.scheme!r}.")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE_NAME}")
    return urlunsplit(parts._replace(path=f"/{DATABASE_NAME}")), "postgresql"


def configure(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"  # no query log growing in memory
    os.environ["CRAFTWORK_VAR_DIR"] = str(VAR_DIR / "var")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def migrate() -> None:
    import subprocess

    command = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=BASE_DIR, env=os.environ.copy(), check=True)


def seed_users() -> tuple[list, list]:
    from django.contrib.auth.hashers import make_password

    from craftwork.accounts.models import User

    password = make_password(None)
    users = [
        User(email=f"ledger-{role}-{n}@bench.local", password=password)
        for role in ("client", "provider")
        for n in range(USERS)
    ]
    User.objects.bulk_create(users)
    return user_pools()


def user_pools() -> tuple[list, list]:
    from craftwork.accounts.models import User

    clients = list(User.objects.filter(email__startswith="ledger-client-").order_by("email"))
    providers = list(User.objects.filter(email__startswith="ledger-provider-").order_by("email"))
    return clients, providers


# --- the work ---------------------------------------------------------------------------------


def operate(seconds: float, seed: int) -> Tally:
    """Fund and release fresh escrows until the time is up; one connection (this thread's)."""
    import random

    from django.db import DatabaseError, connection

    from craftwork.core.errors import DomainError
    from craftwork.core.money import Money
    from craftwork.payments import services

    rng = random.Random(seed)
    clients, providers = user_pools()
    tally = Tally()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ref = f"contract:{uuid.uuid4()}"
            amount = Money(rng.randrange(1_000, 1_000_000), "USD")
            client, provider = rng.choice(clients), rng.choice(providers)
            try:
                began = time.perf_counter()
                services.escrow_fund(
                    contract_ref=ref,
                    client=client,
                    amount=amount,
                    client_fee=amount.fee(CLIENT_FEE_BPS),
                    idempotency_key=f"bench-fund:{ref}",
                )
                funded = time.perf_counter()
                services.escrow_release(
                    contract_ref=ref,
                    provider_user=provider,
                    amount=amount,
                    fee_bps=PLATFORM_FEE_BPS,
                    idempotency_key=f"bench-release:{ref}",
                )
                done = time.perf_counter()
            except (DatabaseError, DomainError) as exc:
                name = type(exc).__name__
                tally.errors[name] = tally.errors.get(name, 0) + 1
                continue
            tally.operations += 1
            tally.latencies_ms += [(funded - began) * 1000, (done - funded) * 1000]
    finally:
        connection.close()
    return tally


def run_serial(seconds: float) -> Tally:
    return operate(seconds, seed=1)


def run_threads(seconds: float, count: int) -> Tally:
    results: list[Tally] = [Tally() for _ in range(count)]
    barrier = threading.Barrier(count)

    def target(index: int) -> None:
        barrier.wait()
        results[index] = operate(seconds, seed=100 + index)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally()
    for result in results:
        total.add(result)
    return total


def _process_main(seconds: float, seed: int, start, queue) -> None:
    start.wait()
    queue.put(operate(seconds, seed))


def run_processes(seconds: float, count: int) -> Tally:
    from django.db import connections

    connections.close_all()  # the children must not share the parent's socket
    context = multiprocessing.get_context("fork")
    start, queue = context.Event(), context.Queue()
    processes = [
        context.Process(target=_process_main, args=(seconds, 200 + i, start, queue))
        for i in range(count)
    ]
    for process in processes:
        process.start()
    time.sleep(0.5)  # let every child import and connect before the clock starts
    start.set()
    total = Tally()
    for _ in processes:
        total.add(queue.get(timeout=seconds + 300))
    for process in processes:
        process.join()
    return total


# --- checking and reporting -------------------------------------------------------------------


def verify(expected_operations: int) -> list[str]:
    """Problems with the ledger after the runs (empty: it balances and reconciles)."""
    from django.db.models import Sum

    from craftwork.payments.models import LedgerEntry, LedgerTransaction, TransactionKind
    from craftwork.payments.reconciliation import reconcile

    problems = []
    for kind in (TransactionKind.ESCROW_FUND, TransactionKind.ESCROW_RELEASE):
        stored = LedgerTransaction.objects.filter(kind=kind).count()
        if stored != expected_operations:
            problems.append(f"{kind}: {stored} stored, {expected_operations} counted")
    sums = LedgerEntry.objects.values("currency").annotate(total=Sum("amount"))
    problems += [f"{row['currency']} sums to {row['total']}" for row in sums if row["total"]]
    report = reconcile()
    if not report.ok:
        problems += [str(problem) for problem in report.problems]
    return problems


def database_version(engine: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if engine == "sqlite":
            cursor.execute("select sqlite_version()")
            return f"SQLite {cursor.fetchone()[0]}"
        cursor.execute("show server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def table(rows: list[Row]) -> str:
    lines = [
        "| mode | workers | seconds | operations | postings/s | entries/s "
        "| p50 ms | p95 ms | p99 ms | errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        errors = sum(row.tally.errors.values())
        detail = (
            " (" + ", ".join(f"{k} {v}" for k, v in sorted(row.tally.errors.items())) + ")"
            if errors
            else ""
        )
        lines.append(
            f"| {row.mode} | {row.workers} | {row.seconds:.0f} | {row.tally.operations:,} "
            f"| {row.postings_per_second:,.1f} | {3 * row.postings_per_second:,.1f} "
            f"| {row.percentile(0.50):.1f} | {row.percentile(0.95):.1f} "
            f"| {row.percentile(0.99):.1f} | {errors}{detail} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ledger", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="a postgres:// server URL (the bench uses its own database there); default SQLite",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per mode")
    parser.add_argument("--concurrency", type=int, default=8, help="threads / processes")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or not 1 <= args.concurrency <= 64:
        parser.error("--seconds must be positive and --concurrency between 1 and 64")

    url, engine = fresh_database(args.database_url)
    configure(url)
    print(f"- migrating a fresh {engine} database ...", file=sys.stderr, flush=True)
    migrate()
    import django

    django.setup()
    import logging

    logging.getLogger("kombu").setLevel(logging.ERROR)  # the file broker warns per connection
    seed_users()
    load_before = os.getloadavg()[0]
    rows = []
    modes = [
        ("one process", 1, lambda: run_serial(args.seconds)),
        ("threads", args.concurrency, lambda: run_threads(args.seconds, args.concurrency)),
        ("processes", args.concurrency, lambda: run_processes(args.seconds, args.concurrency)),
    ]
    for name, workers, action in modes:
        print(f"- {name} x{workers}, {args.seconds:g} s ...", file=sys.stderr, flush=True)
        began = time.monotonic()
        tally = action()
        rows.append(Row(name, workers, max(args.seconds, 1e-9), tally))
        print(
            f"  {tally.operations} operations in {time.monotonic() - began:.1f}s", file=sys.stderr
        )
    expected = sum(row.tally.operations for row in rows)
    problems = verify(expected)
    cores = os.cpu_count() or 1
    print(
        f"Machine: {cores} cores ({platform.processor() or platform.machine()}), "
        f"1-min load average {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end"
    )
    print(f"Database: {database_version(engine)}, Python {platform.python_version()}")
    print(
        "Operation: escrow_fund + escrow_release of a fresh escrow = 2 postings, 6 entries; "
        f"{USERS} clients and {USERS} providers"
    )
    print()
    print(table(rows))
    print()
    if problems:
        print("LEDGER CHECK FAILED:\n" + "\n".join(f"- {p}" for p in problems))
        return 1
    print(
        f"Ledger check: {expected:,} operations ({2 * expected:,} postings) stored, entries sum "
        "to zero, reconcile clean."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
