"""The Celery app: JSON only, tasks autodiscovered, settings from config.settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mutu_madrasah")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
