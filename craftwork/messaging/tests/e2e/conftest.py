"""Journeys that need WebSockets: the whole ASGI app (HTTP + Channels) served by uvicorn in a
thread (as in craftwork/notifications/tests/e2e/conftest.py)."""

import socket
import threading
import time

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def asgi_server(transactional_db, settings):
    """The production ASGI entry point on a free port. Same process, so the in-memory channel
    layer carries what requests handled by this server push."""
    import uvicorn

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    settings.SITE_URL = url
    config = uvicorn.Config(
        "craftwork.asgi:application", host="127.0.0.1", port=port, lifespan="off",
        log_level="warning",
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)
