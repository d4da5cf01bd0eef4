"""gunicorn for Craftwork: uvicorn workers (HTTP and WebSockets through craftwork.asgi).

Everything is set by environment variables so that the image, compose, Kubernetes and the
CI smoke run start the web process the same way:

    gunicorn -c deploy/gunicorn.conf.py craftwork.asgi:application
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "uvicorn_worker.UvicornWorker"
# Long enough for a slow request; WebSockets are not subject to it (uvicorn handles pings).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then (memory growth), staggered so they do not restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The load balancer in front sets X-Forwarded-Proto; Django trusts it (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# The app writes one JSON access line per request (craftwork.request); gunicorn's is off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
if (
    os.environ.get("LOG_FORMAT", "json" if os.environ.get("DJANGO_ENV") == "production" else "")
    == "json"
):
    # gunicorn's and uvicorn's own lines as JSON too, through the same scrubbing (a WebSocket
    # URL carries its one-time ticket in the query string).
    from craftwork.ops.logs import formatter

    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter(json_output=True)},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {
            name: {"handlers": ["console"], "level": "INFO", "propagate": False}
            for name in ("gunicorn.error", "uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }

# Temporary files of workers' heartbeats: memory, not the (read-only) root filesystem.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None


def on_starting(server):
    """Metrics of a previous run must not be added to this one's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A worker's live gauges (open WebSockets) leave with it."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
