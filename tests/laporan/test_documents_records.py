"""The yearly and monthly documents: in-house activities, the monthly digest, the PKB recap (PDF and
.xlsx) and the PKG forms, built as the build does and read back as text."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from kompetensi.appraisal.services.scores import appraisal_results_store
from kompetensi.models import (
    Appraisal,
    AppraisalStage,
    AppreciationNote,
    FollowUp,
    InHouseActivity,
    PkbActivity,
    PkbStatus,
)
from laporan.documents.rules import document_kind
from tests.factories import appraisal as appraisal_factory
from tests.factories.madrasah import StaffFactory
from tests.laporan.document_helpers import build, month_period, year_period
from tests.laporan.document_world import NOW, name_people, supervised_semester, wib


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(madrasah, kepala, waka, guru, guru_lain):
    name_people(kepala, waka, guru, guru_lain)
    return madrasah.semesters.get(is_active=True).academic_year


def pkb(teacher, jp, start, *, status=PkbStatus.VERIFIED, verified_at=None, kind="diklat"):
    return PkbActivity.objects.create(
        madrasah=teacher.madrasah,
        teacher=teacher,
        kind=kind,
        title=f"Diklat {jp} JP",
        organiser="Balai Diklat Keagamaan Surabaya",
        start_date=start,
        end_date=start,
        jp=jp,
        status=status,
        verified_at=verified_at,
    )


def test_in_house_activities_have_a_berita_acara_and_an_attendance_list(madrasah, people, waka, guru, guru_lain):
    activity = InHouseActivity.objects.create(
        madrasah=madrasah,
        title="IHT Penyusunan Modul Ajar",
        organiser="MTs Negeri 3 Pamekasan",
        speaker="Dr. Hasan Basri, M.Pd.",
        place="Aula madrasah",
        start_date=dt.date(2026, 8, 22),
        end_date=dt.date(2026, 8, 22),
        jp=8,
        summary="Peserta menyusun modul ajar berdiferensiasi.",
        created_by=waka.user,
    )
    activity.attendees.set([guru.staff, guru_lain.staff])
    InHouseActivity.objects.create(
        madrasah=madrasah,
        title="IHT tahun lalu",
        organiser="MTs Negeri 3 Pamekasan",
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 3, 1),
        jp=4,
        created_by=waka.user,
    )
    _context, text, pages = build("iht", madrasah=madrasah, period=year_period(people))
    assert pages == 2
    assert "berita acara" in text.lower() and "daftar hadir" in text.lower()
    assert "IHT Penyusunan Modul Ajar" in text and "Dr. Hasan Basri, M.Pd." in text
    assert "Sabtu, 22 Agustus 2026" in text and "8 JP" in text
    assert "Badrus Salam, S.Pd." in text and "Nur Hayati, S.Ag." in text
    assert guru.staff.nip_display in text
    assert "Pamekasan, 22 Agustus 2026" in text and "Hj. Siti Aminah, S.Pd., M.Pd." in text
    assert "tahun lalu" not in text


def test_the_digest_counts_the_months_work(madrasah, kepala, waka, guru, guru_lain):
    world = supervised_semester(madrasah, kepala, waka, guru, guru_lain)
    pkb(guru.staff, 12, dt.date(2026, 10, 1), verified_at=wib(2026, 11, 3, 9))
    pkb(guru.staff, 6, dt.date(2026, 10, 5), verified_at=wib(2026, 11, 4, 9))
    pkb(guru_lain.staff, 30, dt.date(2026, 9, 1), verified_at=wib(2026, 10, 30, 9))  # October
    AppreciationNote.objects.create(madrasah=madrasah, teacher=guru.staff, author=kepala.user, text="Barakallah")
    closed = FollowUp.objects.create(
        madrasah=madrasah,
        observation=world["badrus"],
        teacher=guru.staff,
        kind="mandiri",
        description="Belajar mandiri asesmen",
        responsible="Guru",
        deadline=dt.date(2026, 11, 20),
        status="selesai",
        closed_at=wib(2026, 11, 10, 10),
        created_by=waka.user,
    )
    context, text, _pages = build("digest", madrasah=madrasah, period=month_period(2026, 11))
    digest = context["digest"]
    assert (digest.pkb_entries, digest.pkb_jp, digest.appreciations) == (2, 18, 1)
    assert (digest.closed, digest.closed_on_time) == (1, 1)
    assert [f.teacher for f in digest.overdue] == ["Nur Hayati, S.Ag."]  # deadline 1 November, still open
    assert digest.done == []  # everything was observed in August
    assert "November 2026" in text and "Badrus Salam, S.Pd." in text and "18" in text
    assert closed.description not in text  # closed in time: not overdue

    august = build("digest", madrasah=madrasah, period=month_period(2026, 8))[0]["digest"]
    assert [s.teacher.split(",")[0] for s in august.done] == ["Badrus Salam", "Nur Hayati", "Fikri Haikal"]


def test_the_pkb_recap_measures_civil_servants_against_20_jp(madrasah, people, guru, guru_lain):
    pppk = StaffFactory(madrasah=madrasah, name="Umar Faruq", employment_status="pppk")
    pkb(guru.staff, 16, dt.date(2026, 8, 10))
    pkb(guru.staff, 8, dt.date(2026, 9, 10), kind="mgmp")
    pkb(guru_lain.staff, 12, dt.date(2026, 8, 10))
    pkb(guru_lain.staff, 10, dt.date(2026, 8, 12), status=PkbStatus.SUBMITTED)
    pkb(pppk, 30, dt.date(2026, 8, 12))
    pkb(guru.staff, 40, dt.date(2026, 5, 1))  # academic year before
    context, text, _pages = build("pkb", madrasah=madrasah, period=year_period(people))
    rows = {row["staff"].name: row for row in context["rows"]}
    assert rows["Badrus Salam"]["total"] == 24 and rows["Badrus Salam"]["state"] == "Tercapai"
    assert rows["Nur Hayati"]["total"] == 12 and rows["Nur Hayati"]["waiting"] == 1
    assert rows["Umar Faruq"]["target"] == "≤ 24" and rows["Umar Faruq"]["over_cap"]
    totals = context["totals"]
    assert (totals.total_jp, totals.pns_reached, totals.waiting, totals.pppk_over_cap) == (66, 1, 1, 1)
    assert context["landscape"] is True
    assert "≥ 20" in text and "Badrus Salam, S.Pd." in text and "Belum mencapai batas minimal" in text

    workbook = load_workbook(BytesIO(document_kind("pkb").xlsx(context=context, madrasah=madrasah)))
    sheet = workbook.active
    header = [cell.value for cell in sheet[3]]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert by_name["Badrus Salam, S.Pd."]["Jumlah JP"] == 24
    assert by_name["Nur Hayati, S.Ag."]["Menunggu verifikasi"] == 1


@pytest.fixture
def approved_appraisal(madrasah, people, kepala, guru):
    period = appraisal_factory.appraisal_period(madrasah, people, kepala)
    appraisal = appraisal_factory.appraisal(period, guru.staff, kepala.user)
    appraisal_factory.score_all(appraisal, [[2, 2, 1, 1, 0, 0]])  # competency 1: 6 of 12 → 50% → 2
    appraisal_results_store(appraisal)
    Appraisal.objects.filter(pk=appraisal.pk).update(stage=AppraisalStage.APPROVED, approved_at=NOW)
    return Appraisal.objects.get(pk=appraisal.pk)


def test_the_pkg_forms_show_the_summary_evidence_and_three_signatures(madrasah, approved_appraisal, guru):
    context, text, _pages = build(
        "pkg", madrasah=madrasah, period=year_period(approved_appraisal.period.academic_year), teacher=guru.staff
    )
    assert approved_appraisal.total == 54
    assert "54 / 56" in text and "96,43" in text and "Amat Baik" in text
    assert "50,00%" in text  # competency 1
    assert "rekapitulasi" in text.lower() and "lembar bukti" in text.lower()
    assert "Badrus Salam, S.Pd." in text and "H. Ahmad Fauzi, M.Pd.I." in text and "Mengetahui" in text
    assert "Nur Hayati" not in text
    assert document_kind("pkg").readers == ("kepala",)


def test_an_appraisal_in_progress_prints_no_scores(madrasah, approved_appraisal, guru, guru_lain, kepala):
    Appraisal.objects.filter(pk=approved_appraisal.pk).update(stage=AppraisalStage.IN_PROGRESS)
    year = approved_appraisal.period.academic_year
    _context, text, _pages = build("pkg", madrasah=madrasah, period=year_period(year), teacher=guru.staff)
    assert "belum ada data" in text.lower() and "96,43" not in text
    _context, text, _pages = build("pkg", madrasah=madrasah, period=year_period(year), teacher=guru_lain.staff)
    assert "belum ada data" in text.lower() and "Nur Hayati, S.Ag." in text


def test_the_pdca_report_shows_plan_do_check_act_and_the_dependence_on_bos(madrasah, people, kepala, waka, guru):
    from mutu.models import Decision, FactorTag, FundingSource, Measurement, Stage
    from tests.factories import mutu_money

    cycle = mutu_money.cycle(owner=kepala, academic_year=people, title="Modul ajar lengkap untuk semua guru")
    cycle.team.set([waka.staff, guru.staff])
    mutu_money.activity(cycle, planned=1_500_000, spent=1_200_000, source=FundingSource.DIPA_BOS, rkam="IHT guru")
    mutu_money.activity(cycle, planned=500_000, source=FundingSource.BUSINESS, what="Pendampingan sejawat")
    Measurement.objects.create(
        cycle=cycle,
        measured_at=wib(2026, 11, 10, 9),
        measured_by=kepala.user,
        period_start_year=2026,
        value=85,
        n=20,
        total=17,
        target=80,
        met=True,
        gap=5,
    )
    type(cycle).objects.filter(pk=cycle.pk).update(
        stage=Stage.CLOSED,
        decision=Decision.STANDARDISE,
        decision_reason="Target tercapai.",
        supporting_tags=[FactorTag.MOTIVATION],
        supporting_factors="Guru termotivasi.",
        inhibiting_tags=[FactorTag.INTERNET],
        inhibiting_factors="Sebagian guru tidak memiliki paket data.",
    )
    context, text, _pages = build("pdca", madrasah=madrasah, period=year_period(people))
    assert context["landscape"] is True
    [report] = context["cycles"]
    assert report.line.met is True
    assert "Modul ajar lengkap untuk semua guru" in text
    assert "Rp 1.500.000" in text and "Rp 1.200.000" in text and "Rp 2.000.000" in text
    assert "75,00% dari rencana biaya bergantung pada DIPA-BOS" in text
    assert "85,00" in text and "≥ 80,00" in text
    assert "Standarkan" in text or "standarkan" in text.lower()
    assert "Sebagian guru tidak memiliki paket data." in text and "Guru termotivasi." in text
    assert "Hj. Siti Aminah, S.Pd., M.Pd." in text  # team


def test_the_pdca_report_takes_as_many_queries_for_one_cycle_as_for_several(madrasah, people, kepala):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mutu.models import FundingSource, Measurement
    from tests.factories import mutu_money

    kind = document_kind("pdca")

    def add_cycle(title: str) -> None:
        cycle = mutu_money.cycle(owner=kepala, academic_year=people, title=title)
        mutu_money.activity(cycle, planned=500_000, source=FundingSource.DIPA_BOS)
        mutu_money.activity(cycle, planned=250_000, source=FundingSource.KOMITE, what="Rapat")
        Measurement.objects.create(
            cycle=cycle, measured_at=wib(2026, 11, 10, 9), measured_by=kepala.user, period_start_year=2026,
            value=70, n=10, total=7, target=80, met=False, gap=-10,
        )  # fmt: skip

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            context = kind.context(madrasah=madrasah, period=year_period(people))
        return len(captured), len(context["cycles"])

    add_cycle("Siklus pertama")
    one = queries()
    for n in range(2, 5):
        add_cycle(f"Siklus ke-{n}")
    assert queries() == (one[0], 4)
    assert one[1] == 1
