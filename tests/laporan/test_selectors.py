"""The dashboard's numbers, checked against values computed by hand.

The instrument of 2026/2027 has two sections, scale 1–4, bands 91 Amat Baik / 81 Baik / 71 Cukup /
0 Kurang. Section A has 3 items, section B 2 items, so a sheet scores out of 20:

| teacher | A        | B    | % (latest final) | predikat  |
|---------|----------|------|------------------|-----------|
| Fikri   | 4 4 4    | 4 4  | 100 (earlier 50 does not count) | Amat Baik |
| Hasan   | 3 3 3    | 4 4  | 85               | Baik      |
| Imam    | 4 4 4    | 2 2  | 80               | Cukup     |
| Badrus  | 1 1 1    | 1 2  | 30               | Kurang    |
| Zainal  | draft, all 1s — ignored (and the row is overdue) |

Average = (100 + 85 + 80 + 30) ÷ 4 = 73.75 → Cukup. Section A = (100 + 75 + 100 + 25) ÷ 4 = 75;
section B = (100 + 100 + 50 + 37.5) ÷ 4 = 71.875. Previous semester (2025/2026 genap): Fikri 50,
Hasan 75 → 62.5; change +11.25.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kompetensi.appraisal.services.closing import appraisal_period_close, appraisal_period_reopen
from kompetensi.models import (
    AppraisalStage,
    CompetencyResult,
    FollowUp,
    Item,
    Observation,
    ObservationScore,
    ObservationState,
    PkbActivity,
    PkbStatus,
    ProgrammeRow,
    Section,
)
from kompetensi.supervision.services.observations import observation_save, observation_start
from laporan.dashboard.rules import dashboard_workbook, recap_tables
from laporan.dashboard.selectors import AttentionReason, PkgSummary, dashboard_data, pengawas_overview
from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear, Semester, Staff
from tests.factories import appraisal as appraisal_factory
from tests.factories import supervision
from tests.factories.kompetensi import instrument_version
from tests.factories.madrasah import StaffFactory

NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def version_with_two_sections(madrasah, year):
    version = instrument_version(madrasah=madrasah, academic_year=year)
    section = Section.objects.create(version=version, order=2, title="Bagian B")
    Item.objects.bulk_create([Item(section=section, order=n, text=f"Butir B{n}") for n in (1, 2)])
    return version


def approved(madrasah, semester, kepala, waka):
    supervision.team(madrasah=madrasah, semester=semester, members=[waka])
    made = supervision.programme(madrasah=madrasah, semester=semester, created_by=waka)
    return supervision.approve(made, kepala=kepala)


def observe(programme, teacher, waka, version, points, *, state=ObservationState.FINAL, finalised_at=None):
    row = supervision.programme_row(programme=programme, teacher=teacher, supervisor=waka, instruments=[version])
    observation = observation_start(row=row, version=version, user=waka.user)
    items = Item.objects.filter(section__version=version).order_by("section__order", "order")
    scores = {item.pk: {"points": p} for item, p in zip(items, points, strict=True)}
    observation_save(
        observation=observation, user=waka.user, base_revision=observation.revision, scores=scores, fields={}
    )
    Observation.objects.filter(pk=observation.pk).update(state=state, finalised_at=finalised_at)
    return Observation.objects.get(pk=observation.pk)


def follow_up(observation, waka, *, deadline, closed_at=None):
    return FollowUp.objects.create(
        madrasah=observation.madrasah,
        observation=observation,
        teacher=observation.teacher,
        kind="coaching",
        description="Pendampingan",
        responsible="Waka",
        deadline=deadline,
        status="selesai" if closed_at else "terbuka",
        closed_at=closed_at,
        created_by=waka.user,
    )


def pkb(teacher, jp, start, status=PkbStatus.VERIFIED):
    return PkbActivity.objects.create(
        madrasah=teacher.madrasah,
        teacher=teacher,
        kind="diklat",
        title="Diklat",
        organiser="Kemenag",
        start_date=start,
        end_date=start,
        jp=jp,
        status=status,
    )


@pytest.fixture
def world(madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)  # 2026/2027 ganjil
    version = version_with_two_sections(madrasah, semester.academic_year)
    programme = approved(madrasah, semester, kepala, waka)
    t = {name: StaffFactory(madrasah=madrasah, name=name) for name in ("Fikri", "Hasan", "Imam", "Badrus", "Zainal")}
    t["Umar"] = StaffFactory(madrasah=madrasah, name="Umar", employment_status="honorer")
    observe(programme, t["Fikri"], waka, version, [2, 2, 2, 2, 2], finalised_at=wib(2026, 8, 1, 9))
    observe(programme, t["Fikri"], waka, version, [4, 4, 4, 4, 4], finalised_at=wib(2026, 9, 1, 9))
    observe(programme, t["Hasan"], waka, version, [3, 3, 3, 4, 4], finalised_at=wib(2026, 9, 1, 9))
    imam = observe(programme, t["Imam"], waka, version, [4, 4, 4, 2, 2], finalised_at=wib(2026, 9, 1, 9))
    badrus = observe(programme, t["Badrus"], waka, version, [1, 1, 1, 1, 2], finalised_at=wib(2026, 9, 1, 9))
    observe(programme, t["Zainal"], waka, version, [1, 1, 1, 1, 1], state=ObservationState.DRAFT)
    observe(programme, t["Umar"], waka, version, [3, 3, 3, 3, 3], state=ObservationState.CLARIFICATION)
    cancelled = supervision.programme_row(programme=programme, teacher=t["Umar"], supervisor=waka)
    ProgrammeRow.objects.filter(pk=cancelled.pk).update(cancelled_at=wib(2026, 8, 1, 9))
    supervision.programme_row(programme=programme, teacher=t["Umar"], supervisor=waka, planned_at=wib(2026, 12, 1, 8))

    follow_up(imam, waka, deadline=dt.date(2026, 12, 1))  # open
    follow_up(badrus, waka, deadline=dt.date(2026, 11, 1))  # open and overdue
    follow_up(imam, waka, deadline=dt.date(2026, 10, 10), closed_at=wib(2026, 10, 10, 23, 0))  # on time
    follow_up(imam, waka, deadline=dt.date(2026, 10, 10), closed_at=wib(2026, 10, 11, 0, 30))  # late (17:30 UTC)

    # Previous semester, 2025/2026 genap, with that year's version of the same instrument.
    year_before = AcademicYear.objects.create(madrasah=madrasah, start_year=2025)
    previous = Semester.objects.create(
        madrasah=madrasah,
        academic_year=year_before,
        kind="genap",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 30),
    )
    old_version = version_with_two_sections(madrasah, year_before)
    old_programme = approved(madrasah, previous, kepala, waka)
    observe(old_programme, t["Fikri"], waka, old_version, [2, 2, 2, 2, 2], finalised_at=wib(2026, 3, 1, 9))
    observe(old_programme, t["Hasan"], waka, old_version, [3, 3, 3, 3, 3], finalised_at=wib(2026, 3, 1, 9))

    pkb(t["Fikri"], 20, dt.date(2026, 8, 10))
    pkb(t["Fikri"], 10, dt.date(2026, 8, 20), status=PkbStatus.SUBMITTED)
    pkb(t["Hasan"], 12, dt.date(2026, 9, 10))
    pkb(t["Imam"], 30, dt.date(2026, 3, 1))  # the academic year before
    return {"semester": semester, "previous": previous, "teachers": t}


def data_of(madrasah, semester):
    return dashboard_data(madrasah=madrasah, semester=semester)


def test_average_is_the_mean_of_each_teachers_latest_final_result(madrasah, world):
    data = data_of(madrasah, world["semester"])
    [summary] = data.instruments
    assert summary.teachers == 4
    assert summary.average == Decimal("73.75")
    assert summary.predikat_of_average == "Cukup"
    assert data.empty is False


def test_change_is_against_the_previous_semester(madrasah, world):
    data = data_of(madrasah, world["semester"])
    [summary] = data.instruments
    assert data.previous_semester == world["previous"]
    assert summary.previous_average == Decimal("62.5")
    assert summary.change == Decimal("11.25")


def test_distribution_lists_every_band_in_order_with_ties(madrasah, world):
    [summary] = data_of(madrasah, world["semester"]).instruments
    assert summary.distribution == [("Amat Baik", 1), ("Baik", 1), ("Cukup", 1), ("Kurang", 1)]


def test_section_averages_are_means_over_the_same_observations(madrasah, world):
    [summary] = data_of(madrasah, world["semester"]).instruments
    assert [(title, round(avg, 4)) for title, avg in summary.sections] == [
        ("Bagian A", Decimal("75.0000")),
        ("Bagian B", Decimal("71.8750")),
    ]


def test_strengths_are_the_items_with_the_highest_averages(madrasah, world):
    strengths = data_of(madrasah, world["semester"]).strengths
    # A1–A3 and B2 all reach 75 %; ties go in instrument order.
    assert [s.item for s in strengths] == ["Butir 1", "Butir 2", "Butir 3"]
    assert all(round(s.average, 4) == Decimal("75.0000") for s in strengths)


def test_programme_completion_uses_the_programme_statuses(madrasah, world):
    completion = data_of(madrasah, world["semester"]).completion
    # Done: Fikri ×2, Hasan, Imam, Badrus, Umar (clarification); overdue: Zainal's draft.
    assert (completion.planned, completion.done, completion.overdue, completion.cancelled) == (1, 6, 1, 1)


def test_follow_up_counters_use_the_local_closing_date(madrasah, world):
    f = data_of(madrasah, world["semester"]).follow_ups
    assert (f.open, f.overdue, f.closed_on_time, f.closed_late) == (2, 1, 1, 1)


def test_it_counts_clarifications(madrasah, world):
    assert data_of(madrasah, world["semester"]).clarifications == 1


def test_attention_is_private_and_ordered_by_name(madrasah, world):
    attention = data_of(madrasah, world["semester"]).attention
    assert [(a.name.split(",")[0], a.reasons) for a in attention] == [
        ("Badrus", (AttentionReason.LOW_RESULT, AttentionReason.OVERDUE_FOLLOW_UP)),
        ("Zainal", (AttentionReason.OVERDUE_ROW,)),
    ]


def test_pkb_totals_count_verified_jp_of_the_year(madrasah, world, kepala, waka):
    p = data_of(madrasah, world["semester"]).pkb
    teachers = Staff.objects.teachers().active().filter(madrasah=madrasah).count()
    assert p.total_jp == 32
    assert p.teachers == teachers
    assert p.average_jp == Decimal(32) / Decimal(teachers)
    assert (p.pns_reached, p.pns) == (1, teachers - 1)  # Umar is honorary


def test_empty_semester_says_no_data_not_zeros(madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)
    data = data_of(madrasah, semester)
    assert data.empty is True
    assert data.instruments == []
    assert data.strengths == []
    assert {t.key for t in recap_tables(data)}.isdisjoint({"instruments", "sections", "distribution"})


def test_small_group_hides_the_breakdowns(madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)
    version = version_with_two_sections(madrasah, semester.academic_year)
    programme = approved(madrasah, semester, kepala, waka)
    for points in ([4, 4, 4, 4, 4], [2, 2, 2, 2, 2]):
        observe(programme, StaffFactory(madrasah=madrasah), waka, version, points, finalised_at=wib(2026, 9, 1))
    data = data_of(madrasah, semester)
    [summary] = data.instruments
    assert summary.hidden is True
    assert summary.distribution == [] and summary.sections == []
    assert data.strengths == []
    assert summary.average == Decimal(75)


def _pkg_year(madrasah, semester, kepala, scores=(4, 3, 2)):
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    version = appraisal_factory.pkg_version(madrasah=madrasah, academic_year=semester.academic_year)
    competencies = list(version.framework.competencies.all())
    nilai = {4: Decimal("100"), 3: Decimal("75"), 2: Decimal("50")}
    for score in scores:
        made = appraisal_factory.appraisal(
            period, StaffFactory(madrasah=madrasah), kepala.user, stage=AppraisalStage.APPROVED, nilai=nilai[score]
        )
        CompetencyResult.objects.bulk_create(
            [CompetencyResult(appraisal=made, competency=c, percentage=Decimal(0), score=score) for c in competencies]
        )
    return period


def test_pkg_per_domain_from_approved_appraisals(madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)
    period = _pkg_year(madrasah, semester, kepala)
    appraisal_factory.appraisal(period, StaffFactory(madrasah=madrasah), kepala.user, nilai=Decimal(10))  # not approved
    pkg = dashboard_data(madrasah=madrasah, semester=semester, pkg_live=True).pkg
    assert pkg.teachers == 3 and pkg.hidden is False and pkg.live is True
    assert pkg.average_nilai == Decimal(75)
    assert [d.average for d in pkg.domains] == [Decimal(3)] * 4
    assert [d.teachers for d in pkg.domains] == [3] * 4


def test_pkg_figures_for_others_are_the_ones_frozen_at_the_first_closing(madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    period = _pkg_year(madrasah, semester, kepala)
    assert data_of(madrasah, semester).pkg == PkgSummary(0, None, [], hidden=True, live=False)
    appraisal_period_close(period=period, user=kepala.user)
    frozen = data_of(madrasah, semester).pkg
    assert (frozen.teachers, frozen.average_nilai, frozen.live) == (3, Decimal(75), False)
    assert [d.average for d in frozen.domains] == [Decimal(3)] * 4
    appraisal_period_reopen(period=period, user=kepala.user)
    appraisal_factory.appraisal(
        period, StaffFactory(madrasah=madrasah), kepala.user, stage=AppraisalStage.APPROVED, nilai=Decimal(50)
    )
    appraisal_period_close(period=period, user=kepala.user)
    assert data_of(madrasah, semester).pkg == frozen
    assert dashboard_data(madrasah=madrasah, semester=semester, pkg_live=True).pkg.teachers == 4


def test_pkg_of_fewer_than_three_teachers_is_hidden(madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    period = _pkg_year(madrasah, semester, kepala, scores=(4, 3))
    appraisal_period_close(period=period, user=kepala.user)
    for live in (True, False):
        pkg = dashboard_data(madrasah=madrasah, semester=semester, pkg_live=live).pkg
        assert (pkg.teachers, pkg.hidden, pkg.average_nilai, pkg.domains) == (2, True, None, [])


def test_pengawas_sees_the_madrasah_they_oversee(madrasah, pengawas, other_madrasah, world):
    overview = pengawas_overview(user=pengawas.user)
    assert [m for m, _ in overview] == [madrasah]
    assert overview[0][1].instruments[0].average == Decimal("73.75")


# --- query count ---------------------------------------------------------------------------------


def add_teachers(madrasah, programme, version, waka, count, start):
    staff = Staff.objects.bulk_create(
        [Staff(madrasah=madrasah, name=f"Guru {start + n:04d}", sex="L", employment_status="pns") for n in range(count)]
    )
    rows = ProgrammeRow.objects.bulk_create(
        [
            ProgrammeRow(programme=programme, teacher=s, supervisor=waka.user, planned_at=wib(2026, 8, 3, 8))
            for s in staff
        ]
    )
    ProgrammeRow.instruments.through.objects.bulk_create(
        [ProgrammeRow.instruments.through(programmerow=r, instrumentversion=version) for r in rows]
    )
    observations = Observation.objects.bulk_create(
        [
            Observation(
                madrasah=madrasah,
                row=r,
                instrument_version=version,
                teacher=r.teacher,
                supervisor=waka.user,
                state=ObservationState.FINAL,
                finalised_at=wib(2026, 9, 1),
                percentage=Decimal(80 + n % 20),
                predikat="Baik",
            )
            for n, r in enumerate(rows)
        ]
    )
    items = list(Item.objects.filter(section__version=version))
    ObservationScore.objects.bulk_create(
        [ObservationScore(observation=o, item=i, points=3) for o in observations for i in items]
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                madrasah=madrasah,
                observation=o,
                teacher=o.teacher,
                kind="coaching",
                description="x",
                responsible="x",
                deadline=dt.date(2026, 10, 1),
                created_by=waka.user,
            )
            for o in observations[::3]
        ]
    )
    PkbActivity.objects.bulk_create(
        [
            PkbActivity(
                madrasah=madrasah,
                teacher=s,
                kind="diklat",
                title="x",
                organiser="x",
                start_date=dt.date(2026, 8, 1),
                end_date=dt.date(2026, 8, 1),
                jp=8,
                status=PkbStatus.VERIFIED,
            )
            for s in staff
        ]
    )


def queries_of(madrasah, semester) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = dashboard_data(madrasah=madrasah, semester=semester)
        recap_tables(data)
    return len(captured)


def test_query_count_does_not_grow_with_teachers(madrasah, world, kepala, waka):
    semester = world["semester"]
    programme = semester.supervision_programme
    version = Observation.objects.filter(row__programme=programme).first().instrument_version
    add_teachers(madrasah, programme, version, waka, 10, 0)
    few = queries_of(madrasah, semester)
    add_teachers(madrasah, programme, version, waka, 190, 10)
    many = queries_of(madrasah, semester)
    # The previous semester, instrument results (with sections), bands, strengths, rows and
    # follow-ups, PKG, PKB, the attention list.
    assert (few, many) == (9, 9)
    assert data_of(madrasah, semester).instruments[0].teachers == 204


# --- Excel ----------------------------------------------------------------------------------------


def test_workbook_numbers_read_exactly_as_the_screen(madrasah, world):
    data = data_of(madrasah, world["semester"])
    tables = recap_tables(data)
    book = load_workbook(BytesIO(dashboard_workbook(data=data)))
    assert len(book.worksheets) == len(tables)
    checked = 0
    for sheet, table in zip(book.worksheets, tables, strict=True):
        assert madrasah.name in sheet.cell(row=1, column=1).value
        assert [sheet.cell(row=4, column=c + 1).value for c in range(len(table.header))] == list(table.header)
        for r, (values, shown) in enumerate(zip(table.cells, table.rows, strict=True), start=5):
            for c, (value, text) in enumerate(zip(values, shown, strict=True), start=1):
                cell = sheet.cell(row=r, column=c)
                if isinstance(value, Decimal):
                    assert cell.number_format == "0.00"
                    assert format_decimal_id(Decimal(str(cell.value))) == text
                    checked += 1
                elif isinstance(value, int):
                    assert format_decimal_id(cell.value, places=0) == text
                elif value is not None:
                    assert cell.value == text
    assert checked >= 5
