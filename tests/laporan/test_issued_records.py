"""Issued means fixed: a rebuilt document is its next revision (same number, own date, own file and
SHA-256, the earlier ones kept); a decree is changed only by an amending decree with its own number;
the signed copy is stored next to its revision and shown first; the notice is a surat dinas dated
before the first visit it announces. Through HTTP, with real WeasyPrint builds where a PDF is read."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from laporan.models import Report, ReportRevision, ReportStatus
from laporan.tasks import build_report
from madrasah.models import DecreeNumbering, Madrasah

from .document_world import supervised_semester
from .report_helpers import pdf_text

WIB = dt.timezone(dt.timedelta(hours=7))
SEMESTER = "2026-2027-ganjil"
YEAR = "2026-2027"
REQUEST = reverse("laporan:report-request")


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=WIB), tick=False)


def ask(client, callbacks, **data):
    with callbacks(execute=True):
        return client.post(REQUEST, data, follow=True)


def run(report_id: int, task_id: str) -> str:
    return build_report.apply(args=[report_id], task_id=task_id).get()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- revisions --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rebuild_keeps_the_number_and_makes_revisi_1_while_revisi_0_stays_downloadable(
    login, kepala, media, sent, django_capture_on_commit_callbacks
):
    client = login(kepala)
    with at(2026, 11, 16, 9):
        ask(client, django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
        report = Report.objects.get(kind="semester")
        assert run(report.pk, "t1") == "done"
    first = ReportRevision.objects.get(report=report)
    first_bytes = (media / first.file.name).read_bytes()
    with at(2026, 11, 20, 9):
        client = login(kepala)  # four days later: a new session
        ask(client, django_capture_on_commit_callbacks, kind="semester", period=SEMESTER, paper="A4")
        assert run(report.pk, "t2") == "done"
        report.refresh_from_db()
        zero, one = ReportRevision.objects.filter(report=report).order_by("revision")
        assert (zero.revision, zero.dated, one.revision, one.dated) == (
            0,
            dt.date(2026, 11, 16),
            1,
            dt.date(2026, 11, 20),
        )
        assert zero.sha256 == hashlib.sha256(first_bytes).hexdigest() != one.sha256
        old = client.get(reverse("laporan:report-revision-download", args=[report.pk, 0]))
        assert old.status_code == 200 and body(old) == first_bytes  # unchanged, still downloadable
        new_text = pdf_text(body(client.get(reverse("laporan:report-revision-download", args=[report.pk, 1]))))
        assert report.number in new_text and "Revisi 1, 20 November 2026" in new_text
        assert "Revisi" not in pdf_text(first_bytes)

        page = client.get(reverse("laporan:report-revisions", args=[report.pk])).content.decode()
        assert f'title="{one.sha256}"' in page and f"{one.sha256[:12]}…" in page
        assert page.index('data-revision="1"') < page.index('data-revision="0"')  # newest first


@pytest.mark.django_db
def test_a_revision_asked_for_while_the_previous_build_runs_starts_no_second_build(
    login, kepala, waka, media, sent, django_capture_on_commit_callbacks
):
    with at(2026, 11, 16, 9):
        ask(login(kepala), django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
        report = Report.objects.get(kind="semester")
        run(report.pk, "t1")
        ask(login(kepala), django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)  # Revisi 1 queued
        response = ask(login(waka), django_capture_on_commit_callbacks, kind="semester", period=SEMESTER)
        assert "masih berjalan: tidak ada pembuatan kedua" in messages_of(response)
        assert sent == [report.pk, report.pk]  # the third request sent nothing
        assert Report.objects.count() == 1
        assert run(report.pk, "t2") == "done"
        assert run(report.pk, "t3") == "skipped"  # a duplicate message finds the row done
    assert list(ReportRevision.objects.filter(report=report).values_list("revision", flat=True)) == [1, 0]


# --- decrees ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("style", "number", "heading"),
    [
        (DecreeNumbering.AGENDA, r"B-\d+/Mts\.13\.28\.03/PP\.00\.4/11/2026", None),
        (DecreeNumbering.NUMBER_YEAR, r"\d+ Tahun 2026", r"NOMOR \d+ TAHUN 2026"),
    ],
)
def test_a_decree_is_never_rebuilt_its_change_is_a_new_decree_with_its_own_number(
    style, number, heading, login, madrasah, kepala, waka, guru, guru_lain, media, sent,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    Madrasah.objects.filter(pk=madrasah.pk).update(decree_numbering=style)
    with at(2026, 11, 16, 9):
        supervised_semester(madrasah, kepala, waka, guru, guru_lain)
        client = login(kepala)
        ask(client, django_capture_on_commit_callbacks, kind="sk-tim", period=YEAR)
        first = Report.objects.get(kind="sk-tim")
        run(first.pk, "t1")
        again = ask(client, django_capture_on_commit_callbacks, kind="sk-tim", period=YEAR)
        assert "tidak pernah dibuat ulang" in messages_of(again)
        assert Report.objects.filter(kind="sk-tim").count() == 1 and sent == [first.pk]

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("laporan:report-amend", args=[first.pk]), follow=True)
        amendment = Report.objects.get(amends=first)
        assert re.fullmatch(number, amendment.number), amendment.number
        assert f"Keputusan perubahan nomor {amendment.number} sedang disiapkan" in messages_of(response)
        run(amendment.pk, "t2")
    text = pdf_text((media / Report.objects.get(pk=amendment.pk).file.name).read_bytes())
    assert "PERUBAHAN ATAS KEPUTUSAN KEPALA" in text.upper()
    assert "B-101/Mts.13.28.03/PP.00.4/07/2026" in text  # the decree it changes, as issued
    assert re.search(heading or re.escape(amendment.number), text)
    assert "Badrus Salam" in text  # the team as it stands, in the new attachment
    assert (media / ReportRevision.objects.get(report=first).file.name).exists()  # the first is kept


@pytest.mark.django_db
def test_the_second_change_is_the_second_amendment_of_the_first_decree(
    login, madrasah, kepala, waka, guru, guru_lain, media, sent, django_capture_on_commit_callbacks
):
    with at(2026, 11, 16, 9):
        supervised_semester(madrasah, kepala, waka, guru, guru_lain)
        client = login(kepala)
        ask(client, django_capture_on_commit_callbacks, kind="sk-tim", period=YEAR)
        first = Report.objects.get(kind="sk-tim")
        run(first.pk, "t1")
        client.post(reverse("laporan:report-amend", args=[first.pk]))
        one = Report.objects.get(amends=first)
        pending = client.post(reverse("laporan:report-amend", args=[first.pk]), follow=True)
        assert "sedang disiapkan: tunggu" in messages_of(pending)  # one change at a time
        run(one.pk, "t2")
        client.post(reverse("laporan:report-amend", args=[one.pk]))
        two = Report.objects.exclude(pk__in=[first.pk, one.pk]).get()
        run(two.pk, "t3")
    assert two.amends_id == first.pk and two.amended_number == one.amended_number
    text = pdf_text((media / Report.objects.get(pk=two.pk).file.name).read_bytes()).upper()
    assert "PERUBAHAN KEDUA ATAS KEPUTUSAN KEPALA" in text
    assert len({first.number, one.number, two.number} - {""}) == 2  # two new numbers; the first was entered


# --- the signed copy --------------------------------------------------------------------------------


@pytest.fixture
def issued(madrasah, media):
    """A built semester recap of the personas' madrasah, Revisi 0 (a small PDF stands for the build)."""
    report = Report.objects.create(madrasah=madrasah, kind="semester", period=SEMESTER, status=ReportStatus.DONE)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    report.file.save("report.pdf", ContentFile(pdf), save=False)
    report.size = len(pdf)
    report.save()
    ReportRevision.objects.create(
        report=report, revision=0, dated=dt.date(2026, 11, 16), file=report.file.name, size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )  # fmt: skip
    return report


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def upload(client, report, name: str, content: bytes, content_type: str):
    url = reverse("laporan:report-signed-upload", args=[report.pk, 0])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type=content_type)})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("scan.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf", "bukan PDF, JPEG atau PNG"),
        ("scan.pdf", b"<html><script>alert(1)</script></html>", "application/pdf", "bukan PDF, JPEG atau PNG"),
        ("scan.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024), "application/pdf", "lebih besar dari 10 MB"),
    ],
    ids=["renamed-exe", "html", "11-mb"],
)
def test_a_bad_signed_copy_is_refused_at_the_field_and_nothing_is_stored(
    name, content, content_type, message, login, kepala, issued, media
):
    response = upload(login(kepala), issued, name, content, content_type)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["file"])
    assert not ReportRevision.objects.get(report=issued).signed_copy
    assert not (media / "signed").exists()


