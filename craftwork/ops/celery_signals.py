"""Celery: the request id travels with the task, and every task run is counted and timed."""

from __future__ import annotations

import logging
import os
import time

from celery.signals import (
    before_task_publish,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    worker_ready,
)

from . import metrics
from .context import current_request_id, new_request_id

logger = logging.getLogger(__name__)
task_log = logging.getLogger("craftwork.task")

REQUEST_ID_HEADER = "request_id"
_started: dict[str, tuple[float, object]] = {}


@before_task_publish.connect(dispatch_uid="ops.request_id.publish")
def _send_request_id(headers=None, **kwargs):
    request_id = current_request_id.get()
    if headers is not None and request_id and REQUEST_ID_HEADER not in headers:
        headers[REQUEST_ID_HEADER] = request_id


@task_prerun.connect(dispatch_uid="ops.task.prerun")
def _task_started(task_id=None, task=None, **kwargs):
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) or new_request_id()
    token = current_request_id.set(request_id)
    _started[task_id] = (time.perf_counter(), token)


@task_postrun.connect(dispatch_uid="ops.task.postrun")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started, token = _started.pop(task_id, (None, None))
    duration = time.perf_counter() - started if started is not None else None
    if duration is not None:
        metrics.celery_task_duration.labels(task.name).observe(duration)
    if state == "SUCCESS":
        metrics.celery_tasks.labels(task.name, "succeeded").inc()
    task_log.info(
        "task",
        extra={
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round(duration * 1000, 1) if duration is not None else None,
        },
    )
    if token is not None:
        try:
            current_request_id.reset(token)
        except ValueError:  # reset from another context (eager tasks inside a request)
            current_request_id.set(None)


@task_failure.connect(dispatch_uid="ops.task.failure")
def _task_failed(sender=None, **kwargs):
    metrics.celery_tasks.labels(getattr(sender, "name", "unknown"), "failed").inc()


@task_retry.connect(dispatch_uid="ops.task.retry")
def _task_retried(sender=None, **kwargs):
    metrics.celery_tasks.labels(getattr(sender, "name", "unknown"), "retried").inc()


@worker_ready.connect(dispatch_uid="ops.worker.metrics")
def _serve_worker_metrics(**kwargs):
    """A worker's task metrics on their own port (``CELERY_METRICS_PORT``), for Prometheus to
    scrape each worker pod; the pool's processes write to PROMETHEUS_MULTIPROC_DIR."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    from prometheus_client import start_http_server

    addr = os.environ.get("CELERY_METRICS_ADDR", "0.0.0.0")  # noqa: S104 - a pod's own port
    start_http_server(int(port), addr=addr, registry=metrics.worker_registry())
    logger.info("worker metrics on %s:%s", addr, port)
