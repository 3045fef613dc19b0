"""Reports on demand: the row, the claim, the build and its file, joining, rebuilding, retrying, a
dead worker's row, and who may ask, watch and download. The task runs in this process here
(`build_report.apply`); tests/laporan/test_reports_worker.py runs it in a real worker."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from laporan.documents.rules import document_kind
from laporan.documents.services import reports as services
from laporan.documents.services.processes import process_alive
from laporan.documents.tasks import sweep_on_worker_start
from laporan.models import DocumentNumber, Report, ReportStatus
from laporan.tasks import build_report
from madrasah.errors import ApplicationError
from madrasah.models import AccessLog

from .report_helpers import files_under, pdf_text

LIST = reverse("laporan:report-list")
REQUEST = reverse("laporan:report-request")
SEMESTER = "2026-2027-ganjil"  # the conftest madrasah's semester


def ask(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(REQUEST, data)


def run(report_id: int, task_id: str = "task-1") -> str:
    return build_report.apply(args=[report_id], task_id=task_id).get()


def the_report(**filters) -> Report:
    return Report.objects.get(**filters)


# --- one row, one build, one file -------------------------------------------------------------------


@pytest.mark.django_db
def test_two_requests_make_one_row_and_one_build(login, kepala, waka, media, sent, django_capture_on_commit_callbacks):
    first = ask(login(kepala), django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
    second = ask(login(waka), django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
    assert first.status_code == second.status_code == 302
    report = the_report(kind="semester")
    assert sent == [report.pk]  # the join sent nothing
    assert report.status == ReportStatus.QUEUED and report.requested_by == kepala.user

    assert run(report.pk) == "done"
    assert run(report.pk, task_id="duplicate-message") == "skipped"
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100 and report.attempts == 1
    assert report.size > 0 and report.finished_at is not None
    assert [p.name for p in files_under(media)] == sorted(
        [report.file.name.rsplit("/", 1)[1], report.spreadsheet.name.rsplit("/", 1)[1]]
    )
    assert report.file.name.startswith("reports/") and report.file.name.endswith(".pdf")
    assert DocumentNumber.objects.filter(report=report).count() == 1


@pytest.mark.django_db
def test_a_rebuild_keeps_the_number_and_adds_a_revision_beside_the_first_file(
    login, kepala, media, sent, django_capture_on_commit_callbacks
):
    client = login(kepala)
    ask(client, django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
    report = the_report(kind="semester")
    run(report.pk)
    report.refresh_from_db()
    name, number, before = report.file.name, report.number, (media / report.file.name).read_bytes()

    response = ask(client, django_capture_on_commit_callbacks, kind="semester", period=SEMESTER, paper="A4")
    assert response.status_code == 302
    assert Report.objects.count() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.has_file  # the old file is served meanwhile
    assert sent == [report.pk, report.pk]
    run(report.pk, task_id="task-2")
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.number == number and report.file.name == name.replace(".pdf", "-r1.pdf")
    assert (media / name).read_bytes() == before  # Revisi 0 stays as it was issued
    assert (media / report.file.name).read_bytes() != before  # A4 now
    assert len(files_under(media)) == 3  # two revisions and the workbook, nothing else
    assert DocumentNumber.objects.count() == 1


@pytest.mark.django_db
def test_a_retried_task_writes_one_file_and_leaves_no_temporary_file(kepala, media, sent, monkeypatch):
    report, _joined = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    # A crash between writing and swapping left a temporary file behind (same folder, fixed name).
    name = services._stored_name(report, "file", ".pdf")
    (media / name).parent.mkdir(parents=True, exist_ok=True)
    (media / (name + ".part")).write_bytes(b"half a PDF")
    real = services.report_render
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(services, "report_render", flaky)
    monkeypatch.setattr("laporan.documents.tasks.backoff", lambda retries: 0)
    result = build_report.apply(args=[report.pk], task_id="task-retried")
    assert result.get() == "done"
    report.refresh_from_db()
    assert len(calls) == 2  # the retry (same task id) took its own claim again
    assert report.status == ReportStatus.DONE and report.attempts == 2
    assert [p.relative_to(media).as_posix() for p in files_under(media)] == sorted(
        [report.file.name, report.spreadsheet.name]
    )
    assert pdf_text((media / report.file.name).read_bytes())


@pytest.mark.django_db
def test_a_failure_is_recorded_and_tried_again_from_the_page(
    login, kepala, media, sent, monkeypatch, django_capture_on_commit_callbacks
):
    client = login(kepala)
    ask(client, django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
    report = the_report(kind="semester")
    monkeypatch.setattr(services, "report_render", lambda **kwargs: (_ for _ in ()).throw(ValueError("rusak")))
    assert run(report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "rusak" in report.error
    page = client.get(LIST).content.decode()
    assert 'data-testid="report-retry"' in page and "rusak" in page
    monkeypatch.undo()
    monkeypatch.setattr(build_report, "apply_async", lambda args=None, **kw: sent.append(args[0]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("laporan:report-retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.error == ""
    assert sent[-1] == report.pk
    assert run(report.pk, task_id="task-2") == "done"


@pytest.mark.django_db
def test_only_a_failed_report_is_tried_again(kepala, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    with pytest.raises(ApplicationError):
        services.report_retry(membership=kepala, report=report, user=kepala.user)


# --- a worker that died ------------------------------------------------------------------------------


def dead_process_identity() -> str:
    process = subprocess.Popen(["true"])  # noqa: S603 - a process that is surely gone afterwards
    process.wait()
    return services.process_identity(process.pid)


@pytest.mark.django_db
def test_the_redelivered_message_of_a_killed_worker_takes_its_row_again(kepala, media, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    # The worker claimed it, then was killed (SIGKILL): the row stays BUILDING under its task id.
    assert services.report_claim(report_id=report.pk, token="task-killed", worker="elsewhere:1:1")
    assert run(report.pk, task_id="another-message") == "skipped"  # a live claim elsewhere: hands off
    # acks_late + reject_on_worker_lost: the same message (same task id) comes back.
    assert run(report.pk, task_id="task-killed") == "done"
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.attempts == 2


@pytest.mark.django_db
def test_a_row_held_by_a_dead_process_of_this_host_is_taken_over(kepala, media, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    assert services.report_claim(report_id=report.pk, token="task-lost", worker=dead_process_identity())
    assert process_alive(Report.objects.get().worker) is False
    assert run(report.pk, task_id="sweep-resent") == "done"


@pytest.mark.django_db
def test_a_row_held_by_a_live_process_waits_until_the_time_limit_has_passed(kepala, media, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    assert services.report_claim(report_id=report.pk, token="task-slow", worker=services.process_identity())
    assert process_alive(Report.objects.get().worker) is True
    assert run(report.pk, task_id="another") == "skipped"
    assert services.reports_sweep()["stale"] == []
    Report.objects.filter(pk=report.pk).update(started_at=timezone.now() - services.STALE_AFTER - dt.timedelta(1))
    swept = services.reports_sweep()
    assert swept["stale"] == [report.pk] and swept["resent"] == [report.pk]
    assert run(report.pk, task_id="resent") == "done"


@pytest.mark.django_db
def test_the_sweep_resends_rows_never_handed_to_the_broker(kepala, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    assert sent == []  # on_commit never ran: as if the broker had been down
    assert services.reports_sweep()["resent"] == [report.pk]
    assert services.reports_sweep()["resent"] == []  # handed over a moment ago: not again
    later = timezone.now() + services.RESEND_AFTER + dt.timedelta(minutes=1)
    assert services.reports_sweep(now=later)["resent"] == [report.pk]


def test_a_starting_worker_queues_a_sweep_that_resends_everything(monkeypatch):
    from laporan.tasks import sweep_reports

    queued = []
    monkeypatch.setattr(sweep_reports, "apply_async", lambda **kwargs: queued.append(kwargs["kwargs"]))
    sweep_on_worker_start(sender=None)
    assert queued == [{"resend_after_seconds": 0}]


def test_a_process_of_another_host_is_never_judged_dead():
    assert process_alive("another-host:1:1") is None
    assert process_alive(services.process_identity()) is True
    assert process_alive("garbage") is None


# --- who may ask, watch and download ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_teacher_asks_for_and_downloads_only_their_own_record(
    login, guru, guru_lain, waka, media, sent, django_capture_on_commit_callbacks
):
    client = login(guru)
    page = client.get(LIST).content.decode()
    assert 'data-kind="guru"' in page and 'data-kind="semester"' not in page
    # The teacher field is ignored for a teacher: they always get their own record.
    ask(client, django_capture_on_commit_callbacks, kind="guru", period=SEMESTER, teacher=guru_lain.staff_id)
    report = the_report(kind="guru")
    assert report.teacher_id == guru.staff_id
    run(report.pk)
    download = reverse("laporan:report-download", args=[report.pk])
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert guru.staff.full_name in text
    assert not AccessLog.objects.exists()  # the teacher's own opening is not logged

    assert login(guru_lain).get(download).status_code == 404
    assert login(guru_lain).get(reverse("laporan:report-status", args=[report.pk])).status_code == 404
    assert login(waka).get(download).status_code == 200
    assert AccessLog.objects.get().staff_id == guru.staff_id


@pytest.mark.django_db
def test_a_teacher_may_not_ask_for_the_semester_recap(login, guru, operator, sent):
    assert login(guru).post(REQUEST, {"kind": "semester", "period": SEMESTER}).status_code == 403
    assert login(operator).get(LIST).status_code == 403
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_another_madrasah_never_sees_our_reports(login, kepala, outsider, media, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    run(report.pk)
    client = login(outsider)
    for name in ("report-status", "report-download", "report-download-xlsx"):
        assert client.get(reverse(f"laporan:{name}", args=[report.pk])).status_code == 404
    assert f"report-{report.pk}" not in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_bad_input_gets_a_clear_message_and_writes_nothing(login, kepala, sent):
    client = login(kepala)
    response = client.post(REQUEST, {"kind": "semester", "period": "2099-2100-genap"}, follow=True)
    assert "tidak ada di madrasah ini" in response.content.decode()
    response = client.post(REQUEST, {"kind": "semester", "period": "rubbish"}, follow=True)
    assert "2025-2026-genap" in response.content.decode()
    response = client.post(REQUEST, {"kind": "guru", "period": SEMESTER}, follow=True)
    assert "Pilih guru" in response.content.decode()
    assert client.post(REQUEST, {"kind": "nothing", "period": SEMESTER}).status_code == 404
    assert not Report.objects.exists() and sent == []


@pytest.mark.django_db
def test_the_status_partial_polls_until_the_report_is_done(login, kepala, media, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    client = login(kepala)
    status = reverse("laporan:report-status", args=[report.pk])
    queued = client.get(status, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in queued and 'data-status="queued"' in queued
    run(report.pk)
    done = client.get(status, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and 'data-status="done"' in done
    assert reverse("laporan:report-download", args=[report.pk]) in done
    assert reverse("laporan:report-download-xlsx", args=[report.pk]) in done
    xlsx = client.get(reverse("laporan:report-download-xlsx", args=[report.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')


@pytest.mark.django_db
def test_nothing_to_download_before_the_first_build(login, kepala, sent):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    assert login(kepala).get(reverse("laporan:report-download", args=[report.pk])).status_code == 404


@pytest.mark.django_db
def test_the_pengawas_asks_for_a_teacher_record(login, pengawas, guru, media, sent, django_capture_on_commit_callbacks):
    response = ask(
        login(pengawas), django_capture_on_commit_callbacks, kind="guru", period=SEMESTER, teacher=guru.staff_id
    )
    assert response.status_code == 302
    assert the_report(kind="guru").teacher_id == guru.staff_id
