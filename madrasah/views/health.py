"""/healthz: database, broker, worker heartbeat and free disk space, as JSON; 200 only when all answer."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from config.celery import app

from ..models import WorkerHeartbeat

MB = 1024 * 1024
REDIS_HEALTH_KEY_TTL = 60  # seconds: the key written by each check goes away by itself


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001  (any failure means "down"; the detail stays in the log)
        return False


def _filesystem_broker_writable(options: dict) -> bool:
    """Every folder the filesystem transport writes exists and takes a new file.

    Connecting to this transport touches no file, so a queue folder that became read-only (wrong
    owner, a disk remounted read-only after errors) looked healthy while every publish failed. The
    probe file's name has no `.<queue>.msg` ending: a worker never takes it for a message.
    """
    if options.get("control_folder"):
        Path(options["control_folder"]).mkdir(exist_ok=True)  # as a publish does before binding its queue
    folders = [options.get(key) for key in ("data_folder_in", "data_folder_out", "control_folder")]
    if options.get("store_processed"):
        folders.append(options.get("processed_folder"))
    for folder in filter(None, folders):
        fd, probe = tempfile.mkstemp(prefix=".healthz-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    return True


def _check_broker() -> bool:
    """The broker can take work, checked without publishing a message that nobody would take.

    Filesystem transport: its folders are writable. Redis: it answers, and a SET (with an expiry) of
    a key of this installation's queue succeeds, which a Redis that refuses writes (a read-only
    replica, out of memory, a failing disk snapshot) does not allow.
    """
    try:
        if (app.conf.broker_url or "").startswith("filesystem://"):
            return _filesystem_broker_writable(app.conf.broker_transport_options or {})
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            if conn.transport.driver_type == "redis":
                key = f"mutu-madrasah:healthz:{app.conf.task_default_queue}"
                conn.default_channel.client.set(key, timezone.now().isoformat(), ex=REDIS_HEALTH_KEY_TTL)
        return True
    except Exception:  # noqa: BLE001
        return False


def _data_folders() -> set[Path]:
    """The folders the app writes its data to (by default all under DATA_DIR, on one disk)."""
    folders = {Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)}
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folders.add(Path(str(database["NAME"])).parent)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        folders.add(Path(settings.BROKER_DIR))
    return folders


def _free_disk_mb() -> int | None:
    """The free space, in MB, of the fullest disk holding the app's data (a folder not made yet, such
    as MEDIA_ROOT before the first upload, counts as the disk it will be made on); None when unknown."""
    try:
        return min(shutil.disk_usage(_nearest_existing(folder)).free for folder in _data_folders()) // MB
    except OSError:
        return None


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


@never_cache
def healthz(request):
    database = _check_database()
    broker = _check_broker()
    last_beat = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"] if database else None
    age = (timezone.now() - last_beat).total_seconds() if last_beat else None
    worker = age is not None and age <= settings.HEARTBEAT_MAX_AGE
    free_mb = _free_disk_mb()
    disk = free_mb is not None and free_mb >= settings.HEALTH_MIN_FREE_DISK_MB
    checks = (("database", database), ("broker", broker), ("worker", worker), ("disk", disk))
    failed = [name for name, ok in checks if not ok]
    body = {
        "status": "ok" if not failed else "fail",
        **{name: "ok" if ok else "fail" for name, ok in checks},
        "heartbeat_age_seconds": round(age) if age is not None else None,
        "disk_free_mb": free_mb,
        "failed": failed,
    }
    return JsonResponse(body, status=200 if not failed else 503)
