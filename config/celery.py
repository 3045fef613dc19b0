"""The Celery app: JSON only, tasks autodiscovered, settings from config.settings (CELERY_*).

Two queues (config/settings.py): the documents on REPORTS_QUEUE, everything else (the heartbeat,
deadlines, sweeps, the schedule) on the default queue. `celery -A config worker --queue-role reports`
takes the documents only, `--queue-role default` the rest; the names come from the settings, so an
installation that renames its queues (a Redis shared with others) changes no command line.
"""

import os

import click
from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("mutu_madrasah")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

QUEUE_ROLES = ("default", "reports")


def queue_of_role(role: str) -> str:
    from django.conf import settings

    return settings.REPORTS_QUEUE if role == "reports" else app.conf.task_default_queue


app.user_options["worker"].add(
    click.Option(
        ["--queue-role"],
        type=click.Choice(QUEUE_ROLES),
        default=None,
        help="Take only the documents (reports) or only the other tasks (default). Without it: both.",
    )
)


class QueueRole(bootsteps.Step):
    """Applies `--queue-role`: runs after the worker chose its queues (-Q), before it consumes."""

    def __init__(self, worker, queue_role=None, **options):
        super().__init__(worker, **options)
        if queue_role:
            worker.setup_queues([queue_of_role(queue_role)])


app.steps["worker"].add(QueueRole)
