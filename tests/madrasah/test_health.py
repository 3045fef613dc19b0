"""/healthz: database, broker (can it take work?), worker heartbeat and free disk space as JSON; 200 only
when all answer."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import redis
import time_machine
from django.utils import timezone

from madrasah.models import WorkerHeartbeat
from madrasah.services import heartbeat_record
from tests.laporan.test_reports_faults import throwaway_redis  # noqa: F401 - the fixture
from tests.laporan.test_reports_worker import broker, closed_port  # noqa: F401 - the fixture

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(monkeypatch):
    """Point the already-configured Celery app at a port nobody listens on, then restore it.

    (Overriding settings.CELERY_BROKER_URL would not reach the app, which read its settings once;
    the environment variables are cleared because Celery prefers them over its configuration.)
    """
    from config.celery import app

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    original = app.conf.broker_url
    app.conf.broker_url = CLOSED_PORT_BROKER
    yield CLOSED_PORT_BROKER
    app.conf.broker_url = original


def get_health(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response, response.json()


def test_reports_each_check_by_name(client):
    heartbeat_record(worker="celery@test")
    _response, body = get_health(client)
    assert {"status", "database", "broker", "worker", "heartbeat_age_seconds", "failed"} <= set(body)
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


def test_no_heartbeat_means_the_worker_is_down(client):
    assert not WorkerHeartbeat.objects.exists()
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["worker"] == "fail"
    assert "worker" in body["failed"]
    assert body["heartbeat_age_seconds"] is None


def test_fresh_heartbeat_is_healthy(client):
    heartbeat_record(worker="celery@test")
    response, body = get_health(client)
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert body["worker"] == "ok"
    assert 0 <= body["heartbeat_age_seconds"] <= 5


def test_stale_heartbeat_means_the_worker_is_down(client, settings):
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=settings.HEARTBEAT_MAX_AGE + 30), tick=False):
        heartbeat_record(worker="celery@test")
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["worker"]
    assert body["heartbeat_age_seconds"] >= settings.HEARTBEAT_MAX_AGE + 30


def test_newest_heartbeat_counts_and_max_age_is_respected(client, settings):
    settings.HEARTBEAT_MAX_AGE = 60
    heartbeat_record(worker="celery@old")
    WorkerHeartbeat.objects.filter(worker="celery@old").update(seen_at=timezone.now() - dt.timedelta(hours=2))
    heartbeat_record(worker="celery@new")
    WorkerHeartbeat.objects.filter(worker="celery@new").update(seen_at=timezone.now() - dt.timedelta(seconds=30))
    assert get_health(client)[0].status_code == 200

    WorkerHeartbeat.objects.filter(worker="celery@new").update(seen_at=timezone.now() - dt.timedelta(seconds=90))
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["worker"]


def test_unreachable_broker_is_named(client, broker_down):
    heartbeat_record(worker="celery@test")
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["broker"] == "fail"
    assert body["failed"] == ["broker"]
    assert body["database"] == "ok"
    assert broker_down not in response.content.decode()


def test_body_reveals_no_secrets(client, settings, broker_down):
    response, _body = get_health(client)
    text = response.content.decode()
    secrets = [settings.SECRET_KEY, settings.DATABASES["default"].get("PASSWORD")]
    for secret in filter(None, secrets):
        assert secret not in text
    assert "redis://" not in text
    assert str(settings.DATABASES["default"]["NAME"]) not in text


def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# --- the broker can take work; free disk space -------------------------------------------------------


@contextlib.contextmanager
def unwritable(folder: Path):
    """Make `folder` refuse new files, as a read-only disk or a wrong owner does. Root ignores file
    modes, so as root the folder is marked immutable instead (chattr +i)."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)]).returncode:
            pytest.skip("running as root, and this file system cannot mark a folder immutable")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = None
    try:
        with pytest.raises(OSError):
            (folder / "probe").write_text("x")
        yield folder
    finally:
        if undo:
            subprocess.run(undo, check=True)
        else:
            folder.chmod(0o755)


@pytest.fixture
def filesystem_broker(tmp_path, broker):  # noqa: F811 - the fixture imported above
    """The project's Celery app on the filesystem transport, in folders of this test."""
    folders = {name: tmp_path / "broker" / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    broker(
        "filesystem://",
        {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]),
            "control_folder": str(folders["control"]),
            "store_processed": False,
        },
    )
    return folders


def test_an_unwritable_queue_folder_fails_the_broker(client, filesystem_broker):
    heartbeat_record(worker="celery@test")
    response, body = get_health(client)
    assert response.status_code == 200, body
    assert list(filesystem_broker["queue"].iterdir()) == []  # the check leaves no file a worker could take

    with unwritable(filesystem_broker["queue"]):
        response, body = get_health(client)
    assert response.status_code == 503
    assert body["broker"] == "fail"
    assert body["failed"] == ["broker"]


def test_an_unwritable_control_folder_or_a_missing_queue_folder_fails_the_broker(client, filesystem_broker):
    heartbeat_record(worker="celery@test")
    with unwritable(filesystem_broker["control"]):  # where a publish records its queue's binding
        assert get_health(client)[1]["failed"] == ["broker"]
    filesystem_broker["queue"].rmdir()
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["failed"] == ["broker"]


def test_on_redis_the_check_sets_a_health_key_that_expires(client, broker, throwaway_redis):  # noqa: F811
    from config.celery import app

    throwaway_redis.start()
    broker(throwaway_redis.url, {"socket_timeout": 1.0, "socket_connect_timeout": 1.0})
    heartbeat_record(worker="celery@test")
    response, body = get_health(client)
    assert response.status_code == 200, body

    redis_client = redis.Redis.from_url(throwaway_redis.url)
    try:
        key = f"mutu-madrasah:healthz:{app.conf.task_default_queue}"
        assert redis_client.exists(key)
        assert 0 < redis_client.ttl(key) <= 60
        assert redis_client.dbsize() == 1  # no message published for a worker to take
    finally:
        redis_client.close()


def test_a_redis_that_refuses_writes_fails_the_broker(client, broker, throwaway_redis):  # noqa: F811
    throwaway_redis.start()
    redis_client = redis.Redis.from_url(throwaway_redis.url)
    try:
        # A replica of a master that is not there: it answers PING, and refuses every write (READONLY).
        redis_client.execute_command("REPLICAOF", "127.0.0.1", str(closed_port()))
        with pytest.raises(redis.exceptions.ReadOnlyError):
            redis_client.set("probe", "x")
    finally:
        redis_client.close()
    broker(throwaway_redis.url, {"socket_timeout": 1.0, "socket_connect_timeout": 1.0})
    heartbeat_record(worker="celery@test")
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["broker"] == "fail"
    assert body["failed"] == ["broker"]


def test_free_disk_space_is_reported_and_fails_below_the_threshold(client, settings):
    heartbeat_record(worker="celery@test")
    free_mb = shutil.disk_usage(settings.DATA_DIR).free // (1024 * 1024)
    settings.HEALTH_MIN_FREE_DISK_MB = 0
    response, body = get_health(client)
    assert response.status_code == 200, body
    assert body["disk"] == "ok"
    assert abs(body["disk_free_mb"] - free_mb) < 100

    settings.HEALTH_MIN_FREE_DISK_MB = free_mb + 10_000
    response, body = get_health(client)
    assert response.status_code == 503
    assert body["disk"] == "fail"
    assert body["failed"] == ["disk"]
    assert body["disk_free_mb"] < settings.HEALTH_MIN_FREE_DISK_MB
