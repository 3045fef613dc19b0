"""The yearly evidence bundle: one zip, built by the task like every report, with the year's decree
and, per semester, the programme, the schedule, each observed teacher's filled sheets, the analysis
(RTL) and the numbered supervision report as issued; downloaded through the protected view by its
readers only, each opening logged for every teacher whose sheets it holds."""

from __future__ import annotations

import io
import zipfile

import pytest
import time_machine
from django.urls import reverse

from laporan.documents.rules import document_kind
from laporan.documents.services import reports as services
from laporan.models import Report, ReportStatus
from laporan.tasks import build_report
from madrasah.models import AccessLog

from .document_world import NOW, supervised_semester
from .report_helpers import build_in_parts, files_under, pdf_text

YEAR = "2026-2027"
SEMESTER = "2026-2027-ganjil"


@pytest.fixture
def world(madrasah, kepala, waka, guru, guru_lain):
    return supervised_semester(madrasah, kepala, waka, guru, guru_lain)


def build_bundle(kepala) -> Report:
    report, _joined = services.report_request(
        membership=kepala, kind=document_kind("bundle"), period_key=YEAR, user=kepala.user
    )
    with time_machine.travel(NOW, tick=False):
        assert build_in_parts(report.pk) == "done"
    report.refresh_from_db()
    return report


def entries(media, report) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO((media / report.file.name).read_bytes())) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.django_db
def test_the_bundle_is_one_zip_of_the_years_documents(world, kepala, media, sent):
    report = build_bundle(kepala)
    assert report.status == ReportStatus.DONE and report.is_zip and report.size > 0
    assert report.file.name.endswith(".zip")

    files = entries(media, report)
    sheets = sorted(name for name in files if "/03-lembar-isi/" in name)
    assert sorted(set(files) - set(sheets)) == [
        "00-daftar-isi.pdf",
        "01-sk-tim.pdf",
        f"{SEMESTER}/01-program.pdf",
        f"{SEMESTER}/02-jadwal.pdf",
        f"{SEMESTER}/04-analisis.pdf",
        f"{SEMESTER}/05-laporan-supervisi.pdf",
    ]
    # The three teachers whose observation left the supervisor's draft; not Zainal (still a draft).
    assert [name.rsplit("/", 1)[1].rsplit("-", 1)[0] for name in sheets] == [
        "Badrus-Salam",
        "Fikri-Haikal",
        "Nur-Hayati",
    ]
    assert all(data.startswith(b"%PDF") for data in files.values())
    assert "Badrus Salam" in pdf_text(files[sheets[0]])
    contents = pdf_text(files["00-daftar-isi.pdf"])
    assert all(name in contents.replace(" ", "") for name in [f"{SEMESTER}/05-laporan-supervisi.pdf"])
    assert "LAPORAN SUPERVISI AKADEMIK" in pdf_text(files[f"{SEMESTER}/05-laporan-supervisi.pdf"]).upper()


@pytest.mark.django_db
def test_the_numbered_report_goes_in_as_issued(world, kepala, media, sent):
    report = build_bundle(kepala)
    issued = Report.objects.get(kind="laporan-supervisi", period=SEMESTER)
    assert issued.status == ReportStatus.DONE and issued.number  # built first, numbered, in the archive
    assert entries(media, report)[f"{SEMESTER}/05-laporan-supervisi.pdf"] == (media / issued.file.name).read_bytes()

    # A second bundle takes the same issued report: no new number, no new row.
    build_report.apply(args=[report.pk], task_id="again")
    services.report_request(membership=kepala, kind=document_kind("bundle"), period_key=YEAR, user=kepala.user)
    with time_machine.travel(NOW, tick=False):
        assert build_in_parts(report.pk, task_id="bundle-task-2") == "done"
    assert Report.objects.filter(kind="laporan-supervisi").count() == 1
    assert Report.objects.get(kind="laporan-supervisi").number == issued.number


@pytest.mark.django_db
def test_the_bundle_downloads_as_a_zip_for_its_readers_only(world, kepala, waka, guru, login, media, sent):
    report = build_bundle(kepala)
    download = reverse("laporan:report-download", args=[report.pk])
    response = login(waka).get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].endswith(f'filename="laporan-bundle-{YEAR}.zip"')
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    # The Waka opened three teachers' filled sheets: each opening is logged.
    logged = AccessLog.objects.filter(user=waka.user)
    assert logged.count() == 3 and {log.what for log in logged} == {"Bundel bukti tahunan (zip)"}

    assert login(guru).get(download).status_code == 403
    status = login(kepala).get(reverse("laporan:report-status", args=[report.pk])).content.decode()
    assert "Unduh ZIP" in status


@pytest.mark.django_db
def test_a_year_without_semesters_gives_a_bundle_that_says_so(madrasah, kepala, media, sent):
    madrasah.semesters.all().delete()
    report = build_bundle(kepala)
    files = entries(media, report)
    assert sorted(files) == ["00-daftar-isi.pdf", "01-sk-tim.pdf"]
    assert "belum ada data" in pdf_text(files["00-daftar-isi.pdf"]).lower()
    assert len(files_under(media)) == 1
