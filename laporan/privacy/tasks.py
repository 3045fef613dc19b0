"""The daily purge (beat, 02:30 WIB, when nobody works): it deletes the uploads and built documents
older than each madrasah's retention setting (`services.files_purge`); safe to run twice."""

from __future__ import annotations

from celery import shared_task

from .services import files_purge


@shared_task(name="laporan.tasks.purge_expired_files", ignore_result=True)
def purge_expired_files() -> dict[str, int]:
    """Daily (beat): delete files past the madrasah's retention setting. Safe to run twice or late."""
    return files_purge()
