import os

from celery import Celery

from .core import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftwork.settings")
broker.register()

app = Celery("craftwork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
