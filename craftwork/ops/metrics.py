"""Prometheus metrics kept by the processes themselves (web, worker, beat).

Under gunicorn and Celery's prefork pool each process writes its samples to
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode) and the scrape adds
them up, so every worker's requests and tasks are counted whichever process answers the
scrape. Request rates and latencies per view, database queries and errors come from
django-prometheus (its middleware and database wrappers); business numbers that live in
the database are read at scrape time by ``collectors.BusinessCollector``.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

cache_requests = Counter(
    "craftwork_cache_gets_total",
    "Cache reads, by result (hit or miss).",
    ["backend", "result"],
)

celery_tasks = Counter(
    "craftwork_celery_tasks_total",
    "Celery tasks finished, by task name and state (succeeded, failed, retried).",
    ["task", "state"],
)
celery_task_duration = Histogram(
    "craftwork_celery_task_duration_seconds",
    "Run time of Celery tasks, by task name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)

websocket_connections = Gauge(
    "craftwork_websocket_connections",
    "WebSocket connections open now, by route.",
    ["route"],
    multiprocess_mode="livesum",
)
websocket_connections_opened = Counter(
    "craftwork_websocket_connections_opened_total",
    "WebSocket connections opened since the process started, by route.",
    ["route"],
)


def scrape_registry() -> CollectorRegistry:
    """The registry a scrape reads: every process's samples plus the business collector."""
    from .collectors import BusinessCollector, QueueDepthCollector

    if MULTIPROCESS:
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_DefaultRegistryProxy())
    registry.register(BusinessCollector())
    registry.register(QueueDepthCollector())
    return registry


class _DefaultRegistryProxy:
    """Lets one scrape registry include everything registered in the process's default one."""

    def collect(self):
        yield from REGISTRY.collect()


def render(registry: CollectorRegistry | None = None) -> tuple[bytes, str]:
    return generate_latest(registry or scrape_registry()), CONTENT_TYPE_LATEST


def worker_registry() -> CollectorRegistry:
    """What a Celery worker's own metrics port serves (task counts and durations)."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY
