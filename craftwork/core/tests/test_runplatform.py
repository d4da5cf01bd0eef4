"""`make run`'s command: stopping it (SIGTERM, as a process manager or `kill` does) stops the
Celery worker it started, even though uvicorn re-raises the signal after its own shutdown."""

import signal

import pytest
from django.core.management import call_command

from craftwork.core.management.commands import runplatform


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


def test_sigterm_stops_the_worker(monkeypatch, settings, default_sigterm):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker = FakeWorker()
    monkeypatch.setattr(runplatform.Command, "_start_worker", lambda self: worker)
    monkeypatch.setattr(runplatform.uvicorn, "run", uvicorn_stopped_by_sigterm)
    with pytest.raises(SystemExit) as stopped:
        call_command("runplatform", port=8999)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert worker.signals == [signal.SIGTERM]
