"""A real Celery worker builds an on-demand report end to end; a broker that is down leaves the
request queued with a message while the page still answers, and the sweep sends it later.

The worker is the one of tests/madrasah/test_celery_worker.py (own process, the configured broker
on a queue of its own, the test database). The request's publish is pointed at that worker's queue;
everything else — the view, the row, the commit hook, the claim, the build, the file, the download —
is the product's own path.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from laporan.documents.services import reports as services
from laporan.models import Report, ReportStatus
from laporan.tasks import build_report
from tests.madrasah.test_celery_worker import celery_worker  # noqa: F401 - the worker fixture

from .report_helpers import files_under, pdf_text

SEMESTER = "2026-2027-ganjil"


@pytest.fixture
def worker_media(tmp_path, settings, monkeypatch):
    """One MEDIA_ROOT for this test process and the worker (started after this fixture)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def report_worker(worker_media, celery_worker, monkeypatch):  # noqa: F811 - the fixture imported above
    def publish(args=None, **kwargs):
        celery_worker.sender.send_task("laporan.tasks.build_report", args=args, queue=celery_worker.queue)

    monkeypatch.setattr(build_report, "apply_async", publish)
    return celery_worker


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_requested_report(report_worker, worker_media, client, kepala):
    client.force_login(kepala.user)
    response = client.post(reverse("laporan:report-request"), {"kind": "semester", "period": SEMESTER})
    assert response.status_code == 302
    report = Report.objects.get()

    status_url = reverse("laporan:report-status", args=[report.pk])
    done = report_worker.wait_for(
        "the worker to build the report", lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).first()
    )
    assert done.attempts == 1 and done.worker and done.size > 0
    assert 'data-status="done"' in client.get(status_url).content.decode()
    download = client.get(reverse("laporan:report-download", args=[report.pk]))
    assert download.status_code == 200
    assert "REKAP SUPERVISI SEMESTER" in pdf_text(b"".join(download.streaming_content))
    assert sorted(p.suffix for p in files_under(worker_media)) == [".pdf", ".xlsx"]
    report_worker.wait_for_log(r"Task laporan\.tasks\.build_report\[[0-9a-f-]+\] succeeded")


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_rebuilds_what_a_killed_worker_left_behind(worker_media, kepala, monkeypatch, request):
    import subprocess

    from laporan.documents.rules import document_kind

    monkeypatch.setattr(build_report, "apply_async", lambda **kwargs: None)  # the first message is lost
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    # What a worker killed mid-build leaves: the row BUILDING, claimed by a process that is gone.
    gone = subprocess.Popen(["true"])  # noqa: S603
    gone.wait()
    assert services.report_claim(report_id=report.pk, token="killed", worker=services.process_identity(gone.pid))

    worker = request.getfixturevalue("celery_worker")  # starts now: its worker_ready sweep frees the row
    done = worker.wait_for(
        "the new worker to rebuild the report",
        lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.DONE).first(),
    )
    assert done.attempts == 2 and done.task_id != "killed"
    assert sorted(p.suffix for p in files_under(worker_media)) == [".pdf", ".xlsx"]


# --- the broker is down -----------------------------------------------------------------------------


@pytest.fixture
def broker(settings):
    """Point the project's Celery app at another broker for one test (and back afterwards)."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options)

    def point(url: str, options: dict | None = None) -> None:
        app.conf.broker_url = url
        app.conf.broker_transport_options = options or {}
        app.amqp._producer_pool = None
        app._pool = None

    yield point
    point(*saved)


def closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.mark.django_db
def test_with_the_broker_down_the_request_stays_queued_and_the_page_answers(
    broker, client, kepala, tmp_path, django_capture_on_commit_callbacks
):
    import time

    broker(f"redis://127.0.0.1:{closed_port()}/0")
    client.force_login(kepala.user)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("laporan:report-request"), {"kind": "semester", "period": SEMESTER})
    assert time.monotonic() - started < 5  # one quick retry, then the page answers
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED and report.sent_at is None
    assert report.message == services.BROKER_DOWN
    assert "Antrean pekerjaan sedang tidak dapat dihubungi" in page.content.decode()

    # The broker is back (here: the filesystem transport in a folder of the test): the sweep sends it.
    queue = tmp_path / "queue"
    queue.mkdir()
    broker(
        "filesystem://",
        {"data_folder_in": str(queue), "data_folder_out": str(queue), "control_folder": str(tmp_path / "control")},
    )
    assert services.reports_sweep()["resent"] == [report.pk]
    report.refresh_from_db()
    assert report.sent_at is not None and report.message == ""
    messages = [p.read_text() for p in Path(queue).iterdir()]
    assert len(messages) == 1 and "laporan.tasks.build_report" in messages[0]


# --- a madrasah deactivated in the middle of a dispatch ---------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_builds_the_active_madrasahs_dispatch_once_and_ends_the_inactive_ones(
    worker_media, madrasah, other_madrasah, kepala, outsider, monkeypatch, request
):
    import datetime as dt

    import time_machine

    from laporan.schedules.services import reports_dispatch
    from madrasah.services import madrasah_deactivate

    monkeypatch.setattr(build_report, "apply_async", lambda **kwargs: None)  # the worker is not up yet
    with time_machine.travel(dt.datetime(2026, 12, 31, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        made = reports_dispatch()
    assert {d.madrasah_id for d in made} == {madrasah.pk, other_madrasah.pk} and len(made) == 4
    madrasah_deactivate(madrasah=other_madrasah, actor=None)

    worker = request.getfixturevalue("celery_worker")  # its start sends every queued row
    for report in Report.objects.all():  # and each message once more: a duplicate must build nothing
        worker.sender.send_task("laporan.tasks.build_report", args=[report.pk], queue=worker.queue)
    worker.wait_for(
        "every dispatched report to end",
        lambda: not Report.objects.filter(status__in=ReportStatus.active()).exists(),
    )
    ours = list(Report.objects.filter(madrasah=madrasah))
    theirs = list(Report.objects.filter(madrasah=other_madrasah))
    assert len(ours) == len(theirs) == 2
    for report in ours:
        assert report.status == ReportStatus.DONE and report.attempts == 1 and report.revisions.count() == 1
    for report in theirs:
        assert report.status == ReportStatus.FAILED and report.error == services.MADRASAH_INACTIVE
        assert report.attempts == 1 and not report.file and not report.revisions.exists()
    built = {p.relative_to(worker_media).as_posix() for p in files_under(worker_media)}
    assert {r.file.name for r in ours} <= built
    assert not any(r.file.name for r in theirs)
