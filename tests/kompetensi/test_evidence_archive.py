"""Unduh bukti dukung: one zip per teacher and period with exactly the finalised supervision results, the
approved PKG and the verified PKB entries of that period; the teacher's own, or the Kepala's and
Waka's (logged); another teacher and another madrasah get 404."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kompetensi.growth.rules import safe_name
from kompetensi.models import AppraisalEvidence, AppraisalStage, PkbActivity, PkbKind, PkbStatus
from kompetensi.supervision.services.transitions import (
    observation_acknowledge,
    observation_finalise,
    observation_submit,
)
from madrasah.models import AcademicYear, AccessLog, Semester
from tests.factories import appraisal as appraisal_factories
from tests.factories.supervision import approved_programme, programme_row, supervision_version
from tests.kompetensi.test_workflow import scored_observation

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _final(row, waka, guru, kepala):
    observation = scored_observation(row=row, supervisor=waka)
    observation_submit(observation=observation, user=waka.user)
    observation_acknowledge(observation=observation, user=guru.user, response="Terima kasih.")
    observation_finalise(observation=observation, user=kepala.user)
    observation.refresh_from_db()
    return observation


def _pkb(guru, *, title, day, status, file_name=None, jp=8):
    activity = PkbActivity(
        madrasah=guru.madrasah,
        teacher=guru.staff,
        kind=PkbKind.TRAINING,
        title=title,
        organiser="Balai Diklat Keagamaan Surabaya",
        start_date=day,
        end_date=day,
        jp=jp,
        status=status,
        return_note="Sertifikat tidak terbaca." if status == PkbStatus.RETURNED else "",
        verified_at=_aware(day + dt.timedelta(days=3)) if status == PkbStatus.VERIFIED else None,
    )
    if file_name:
        activity.evidence = SimpleUploadedFile(file_name, PDF, content_type="application/pdf")
        activity.evidence_name = file_name
    activity.save()
    return activity


@pytest.fixture
def history(madrasah, kepala, waka, guru, guru_lain):
    """Two academic years of the guru: 2025/2026 (ganjil and genap, past) and 2026/2027 (ganjil, active).

    - supervision: final in 2025 ganjil, 2025 genap and 2026 ganjil; in 2025 genap also one only
      submitted and one acknowledged but not final; guru_lain's final result in 2025 ganjil;
    - PKG: 2025/2026 approved in June 2026 with two documents; 2026/2027 in progress with one;
    - PKB: 2025/2026 two verified (one with a certificate, one without a file), one returned, one
      waiting; 2026/2027 one verified; guru_lain's verified one.
    """
    year_2026 = madrasah.academic_years.get(start_year=2026)
    year_2025 = AcademicYear.objects.create(madrasah=madrasah, start_year=2025)
    ganjil = Semester.objects.create(
        madrasah=madrasah,
        academic_year=year_2025,
        kind="ganjil",
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 12, 31),
    )
    genap = Semester.objects.create(
        madrasah=madrasah,
        academic_year=year_2025,
        kind="genap",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 30),
    )
    planned = {
        ganjil: _aware(dt.date(2025, 8, 18), 8),
        genap: _aware(dt.date(2026, 2, 16), 8),
    }
    made = {}
    for semester in (ganjil, genap):
        programme = approved_programme(
            madrasah=madrasah, kepala=kepala, waka=waka, guru=guru, semester=semester, planned_at=planned[semester]
        )
        made[semester] = programme
    current = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)

    final_ganjil = _final(made[ganjil].rows.get(), waka, guru, kepala)
    final_genap = _final(made[genap].rows.get(), waka, guru, kepala)
    final_current = _final(current.rows.get(), waka, guru, kepala)
    # Not final, 2025 genap: a second and third instrument on the same visit.
    second = supervision_version(madrasah=madrasah, academic_year=year_2025, code="pelaksanaan-uji")
    third = supervision_version(madrasah=madrasah, academic_year=year_2025, code="penilaian-uji")
    row = made[genap].rows.get()
    row.instruments.add(second, third)
    submitted = scored_observation(row=row, supervisor=waka, version=second)
    observation_submit(observation=submitted, user=waka.user)
    acknowledged = scored_observation(row=row, supervisor=waka, version=third)
    observation_submit(observation=acknowledged, user=waka.user)
    observation_acknowledge(observation=acknowledged, user=guru.user)
    other_row = programme_row(programme=made[ganjil], teacher=guru_lain, supervisor=waka)
    _final(other_row, waka, guru_lain, kepala)

    period_2025 = appraisal_factories.appraisal_period(madrasah, year_2025, kepala)
    approved = appraisal_factories.appraisal(
        period_2025,
        guru.staff,
        kepala.user,
        stage=AppraisalStage.APPROVED,
        total=46,
        nilai=Decimal("82.1429"),
        predikat="Baik",
        approved_at=_aware(dt.date(2026, 6, 10)),
        approved_by=kepala.user,
    )
    period_2026 = appraisal_factories.appraisal_period(madrasah, year_2026, kepala)
    in_progress = appraisal_factories.appraisal(period_2026, guru.staff, kepala.user)
    section = approved.instrument_version.sections.order_by("order").first()
    for appraisal, name in (
        (approved, "Modul Ajar Kelas VIII (final).pdf"),
        (approved, "Jurnal/Refleksi.pdf"),
        (in_progress, "Draf RPP.pdf"),
    ):
        AppraisalEvidence.objects.create(
            appraisal=appraisal,
            section=appraisal.instrument_version.sections.order_by("order").first()
            if appraisal != approved
            else section,
            file=SimpleUploadedFile(name.replace("/", "_"), PDF, content_type="application/pdf"),
            original_name=name,
            added_by=kepala.user,
        )
    # A note without a file is evidence too, but there is nothing to put in the zip.
    AppraisalEvidence.objects.create(appraisal=approved, section=section, note="Mengajar runtut.", added_by=kepala.user)

    pkb = {
        "verified": _pkb(
            guru,
            title="Diklat Kurikulum Merdeka",
            day=dt.date(2025, 9, 8),
            status=PkbStatus.VERIFIED,
            file_name="Sertifikat Diklat KM – Ñ (1).pdf",
        ),
        "verified_nofile": _pkb(guru, title="MGMP IPA", day=dt.date(2026, 3, 2), status=PkbStatus.VERIFIED, jp=4),
        "returned": _pkb(
            guru, title="Seminar daring", day=dt.date(2025, 10, 1), status=PkbStatus.RETURNED, file_name="seminar.pdf"
        ),
        "waiting": _pkb(
            guru, title="Webinar PMM", day=dt.date(2026, 4, 1), status=PkbStatus.SUBMITTED, file_name="webinar.pdf"
        ),
        "current": _pkb(
            guru, title="Workshop Asesmen", day=dt.date(2026, 8, 3), status=PkbStatus.VERIFIED, file_name="asesmen.pdf"
        ),
        "other_teacher": _pkb(
            guru_lain,
            title="Diklat orang lain",
            day=dt.date(2025, 9, 8),
            status=PkbStatus.VERIFIED,
            file_name="lain.pdf",
        ),
    }
    return {
        "ganjil": ganjil,
        "genap": genap,
        "final": (final_ganjil, final_genap, final_current),
        "approved": approved,
        "pkb": pkb,
    }


def _download(client, staff_pk, **query):
    return client.get(reverse("kompetensi:evidence-archive", args=[staff_pk]), query)


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_year_holds_exactly_its_final_approved_and_verified_items(history, login, guru):
    response = _download(login(guru), guru.staff_id, tahun="2025")
    archive = _zip(response)
    nip = guru.staff.nip
    assert f'filename="bukti-dukung-{nip}-2025-2026.zip"' in response["Content-Disposition"]
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
    assert sorted(archive.namelist()) == [
        "1-supervisi/01-2025-08-18-Instrumen-perencanaan-uji.html",
        "1-supervisi/02-2026-02-16-Instrumen-perencanaan-uji.html",
        "2-pkg/01-ringkasan-pkg-2025-2026.html",
        "2-pkg/bukti/01-Modul-Ajar-Kelas-VIII-final.pdf",
        "2-pkg/bukti/02-Jurnal-Refleksi.pdf",
        "3-pkb/01-Sertifikat-Diklat-KM-N-1.pdf",
        "index.html",
    ]
    assert archive.read("3-pkb/01-Sertifikat-Diklat-KM-N-1.pdf") == PDF
    index = archive.read("index.html").decode()
    for text in ("Diklat Kurikulum Merdeka", "MGMP IPA", "8 September 2025", "18 Agustus 2025", "Baik", "82,14"):
        assert text in index
    for text in ("Seminar daring", "Webinar PMM", "Workshop Asesmen", "Diklat orang lain", "Draf RPP"):
        assert text not in index
    assert 'href="1-supervisi/01-2025-08-18-Instrumen-perencanaan-uji.html"' in index
    assert ">12<" in index  # 8 + 4 JP verified
    page = archive.read("1-supervisi/01-2025-08-18-Instrumen-perencanaan-uji.html").decode()
    final = history["final"][0]
    assert "Butir 1" in page and final.predikat in page and "75,00" in page
    assert "9 dari 12" in page  # points 4 + 3 + 2 of 3 × 4
    summary = archive.read("2-pkg/01-ringkasan-pkg-2025-2026.html").decode()
    assert 'href="bukti/01-Modul-Ajar-Kelas-VIII-final.pdf"' in summary and "82,14" in summary
    assert not AccessLog.objects.exists()  # the teacher's own download is not logged


def test_a_semester_holds_only_its_own_items(history, login, guru):
    archive = _zip(_download(login(guru), guru.staff_id, semester="2025-2026-ganjil"))
    assert sorted(archive.namelist()) == [
        "1-supervisi/01-2025-08-18-Instrumen-perencanaan-uji.html",
        "3-pkb/01-Sertifikat-Diklat-KM-N-1.pdf",
        "index.html",
    ]
    genap = _zip(_download(login(guru), guru.staff_id, semester="2025-2026-genap"))
    assert "2-pkg/01-ringkasan-pkg-2025-2026.html" in genap.namelist()  # approved in June 2026
    current = _zip(_download(login(guru), guru.staff_id, tahun="2026"))
    assert sorted(current.namelist()) == [
        "1-supervisi/01-2026-07-20-Instrumen-perencanaan-uji.html",
        "3-pkb/01-asesmen.pdf",
        "index.html",
    ]


def test_without_a_period_the_form_is_shown(history, login, guru):
    client = login(guru)
    response = _download(client, guru.staff_id)
    form = reverse("kompetensi:evidence-archive-form", args=[guru.staff_id])
    assert response.status_code == 302 and response.url == form
    page = client.get(form)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="2025-2026-genap"' in body and 'value="2025"' in body


@pytest.mark.parametrize(
    "query", [{"tahun": "1999"}, {"tahun": "20x5"}, {"semester": "2025-2027-ganjil"}, {"semester": "../../etc"}]
)
def test_an_unknown_period_is_404(history, login, guru, query):
    assert _download(login(guru), guru.staff_id, **query).status_code == 404


def test_another_teacher_and_another_madrasah_get_404(history, login, guru, guru_lain, outsider):
    for person in (guru_lain, outsider):
        assert _download(login(person), guru.staff_id, tahun="2025").status_code == 404
        assert login(person).get(reverse("kompetensi:evidence-archive-form", args=[guru.staff_id])).status_code == 404
    # The outsider's own teacher id, forged into our madrasah's session, is not found either.
    assert _download(login(guru), outsider.staff_id, tahun="2025").status_code == 404
    assert not AccessLog.objects.exists()


def test_the_pengawas_and_the_operator_may_not_download(history, login, guru, pengawas, operator):
    for person in (pengawas, operator):
        assert _download(login(person), guru.staff_id, tahun="2025").status_code == 403
    assert not AccessLog.objects.exists()


def test_the_kepala_downloads_and_is_logged(history, login, guru, kepala):
    archive = _zip(_download(login(kepala), guru.staff_id, tahun="2025"))
    assert "2-pkg/01-ringkasan-pkg-2025-2026.html" in archive.namelist()
    log = AccessLog.objects.get()
    assert (log.user, log.staff, log.what, log.madrasah) == (
        kepala.user,
        guru.staff,
        "Unduh bukti dukung",
        guru.madrasah,
    )


def test_the_waka_downloads_without_the_pkg_and_is_logged(history, login, guru, waka):
    archive = _zip(_download(login(waka), guru.staff_id, tahun="2025"))
    names = archive.namelist()
    assert not any(n.startswith("2-pkg/") for n in names)
    assert "1-supervisi/01-2025-08-18-Instrumen-perencanaan-uji.html" in names
    assert "hanya guru yang bersangkutan, penilai, dan Kepala" in archive.read("index.html").decode()
    assert AccessLog.objects.filter(user=waka.user, staff=guru.staff, what="Unduh bukti dukung").count() == 1


def test_file_names_are_safe():
    assert safe_name("../../etc/passwd") == "etc-passwd"
    assert safe_name("Sertifikat Ñoño – 2025.PDF") == "Sertifikat-Nono-2025.pdf"
    assert safe_name("...") == "berkas"
    assert len(safe_name("a" * 300 + ".pdf")) <= 80
