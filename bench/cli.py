"""`python -m bench`: fresh database, seed, production-style server, wrk, one table."""

import argparse
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench import loadgen, report, server
from bench.database import BENCH_DATABASE_NAME, fresh_database, migrate
from bench.scenarios import SCENARIOS, Scenario, by_name

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench"
LOCK_PATH = BASE_DIR / "var" / "bench.lock"
RESULTS_DIR = Path(__file__).resolve().parent / "results"

DEFAULTS = {"freelancers": 20_000, "duration": 10, "warmup": 2}
SMOKE = {"freelancers": 200, "duration": 2, "warmup": 1}
THREADS = 2


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Throughput and latency per endpoint against a production-style server on 127.0.0.1.",
    )
    parser.add_argument(
        "--freelancers", type=int, help="published freelancer profiles to seed (default 20000)"
    )
    parser.add_argument(
        "--duration", type=int, help="seconds of measured load per endpoint (default 10)"
    )
    parser.add_argument(
        "--warmup", type=int, help="seconds of unmeasured load before each endpoint (default 2)"
    )
    parser.add_argument("--connections", type=int, default=32, help="open connections (default 32)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="server workers (default 2 x cores)",
    )
    parser.add_argument(
        "--timeout", type=int, default=30, help="seconds before wrk counts a request as timed out"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help=f"scenarios to run: {', '.join(s.name for s in SCENARIOS)}",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="PostgreSQL server to bench on (database craftwork_bench is dropped and recreated); default SQLite",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny dataset (200) and 2 s per endpoint: checks the bench works",
    )
    args = parser.parse_args(argv)
    for key, value in (SMOKE if args.smoke else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    problem = _invalid(args)
    if problem:
        parser.error(problem)
    try:
        args.scenarios = by_name(args.only)
    except ValueError as error:
        parser.error(str(error))
    return args


def _invalid(args: argparse.Namespace) -> str:
    if args.freelancers < 1 or args.workers < 1:
        return "--freelancers and --workers must be at least 1."
    if args.duration < 1 or args.warmup < 0:
        return "--duration must be at least 1 second and --warmup not negative (whole seconds)."
    if args.connections < THREADS:
        return f"--connections must be at least {THREADS} (one per wrk thread)."
    return ""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        loadgen.ensure_wrk()
    except loadgen.WrkMissing as error:
        print(error, file=sys.stderr)
        return 2
    # SIGTERM unwinds like Ctrl-C, so the server is stopped on the way out.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with _exclusive_run():
            return _run(args)
    except BenchBusy as error:
        print(error, file=sys.stderr)
        return 2
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted; the server was stopped.", file=sys.stderr)
        return 130


class BenchBusy(RuntimeError):
    pass


@contextmanager
def _exclusive_run() -> Iterator[None]:
    """One run at a time: runs share var/bench/ and the machine, and would skew each other."""
    LOCK_PATH.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_PATH.open("a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "unknown"
            raise BenchBusy(
                f"Another bench run (pid {holder}) is in progress; try again when it ends."
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        yield


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _run(args: argparse.Namespace) -> int:
    started_at = datetime.now(UTC)
    machine = report.machine_facts()  # before the bench's own work raises the load average
    shutil.rmtree(VAR_DIR, ignore_errors=True)
    VAR_DIR.mkdir(parents=True)

    database = _step("fresh database", lambda: fresh_database(args.database_url, VAR_DIR))
    env = server.production_env(database_url=database.url, var_dir=VAR_DIR)
    _step("migrate", lambda: migrate(BASE_DIR, env))
    _step("collectstatic", lambda: server.collectstatic(BASE_DIR, env))
    seeded = _step(f"seed {args.freelancers:,} freelancers", lambda: _seed(args, env))

    rows, memory = _run_scenarios(args, env, seeded, database.engine)
    facts = {
        "memory": memory,
        "machine": {**machine, "load_average_at_end": report.load_average()},
        "database": seeded["database"],
        "dataset": seeded["dataset"],
        "run": {
            "workers": args.workers,
            "duration": args.duration,
            "warmup": args.warmup,
            "connections": args.connections,
            "threads": THREADS,
            "wrk": loadgen.wrk_version(),
        },
    }
    print()
    print(report.header(facts))
    print()
    print(report.table(rows))
    print()
    print(report.memory_line(memory))
    saved = report.save(RESULTS_DIR, started_at, facts, rows)
    print(f"\nSaved {saved.relative_to(BASE_DIR)}")
    failed = [row.name for row in rows if row.failed]
    if failed:
        print(
            f"FAILED: {', '.join(failed)} (wrong status, errors, or no response under load)",
            file=sys.stderr,
        )
        return 1
    return 0


def _seed(args: argparse.Namespace, env: dict[str, str]) -> dict:
    output = VAR_DIR / "seed.json"
    command = [
        sys.executable, "-m", "bench.seed", "--freelancers", str(args.freelancers),
        "--output", str(output), "--scenarios", *(s.name for s in args.scenarios),
    ]  # fmt: skip
    subprocess.run(command, cwd=BASE_DIR, env=env, check=True)
    return json.loads(output.read_text())


def _run_scenarios(
    args: argparse.Namespace, env: dict[str, str], seeded: dict, engine: str
) -> tuple[list[report.Row], dict]:
    context, probes = seeded["context"], seeded["probes"]
    rows = []
    database_name = BENCH_DATABASE_NAME if engine == "postgresql" else None
    memory: dict = {}
    with server.running_server(
        base_dir=BASE_DIR, env=env, workers=args.workers, log_path=VAR_DIR / "server.log"
    ) as running:
        for index, scenario in enumerate(args.scenarios):
            probe = probes[scenario.name]
            if probe["status"] != scenario.expected_status:
                rows.append(_wrong_status_row(scenario, probe))
                continue
            result, cpu = _step(
                f"load {scenario.name}",
                lambda s=scenario: _load(args, running, s, context, database_name),
            )
            rows.append(report.Row(scenario.name, probe["path"], probe["queries"], result, **cpu))
            if index == 0:
                memory["after_warmup_mib"] = running.worker_rss_mib()
        memory["at_end_mib"] = running.worker_rss_mib()
    return rows, memory


def _wrong_status_row(scenario: Scenario, probe: dict) -> report.Row:
    """No point loading an endpoint that answers the wrong status: the row says so instead."""
    failure = f"status {probe['status']}, expected {scenario.expected_status}"
    print(f"  {scenario.name}: {failure} for {probe['path']}; not loaded", file=sys.stderr)
    return report.Row(scenario.name, probe["path"], probe["queries"], None, failure)


def _load(
    args: argparse.Namespace,
    running: server.RunningServer,
    scenario: Scenario,
    context: dict,
    database_name: str | None,
) -> tuple[loadgen.LoadResult, dict]:
    script = VAR_DIR / f"{scenario.name}.lua"
    script.write_text(loadgen.lua_script(scenario, context))
    connections = scenario.connections or args.connections
    common = {
        "base_url": running.url,
        "script_path": script,
        "connections": connections,
        "threads": min(THREADS, connections),
        "timeout": args.timeout,
    }
    first = 1  # single_use: the query-count probe already used the first path
    if args.warmup > 0:
        running.wait_until_idle()
        warm = loadgen.run_wrk(duration=args.warmup, **common, **_args(scenario, first, common))
        # Past every path the warm-up may have sent, counting one request in flight per connection.
        first += common["threads"] * (warm.requests + connections + 1)
    running.wait_until_idle()
    server_before = running.cpu_seconds()
    database_before = server.database_cpu_seconds(database_name) if database_name else None
    result = loadgen.run_wrk(duration=args.duration, **common, **_args(scenario, first, common))
    # Measured up to the idle point: the requests wrk left in flight were served too.
    running.wait_until_idle()
    server_after = running.cpu_seconds()
    database_after = server.database_cpu_seconds(database_name) if database_name else None
    served = max(result.requests, 1)
    cpu = {"server_cpu_ms": None, "database_cpu_ms": None}
    if server_before is not None and server_after is not None:
        cpu["server_cpu_ms"] = (server_after - server_before) * 1000 / served
    if database_before is not None and database_after is not None:
        cpu["database_cpu_ms"] = (database_after - database_before) * 1000 / served
    return result, cpu


def _args(scenario: Scenario, first: int, common: dict) -> dict:
    if not scenario.single_use:
        return {}
    return {"script_args": (str(first), str(common["threads"]))}


def _step(label: str, action):
    print(f"- {label} ...", file=sys.stderr, flush=True)
    began = time.monotonic()
    value = action()
    print(f"  done in {time.monotonic() - began:.1f}s", file=sys.stderr, flush=True)
    return value
