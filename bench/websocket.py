"""`python -m bench.websocket`: chat messages per second and delivery latency over WebSockets.

For each channel layer (in-memory with one uvicorn worker; Redis with two workers) and each
number of open sockets (100 and 1,000 by default), against a real uvicorn serving
``craftwork.asgi:application`` with the production settings:

1. ``sockets / 2`` conversations, each between two users, are seeded in a fresh database (bulk
   inserts; every user gets an access JWT). Both users of every conversation ask
   ``POST /api/v1/auth/ws-ticket/`` for a single-use ticket and open
   ``/ws/conversations/<id>/?ticket=...``: that is the number of open sockets.
2. **light**: messages are sent at a fixed total rate (``--rate``, default 20/s) from random
   conversations, over the socket (``{"type": "send"}``). Latency is measured from the moment
   the sender's frame is written to the moment the other participant's socket receives the
   ``message.created`` frame (one clock: the load generator's).
3. **saturated**: the first user of every conversation sends in a closed loop (the next message
   as soon as the server acknowledged the previous one with ``sent``), for ``--duration``
   seconds: the most messages per second this server takes, and the latency under that load.

Every message is a real send: a transaction that locks the conversation row, inserts the
message, moves the sender's read pointer, then (after commit) a group send to the conversation
and an unread-count push to the recipient's ``/ws/me/`` group. The server runs with
``DISABLE_THROTTLING=1`` and ``MESSAGING_SEND_RATE_PER_MINUTE`` raised, to measure the code,
not the rate limiter. The client is the ``websockets`` package (already a dependency of
``uvicorn[standard]``), in one asyncio process on the same machine.

    .venv/bin/python -m bench.websocket                      # memory+redis, 100 and 1000 sockets
    .venv/bin/python -m bench.websocket --smoke              # 20 sockets, 2 s: does it work?
    .venv/bin/python -m bench.websocket --layers memory --sockets 100 --duration 20

Redis: ``--redis-url`` (default ``redis://127.0.0.1:6379/11``; a database of its own, so the
bench's channel and cache keys never mix with anything else). Results: a Markdown table on
stdout and JSON in ``bench/results/websocket-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import server as bench_server
from bench.database import migrate

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench-ws"
LOCK_PATH = BASE_DIR / "var" / "bench.lock"  # shared with `python -m bench`: one bench at a time
RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
CONNECT_CONCURRENCY = 50
LAYERS = {"memory": 1, "redis": 2}  # layer -> uvicorn workers


# --- seeding (runs in a subprocess with the server's environment) -----------------------------


def seed(pairs: int) -> list[dict]:
    """Users, jobs and one job conversation per pair, bulk-inserted; returns ids and tokens."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from craftwork.accounts.models import User
    from craftwork.jobs.models import Job
    from craftwork.messaging.models import Conversation, Participant
    from craftwork.profiles.models import SkillCategory

    password = make_password("bench-websocket-Passw0rd")
    category = SkillCategory.objects.order_by("pk").first()
    now = timezone.now()
    with transaction.atomic():
        clients = User.objects.bulk_create(
            User(email=f"ws-client-{n}@bench.local", first_name=f"Client{n}", password=password,
                 is_client=True)
            for n in range(pairs)
        )  # fmt: skip
        freelancers = User.objects.bulk_create(
            User(email=f"ws-freelancer-{n}@bench.local", first_name=f"Free{n}", password=password,
                 is_freelancer=True, active_view="freelancer")
            for n in range(pairs)
        )  # fmt: skip
        jobs = Job.objects.bulk_create(
            Job(client=client, title=f"Bench job {n}", description="Bench.", category=category,
                budget_type="fixed", currency="USD", budget=50_000, status="open",
                published_at=now)
            for n, client in enumerate(clients)
        )  # fmt: skip
        conversations = Conversation.objects.bulk_create(
            Conversation(kind="job", key=f"job:{job.pk}:{freelancer.pk}", title=job.title,
                         job=job, client=client)
            for job, client, freelancer in zip(jobs, clients, freelancers, strict=True)
        )  # fmt: skip
        Participant.objects.bulk_create(
            Participant(conversation=conversation, user=user, role=role)
            for conversation, client, freelancer in zip(
                conversations, clients, freelancers, strict=True
            )
            for user, role in ((client, "client"), (freelancer, "freelancer"))
        )
    return [
        {
            "conversation": str(conversation.pk),
            "tokens": [str(AccessToken.for_user(client)), str(AccessToken.for_user(freelancer))],
        }
        for conversation, client, freelancer in zip(
            conversations, clients, freelancers, strict=True
        )
    ]


