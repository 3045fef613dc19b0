"""The daily dispatcher of the scheduled reports (beat, 06:00 WIB): it asks for what the madrasah's
schedules make due (`services.reports_dispatch`); running it twice asks for nothing twice."""

from __future__ import annotations

from celery import shared_task

from .services import reports_dispatch


@shared_task(name="laporan.tasks.dispatch_scheduled_reports", ignore_result=True)
def dispatch_scheduled_reports() -> list[int]:
    """Daily (beat): ask for the scheduled documents due today. Safe to run twice or late."""
    return [dispatch.pk for dispatch in reports_dispatch()]
