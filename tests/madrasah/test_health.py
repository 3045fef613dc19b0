"""/healthz: database, broker and worker heartbeat as JSON; 200 only when all three answer."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from madrasah.models import WorkerHeartbeat
from madrasah.services import heartbeat_record

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