@pytest.mark.django_db
def test_the_signed_copy_pdf_then_jpeg_is_stored_and_shown_first_in_the_archive(
    login, kepala, operator, issued, media, django_capture_on_commit_callbacks
):
    scan = b"%PDF-1.4\n% signed and stamped\n%%EOF\n"
    response = upload(login(kepala), issued, "ttd.pdf", scan, "application/pdf")
    assert response.status_code == 302
    revision = ReportRevision.objects.get(report=issued)
    assert (
        revision.signed_sha256 == hashlib.sha256(scan).hexdigest() and revision.signed_content_type == "application/pdf"
    )

    photo = jpeg()
    with django_capture_on_commit_callbacks(execute=True):  # the replaced scan is deleted after the commit
        assert upload(login(operator), issued, "foto.JPG", photo, "image/jpeg").status_code == 302
    revision.refresh_from_db()
    assert revision.signed_copy.name.endswith(".jpg") and revision.signed_sha256 == hashlib.sha256(photo).hexdigest()
    assert [p.name for p in (media / "signed").rglob("*") if p.is_file()] == [revision.signed_copy.name.rsplit("/")[-1]]

    client = login(kepala)
    archive = client.get(reverse("laporan:report-list")).content.decode()
    assert archive.index('data-testid="report-signed"') < archive.index('data-testid="report-download"')
    signed = client.get(reverse("laporan:report-signed-download", args=[issued.pk, 0]))
    assert body(signed) == photo
    page = client.get(reverse("laporan:report-revisions", args=[issued.pk])).content.decode()
    assert page.index('data-testid="signed-copy"') < page.index('data-testid="built-file"')


