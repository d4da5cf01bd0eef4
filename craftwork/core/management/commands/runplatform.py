"""Serve web, API and WebSockets (uvicorn, ASGI) with a Celery worker and scheduler beside it."""

import os
import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

DEMO_LOGINS_COMMAND = "seed_demo"


class Command(BaseCommand):
    help = "Run the whole platform on one machine: ASGI server plus Celery worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the Celery worker."
        )

    def handle(self, *args, host, port, no_worker, **options):
        worker = None
        if not (no_worker or settings.CELERY_TASK_ALWAYS_EAGER):
            worker = self._start_worker()
        self._banner(host, port, worker is not None)
        # uvicorn shuts down gracefully on SIGTERM and then re-raises it to the handler it found:
        # with the default one the process would die before stopping the worker below.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            # proxy_headers off: the app reads X-Forwarded-For itself (TRUSTED_PROXY_HOPS).
            uvicorn.run(
                "craftwork.asgi:application",
                host=host,
                port=port,
                log_level="info",
                lifespan="off",
                proxy_headers=False,
            )
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _start_worker(self):
        command = [
            sys.executable, "-m", "celery", "-A", "craftwork", "worker", "--beat",
            "--loglevel=warning", "--concurrency=2",
            f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
        ]  # fmt: skip
        return subprocess.Popen(command, env=os.environ.copy())  # noqa: S603 - fixed argv, our own interpreter

    def _banner(self, host, port, worker_started):
        from craftwork.web.demo import DEMO_LOGINS, DEMO_PASSWORD

        url = f"http://{host}:{port}"
        lines = [
            "",
            "Craftwork is running.",
            f"  Site:      {url}/",
            f"  API docs:  {url}/api/docs/",
            f"  Admin:     {url}/admin/",
            f"  Worker:    {'Celery worker + beat' if worker_started else 'tasks run eagerly in the web process'}",
            f"  Email:     written to {settings.EMAIL_FILE_PATH}/",
            "",
            f"Demo logins (password: {DEMO_PASSWORD}):",
            *(f"  {role:<12} {email}" for role, email in DEMO_LOGINS),
            "",
        ]
        self.stdout.write("\n".join(lines))


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)
