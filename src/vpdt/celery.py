"""Celery application. Embedded default: filesystem broker (no server). Production: Redis."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vpdt.settings")

app = Celery("vpdt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