# --- the notice to teachers -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_notice_is_a_surat_dinas_dated_before_the_first_visit(
    login, madrasah, kepala, waka, guru, guru_lain, media, sent, django_capture_on_commit_callbacks
):
    with at(2026, 8, 10, 9):
        supervised_semester(madrasah, kepala, waka, guru, guru_lain)  # first visit: 17 August 2026
    client = login(kepala)
    with at(2026, 8, 17, 7):
        late = ask(client, django_capture_on_commit_callbacks, kind="pemberitahuan", period=SEMESTER)
        assert (
            "harus bertanggal sebelum kunjungan pertama yang diberitahukannya (17 Agustus 2026), sedangkan hari ini "
            "17 Agustus 2026" in messages_of(late)
        )
        assert not Report.objects.exists() and sent == []
    with at(2026, 8, 10, 9):
        ask(client, django_capture_on_commit_callbacks, kind="pemberitahuan", period=SEMESTER)
        notice = Report.objects.get(kind="pemberitahuan")
        assert run(notice.pk, "t1") == "done"
    notice.refresh_from_db()
    text = pdf_text((media / notice.file.name).read_bytes())
    assert re.search(rf"Nomor\s*:\s*{re.escape(notice.number)}", text)
    assert re.search(r"Sifat\s*:\s*Biasa", text)
    assert re.search(r"Lampiran\s*:\s*1 \(satu\) berkas", text)
    assert re.search(r"Hal\s*:\s*Pemberitahuan jadwal supervisi akademik", text)
    assert "Yth. Bapak/Ibu Guru" in text and "10 Agustus 2026" in text
    assert text.index("Nomor") < text.index("Yth.")
