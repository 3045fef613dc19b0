"""/healthz: database, broker and worker heartbeat, as JSON; 200 only when all three answer."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ..models import WorkerHeartbeat


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001  (any failure means "down"; the detail stays in the log)
        return False


def _check_broker() -> bool:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        return False


@never_cache
def healthz(request):
    database = _check_database()
    broker = _check_broker()
    last_beat = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"] if database else None
    age = (timezone.now() - last_beat).total_seconds() if last_beat else None
    worker = age is not None and age <= settings.HEARTBEAT_MAX_AGE
    failed = [name for name, ok in (("database", database), ("broker", broker), ("worker", worker)) if not ok]
    body = {
        "status": "ok" if not failed else "fail",
        "database": "ok" if database else "fail",
        "broker": "ok" if broker else "fail",
        "worker": "ok" if worker else "fail",
        "heartbeat_age_seconds": round(age) if age is not None else None,
        "failed": failed,
    }
    return JsonResponse(body, status=200 if not failed else 503)
