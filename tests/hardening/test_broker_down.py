"""The broker (Redis) stopped, or frozen (it accepts the connection and never answers), as a user
meets it: /healthz answers 503 and names the broker; a report asked for stays queued with its message,
and the page that publishes answers within two BROKER_SOCKET_TIMEOUTs instead of hanging.

Every page with the broker stopped is tests/hardening/test_faults.py's sweep.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.urls import reverse

from laporan.documents.services.reports import BROKER_DOWN
from laporan.models import Report, ReportStatus
from madrasah.services import heartbeat_record
from tests.laporan.test_reports_worker import broker, closed_port  # noqa: F401 - the broker fixture
from tests.test_deployment import BASE_DIR, clean_env

SECONDS_PER_PAGE = 2.0  # "answers within a couple of seconds", with the broker down


# --- the broker stopped or frozen --------------------------------------------------------------------


class FrozenBroker:
    """A TCP server that accepts connections and never answers: a frozen Redis, or a firewall that
    silently dropped an established connection."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.server.getsockname()[1]}/0"

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.server.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.server.close()
        for sock in self.accepted:
            sock.close()


@pytest.fixture
def frozen_broker():
    frozen = FrozenBroker()
    yield frozen
    frozen.close()


def production_redis_options(tmp_path) -> dict:
    """The broker transport options config/settings.py gives a production server on Redis (read in a
    subprocess: the settings are computed from the environment at import time)."""
    code = "import django, json; django.setup(); from django.conf import settings as s; "
    code += "print(json.dumps(s.CELERY_BROKER_TRANSPORT_OPTIONS))"
    result = subprocess.run(  # noqa: S603 - a fixed command of the test
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_on_redis_bounds_every_broker_socket_wait(tmp_path):
    options = production_redis_options(tmp_path)
    assert 0 < options["socket_timeout"] <= 2
    assert 0 < options["socket_connect_timeout"] <= 2


@pytest.mark.parametrize("state", ["stopped", "frozen"])
def test_healthz_names_the_broker_and_answers_quickly(state, client, broker, frozen_broker, tmp_path):  # noqa: F811
    heartbeat_record(worker="celery@test")
    url = f"redis://127.0.0.1:{closed_port()}/0" if state == "stopped" else frozen_broker.url
    broker(url, production_redis_options(tmp_path))
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    seconds = time.monotonic() - started
    print(f"/healthz with the broker {state}: {response.status_code} in {seconds:.2f}s")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]  # the database and the worker's heartbeat are fine
    assert seconds < 2 * SECONDS_PER_PAGE  # its own check gives the broker two seconds


@pytest.mark.parametrize("state", ["stopped", "frozen"])
def test_a_report_asked_for_with_the_broker_down_stays_queued_with_its_message(
    state,
    broker,  # noqa: F811
    frozen_broker,
    client,
    kepala,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    options = production_redis_options(tmp_path)
    broker(f"redis://127.0.0.1:{closed_port()}/0" if state == "stopped" else frozen_broker.url, options)
    client.force_login(kepala.user)
    period = kepala.madrasah.semesters.get().slug
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("laporan:report-request"), {"kind": "semester", "period": period})
    seconds = time.monotonic() - started
    print(f"'Buat laporan' with the broker {state}: {response.status_code} in {seconds:.2f}s")
    assert response.status_code == 302
    # One publish attempt and its quick retry, each cut at the socket timeout, and the page answers.
    assert seconds < 2 * options["socket_timeout"] + SECONDS_PER_PAGE
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED and report.sent_at is None
    assert report.message == BROKER_DOWN
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Antrean pekerjaan sedang tidak dapat dihubungi" in page.content.decode()
