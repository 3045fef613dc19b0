"""The app's Celery tasks, for autodiscovery: each sub-domain defines its own, under the names queued
messages and the beat schedule carry (`laporan.tasks.<name>`)."""

from .documents.tasks import build_bundle_part, build_report, sweep_reports
from .privacy.tasks import purge_expired_files
from .schedules.tasks import dispatch_scheduled_reports

__all__ = ["build_bundle_part", "build_report", "dispatch_scheduled_reports", "purge_expired_files", "sweep_reports"]
