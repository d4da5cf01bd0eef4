"""Production-profile smoke run: the platform started the way production runs it, one journey.

    .venv/bin/python deploy/smoke.py --port 8105 --database cw_ops_smoke --redis-db 5

1. A fresh PostgreSQL database; ``migrate``; ``collectstatic`` (WhiteNoise's manifest).
2. With ``DJANGO_ENV=production`` and a generated SECRET_KEY: gunicorn with uvicorn workers
   (deploy/gunicorn.conf.py), a Celery worker (queues celery and mail, its own metrics port)
   and Celery beat, as separate processes; Redis is the cache, the channel layer and the
   broker; mail goes to files (the only embedded part, so the verification link can be read).
3. Over HTTP, as a client behind the TLS-terminating proxy (``X-Forwarded-Proto: https``):
   two people sign up and verify their email from the link in the mail file; the client posts
   a job, the freelancer bids, the client accepts and funds the milestone on the sandbox's
   hosted card page; the worker delivers the provider's webhook and processes it (the
   milestone becomes funded); a chat message sent by the client arrives on the freelancer's
   WebSocket; the freelancer submits, the client approves and the escrow is released.
4. Checks: plain-HTTP requests are redirected to HTTPS; the hashed static files are served
   with a far-future cache; ``/metrics`` refuses a missing token and, with it, shows the
   payment counters moved, the webhook processed, the per-view request counters, the
   WebSocket connection; the worker's metrics port shows the tasks it ran (including one
   that beat scheduled) and the ledger reconciliation beat ran; every log line is JSON with
   a request id, and no password, token or card number appears in any log.
5. Everything it started is stopped (process groups, SIGTERM then SIGKILL), pass or fail.

Exit status 0 when every check passed. Logs are kept under ``var/smoke/`` for a failed run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import requests
from websockets.sync.client import connect as ws_connect

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


class SmokeFailure(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)
    print(f"  ok  {message}", flush=True)


def wait_for(predicate, what: str, timeout: float = 60.0, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:
            last_error = exc
        time.sleep(interval)
    raise SmokeFailure(f"timed out after {timeout:.0f}s waiting for {what} ({last_error!r})")


# --- processes ------------------------------------------------------------------------------


class Processes:
    def __init__(self, log_dir: Path, env: dict):
        self.log_dir = log_dir
        self.env = env
        self.running: list[tuple[str, subprocess.Popen]] = []

    def run(self, name: str, *args: str) -> None:
        """A one-shot command (migrate, collectstatic): must succeed."""
        with open(self.log_dir / f"{name}.log", "w") as log:
            code = subprocess.call(
                args, cwd=BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        if code:
            print((self.log_dir / f"{name}.log").read_text()[-4000:])
            raise SmokeFailure(f"{name} exited with {code}")
        print(f"  ok  {name}", flush=True)

    def start(self, name: str, *args: str, extra_env: dict | None = None) -> None:
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args,
            cwd=BASE_DIR,
            env={**self.env, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with every child
        )
        self.running.append((name, process))

    def assert_alive(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                raise SmokeFailure(f"{name} exited early with {process.returncode}")

    def stop(self) -> None:
        for _name, process in reversed(self.running):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, process in reversed(self.running):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"  {name} did not stop in time: SIGKILL", flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # anything its children left behind
            process.wait()
        self.running.clear()


# --- HTTP as a client behind the TLS-terminating proxy -----------------------------------------


class Client:
    """Requests over plain HTTP to gunicorn as the proxy forwards them (X-Forwarded-Proto).

    Cookies are kept by hand: the production cookies are Secure, and a cookie jar would not
    return them over the plain connection the proxy uses.
    """

    def __init__(self, base: str, host: str):
        self.base = base
        self.host = host
        self.cookies: dict[str, str] = {}
        self.token: str | None = None
        self.request_ids: list[str] = []

    def request(self, method: str, path: str, *, https: bool = True, headers=None, **kwargs):
        headers = {"Host": self.host, **(headers or {})}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.token and path.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        if response.headers.get("X-Request-ID"):
            self.request_ids.append(response.headers["X-Request-ID"])
        if response.status_code >= 500:
            raise SmokeFailure(f"{method} {path}: {response.status_code}\n{response.text[:2000]}")
        return response

    def api(self, method: str, path: str, expect: int | tuple = (200, 201), **kwargs):
        headers = kwargs.pop("headers", {})
        if method != "GET":
            headers.setdefault("Idempotency-Key", uuid.uuid4().hex)
        response = self.request(method, "/api/v1/" + path, headers=headers, **kwargs)
        expected = (expect,) if isinstance(expect, int) else expect
        if response.status_code not in expected:
            raise SmokeFailure(f"{method} /api/v1/{path}: {response.status_code} {response.text}")
        return response.json() if response.content else None

    def form(self, path: str, data: dict):
        """A web form: GET for the CSRF cookie, POST with the token from the page."""
        page = self.request("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not match:
            raise SmokeFailure(f"no CSRF token on {path} ({page.status_code})")
        origin = f"https://{self.host}"
        return self.request(
            "POST",
            path,
            data={**data, "csrfmiddlewaretoken": match.group(1)},
            headers={"Origin": origin, "Referer": origin + path},
        )


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def verification_link(mail_dir: Path, email: str) -> tuple[str, str]:
    for path in sorted(mail_dir.glob("*.log")):
        text = path.read_text(errors="replace")
        for message in text.split("-" * 79):
            if f"To: {email}" in message:
                match = re.search(r"/accounts/verify/([^/\s]+)/([^/\s]+)/", message)
                if match:
                    return match.group(1), match.group(2)
    return None


# --- metrics ---------------------------------------------------------------------------------


def parse_metrics(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def metric(samples: dict, name: str, **labels) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    total, found = 0.0, False
    for key, value in samples.items():
        base, _, rest = key.partition("{")
        if base != name:
            continue
        if all(f'{k}="{v}"' in rest for k, v in labels.items()):
            total += value
            found = True
    return total if found else float("nan")


# --- the run ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--worker-metrics-port", type=int, default=8116)
    parser.add_argument("--database", default="cw_ops_smoke")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()

    started = time.monotonic()
    work = BASE_DIR / "var" / "smoke"
    shutil.rmtree(work, ignore_errors=True)
    for sub in ("logs", "mail", "var", "static", "metrics-web", "metrics-worker", "tmp"):
        (work / sub).mkdir(parents=True)

    print(f"== fresh database {args.database}", flush=True)
    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    import redis

    redis.Redis.from_url(f"{args.redis}/{args.redis_db}").flushdb()

    host = f"127.0.0.1:{args.port}"
    metrics_token = secrets.token_urlsafe(32)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "CELERY"))},
        "DJANGO_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"https://{host}",
        "DATABASE_URL": f"{args.pg}/{args.database}",
        "REDIS_URL": f"{args.redis}/{args.redis_db}",
        "TRUSTED_PROXY_HOPS": "1",
        "PAYMENTS_PROVIDER": "sandbox",
        "ALLOW_SANDBOX_PAYMENTS": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(work / "mail"),
        "CRAFTWORK_VAR_DIR": str(work / "var"),
        "STATIC_ROOT": str(work / "static"),
        "TMPDIR": str(work / "tmp"),
        "METRICS_TOKEN": metrics_token,
        "METRICS_COLLECT_SECONDS": "0",
        "RECONCILE_INTERVAL_SECONDS": "15",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }
    processes = Processes(work / "logs", env)
    password = "Smoke-" + secrets.token_urlsafe(12)
    ok = False
    try:
        print("== one-shot: migrate, collectstatic", flush=True)
        processes.run("migrate", PYTHON, "manage.py", "migrate", "--noinput")
        processes.run("collectstatic", PYTHON, "manage.py", "collectstatic", "--noinput")
        check(
            (work / "static" / "staticfiles.json").exists(),
            "collectstatic wrote WhiteNoise's manifest",
        )

        print("== start web (gunicorn + uvicorn workers), worker, beat", flush=True)
        processes.start(
            "web",
            str(BIN / "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "craftwork.asgi:application",
            extra_env={
                "GUNICORN_BIND": host,
                "WEB_CONCURRENCY": str(args.web_workers),
                "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics-web"),
            },
        )
        processes.start(
            "worker",
            str(BIN / "celery"),
            "-A",
            "craftwork",
            "worker",
            "-Q",
            "celery,mail",
            "--concurrency",
            "2",
            "-l",
            "INFO",
            extra_env={
                "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics-worker"),
                "CELERY_METRICS_PORT": str(args.worker_metrics_port),
                "CELERY_METRICS_ADDR": "127.0.0.1",
            },
        )
        processes.start(
            "beat",
            str(BIN / "celery"),
            "-A",
            "craftwork",
            "beat",
            "-l",
            "INFO",
            "--schedule",
            str(work / "var" / "celerybeat-schedule"),
        )
        base = f"http://{host}"
        anon = Client(base, host)

        def ready():
            processes.assert_alive()
            return anon.request("GET", "/ready/", https=False).status_code == 200

        wait_for(ready, "web /ready/", timeout=90)
        worker_metrics_url = f"http://127.0.0.1:{args.worker_metrics_port}/metrics"
        wait_for(lambda: requests.get(worker_metrics_url, timeout=5).ok, "worker metrics port")
        print(f"  ok  processes up ({time.monotonic() - started:.0f}s)", flush=True)

        print("== proxy, static files, metrics protection", flush=True)
        plain = anon.request("GET", "/jobs/", https=False)
        check(
            plain.status_code == 301 and plain.headers["Location"].startswith("https://"),
            "plain HTTP is redirected to HTTPS",
        )
        home = anon.request("GET", "/")
        check(home.status_code == 200, "HTTPS (through the proxy header) is served")
        check("Strict-Transport-Security" in home.headers, "HSTS on HTTPS responses")
        check(
            re.fullmatch(r"[0-9a-f]{32}", home.headers.get("X-Request-ID", "")),
            "X-Request-ID returned",
        )
        echoed = anon.request(
            "GET", "/health/", https=False, headers={"X-Request-ID": "smoke-1234"}
        )
        check(echoed.headers.get("X-Request-ID") == "smoke-1234", "a proxy's X-Request-ID is kept")
        asset = re.search(r'(/static/[^"\']+\.[0-9a-f]{12}\.(?:css|js))', home.text)
        check(asset, "pages link hashed static files (manifest)")
        static = anon.request("GET", asset.group(1))
        check(
            static.status_code == 200 and "immutable" in static.headers.get("Cache-Control", ""),
            f"WhiteNoise serves {asset.group(1)} as immutable",
        )
        check(anon.request("GET", "/metrics").status_code == 401, "/metrics refuses no token")
        check(
            anon.request("GET", "/metrics", headers={"Authorization": "Bearer nope"}).status_code
            == 401,
            "/metrics refuses a wrong token",
        )

        def scrape():
            response = anon.request(
                "GET", "/metrics", https=False, headers={"Authorization": f"Bearer {metrics_token}"}
            )
            check(response.status_code == 200, "/metrics scraped with the token")
            return parse_metrics(response.text)

        before = scrape()

        print("== journey: sign up and verify", flush=True)
        client, freelancer = Client(base, host), Client(base, host)
        suffix = uuid.uuid4().hex[:8]
        for who, role in ((client, "client"), (freelancer, "freelancer")):
            who.email = f"{role}-{suffix}@smoke.craftwork.test"
            who.api(
                "POST",
                "auth/signup/",
                expect=202,
                json={
                    "email": who.email,
                    "password": password,
                    "first_name": role.title(),
                    "last_name": "Smoke",
                    "roles": [role],
                },
            )
        for who in (client, freelancer):
            uid, token = wait_for(
                lambda who=who: verification_link(work / "mail", who.email),
                f"the verification email to {who.email} (sent by the worker)",
            )
            who.api("POST", "auth/verify-email/", expect=200, json={"uid": uid, "token": token})
            tokens = who.api(
                "POST", "auth/token/", expect=200, json={"email": who.email, "password": password}
            )
            who.token = tokens["access"]
        check(True, "both verified from the emailed link and signed in (JWT)")

        print("== journey: job, proposal, contract", flush=True)
        categories = client.api("GET", "skill-categories/")
        categories = categories["results"] if isinstance(categories, dict) else categories
        job = client.api(
            "POST",
            "jobs/",
            expect=201,
            json={
                "title": "Smoke test: fix the kitchen sink",
                "description": "A production-profile smoke run.",
                "category": categories[0]["slug"],
                "budget_type": "fixed",
                "currency": "USD",
                "budget": 50000,
                "publish": True,
            },
        )
        proposal = freelancer.api(
            "POST",
            f"jobs/{job['id']}/proposals/",
            expect=201,
            json={"amount": 50000, "duration_days": 7, "cover_letter": "I can do it this week."},
        )
        contract_id = client.api("POST", f"proposals/{proposal['id']}/accept/", expect=201)[
            "contract_id"
        ]
        milestones = client.api("GET", f"contracts/{contract_id}/milestones/")
        milestones = milestones["results"] if isinstance(milestones, dict) else milestones
        milestone = milestones[0]["id"]
        check(True, f"contract {contract_id} with milestone {milestone}")

        print("== journey: fund through the sandbox, webhook by the worker", flush=True)
        payment = client.api("POST", f"contracts/{contract_id}/milestones/{milestone}/fund/")
        checkout = path_of(payment["checkout_url"])
        login = client.form("/accounts/login/", {"email": client.email, "password": password})
        check(login.status_code == 302, "client signed in on the web (CSRF over HTTPS)")
        paid = client.form(
            checkout,
            {
                "name": "Client Smoke",
                "number": "4242 4242 4242 4242",
                "expiry": "12/34",
                "cvc": "123",
            },
        )
        check(paid.status_code == 302, "card accepted on the sandbox's hosted page")
        client.request("GET", path_of(paid.headers["Location"]))

        def funded():
            detail = client.api("GET", f"contracts/{contract_id}/milestones/")
            rows = detail["results"] if isinstance(detail, dict) else detail
            return next(r for r in rows if r["id"] == milestone)["state"] == "funded"

        wait_for(funded, "the milestone to be funded", timeout=60)
        check(True, "milestone funded")

        print("== journey: chat over the WebSocket", flush=True)
        conversation = client.api(
            "POST",
            "conversations/",
            expect=(200, 201),
            json={"kind": "contract", "id": contract_id},
        )
        ticket = freelancer.api("POST", "auth/ws-ticket/", expect=(200, 201))["ticket"]
        secrets_to_hide = [ticket, client.token, freelancer.token]
        ws_url = f"ws://{host}/ws/conversations/{conversation['id']}/?ticket={ticket}"
        with ws_connect(
            ws_url,
            additional_headers={"Origin": f"https://{host}", "X-Forwarded-Proto": "https"},
            open_timeout=15,
        ) as socket:
            hello = json.loads(socket.recv(timeout=15))
            check(hello.get("type") == "hello", "freelancer's socket open (ticket)")
            text = f"Smoke hello {suffix}"
            client.api("POST", f"conversations/{conversation['id']}/messages/", json={"body": text})
            deadline = time.monotonic() + 20
            received = None
            while time.monotonic() < deadline and received is None:
                frame = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
                if frame.get("type") == "message.created" and text in json.dumps(frame):
                    received = frame
            check(received, "the client's message arrived on the freelancer's socket")
            during = scrape()
            check(
                metric(during, "craftwork_websocket_connections", route="conversations") >= 1,
                "open WebSocket counted while connected",
            )

        print("== journey: submit, approve, release", flush=True)
        freelancer.api(
            "POST",
            f"contracts/{contract_id}/milestones/{milestone}/submit/",
            expect=200,
            json={"message": "Done: the sink drains."},
        )
        approved = client.api(
            "POST", f"contracts/{contract_id}/milestones/{milestone}/approve/", expect=200
        )
        check(approved["state"] == "released", "milestone approved, escrow released")

        print("== metrics after the journey", flush=True)

        def reconciled():
            return metric(scrape(), "craftwork_ledger_reconcile_ok") == 1

        wait_for(reconciled, "beat's ledger reconciliation to report ok", timeout=60, interval=3)

        def beat_task_ran():
            worker = parse_metrics(requests.get(worker_metrics_url, timeout=5).text)
            name = "craftwork.core.tasks.redispatch_stale_events"
            return metric(worker, "craftwork_celery_tasks_total", task=name) >= 1

        wait_for(beat_task_ran, "the outbox sweep beat schedules every 30s", timeout=60, interval=3)
        after = scrape()
        for name in ("craftwork_payments_started_total", "craftwork_payments_succeeded_total"):
            check(
                metric(after, name) == metric(before, name) + 1,
                f"{name}: {metric(before, name):.0f} -> {metric(after, name):.0f}",
            )
        check(
            metric(after, "craftwork_webhook_events", status="processed") >= 1,
            "webhook events processed (worker)",
        )
        check(
            metric(after, "craftwork_webhook_oldest_unprocessed_age_seconds") == 0,
            "no webhook waits",
        )
        check(metric(after, "craftwork_disputes_open") == 0, "no open dispute")
        check(metric(after, "craftwork_outbox_backlog") >= 0, "outbox backlog reported")
        fund_view = "contracts-api:milestone-fund"
        check(
            metric(
                after, "django_http_requests_total_by_view_transport_method_total", view=fund_view
            )
            == 1
            and metric(
                after, "django_http_requests_latency_seconds_by_view_method_count", view=fund_view
            )
            == 1,
            "per-view request count and latency (milestone fund: 1)",
        )
        check(metric(after, "django_db_execute_total") > 0, "database queries counted")
        check(
            metric(after, "craftwork_cache_gets_total", result="hit") >= 1,
            "cache hits counted",
        )
        check(
            metric(after, "craftwork_websocket_connections_opened_total") >= 1,
            "WebSocket connections counted",
        )
        check(
            metric(after, "craftwork_celery_queue_depth", queue="celery") >= 0,
            "queue depth reported",
        )
        worker = parse_metrics(requests.get(worker_metrics_url, timeout=5).text)
        for task in (
            "craftwork.payments.tasks.process_webhook_event",
            "craftwork.core.tasks.redispatch_stale_events",
            "craftwork.ops.tasks.reconcile_ledger",
        ):
            check(
                metric(worker, "craftwork_celery_tasks_total", task=task, state="succeeded") >= 1,
                f"worker ran {task}",
            )
        check(
            metric(worker, "craftwork_celery_task_duration_seconds_count") >= 3,
            "task durations recorded",
        )

        print("== logs", flush=True)
        processes.assert_alive()
        web_log = (work / "logs" / "web.log").read_text()
        lines = [line for line in web_log.splitlines() if line.startswith("{")]
        records = [json.loads(line) for line in lines]
        requests_logged = [r for r in records if r.get("logger") == "craftwork.request"]
        check(requests_logged, f"JSON access log ({len(requests_logged)} requests)")
        check(
            all(r.get("request_id") for r in requests_logged), "every access line has a request id"
        )
        check(
            any(r.get("user_id") for r in requests_logged), "access lines name the signed-in user"
        )
        check(
            set(client.request_ids) & {r["request_id"] for r in requests_logged},
            "the X-Request-ID a client got is in the log",
        )
        worker_log = (work / "logs" / "worker.log").read_text()
        worker_records = [json.loads(x) for x in worker_log.splitlines() if x.startswith("{")]
        check(worker_records, "the worker logs JSON")
        signup_ids = set(client.request_ids) | set(freelancer.request_ids)
        check(
            any(
                r.get("logger") == "craftwork.task"
                and r.get("task") == "craftwork.accounts.tasks.send_verification_email"
                and r.get("request_id") in signup_ids
                for r in worker_records
            ),
            "the sign-up's request id reached the worker's verification-email task",
        )
        leaked = [
            name
            for name in ("web", "worker", "beat")
            for secret in (
                password,
                metrics_token,
                "4242 4242 4242 4242",
                "4242424242424242",
                *secrets_to_hide,
            )
            if secret in (work / "logs" / f"{name}.log").read_text()
        ]
        check(not leaked, "no password, token or card number in any log")
        ok = True
    except SmokeFailure as exc:
        print(f"SMOKE FAILED: {exc}", flush=True)
    finally:
        processes.stop()
        if not ok:
            for name in ("web", "worker", "beat"):
                path = work / "logs" / f"{name}.log"
                if path.exists():
                    print(f"---- {name}.log (tail)")
                    print(path.read_text()[-6000:])
    print(f"smoke: {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
