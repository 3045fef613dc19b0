"""Unduh bukti dukung: one zip of PDFs per teacher and period (a semester, a quarter or a calendar year),
named `<identifier>_<kind>_<date>_<short title>.pdf`, with a contents page: exactly the teacher's
finalised supervision results, approved PKG, verified PKB certificates and the berita acara of the
in-house activities they attended. The teacher's own, or the Kepala's and the Waka's (logged);
another teacher and another madrasah get 404."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader, PdfWriter

from kompetensi.models import AppraisalEvidence, AppraisalStage, PkbActivity, PkbKind, PkbStatus
from kompetensi.pkb.services import InHouseData, in_house_create
from kompetensi.supervision.services.transitions import (
    observation_acknowledge,
    observation_finalise,
    observation_submit,
)
from laporan.evidence.rules import FILE_NAME
from madrasah.models import AcademicYear, AccessLog, Semester
from tests.factories import appraisal as appraisal_factories
from tests.factories.supervision import approved_programme, programme_row, supervision_version
from tests.kompetensi.test_workflow import scored_observation


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


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


def _pkb(guru, *, title, day, status, file_name=None, jp=8, data=None):
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
        activity.evidence = SimpleUploadedFile(file_name, data or pdf_bytes(), content_type="application/pdf")
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
            file=SimpleUploadedFile(name.replace("/", "_"), pdf_bytes(), content_type="application/pdf"),
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
    attended = in_house_create(
        madrasah=madrasah,
        user=waka.user,
        data=InHouseData(
            title="IHT Asesmen Diagnostik",
            organiser="MTsN 3 Pamekasan",
            start_date=dt.date(2025, 11, 20),
            end_date=dt.date(2025, 11, 20),
            jp=6,
            place="Aula",
        ),
        attendees=[guru.staff, guru_lain.staff],
    )
    not_attended = in_house_create(
        madrasah=madrasah,
        user=waka.user,
        data=InHouseData(
            title="Supervisi klinis rekan",
            organiser="MTsN 3 Pamekasan",
            start_date=dt.date(2025, 11, 27),
            end_date=dt.date(2025, 11, 27),
            jp=2,
        ),
        attendees=[guru_lain.staff],
    )
    return {
        "in_house": (attended, not_attended),
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


def _pdfs(archive: zipfile.ZipFile) -> dict[str, PdfReader]:
    """Every file of the zip read as a PDF (each must be one)."""
    found = {}
    for name in archive.namelist():
        data = archive.read(name)
        assert data.startswith(b"%PDF"), name
        found[name] = PdfReader(io.BytesIO(data))
        assert len(found[name].pages) >= 1, name
    return found


def _text(reader: PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def _squeezed(text: str) -> str:
    """Text without white space: file names in a narrow column are broken over lines."""
    return re.sub(r"\s+", "", text)


def _today() -> str:
    return f"{timezone.localdate():%Y-%m-%d}"


def test_a_calendar_year_holds_its_records_as_pdfs_with_a_contents_page(history, login, guru):
    response = _download(login(guru), guru.staff_id, periode="tahun", tahun="2025")
    archive = _zip(response)
    nip = guru.staff.nip
    assert f'filename="bukti-dukung-{nip}-2025.zip"' in response["Content-Disposition"]
    contents = f"{nip}_daftar-isi_{_today()}_2025.pdf"
    assert archive.namelist() == [
        contents,
        f"{nip}_supervisi_2025-08-18_instrumen-perencanaan-uji.pdf",
        f"{nip}_pkb_2025-09-08_diklat-kurikulum-merdeka.pdf",
        f"{nip}_berita-acara_2025-11-20_iht-asesmen-diagnostik.pdf",
    ]
    pdfs = _pdfs(archive)
    assert all(FILE_NAME.match(name) for name in pdfs)
    listed = _squeezed(_text(pdfs[contents]))
    for name in archive.namelist():
        assert name in listed
    assert "Tahun2025" in listed and "Daftarisi" in listed
    sheet = _text(pdfs[f"{nip}_supervisi_2025-08-18_instrumen-perencanaan-uji.pdf"])
    assert "Butir 1" in sheet and history["final"][0].predikat in sheet
    berita = _text(pdfs[f"{nip}_berita-acara_2025-11-20_iht-asesmen-diagnostik.pdf"])
    assert "BERITA ACARA" in berita.upper() and "IHT Asesmen Diagnostik" in berita
    assert "Supervisi klinis rekan" not in berita  # an activity the teacher did not attend
    assert not AccessLog.objects.exists()  # the teacher's own download is not logged


def test_quarters_pick_the_records_of_their_three_months(history, login, guru):
    client, nip = login(guru), guru.staff.nip
    first = _zip(_download(client, guru.staff_id, periode="triwulan", tahun="2026", triwulan="1"))
    assert first.namelist()[1:] == [f"{nip}_supervisi_2026-02-16_instrumen-perencanaan-uji.pdf"]
    second = _zip(_download(client, guru.staff_id, periode="triwulan", tahun="2026", triwulan="2"))
    assert second.namelist()[1:] == [
        f"{nip}_pkg_2026-06-10_pkg-2025-2026.pdf",
        f"{nip}_pkg-bukti_2026-06-10_modul-ajar-kelas-viii-final.pdf",
        f"{nip}_pkg-bukti_2026-06-10_jurnal-refleksi.pdf",
    ]
    pkg = _text(_pdfs(second)[f"{nip}_pkg_2026-06-10_pkg-2025-2026.pdf"])
    assert "82,14" in pkg
    third = _zip(_download(client, guru.staff_id, periode="triwulan", tahun="2025", triwulan="3"))
    assert [n.split("_")[1] for n in third.namelist()] == ["daftar-isi", "supervisi", "pkb"]


def test_a_semester_holds_its_programme_s_results(history, login, guru):
    archive = _zip(_download(login(guru), guru.staff_id, periode="semester", semester="2025-2026-ganjil"))
    assert [n.split("_", 2)[1] for n in archive.namelist()] == ["daftar-isi", "supervisi", "pkb", "berita-acara"]
    assert archive.namelist()[0].endswith("_2025-2026-ganjil.pdf")


def test_another_teacher_s_items_are_never_in_the_zip(history, login, guru, guru_lain):
    archive = _zip(_download(login(guru), guru.staff_id, periode="tahun", tahun="2025"))
    text = " ".join(_text(reader) for reader in _pdfs(archive).values())
    assert "Diklat orang lain" not in text
    assert guru_lain.staff.full_name not in _text(_pdfs(archive)[archive.namelist()[1]])  # the sheet
    assert not any(guru_lain.staff.nip in name for name in archive.namelist())


def test_a_photo_certificate_becomes_a_one_page_pdf(history, login, guru):
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(photo, "PNG")
    _pkb(
        guru,
        title="Sertifikat foto",
        day=dt.date(2025, 12, 1),
        status=PkbStatus.VERIFIED,
        file_name="foto.png",
        data=photo.getvalue(),
    )
    archive = _zip(_download(login(guru), guru.staff_id, periode="triwulan", tahun="2025", triwulan="4"))
    name = f"{guru.staff.nip}_pkb_2025-12-01_sertifikat-foto.pdf"
    assert len(_pdfs(archive)[name].pages) == 1


# As long as a PKB title may be (200 characters, a limit PostgreSQL enforces), with a word no file
# name can hold.
HOSTILE = ("../../=cmd|' /C calc'!A0 \\41 \\000022 😀 Ñoño " + "x" * 200)[:200]


def test_hostile_titles_give_safe_names(history, login, guru, waka):
    _pkb(guru, title=HOSTILE, day=dt.date(2025, 12, 2), status=PkbStatus.VERIFIED, file_name="../../evil.pdf")
    _pkb(guru, title="😀😀", day=dt.date(2025, 12, 3), status=PkbStatus.VERIFIED, file_name="=cmd.pdf")
    _pkb(guru, title="😀😀", day=dt.date(2025, 12, 3), status=PkbStatus.VERIFIED, file_name="emoji.pdf")
    in_house_create(
        madrasah=guru.madrasah,
        user=waka.user,
        data=InHouseData(
            title='=HYPERLINK("http://x")',
            organiser="-",
            start_date=dt.date(2025, 12, 4),
            end_date=dt.date(2025, 12, 4),
            jp=1,
        ),
        attendees=[guru.staff],
    )
    archive = _zip(_download(login(guru), guru.staff_id, periode="triwulan", tahun="2025", triwulan="4"))
    names = archive.namelist()
    nip = guru.staff.nip
    assert names[1:] == [
        f"{nip}_pkb_2025-12-02_cmd-c-calc-a0-41-000022-nono.pdf",
        f"{nip}_pkb_2025-12-03_dokumen.pdf",
        f"{nip}_pkb_2025-12-03_dokumen-2.pdf",
        f"{nip}_berita-acara_2025-11-20_iht-asesmen-diagnostik.pdf",
        f"{nip}_berita-acara_2025-12-04_hyperlink-http-x.pdf",
    ]
    assert all(FILE_NAME.match(n) and len(n) <= 100 for n in names)
    assert len(_pdfs(archive)) == 6


def test_the_identifier_falls_back_to_nignp_pegid_and_nuptk(history, login, guru):
    staff = guru.staff
    for fields, expected in (
        ({"nip": "", "nignp": "NIGNP-123"}, "NIGNP123"),
        ({"nip": "", "nignp": "", "peg_id": "20201234"}, "20201234"),
        ({"nip": "", "nignp": "", "peg_id": "", "nuptk": "1234567890123456"}, "1234567890123456"),
    ):
        for name, value in fields.items():
            setattr(staff, name, value)
        staff.save()
        archive = _zip(_download(login(guru), staff.pk, periode="tahun", tahun="2025"))
        assert all(n.startswith(f"{expected}_") for n in archive.namelist())
        label = {"NIGNP123": "NIGNP", "20201234": "PegID"}.get(expected, "NUPTK")
        assert label in _text(_pdfs(archive)[archive.namelist()[0]])


def test_without_a_period_the_form_is_shown_with_the_current_semester(history, login, guru):
    client = login(guru)
    response = _download(client, guru.staff_id)
    form = reverse("kompetensi:evidence-archive-form", args=[guru.staff_id])
    assert response.status_code == 302 and response.url == form
    body = client.get(form).content.decode()
    active = guru.madrasah.semesters.get(is_active=True).slug
    assert f'<option value="{active}" selected>' in body
    assert 'value="semester" checked' in body or "checked" in body.split('value="semester"')[1][:40]
    assert "Triwulan" in body and "Tahun kalender" in body


@pytest.mark.parametrize(
    ("query", "field_error"),
    [
        ({"periode": "tahun", "tahun": "1999"}, "Pilih tahun kalender dari daftar."),
        ({"periode": "tahun", "tahun": "1e400"}, "Pilih tahun kalender dari daftar."),
        ({"periode": "tahun", "tahun": "99999999999999999999"}, "Pilih tahun kalender dari daftar."),
        ({"periode": "triwulan", "tahun": "2026", "triwulan": "5"}, "Pilih triwulan I, II, III, atau IV."),
        ({"periode": "triwulan", "tahun": "2026"}, "Pilih triwulan."),
        ({"periode": "semester", "semester": "../../etc"}, "Pilih semester madrasah ini dari daftar."),
        ({"periode": "bulan", "tahun": "2026"}, "Pilih semester, triwulan, atau tahun kalender."),
        ({"tahun": "2025"}, "Pilih semester, triwulan, atau tahun kalender."),
    ],
)
def test_a_bad_period_gets_a_message_at_its_field(history, login, guru, query, field_error):
    response = _download(login(guru), guru.staff_id, **query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert field_error in response.content.decode()


def test_another_teacher_and_another_madrasah_get_404(history, login, guru, guru_lain, outsider):
    for person in (guru_lain, outsider):
        assert _download(login(person), guru.staff_id, periode="tahun", tahun="2025").status_code == 404
        assert login(person).get(reverse("kompetensi:evidence-archive-form", args=[guru.staff_id])).status_code == 404
    assert _download(login(guru), outsider.staff_id, periode="tahun", tahun="2025").status_code == 404
    assert not AccessLog.objects.exists()


def test_the_pengawas_and_the_operator_may_not_download(history, login, guru, pengawas, operator):
    for person in (pengawas, operator):
        assert _download(login(person), guru.staff_id, periode="tahun", tahun="2026").status_code == 403
    assert not AccessLog.objects.exists()


def test_the_kepala_downloads_with_the_pkg_and_is_logged(history, login, guru, kepala):
    archive = _zip(_download(login(kepala), guru.staff_id, periode="tahun", tahun="2026"))
    assert any("_pkg_2026-06-10_" in n for n in archive.namelist())
    log = AccessLog.objects.get()
    assert (log.user, log.staff, log.what, log.madrasah) == (
        kepala.user,
        guru.staff,
        "Unduh bukti dukung",
        guru.madrasah,
    )


def test_the_waka_downloads_without_the_pkg_and_is_logged(history, login, guru, waka):
    archive = _zip(_download(login(waka), guru.staff_id, periode="tahun", tahun="2026"))
    names = archive.namelist()
    assert not any("_pkg" in n for n in names)
    assert any("_supervisi_2026-02-16_" in n for n in names)
    assert "Kepala" in _text(_pdfs(archive)[names[0]]) and "PKG" in _text(_pdfs(archive)[names[0]])
    assert AccessLog.objects.filter(user=waka.user, staff=guru.staff, what="Unduh bukti dukung").count() == 1


def test_the_records_are_read_in_a_fixed_number_of_queries(history, guru, waka, django_assert_num_queries):
    from laporan.evidence.rules import year_period
    from laporan.evidence.selectors import evidence_records

    for day in (dt.date(2026, 9, 1), dt.date(2026, 10, 1)):
        in_house_create(
            madrasah=guru.madrasah,
            user=waka.user,
            data=InHouseData(title=f"IHT {day}", organiser="MTsN", start_date=day, end_date=day, jp=2),
            attendees=[guru.staff, waka.staff],
        )

    with django_assert_num_queries(6):  # sheets, PKG, its documents, PKB, in-house and their attendees
        records = evidence_records(teacher=guru.staff, period=year_period(2026))
    assert len(records.observations) == 2 and records.appraisal is not None and len(records.appraisal_documents) == 2
    assert [len(a.attendees.all()) for a in records.in_house] == [2, 2]


def test_quarters_and_years_have_their_calendar_bounds_and_slugs_stay_ascii():
    from laporan.evidence.rules import evidence_file_name, quarter_period, slug, unique_name, year_period

    assert (quarter_period(2026, 1).start, quarter_period(2026, 1).end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert (quarter_period(2024, 4).start, quarter_period(2024, 4).end) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert (year_period(2025).start, year_period(2025).end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("=SUM(A1:A9)") == "sum-a1-a9"
    assert slug("\\0041 \\22 url(x)") == "0041-22-url-x"
    assert slug("😀") == "dokumen"
    assert len(slug("kata " * 100)) <= 40 and not slug("kata " * 100).endswith("-")
    name = evidence_file_name(identifier="123", kind="pkb", day=dt.date(2026, 1, 2), title="Sertifikat Ñoño")
    assert name == "123_pkb_2026-01-02_sertifikat-nono.pdf" and FILE_NAME.match(name)
    taken: set[str] = set()
    assert [unique_name(name, taken) for _ in range(3)] == [name, name[:-4] + "-2.pdf", name[:-4] + "-3.pdf"]
