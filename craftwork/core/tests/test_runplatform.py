"""`make run`'s command: stopping it (SIGTERM, as a process manager or `kill` does) stops the
Celery workers it started, even though uvicorn re-raises the signal after its own shutdown; it
prints the demo logins once, after the server has started; email links follow its port."""

import io
import signal

import pytest
from django.core.management import call_command

from craftwork.core.management.commands import runplatform
from craftwork.core.tests.aio import run_async


class FakeWorker:
    def __init__(self):
        self.signals = []

    def poll(self):
        return None if not self.signals else 0

    def send_signal(self, signum):
        self.signals.append(signum)

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def default_sigterm():
    """A fresh process: SIGTERM kills it outright unless the command installs a handler."""
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGTERM, previous)


def uvicorn_stopped_by_sigterm(*args, **kwargs):
    """What uvicorn does on SIGTERM: shut down, then raise the signal to the handler it found."""
    # With the default handler the signal would kill this test process: fail instead.
    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
    signal.raise_signal(signal.SIGTERM)


def test_sigterm_stops_the_workers(monkeypatch, settings, default_sigterm):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    workers = [FakeWorker(), FakeWorker()]
    monkeypatch.setattr(runplatform.Command, "_start_workers", lambda self: workers)
    monkeypatch.setattr(runplatform._Server, "run", uvicorn_stopped_by_sigterm)
    with pytest.raises(SystemExit) as stopped:
        call_command("runplatform", port=8999)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert [worker.signals for worker in workers] == [[signal.SIGTERM], [signal.SIGTERM]]


def test_the_banner_with_the_demo_logins_comes_once_after_the_server_started(monkeypatch, settings):
    from craftwork.web.demo import DEMO_LOGINS

    printed_before_start = []

    async def startup(server, sockets=None):
        printed_before_start.append(out.getvalue())
        server.started = True

    monkeypatch.setattr(runplatform.uvicorn.Server, "startup", startup)
    monkeypatch.setattr(runplatform._Server, "run", lambda server: run_async(server.startup))
    monkeypatch.setenv("SITE_URL", "")
    out = io.StringIO()
    call_command("runplatform", "--no-worker", port=8123, stdout=out)
    assert printed_before_start == [""]
    assert out.getvalue().count("Demo logins") == 1
    assert out.getvalue().count(DEMO_LOGINS[0][1]) == 1
    assert "http://127.0.0.1:8123/api/docs/" in out.getvalue()


@pytest.mark.parametrize(
    ("host", "site_url"),
    [("127.0.0.1", "http://127.0.0.1:8123"), ("0.0.0.0", "http://127.0.0.1:8123")],
)
def test_email_links_follow_the_port_unless_site_url_is_set(monkeypatch, settings, host, site_url):
    import os

    monkeypatch.setenv("SITE_URL", "")
    runplatform._site_url_from(host, 8123)
    assert settings.SITE_URL == os.environ["SITE_URL"] == site_url  # the workers inherit it

    monkeypatch.setenv("SITE_URL", "https://craftwork.example.com")
    settings.SITE_URL = "https://craftwork.example.com"
    runplatform._site_url_from(host, 8123)
    assert settings.SITE_URL == "https://craftwork.example.com"


def test_seed_demo_leaves_the_logins_to_the_banner(db):
    out = io.StringIO()
    call_command("seed_demo", "--clients", "0", "--freelancers", "0", "--no-images", stdout=out)
    assert "Demo logins" not in out.getvalue()


class ExitedWorker(FakeWorker):
    def poll(self):
        return 1


def test_the_platform_does_not_claim_to_run_when_a_worker_died_starting(tmp_path):
    from django.core.management.base import CommandError

    workers = [FakeWorker(), ExitedWorker()]
    with pytest.raises(CommandError):
        runplatform._wait_until_ready(
            workers, [tmp_path / "ready-default", tmp_path / "ready-mail"]
        )
    assert workers[0].signals == [signal.SIGTERM]


def test_ready_workers_are_waited_for_and_their_files_removed(tmp_path):
    ready = [tmp_path / "ready-default", tmp_path / "ready-mail"]
    for path in ready:
        path.touch()
    runplatform._wait_until_ready([FakeWorker(), FakeWorker()], ready)
    assert not any(path.exists() for path in ready)
