"""A madrasah taken off the installation in the middle of a dispatch: the dispatcher asks nothing of
it, a report already queued ends failed with the reason shown in Indonesian (never built, never sent
again by the sweep), the rest of the dispatch goes on, and once reactivated the madrasah asks again.
The task runs in this process (`build_report.apply`); tests/laporan/test_reports_worker.py runs one
in a real worker."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from laporan.documents.rules import document_kind
from laporan.documents.services import reports as services
from laporan.models import Report, ReportDispatch, ReportStatus
from laporan.tasks import build_report, dispatch_scheduled_reports
from madrasah.errors import ApplicationError
from madrasah.models import Notification
from madrasah.services import madrasah_deactivate, madrasah_reactivate

from .report_helpers import files_under

WIB = dt.timezone(dt.timedelta(hours=7))
SEMESTER_END = dt.datetime(2026, 12, 31, 6, 0, tzinfo=WIB)  # both personas' madrasah end their semester
SEMESTER = "2026-2027-ganjil"
SHOWN = "Madrasah tidak aktif di instalasi ini: dokumen tidak dibuat."


def dispatch(capture, *, at: dt.datetime) -> list[tuple[str, str]]:
    with time_machine.travel(at, tick=False), capture(execute=True):
        made = dispatch_scheduled_reports.apply().get()
    return sorted(ReportDispatch.objects.filter(pk__in=made).values_list("madrasah__name", "kind"))


def run(report_id: int, task_id: str) -> str:
    return build_report.apply(args=[report_id], task_id=task_id).get()


@pytest.mark.django_db
def test_the_dispatch_asks_nothing_of_an_inactive_madrasah_and_catches_up_once_it_is_back(
    madrasah, other_madrasah, sent, django_capture_on_commit_callbacks
):
    madrasah_deactivate(madrasah=other_madrasah, actor=None)
    made = dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END)
    assert made == [(madrasah.name, "laporan-supervisi"), (madrasah.name, "semester")]
    assert not Report.objects.filter(madrasah=other_madrasah).exists()
    assert not ReportDispatch.objects.filter(madrasah=other_madrasah).exists()

    madrasah_reactivate(madrasah=other_madrasah, actor=None)
    made = dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END + dt.timedelta(days=2))
    caught_up = {kind for name, kind in made if name == other_madrasah.name}
    assert {"laporan-supervisi", "semester"} <= caught_up  # and the digest the 1st of January brings


@pytest.mark.django_db
def test_a_report_queued_before_the_deactivation_ends_failed_without_being_built(
    login, kepala, media, sent, django_capture_on_commit_callbacks
):
    client = login(kepala)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("laporan:report-request"), {"kind": "semester", "period": SEMESTER})
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED and sent == [report.pk]

    madrasah_deactivate(madrasah=kepala.madrasah, actor=None)
    assert run(report.pk, "task-1") == "inactive"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error == services.MADRASAH_INACTIVE
    assert report.finished_at and report.size == 0 and not report.file and not report.revisions.exists()
    assert files_under(media) == []
    # The same message delivered again, and the sweep: nothing is built, nothing sent again.
    assert run(report.pk, "task-1") == "skipped"
    assert services.reports_sweep(resend_after=dt.timedelta(0))["resent"] == []
    assert sent == [report.pk]
    # Asking while it is inactive is refused before anything is written.
    with pytest.raises(ApplicationError):
        services.report_enqueue(madrasah=kepala.madrasah, kind=document_kind("semester"), period_key=SEMESTER)
    assert Report.objects.count() == 1

    madrasah_reactivate(madrasah=kepala.madrasah, actor=None)
    page = client.get(reverse("laporan:report-list")).content.decode()
    assert SHOWN in page and 'data-testid="report-retry"' in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("laporan:report-retry", args=[report.pk])).status_code == 302
    assert run(report.pk, "task-2") == "done"
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.revisions.count() == 1


@pytest.mark.django_db
def test_the_rest_of_the_dispatch_is_built_once_and_the_inactive_ones_end_cleanly(
    madrasah, other_madrasah, kepala, outsider, media, sent, django_capture_on_commit_callbacks
):
    assert len(dispatch(django_capture_on_commit_callbacks, at=SEMESTER_END)) == 4
    madrasah_deactivate(madrasah=other_madrasah, actor=None)
    outcomes = {}
    for report in Report.objects.order_by("pk"):
        outcomes[report.pk] = run(report.pk, f"build-{report.pk}")
        assert run(report.pk, f"build-{report.pk}-again") == "skipped"  # a duplicate message
    ours = Report.objects.filter(madrasah=madrasah)
    theirs = Report.objects.filter(madrasah=other_madrasah)
    assert {outcomes[r.pk] for r in ours} == {"done"} and {outcomes[r.pk] for r in theirs} == {"inactive"}
    assert all(r.status == ReportStatus.DONE and r.attempts == 1 and r.revisions.count() == 1 for r in ours)
    assert all(r.status == ReportStatus.FAILED and not r.revisions.exists() for r in theirs)
    # The Kepala of the inactive madrasah is not told of failures nobody there can act on.
    assert not Notification.objects.filter(user=outsider.user, kind="report_failed").exists()
    assert Notification.objects.filter(user=kepala.user, kind="report_ready").count() == 2
