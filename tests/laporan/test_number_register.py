"""Document numbers are never lost (issue 16, item 5): a build that fails keeps its number for its
retry, a builder that finds the row already numbered takes no second number, and the number register
lists every number of the year — issued, kept for a retry, or "Batal" when it was given up — so no
number is silently skipped."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from laporan.documents.rules import document_kind
from laporan.documents.services import pdf
from laporan.documents.services import reports as services
from laporan.documents.services.numbering import report_number_take
from laporan.models import DocumentNumber, Report, ReportStatus
from laporan.tasks import build_report
from madrasah.services import staff_delete

REGISTER = reverse("laporan:number-register")
REQUEST = reverse("laporan:report-request")
SEMESTER = "2026-2027-ganjil"


def ask(client, django_capture_on_commit_callbacks, **data) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(REQUEST, data).status_code == 302
    return Report.objects.order_by("-pk").first()


def run(report_id: int, task_id: str) -> str:
    return build_report.apply(args=[report_id], task_id=task_id).get()


def register_rows(client) -> list[tuple[str, str, str]]:
    """(sequence, number, state) of each row of the register page."""
    html = client.get(REGISTER).content.decode()
    rows = re.findall(r'<tr data-sequence="(\d+)" data-state="(\w+)">\s*<td[^>]*>\d+</td>\s*<td[^>]*>(.*?)</td>', html)
    return [(sequence, number, state) for sequence, state, number in rows]


def refuse_to_render(monkeypatch) -> None:
    """The renderer refuses the document (as it refused a `url()` that text once smuggled into the CSS)."""

    def refused(html, **kwargs):
        raise pdf.ResourceRefused("refused to fetch 'http://127.0.0.1:9/x'")

    monkeypatch.setattr(pdf, "html_to_pdf", refused)


@pytest.mark.django_db
def test_a_failed_build_keeps_its_number_for_its_retry(
    login, kepala, media, sent, monkeypatch, django_capture_on_commit_callbacks
):
    client = login(kepala)
    report = ask(client, django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
    refuse_to_render(monkeypatch)
    assert run(report.pk, "task-1") == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.number.startswith("B-1/")
    number = report.number
    assert register_rows(client) == [("1", number, "waiting")]
    assert "Disimpan untuk pembuatan ulang dokumennya" in client.get(REGISTER).content.decode()

    monkeypatch.undo()
    monkeypatch.setattr(build_report, "apply_async", lambda args=None, **kw: sent.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("laporan:report-retry", args=[report.pk])).status_code == 302
    assert run(report.pk, "task-2") == "done"
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.number == number
    assert DocumentNumber.objects.count() == 1
    assert register_rows(client) == [("1", number, "issued")]


@pytest.mark.django_db
def test_a_number_given_up_is_shown_batal_never_skipped(
    login, kepala, guru, guru_lain, media, sent, monkeypatch, django_capture_on_commit_callbacks
):
    client = login(kepala)
    # B-1: the record of a teacher whose build failed, and who is then deleted (a double entry).
    doomed = ask(client, django_capture_on_commit_callbacks, kind="guru", period=SEMESTER, teacher=guru.staff_id)
    refuse_to_render(monkeypatch)
    assert run(doomed.pk, "task-1") == "failed"
    monkeypatch.undo()
    # B-2: built. B-3: its row removed from the register by hand (the admin).
    built = ask(client, django_capture_on_commit_callbacks, kind="guru", period=SEMESTER, teacher=guru_lain.staff_id)
    assert run(built.pk, "task-2") == "done"
    third = ask(client, django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
    assert run(third.pk, "task-3") == "done"
    DocumentNumber.objects.filter(sequence=3).delete()
    staff_delete(staff=guru.staff)

    rows = register_rows(client)
    assert [(sequence, state) for sequence, _number, state in rows] == [
        ("1", "cancelled"),
        ("2", "issued"),
        ("3", "cancelled"),
    ]
    assert rows[0][1].startswith("B-1/") and rows[2][1] == "–"
    assert client.get(REGISTER).content.decode().count(">Batal</span>") == 2


@pytest.mark.django_db
def test_a_builder_that_finds_the_row_numbered_takes_no_second_number(kepala, media, sent):
    report, _joined = services.report_request(
        membership=kepala, kind=document_kind("semester"), period_key=SEMESTER, user=kepala.user
    )
    stale = Report.objects.get(pk=report.pk)  # read before another builder of the row numbered it
    services.report_html(report=Report.objects.get(pk=report.pk))
    services.report_html(report=stale)
    numbered = Report.objects.get(pk=report.pk).number
    assert stale.number == numbered
    assert list(DocumentNumber.objects.values_list("number", flat=True)) == [numbered]
    assert report_number_take(report=report) == numbered


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("kepala", 200), ("waka", 200), ("guru", 403), ("operator", 403), ("pengawas", 403), ("outsider", 200)],
)
def test_the_register_is_read_by_the_kepala_and_the_waka_of_the_madrasah(
    persona, status, request, login, kepala, media, sent, django_capture_on_commit_callbacks
):
    report = ask(login(kepala), django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
    run(report.pk, "task-1")
    report.refresh_from_db()
    response = login(request.getfixturevalue(persona)).get(REGISTER)
    assert response.status_code == status
    if status == 200:
        # The outsider (the Kepala of another madrasah) sees their own, empty register.
        assert (report.number in response.content.decode()) == (persona != "outsider")


def test_the_register_asks_for_a_login(client):
    assert client.get(REGISTER).status_code == 302
