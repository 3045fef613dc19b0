"""A finished report tells whoever asked for it — and, when the schedule asked, the Kepala — in the app
and by email for those with an address, with a link to the protected download; once per build, and
nobody for a build that failed or a message that found the report already done."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from laporan.documents.rules import document_kind
from laporan.documents.services import reports as services
from laporan.models import Report
from laporan.tasks import build_report
from madrasah.models import Notification, User
from madrasah.notifications import notification_message

SEMESTER = "2026-2027-ganjil"


def run(report_id: int, task_id: str = "task-1") -> str:
    return build_report.apply(args=[report_id], task_id=task_id).get()


@pytest.mark.django_db
def test_the_requester_is_told_with_a_link_to_the_download(
    waka, media, sent, client, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=waka.user_id).update(email="waka@example.org")
    report, _ = services.report_request(
        membership=waka, kind=document_kind("semester"), period_key=SEMESTER, user=waka.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert run(report.pk) == "done"
    download = reverse("laporan:report-download", args=[report.pk])
    note = Notification.objects.get()
    assert (note.user_id, note.url) == (waka.user_id, download)
    assert notification_message(note) == "Rekap Supervisi Semester, 2026/2027 Ganjil, siap diunduh."
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["waka@example.org"] and letter.subject == "Mutu Madrasah: pemberitahuan baru"
    assert f"http://127.0.0.1:8000{download}" in letter.body and not letter.attachments

    client.force_login(waka.user)
    opened = client.get(reverse("madrasah:notification-open", args=[note.pk]))
    assert opened.status_code == 302 and opened["Location"] == download


@pytest.mark.django_db
def test_a_scheduled_report_tells_the_kepala(kepala, waka, media, sent, django_capture_on_commit_callbacks):
    report, _ = services.report_enqueue(
        madrasah=kepala.madrasah, kind=document_kind("laporan-supervisi"), period_key=SEMESTER, scheduled=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(report.pk)
    assert list(Notification.objects.values_list("user_id", flat=True)) == [kepala.user_id]
    assert mail.outbox == []  # the Kepala has no email address: the bell only


@pytest.mark.django_db
def test_a_scheduled_report_that_fails_is_told_to_the_kepala(kepala, media, sent, monkeypatch):
    report, _ = services.report_enqueue(
        madrasah=kepala.madrasah, kind=document_kind("semester"), period_key=SEMESTER, scheduled=True
    )
    monkeypatch.setattr(services, "report_render", lambda **kwargs: (_ for _ in ()).throw(ValueError("rusak")))
    assert run(report.pk) == "failed"
    note = Notification.objects.get()
    assert note.user_id == kepala.user_id
    assert note.url == reverse("laporan:report-list") + f"#report-{report.pk}"
    assert (
        notification_message(note)
        == "Rekap Supervisi Semester, 2026/2027 Ganjil, gagal dibuat: coba lagi di halaman Laporan."
    )


@pytest.mark.django_db
def test_a_teacher_is_told_of_their_own_record(guru, media, sent):
    report, _ = services.report_request(
        membership=guru, kind=document_kind("guru"), period_key=SEMESTER, teacher=guru.staff, user=guru.user
    )
    run(report.pk)
    note = Notification.objects.get()
    assert note.user_id == guru.user_id and guru.staff.full_name in notification_message(note)


@pytest.mark.django_db
def test_no_one_is_told_twice_or_of_a_failure(kepala, media, sent, monkeypatch):
    report, _ = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    run(report.pk)
    assert run(report.pk, task_id="duplicate") == "skipped"
    assert Notification.objects.count() == 1

    Notification.objects.all().delete()
    Report.objects.filter(pk=report.pk).update(status="failed")
    services.report_retry(membership=kepala, report=Report.objects.get(pk=report.pk), user=kepala.user)
    monkeypatch.setattr(services, "report_render", lambda **kwargs: (_ for _ in ()).throw(ValueError("rusak")))
    assert run(report.pk, task_id="task-2") == "failed"
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_requester_who_lost_the_role_is_not_told(waka, media, sent):
    report, _ = services.report_request(
        membership=waka, kind=document_kind("semester"), period_key=SEMESTER, user=waka.user
    )
    waka.roles.filter(role="waka").delete()
    run(report.pk)
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_downloading_a_report_deals_with_its_ready_notice(kepala, waka, media, sent, login):
    """The Kepala's "ready to download" notice is done once he has downloaded that document (not when
    someone else has), and "Perlu tindakan" counts one document less; the other ready one stays."""
    recap, _ = services.report_enqueue(
        madrasah=kepala.madrasah, kind=document_kind("semester"), period_key=SEMESTER, scheduled=True
    )
    other, _ = services.report_enqueue(
        madrasah=kepala.madrasah, kind=document_kind("laporan-supervisi"), period_key=SEMESTER, scheduled=True
    )
    assert run(recap.pk) == run(other.pk, task_id="task-2") == "done"
    notice = Notification.objects.get(user=kepala.user, matter_id=recap.pk)
    assert notice.done_at is None and notice.read_at is None
    home = reverse("madrasah:home-kepala")
    client = login(kepala)
    assert ready_count(client.get(home)) == 2

    download = reverse("laporan:report-download", args=[recap.pk])
    assert login(waka).get(download).status_code == 200
    notice.refresh_from_db()
    assert notice.done_at is None  # the Waka's download is not the Kepala's

    client = login(kepala)
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    notice.refresh_from_db()
    assert notice.done_at is not None and notice.read_at == notice.done_at
    assert Notification.objects.get(user=kepala.user, matter_id=other.pk).done_at is None
    assert ready_count(client.get(home)) == 1
    assert client.get(download).status_code == 200  # a second download changes nothing
    assert ready_count(client.get(home)) == 1


def ready_count(response) -> int:
    """The count of the "documents ready" line of "Perlu tindakan" (0 when the line is absent)."""
    found = re.search(r'data-testid="todo-documents_ready" data-count="(\d+)"', response.content.decode())
    return int(found[1]) if found else 0
