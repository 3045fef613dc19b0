"""Faults, with real processes on Redis (the broker of CI and production; skipped on another broker):

- a worker's pool child killed (SIGKILL) in the middle of a build, the worker itself then killed,
  and a new worker started: exactly one whole report file, no temporary file left, the row done;
- Redis down when a report is asked for: the request stays queued with a message and the page
  answers; Redis back and a worker started on it: the report is built (the sweep at worker start).

The down Redis is a throwaway `redis-server` of the test's own on a free port, never the shared one.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from laporan.documents.services import reports as services
from laporan.documents.services.processes import process_alive
from laporan.models import Report, ReportStatus
from laporan.tasks import build_report
from tests.madrasah.test_celery_worker import celery_workers  # noqa: F401 - the workers fixture

from .report_helpers import files_under, pdf_text
from .slow_document import GATE, MODULE, registered
from .test_reports_worker import broker, worker_media  # noqa: F401 - fixtures

SEMESTER = "2026-2027-ganjil"


ON_REDIS = settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_REDIS, reason="fault tests need Redis as the broker (REDIS_URL, as in CI)"),
]


def child_pid_of(identity: str) -> int:
    return int(identity.rsplit(":", 2)[1])


def parent_of(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[1])


def test_a_build_killed_with_its_worker_is_finished_once_by_the_next_worker(
    celery_workers,  # noqa: F811
    worker_media,  # noqa: F811
    kepala,
    monkeypatch,
    tmp_path,
):
    gate = tmp_path / "gate"
    env = {"TEST_WORKER_IMPORTS": MODULE, GATE: str(gate)}
    first = celery_workers(pool="prefork", env=env)
    monkeypatch.setattr(
        build_report,
        "apply_async",
        lambda args=None, **kwargs: first.sender.send_task("laporan.tasks.build_report", args=args, queue=first.queue),
    )
    with registered() as slow:
        report, _joined = services.report_request(membership=kepala, kind=slow, period_key=SEMESTER, user=kepala.user)
    building = first.wait_for(
        "the pool child to claim the report",
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.BUILDING).exclude(worker="").first(),
    )
    child = child_pid_of(building.worker)
    assert child != first.process.pid and parent_of(child) == first.process.pid  # a pool child, not the worker

    os.kill(child, signal.SIGKILL)  # in the middle of the build: it waits at the gate
    first.wait_for_log(r"WorkerLostError|signal 9|SIGKILL")
    first.kill()  # and the worker with it, whatever it managed to do after losing its child
    # Either the row is still claimed by a dead child, or the first worker's own sweep (queued behind
    # the build at its start) already released it: never done, never held by a live process.
    left = Report.objects.get(pk=report.pk)
    assert left.status != ReportStatus.DONE
    assert left.worker == "" or process_alive(left.worker) is False
    gate.touch()

    second = celery_workers(queue=first.queue, env=env)
    done = second.wait_for(
        "the new worker to finish the report",
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).first(),
    )
    assert done.attempts >= 2 and child_pid_of(done.worker) != child
    files = files_under(worker_media)
    assert [p.suffix for p in files] == [".pdf"], files  # one file, no `.part` left behind
    assert "belum ada data" in pdf_text(files[0].read_bytes()).lower()  # a whole PDF
    assert Report.objects.count() == 1


# --- Redis down -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayRedis:
    """A `redis-server` of this test's own (no persistence), started and stopped at will."""

    def __init__(self, folder: Path):
        self.port, self.folder, self.process = free_port(), folder, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command of the test
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def throwaway_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis(tmp_path)
    try:
        yield server
    finally:
        server.stop()


def test_with_redis_down_the_request_waits_and_a_worker_on_redis_back_builds_it(
    throwaway_redis,
    broker,  # noqa: F811
    celery_workers,  # noqa: F811
    worker_media,  # noqa: F811
    client,
    kepala,
):
    throwaway_redis.start()
    throwaway_redis.stop()  # it was there, and now it is down
    broker(throwaway_redis.url)
    client.force_login(kepala.user)

    started = time.monotonic()
    response = client.post(reverse("laporan:report-request"), {"kind": "semester", "period": SEMESTER})
    assert time.monotonic() - started < 5  # one quick retry, then the page answers
    assert response.status_code == 302
    page = client.get(reverse("laporan:report-list"))
    assert page.status_code == 200
    assert "Antrean pekerjaan sedang tidak dapat dihubungi" in page.content.decode()
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED and report.sent_at is None
    assert report.message == services.BROKER_DOWN

    throwaway_redis.start()
    worker = celery_workers(broker_url=throwaway_redis.url)  # its start sends what was left queued
    done = worker.wait_for(
        "the worker on the restarted Redis to build the report",
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).first(),
    )
    assert done.sent_at is not None and done.message == ""
    assert sorted(p.suffix for p in files_under(worker_media)) == [".pdf", ".xlsx"]
    worker.wait_for_log(r"Task laporan\.tasks\.sweep_reports\[[0-9a-f-]+\] succeeded")
