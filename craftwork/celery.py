import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_ready

from .core import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
broker.register()

app = Celery("craftwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _tell_runplatform_we_are_ready(**kwargs):
    """`make run` waits for this file before it says the platform is running."""
    path = os.environ.get("CRAFTWORK_WORKER_READY_FILE")
    if path:
        Path(path).touch()
