import os
import warnings
from pathlib import Path

from celery import Celery
from celery.exceptions import SecurityWarning
from celery.signals import worker_ready

from .core import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
broker.register()

app = Celery("craftwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

if os.environ.get("CRAFTWORK_WORKER_READY_FILE"):
    # A worker of `make run`: running as root is the norm in containers and CI, and the warning
    # is not what the person at that console needs to read.
    warnings.filterwarnings("ignore", category=SecurityWarning)


@worker_ready.connect
def _tell_runplatform_we_are_ready(**kwargs):
    """`make run` waits for this file before it says the platform is running."""
    path = os.environ.get("CRAFTWORK_WORKER_READY_FILE")
    if path:
        Path(path).touch()
