"""The official documents of the supervision cycle, built as the build does and read back as text:
the decree, the programme, the schedule, the notice, the blank and filled sheets, the analysis and the
report. The semester is `document_world.supervised_semester` (its docstring has the numbers)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompetensi.models import ProgrammeRow, SupervisionTeam, TeamMember
from laporan.dashboard.rules import recap_tables
from laporan.dashboard.selectors import dashboard_data
from laporan.documents.kinds.supervision_report import SUPERVISION_TABLES
from laporan.documents.kinds.team_decree import decrees_of_year
from laporan.documents.rules import document_kind
from madrasah.models import Semester
from tests.factories import supervision
from tests.factories.kompetensi import instrument_version
from tests.factories.madrasah import StaffFactory
from tests.laporan.document_helpers import build, semester_period, year_period
from tests.laporan.document_world import NOW, observe, supervised_semester, wib

NUMBER = "B-7/Mts.13.28.03/PP.00.4/11/2026"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(madrasah, kepala, waka, guru, guru_lain):
    return supervised_semester(madrasah, kepala, waka, guru, guru_lain)


def lower(text: str) -> str:
    return text.lower()


def test_the_decree_names_the_team_with_its_own_number(madrasah, world, kepala, waka, guru):
    _context, text, _pages = build("sk-tim", madrasah=madrasah, period=year_period(world["semester"].academic_year))
    assert "B-101/Mts.13.28.03/PP.00.4/07/2026" in text  # printed as issued, not upper-cased
    for word in ("menimbang", "mengingat", "memutuskan", "menetapkan", "lampiran"):
        assert word in lower(text)
    assert "Hj. Siti Aminah, S.Pd., M.Pd." in text and "Ketua" in text
    assert "Badrus Salam, S.Pd." in text and "Anggota" in text
    assert "H. Ahmad Fauzi, M.Pd.I." in text
    assert kepala.staff.nip_display in text
    assert "Nur Hayati" not in text  # not a member


def test_one_decree_covers_both_semesters_when_they_share_it(madrasah, world, waka, guru):
    ganjil = world["semester"]
    genap = Semester.objects.create(
        madrasah=madrasah,
        academic_year=ganjil.academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
    )
    team = SupervisionTeam.objects.create(
        madrasah=madrasah,
        semester=genap,
        decree_number="B-101/Mts.13.28.03/PP.00.4/07/2026",
        decree_date=ganjil.start_date,
    )
    TeamMember.objects.create(team=team, staff=waka.staff, duty="Ketua")
    TeamMember.objects.create(team=team, staff=guru.staff, duty="Anggota")
    [decree] = decrees_of_year(madrasah=madrasah, academic_year=ganjil.academic_year)
    assert decree.whole_year

    TeamMember.objects.filter(team=team, staff=guru.staff).update(duty="Sekretaris")
    assert len(decrees_of_year(madrasah=madrasah, academic_year=ganjil.academic_year)) == 2


def test_the_programme_has_its_four_chapters_schedule_and_instruments(madrasah, world):
    _context, text, _pages = build("program", madrasah=madrasah, period=semester_period(world["semester"]))
    for chapter in ("bab i", "bab ii", "bab iii", "bab iv", "dasar hukum", "tujuan", "sasaran", "ruang lingkup"):
        assert chapter in lower(text)
    assert "Peraturan Menteri Agama Nomor 58 Tahun 2017" in text  # the programme's own legal basis
    assert "Senin, 17 Agustus 2026" in text and "07.30" in text
    assert "Zainal Arifin" in text and "Administrasi Pembelajaran" in text
    assert "≥ 91 Amat Baik" in text
    assert "Mengesahkan" in text and "H. Ahmad Fauzi, M.Pd.I." in text


def test_the_schedule_lists_every_row_and_strikes_the_cancelled_one(madrasah, world, waka, guru):
    row = supervision.programme_row(
        programme=world["programme"], teacher=guru, supervisor=waka, planned_at=wib(2026, 9, 7, 8, 0)
    )
    ProgrammeRow.objects.filter(pk=row.pk).update(cancelled_at=NOW, cancel_reason="Guru sakit")
    context, text, _pages = build("jadwal", madrasah=madrasah, period=semester_period(world["semester"]))
    assert context["landscape"] is True
    assert len(context["rows"]) == 5
    assert "Senin, 7 September 2026" in text and "Guru sakit" in text and "Dibatalkan" in text
    assert "4 supervisi untuk 4 guru" in text  # the cancelled one is not counted


def test_the_notice_is_an_a4_letter_with_a_number_and_no_scores(madrasah, world):
    context, text, _pages = build(
        "pemberitahuan", madrasah=madrasah, period=semester_period(world["semester"]), number=NUMBER
    )
    assert context["paper"] == "A4"
    assert NUMBER in text
    assert "17 Agustus 2026" in text and "1 Desember 2026" in text  # first and last date
    assert "Nur Hayati, S.Ag." in text and "Selasa, 18 Agustus 2026" in text
    assert "H. Ahmad Fauzi, M.Pd.I." in text
    assert "85,00" not in text and "Baik" not in text


def test_blank_sheets_give_one_page_per_planned_supervision(madrasah, world):
    context, text, pages = build("lembar-kosong", madrasah=madrasah, period=semester_period(world["semester"]))
    assert pages == len(context["sheets"]) == 4
    for name in ("Badrus Salam", "Nur Hayati", "Fikri Haikal", "Zainal Arifin"):
        assert name in text
    assert "Sangat baik" in text and "Butir B2" in text
    assert "85,00" not in text


def test_the_filled_sheet_has_the_teachers_scores_and_both_signatures(madrasah, world, guru):
    context, text, pages = build(
        "lembar-isi", madrasah=madrasah, period=semester_period(world["semester"]), teacher=guru.staff
    )
    assert pages == 1
    [sheet] = context["sheets"]
    assert (sheet.points, sheet.maximum) == (17, 20)
    assert "17 / 20" in text and "85,00" in text and "Baik" in text
    assert "91,67" in text and "75,00" in text  # sections A and B
    assert "4 (Sangat baik)" in text and "3 (Baik)" in text
    assert "Asesmen diagnostik belum disusun." in text
    assert "Pamekasan, 17 Agustus 2026" in text  # the supervisor signs on the day observed
    assert "Badrus Salam, S.Pd." in text and "Hj. Siti Aminah, S.Pd., M.Pd." in text
    assert "Mengetahui" in text and "H. Ahmad Fauzi, M.Pd.I." in text
    for other in ("Nur Hayati", "Fikri Haikal", "60,00", "100,00"):
        assert other not in text


def test_a_draft_is_not_a_filled_sheet(madrasah, world):
    _context, text, _pages = build(
        "lembar-isi", madrasah=madrasah, period=semester_period(world["semester"]), teacher=world["zainal"]
    )
    assert "belum ada data" in lower(text)
    assert "Zainal Arifin" in text


def test_the_analysis_shows_each_teacher_per_section_and_the_follow_up_plan(madrasah, world):
    context, text, _pages = build("analisis", madrasah=madrasah, period=semester_period(world["semester"]))
    [analysis] = context["instruments"]
    assert [r.name.split(",")[0] for r in analysis.rows] == ["Badrus Salam", "Fikri Haikal", "Nur Hayati"]
    assert [r.low_items for r in analysis.rows] == [0, 0, 3]
    for figure in ("91,67", "50,00", "100,00", "85,00", "60,00", "81,67", "80,56", "83,33"):
        assert figure in text
    assert "Zainal" not in text  # a draft is no result
    assert "Pendampingan penyusunan modul ajar" in text and "Butir 1; Butir 2" in text
    assert "Melewati tenggat" in text


def test_the_reports_numbers_are_the_dashboards(madrasah, world):
    semester = world["semester"]
    _context, text, _pages = build(
        "laporan-supervisi", madrasah=madrasah, period=semester_period(semester), number=NUMBER
    )
    data = dashboard_data(madrasah=madrasah, semester=semester)
    for table in recap_tables(data):
        if table.key not in SUPERVISION_TABLES:
            continue
        assert table.key == "programme" or table.title in text  # the programme's is chapter II's part D
        for row in table.rows:
            for cell in row:
                assert cell in text, (table.key, cell)
    assert "81,67 (Baik)" in text
    assert NUMBER in text
    for chapter in ("bab i", "bab ii", "bab iii", "bab iv", "kesimpulan"):
        assert chapter in lower(text)


@pytest.mark.parametrize("code", ["jadwal", "lembar-kosong", "analisis", "laporan-supervisi"])
def test_the_number_of_queries_does_not_grow_with_the_teachers(code, madrasah, world, waka):
    kind, period = document_kind(code), semester_period(world["semester"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            kind.context(madrasah=madrasah, period=period)
        return len(captured)

    before = queries()
    for n in range(3):
        teacher = StaffFactory(madrasah=madrasah, name=f"Guru Tambahan {n}")
        observe(world["programme"], teacher, waka, world["version"], [3, 3, 3, 3, 3], planned_at=wib(2026, 9, 1 + n, 8))
    assert queries() == before


def test_the_filled_sheets_take_as_many_queries_for_one_instrument_as_for_several(madrasah, world, waka, guru):
    kind, period = document_kind("lembar-isi"), semester_period(world["semester"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            context = kind.context(madrasah=madrasah, period=period, teacher=guru.staff)
        return len(captured), len(context["sheets"])

    before, sheets = queries()
    for n in range(3):
        version = instrument_version(madrasah=madrasah, academic_year=world["semester"].academic_year, code=f"lain-{n}")
        observe(world["programme"], guru.staff, waka, version, [3, 3, 3], planned_at=wib(2026, 9, 1 + n, 8))
    assert queries() == (before, sheets + 3)
