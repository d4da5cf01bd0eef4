"""Serve web, API and WebSockets (uvicorn, ASGI) with Celery workers and the scheduler beside it."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the whole platform on one machine: ASGI server plus Celery workers and beat."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the Celery workers."
        )

    def handle(self, *args, host, port, no_worker, **options):
        _site_url_from(host, port)
        workers = []
        if not (no_worker or settings.CELERY_TASK_ALWAYS_EAGER):
            workers = self._start_workers()
        # uvicorn shuts down gracefully on SIGTERM and then re-raises it to the handler it found:
        # with the default one the process would die before stopping the workers below.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        # proxy_headers off: the app reads X-Forwarded-For itself (TRUSTED_PROXY_HOPS).
        config = uvicorn.Config(
            "craftwork.asgi:application",
            host=host,
            port=port,
            log_level="info",
            lifespan="off",
            proxy_headers=False,
        )
        server = _Server(config, on_started=lambda: self._banner(host, port, bool(workers)))
        try:
            server.run()
        finally:
            _stop(workers)

    def _start_workers(self):
        """One worker for background work and the scheduler, one only for messages to people,
        so a verification email never waits behind a backlog. Returns once both are ready."""
        celery = [sys.executable, "-m", "celery", "-A", "craftwork", "--quiet", "worker"]
        commands = {
            "default": [
                *celery, "--beat", f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
                f"--queues={settings.CELERY_TASK_DEFAULT_QUEUE}", "--concurrency=2",
                "--loglevel=warning", "--hostname=default@%h",
            ],
            "mail": [
                *celery, f"--queues={settings.MAIL_QUEUE}", "--pool=solo",
                "--loglevel=warning", "--hostname=mail@%h",
            ],
        }  # fmt: skip
        workers, ready_files = [], []
        Path(settings.CELERY_DIR).mkdir(parents=True, exist_ok=True)
        for name, command in commands.items():
            ready_file = Path(settings.CELERY_DIR) / f"ready-{name}-{os.getpid()}"
            ready_file.unlink(missing_ok=True)
            env = {**os.environ, "CRAFTWORK_WORKER_READY_FILE": str(ready_file)}
            # Our own interpreter with fixed arguments.
            workers.append(subprocess.Popen(command, env=env))  # noqa: S603
            ready_files.append(ready_file)
        _wait_until_ready(workers, ready_files)
        return workers

    def _banner(self, host, port, workers_started):
        from craftwork.web.demo import DEMO_LOGINS, DEMO_PASSWORD

        url = settings.SITE_URL
        worker = "Celery workers (background + mail) and beat" if workers_started else None
        lines = [
            "",
            "Craftwork is running.",
            f"  Site:      {url}/",
            f"  API docs:  {url}/api/docs/",
            f"  Admin:     {url}/admin/",
            f"  Worker:    {worker or 'tasks run eagerly in the web process'}",
            f"  Email:     written to {settings.EMAIL_FILE_PATH}/",
            "",
            f"Demo logins (password: {DEMO_PASSWORD}):",
            *(f"  {role:<12} {email}" for role, email in DEMO_LOGINS),
            "",
        ]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()


class _Server(uvicorn.Server):
    """uvicorn's server, telling us once it listens, so the banner comes after its start-up lines."""

    def __init__(self, config, *, on_started):
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if self.started:
            self._on_started()


def _wait_until_ready(workers, ready_files, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not all(path.exists() for path in ready_files):
        if any(worker.poll() is not None for worker in workers):
            _stop(workers)
            raise CommandError("A Celery worker stopped while starting; its error is above.")
        if time.monotonic() > deadline:
            logger.warning("The Celery workers are not ready after %d s; serving anyway.", timeout)
            break
        time.sleep(0.1)
    for path in ready_files:
        path.unlink(missing_ok=True)


def _site_url_from(host: str, port: int) -> None:
    """Links in emails point where this server listens, unless SITE_URL says otherwise.
    The workers inherit it through the environment."""
    if os.environ.get("SITE_URL"):
        return
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a display name
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    settings.SITE_URL = os.environ["SITE_URL"] = f"http://{shown_host}:{port}"


def _stop(workers) -> None:
    running = [worker for worker in workers if worker.poll() is None]
    for worker in running:
        worker.send_signal(signal.SIGTERM)
    for worker in running:
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)