# --- the load generator --------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    seconds: float
    sent: int = 0
    delivered: int = 0
    errors: int = 0
    latencies_ms: list = field(default_factory=list)

    def summary(self) -> dict:
        ordered = sorted(self.latencies_ms)

        def pct(p: float):
            if not ordered:
                return None
            return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

        return {
            "phase": self.name,
            "seconds": round(self.seconds, 1),
            "sent": self.sent,
            "delivered": self.delivered,
            "errors": self.errors,
            "messages_per_s": round(self.delivered / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "mean_ms": round(statistics.fmean(ordered), 1) if ordered else None,
        }


class Load:
    """All sockets of one run, with the bookkeeping of what was sent when."""

    def __init__(self, base_url: str, pairs: list[dict]):
        self.ws_url = base_url.replace("http://", "ws://")
        self.origin = base_url
        self.pairs = pairs
        self.sockets: list[list] = []  # per pair: [sender, receiver]
        self.sent_at: dict[str, float] = {}
        self.phase: Phase | None = None
        self.acks: dict[int, asyncio.Future] = {}
        self.readers: list[asyncio.Task] = []
        self.counter = 0

    def _ticket(self, token: str) -> str:
        """A single-use socket ticket: the JWT goes in a header, never in the socket URL."""
        request = urllib.request.Request(
            f"{self.origin}/api/v1/auth/ws-ticket/",
            method="POST",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())["ticket"]

    async def open(self) -> float:
        from websockets.asyncio.client import connect

        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(conversation: str, token: str):
            async with gate:
                ticket = await asyncio.to_thread(self._ticket, token)
                url = f"{self.ws_url}/ws/conversations/{conversation}/?ticket={ticket}"
                socket = await connect(url, origin=self.origin, open_timeout=60, max_queue=None)
                hello = json.loads(await socket.recv())
                if hello.get("type") != "hello":
                    raise RuntimeError(f"unexpected first frame: {hello}")
                return socket

        started = time.perf_counter()
        pairs = await asyncio.gather(
            *(
                asyncio.gather(*(one(pair["conversation"], token) for token in pair["tokens"]))
                for pair in self.pairs
            )
        )
        self.sockets = [list(pair) for pair in pairs]
        for index, (sender, receiver) in enumerate(self.sockets):
            self.readers.append(asyncio.create_task(self._read(sender, index, is_sender=True)))
            self.readers.append(asyncio.create_task(self._read(receiver, index, is_sender=False)))
        return time.perf_counter() - started

    async def _read(self, socket, index: int, *, is_sender: bool):
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in socket:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message.created" and not is_sender:
                    body = frame["data"]["body"]
                    started = self.sent_at.pop(body, None)
                    if started is not None and self.phase is not None:
                        self.phase.delivered += 1
                        self.phase.latencies_ms.append((time.perf_counter() - started) * 1000)
                elif kind in ("sent", "error") and is_sender:
                    if kind == "error" and self.phase is not None:
                        self.phase.errors += 1
                    future = self.acks.pop(index, None)
                    if future is not None and not future.done():
                        future.set_result(kind)
        except ConnectionClosed:
            if self.phase is not None:
                self.phase.errors += 1

    async def send(self, index: int) -> asyncio.Future:
        self.counter += 1
        body = f"m{self.counter}"
        future = asyncio.get_running_loop().create_future()
        self.acks[index] = future
        self.sent_at[body] = time.perf_counter()
        self.phase.sent += 1
        await self.sockets[index][0].send(json.dumps({"type": "send", "body": body, "ref": index}))
        return future

    async def light(self, seconds: float, rate: float) -> Phase:
        """A fixed total rate from random conversations (one message in flight per sender)."""
        self.phase = phase = Phase("light", seconds)
        rng = random.Random(7)
        interval = 1.0 / rate
        deadline = time.perf_counter() + seconds
        next_at = time.perf_counter()
        while time.perf_counter() < deadline:
            index = rng.randrange(len(self.sockets))
            if index not in self.acks:
                await self.send(index)
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        await self._drain()
        return phase

    async def saturated(self, seconds: float) -> Phase:
        """Every conversation's first user sends in a closed loop."""
        self.phase = phase = Phase("saturated", seconds)
        deadline = time.perf_counter() + seconds

        async def loop(index: int):
            while time.perf_counter() < deadline:
                future = await self.send(index)
                try:
                    await asyncio.wait_for(future, timeout=60)
                except TimeoutError:
                    phase.errors += 1
                    return

        started = time.perf_counter()
        await asyncio.gather(*(loop(index) for index in range(len(self.sockets))))
        phase.seconds = time.perf_counter() - started
        await self._drain()
        return phase

    async def _drain(self, timeout: float = 30.0):
        """Wait for the deliveries still in flight (they count; the clock stopped at the end)."""
        deadline = time.perf_counter() + timeout
        while self.sent_at and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        self.phase.errors += len(self.sent_at)  # never delivered
        self.sent_at.clear()

    async def close(self):
        for task in self.readers:
            task.cancel()
        await asyncio.gather(
            *(socket.close() for pair in self.sockets for socket in pair), return_exceptions=True
        )


async def measure(base_url: str, pairs: list[dict], *, duration: float, rate: float) -> dict:
    load = Load(base_url, pairs)
    try:
        connect_seconds = await load.open()
        await asyncio.sleep(1.0)  # let the server settle after the connection storm
        light = await load.light(duration, rate)
        saturated = await load.saturated(duration)
    finally:
        await load.close()
    return {
        "sockets": 2 * len(pairs),
        "connect_seconds": round(connect_seconds, 2),
        "phases": [light.summary(), saturated.summary()],
    }


# --- the server -----------------------------------------------------------------------------------


@contextmanager
def uvicorn_server(env: dict, workers: int, log_path: Path):
    port = bench_server.free_port()
    command = [
        sys.executable, "-m", "uvicorn", "craftwork.asgi:application",
        "--host", bench_server.HOST, "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log", "--backlog", "4096",
    ]  # fmt: skip
    base_url = f"http://{bench_server.HOST}:{port}"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            bench_server._wait_healthy(process, base_url, log_path)
            yield base_url
        finally:
            bench_server._stop(process)


def base_env(database_url: str) -> dict:
    """One SECRET_KEY for the whole run: the tokens minted while seeding must verify later."""
    env = bench_server.production_env(database_url=database_url, var_dir=VAR_DIR)
    env.pop("REDIS_URL", None)
    env.update(MESSAGING_SEND_RATE_PER_MINUTE="100000000", DB_CONN_MAX_AGE="600")
    return env


def layer_env(env: dict, layer: str, redis_url: str) -> dict:
    env = dict(env)
    if layer == "redis":
        env["REDIS_URL"] = redis_url  # channel layer and cache (presence, rate limits) on Redis
    return env


# --- the command ----------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.websocket", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sockets", type=int, nargs="+", help="open sockets per run (default 100 1000)"
    )
    parser.add_argument("--layers", nargs="+", choices=sorted(LAYERS), help="default: memory redis")
    parser.add_argument("--duration", type=float, help="seconds per phase (default 10)")
    parser.add_argument(
        "--rate", type=float, default=20.0, help="light phase: messages/s (default 20)"
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--smoke", action="store_true", help="20 sockets, 2 s per phase")
    parser.add_argument("--seed-only", type=int, metavar="PAIRS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sockets = args.sockets or ([20] if args.smoke else [100, 1000])
    args.layers = args.layers or ["memory", "redis"]
    args.duration = args.duration or (2.0 if args.smoke else 10.0)
    if any(n < 2 or n % 2 for n in args.sockets):
        parser.error("--sockets must be even numbers of at least 2 (two per conversation)")
    if args.duration <= 0 or args.rate <= 0:
        parser.error("--duration and --rate must be positive")
    return args


@contextmanager
def exclusive(wait_seconds: float = 1800):
    LOCK_PATH.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_PATH.open("w") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError("another bench kept running; try again later") from None
                time.sleep(5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fresh_sqlite() -> str:
    path = VAR_DIR / "bench.sqlite3"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def run(args) -> dict:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    database_url = fresh_sqlite()
    env = base_env(database_url)
    print("migrating a fresh database ...", file=sys.stderr)
    migrate(BASE_DIR, env)
    pairs_needed = max(args.sockets) // 2
    seeded = subprocess.run(
        [sys.executable, "-m", "bench.websocket", "--seed-only", str(pairs_needed)],
        cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    pairs = json.loads(seeded.stdout)
    results = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "load_average_start": os.getloadavg()[0]},
        "database": "sqlite",
        "duration": args.duration,
        "light_rate": args.rate,
        "runs": [],
    }
    log_path = VAR_DIR / "server.log"
    log_path.unlink(missing_ok=True)
    for layer in args.layers:
        workers = LAYERS[layer]
        with uvicorn_server(layer_env(env, layer, args.redis_url), workers, log_path) as base_url:
            for sockets in args.sockets:
                print(f"{layer} ({workers} worker(s)), {sockets} sockets ...", file=sys.stderr)
                measured = asyncio.run(
                    measure(base_url, pairs[: sockets // 2], duration=args.duration, rate=args.rate)
                )
                results["runs"].append({"layer": layer, "workers": workers, **measured})
    results["machine"]["load_average_end"] = os.getloadavg()[0]
    return results


def table(results: dict) -> str:
    lines = [
        f"Machine: {results['machine']['cores']} cores, 1-min load average "
        f"{results['machine']['load_average_start']:.2f} at start, "
        f"{results['machine'].get('load_average_end', 0):.2f} at end; SQLite; "
        f"{results['duration']:g} s per phase; light = {results['light_rate']:g} messages/s",
        "",
        "| layer (workers) | sockets | connect s | phase | messages/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|--:|--:|---|--:|--:|--:|--:|--:|",
    ]
    for run_ in results["runs"]:
        for phase in run_["phases"]:
            lines.append(
                f"| {run_['layer']} ({run_['workers']}) | {run_['sockets']:,} | "
                f"{run_['connect_seconds']} | {phase['phase']} | {phase['messages_per_s']} | "
                f"{phase['p50_ms']} | {phase['p95_ms']} | {phase['p99_ms']} | {phase['errors']} |"
            )
    return "\n".join(lines)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.seed_only:
        print(json.dumps(seed(args.seed_only)))
        return 0
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with exclusive():
            results = run(args)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        print(f"bench failed: {error}\n{detail[-3000:]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench interrupted; the server was stopped.", file=sys.stderr)
        return 130
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS_DIR / f"websocket-{stamp}.json").write_text(json.dumps(results, indent=2))
    print(table(results))
    failed = any(phase["errors"] for run_ in results["runs"] for phase in run_["phases"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
