"""The quality-cycle indicators (`metric_*`), checked against values computed by hand.

The instrument of 2026/2027: scale 1–4, items may be marked not applicable, bands 90 Amat Baik / 80 Baik /
70 Cukup / 0 Kurang. Section A has items A1–A3, section B items B1–B2; section B appraises PKG
competency 13 and item A1 informs one of its indicators. A sheet scores out of 20:

| teacher | row subject       | A     | B     | % (latest final)                                        |
|---------|-------------------|-------|-------|---------------------------------------------------------|
| Fikri   | Fikih (PAI)       | 4 4 4 | 4 4   | 100 (an earlier final 50 and a later draft do not count) |
| Hasan   | Matematika (Umum) | 3 3 3 | 4 4   | 85 (see below)                                          |
| Imam    | Fikih (PAI)       | 4 4 4 | 2 2   | 80, exactly the lower bound of Baik                     |
| Badrus  | IPA (Umum)        | 1 1 1 | n/a 3 | 6 ÷ 16 = 37.5                                           |
| Zainal  | draft only        |       |       | —                                                       |

Hasan has two finals finalised at the same moment (50 observed on 20 August, 85 on the 25th: the later
observation counts) and an older final of 60 on an Akidah Akhlak (PAI) row.

Average = (100 + 85 + 80 + 37.5) ÷ 4 = 75.625. Section A = (100 + 75 + 100 + 25) ÷ 4 = 75; section B =
(100 + 100 + 50 + 75) ÷ 4 = 81.25 (pooling the points instead would give 23 ÷ 28 = 82.14).
Competency 13 (A1, B1, B2): 12/12, 11/12, 8/12 and 4/8 → (100 + 91.67 + 66.67 + 50) ÷ 4 = 925/12.
PAI rows only: Fikri 100, Hasan 60, Imam 80 → 80. In 2025/2026 genap, with that year's version (whose
Baik starts at 86): Fikri 50 (replaced by his later result) and Umar 85.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompetensi.appraisal.selectors.figures import metric_pkg_predikat_share
from kompetensi.appraisal.services.closing import appraisal_period_close, appraisal_period_reopen
from kompetensi.instruments.rules import Measure
from kompetensi.models import (
    AppraisalStage,
    Competency,
    FollowUp,
    InstrumentVersion,
    Item,
    Observation,
    ObservationState,
    PkbActivity,
    PkbStatus,
    PredikatBand,
    ProgrammeRow,
    Section,
)
from kompetensi.pkb.selectors import metric_pkb_average_jp, metric_pkb_pns_reached
from kompetensi.supervision.selectors.results import (
    metric_follow_ups_on_time,
    metric_instrument_average,
    metric_instrument_predikat_share,
    metric_rows_on_time,
)
from kompetensi.supervision.services.observations import observation_save, observation_start
from madrasah.models import AcademicYear, Semester, Subject
from tests.factories import appraisal as appraisal_factory
from tests.factories import supervision
from tests.factories.kompetensi import instrument_version
from tests.factories.madrasah import MadrasahFactory, StaffFactory

NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
TODAY = NOW.date()


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def competency_13() -> Competency:
    """Competency 13 of the PKG framework for subject teachers: mastery of the subject matter."""
    return Competency.objects.filter(framework__code="pkg-mapel", number=13).order_by("-framework__version").first()


def two_section_version(madrasah, year, bands) -> InstrumentVersion:
    """Sections A (3 items, A1 informing competency 13) and B (2 items, appraising competency 13)."""
    version = instrument_version(madrasah=madrasah, academic_year=year, code="perencanaan")
    InstrumentVersion.objects.filter(pk=version.pk).update(allow_not_applicable=True)
    competency = competency_13()
    Item.objects.filter(section__version=version, order=1).update(indicator=competency.indicators.first())
    section = Section.objects.create(version=version, order=2, title="Bagian B", competency=competency)
    Item.objects.bulk_create([Item(section=section, order=n, text=f"Butir B{n}") for n in (1, 2)])
    PredikatBand.objects.filter(version=version).delete()
    PredikatBand.objects.bulk_create(
        [PredikatBand(version=version, lower_bound=Decimal(lower), label=label) for lower, label in bands]
    )
    return InstrumentVersion.objects.get(pk=version.pk)


def approved(madrasah, semester, kepala, waka):
    supervision.team(madrasah=madrasah, semester=semester, members=[waka])
    made = supervision.programme(madrasah=madrasah, semester=semester, created_by=waka)
    return supervision.approve(made, kepala=kepala)


def observe(
    programme,
    teacher,
    waka,
    version,
    points,
    *,
    state=ObservationState.FINAL,
    finalised_at=None,
    observed_on=None,
    subject=None,
    planned_at=None,
):
    """A row and its observation scored `points` in item order (None = not applicable)."""
    row = supervision.programme_row(
        programme=programme,
        teacher=teacher,
        supervisor=waka,
        instruments=[version],
        subject=Subject.objects.get(code=subject) if subject else None,
        planned_at=planned_at,
    )
    observation = observation_start(row=row, version=version, user=waka.user)
    items = Item.objects.filter(section__version=version).order_by("section__order", "order")
    scores = {item.pk: {"na": True} if p is None else {"points": p} for item, p in zip(items, points, strict=True)}
    observation_save(
        observation=observation, user=waka.user, base_revision=observation.revision, scores=scores, fields={}
    )
    Observation.objects.filter(pk=observation.pk).update(
        state=state, finalised_at=finalised_at, observed_on=observed_on
    )
    return Observation.objects.get(pk=observation.pk)


@pytest.fixture
def world(madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)  # 2026/2027 ganjil
    bands = ((90, "Amat Baik"), (80, "Baik"), (70, "Cukup"), (0, "Kurang"))
    version = two_section_version(madrasah, semester.academic_year, bands)
    programme = approved(madrasah, semester, kepala, waka)
    t = {name: StaffFactory(madrasah=madrasah, name=name) for name in ("Fikri", "Hasan", "Imam", "Badrus", "Zainal")}
    t["Umar"] = StaffFactory(madrasah=madrasah, name="Umar")

    def result(name, points, finalised_at, **kwargs):
        return observe(programme, t[name], waka, version, points, finalised_at=finalised_at, **kwargs)

    result("Fikri", [2, 2, 2, 2, 2], wib(2026, 8, 1, 9), subject="fikih")
    result("Fikri", [4, 4, 4, 4, 4], wib(2026, 9, 1, 9), subject="fikih")
    result("Fikri", [1, 1, 1, 1, 1], None, subject="fikih", state=ObservationState.DRAFT)
    result("Hasan", [3, 3, 2, 2, 2], wib(2026, 8, 1, 9), subject="akidah-akhlak")
    result("Hasan", [2, 2, 2, 2, 2], wib(2026, 9, 1, 9), subject="matematika", observed_on=dt.date(2026, 8, 20))
    result("Hasan", [3, 3, 3, 4, 4], wib(2026, 9, 1, 9), subject="matematika", observed_on=dt.date(2026, 8, 25))
    result("Imam", [4, 4, 4, 2, 2], wib(2026, 9, 1, 9), subject="fikih")
    result("Badrus", [1, 1, 1, None, 3], wib(2026, 9, 1, 9), subject="ipa")
    result("Zainal", [4, 4, 4, 4, 4], None, state=ObservationState.DRAFT)

    year_before = AcademicYear.objects.create(madrasah=madrasah, start_year=2025)
    previous = Semester.objects.create(
        madrasah=madrasah,
        academic_year=year_before,
        kind="genap",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 30),
    )
    old_bands = ((90, "Amat Baik"), (86, "Baik"), (70, "Cukup"), (0, "Kurang"))
    old_version = two_section_version(madrasah, year_before, old_bands)
    old_programme = approved(madrasah, previous, kepala, waka)
    for name, points in (("Fikri", [2, 2, 2, 2, 2]), ("Umar", [4, 4, 4, 3, 2])):
        observe(old_programme, t[name], waka, old_version, points, finalised_at=wib(2026, 3, 1, 9))
    return {
        "semester": semester,
        "previous": previous,
        "instrument": version.instrument_id,
        "teachers": t,
        "programme": programme,
    }


def average(madrasah, world, **kwargs) -> Measure:
    return metric_instrument_average(
        madrasah=madrasah, semester_ids=[world["semester"].pk], instrument_id=world["instrument"], **kwargs
    )


def assert_measure(measure: Measure, value, n: int, total) -> None:
    assert measure.n == n
    if value is None:
        assert measure.value is None and measure.total is None
        return
    assert round(measure.value, 6) == round(Decimal(value), 6)
    assert round(measure.total, 6) == round(Decimal(total), 6)


# --- instrument averages -------------------------------------------------------------------------


def test_the_average_is_the_mean_of_each_teachers_latest_final_result(madrasah, world):
    assert_measure(average(madrasah, world), "75.625", 4, "302.5")


def test_a_draft_and_an_older_final_do_not_count(madrasah, world):
    fikri = world["teachers"]["Fikri"]
    newer_draft = Observation.objects.get(teacher=fikri, state=ObservationState.DRAFT)
    assert newer_draft.percentage == Decimal(25)
    # Only Fikri's result of 1 September (100) is in the 75.625 above, not 50 nor the draft's 25.
    assert average(madrasah, world).total == Decimal("302.5")


def test_of_two_finals_finalised_together_the_one_observed_later_counts(madrasah, world):
    measure = average(madrasah, world, subject_group="Umum")
    assert_measure(measure, (Decimal(85) + Decimal("37.5")) / 2, 2, "122.5")  # Hasan's 85, not his 50


def test_a_section_average_is_the_mean_of_each_teachers_section_percentage(madrasah, world):
    assert_measure(average(madrasah, world, section_title="Bagian A"), 75, 4, 300)
    # Badrus's B1 is not applicable: his section B is 3 ÷ 4 = 75, not pooled with the others' points.
    assert_measure(average(madrasah, world, section_title="Bagian B"), "81.25", 4, 325)


def test_a_competency_average_covers_items_by_indicator_and_by_section(madrasah, world):
    measure = average(madrasah, world, competency_id=competency_13().pk)
    assert_measure(measure, Decimal(925) / 12, 4, Decimal(925) / 3)


def test_the_subject_group_keeps_only_its_rows_before_choosing_the_latest(madrasah, world):
    # Hasan's latest PAI result is his 60 on an Akidah Akhlak row (his later ones are Matematika).
    assert_measure(average(madrasah, world, subject_group="PAI"), 80, 3, 240)


def test_sections_are_matched_by_title_across_versions(madrasah, world):
    measure = metric_instrument_average(
        madrasah=madrasah,
        semester_ids=[world["previous"].pk, world["semester"].pk],
        instrument_id=world["instrument"],
        section_title="Bagian B",
    )
    # Umar's only result is of 2025/2026 (B: 3, 2 → 62.5); the others are this semester's.
    assert_measure(measure, (Decimal(325) + Decimal("62.5")) / 5, 5, "387.5")


def test_an_empty_period_has_no_data_not_zero(madrasah, world):
    empty = Semester.objects.create(
        madrasah=madrasah,
        academic_year=world["semester"].academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
        is_active=False,
    )
    for kwargs in ({}, {"section_title": "Bagian A"}, {"competency_id": competency_13().pk}):
        measure = metric_instrument_average(
            madrasah=madrasah, semester_ids=[empty.pk], instrument_id=world["instrument"], **kwargs
        )
        assert measure == Measure(None, 0, None)
    assert average(madrasah, world, subject_group="Muatan Lokal") == Measure(None, 0, None)
    assert metric_instrument_average(madrasah=madrasah, semester_ids=[], instrument_id=world["instrument"]) == Measure(
        None, 0, None
    )


def test_it_counts_nothing_of_another_madrasah(madrasah, other_madrasah, world):
    measure = metric_instrument_average(
        madrasah=other_madrasah, semester_ids=[world["semester"].pk], instrument_id=world["instrument"]
    )
    assert measure == Measure(None, 0, None)


# --- predikat shares -----------------------------------------------------------------------------


def test_a_result_exactly_on_the_lower_bound_is_at_that_predikat(madrasah, world):
    measure = metric_instrument_predikat_share(
        madrasah=madrasah, semester_ids=[world["semester"].pk], instrument_id=world["instrument"], predikat="Baik"
    )
    assert_measure(measure, 75, 4, 3)  # Fikri 100, Hasan 85 and Imam's 80


def test_the_band_is_read_from_the_version_of_each_result(madrasah, world):
    measure = metric_instrument_predikat_share(
        madrasah=madrasah,
        semester_ids=[world["previous"].pk, world["semester"].pk],
        instrument_id=world["instrument"],
        predikat="Baik",
    )
    assert_measure(measure, 60, 5, 3)  # Umar's 85 is below the 86 of his year's version


def test_a_predikat_share_of_a_subject_group(madrasah, world):
    measure = metric_instrument_predikat_share(
        madrasah=madrasah,
        semester_ids=[world["semester"].pk],
        instrument_id=world["instrument"],
        predikat="Amat Baik",
        subject_group="PAI",
    )
    assert_measure(measure, Decimal(100) / 3, 3, 1)


def test_an_unknown_predikat_reaches_no_one(madrasah, world):
    measure = metric_instrument_predikat_share(
        madrasah=madrasah, semester_ids=[world["semester"].pk], instrument_id=world["instrument"], predikat="Mumtaz"
    )
    assert_measure(measure, 0, 4, 0)


# --- PKG -----------------------------------------------------------------------------------------


def _approved(period, kepala, nilai: str, predikat: str = ""):
    return appraisal_factory.appraisal(
        period,
        StaffFactory(madrasah=period.madrasah),
        kepala.user,
        stage=AppraisalStage.APPROVED,
        nilai=Decimal(nilai),
        predikat=predikat,
    )


def test_pkg_share_counts_the_frozen_appraisals_at_or_above_the_band(madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    for nilai in ("76", "90.5", "60.71"):  # Baik exactly from 76; 60.71 is Sedang
        _approved(period, kepala, nilai)
    appraisal_period_close(period=period, user=kepala.user)
    # The year reopened and a late appraisal approved: the frozen figures do not move.
    appraisal_period_reopen(period=period, user=kepala.user)
    _approved(period, kepala, "95")
    measure = metric_pkg_predikat_share(madrasah=madrasah, academic_year_id=semester.academic_year_id, predikat="Baik")
    assert_measure(measure, Decimal(200) / 3, 3, 2)


def test_pkg_share_before_the_year_is_closed_has_no_data(madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    for nilai in ("76", "90.5", "60.71"):
        _approved(period, kepala, nilai)
    measure = metric_pkg_predikat_share(madrasah=madrasah, academic_year_id=semester.academic_year_id, predikat="Baik")
    assert measure == Measure(None, 0, None)


def test_pkg_share_of_fewer_than_three_teachers_has_no_data(madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    period = appraisal_factory.appraisal_period(madrasah, semester.academic_year, kepala)
    for nilai in ("76", "90.5"):
        _approved(period, kepala, nilai)
    appraisal_period_close(period=period, user=kepala.user)
    measure = metric_pkg_predikat_share(madrasah=madrasah, academic_year_id=semester.academic_year_id, predikat="Baik")
    assert measure == Measure(None, 0, None)


def test_pkg_share_of_a_year_without_approved_appraisals_has_no_data(madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    measure = metric_pkg_predikat_share(madrasah=madrasah, academic_year_id=semester.academic_year_id, predikat="Baik")
    assert measure == Measure(None, 0, None)


# --- programme rows observed on time ---------------------------------------------------------------


def test_rows_on_time_compare_the_observation_day_with_the_local_planned_day(madrasah, kepala, waka):
    semester = supervision.active_semester(madrasah)
    version = supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    programme = approved(madrasah, semester, kepala, waka)

    def row(planned_at, observed_on=None, state=ObservationState.FINAL):
        teacher = StaffFactory(madrasah=madrasah)
        if observed_on is None and state is None:
            return supervision.programme_row(
                programme=programme, teacher=teacher, supervisor=waka, planned_at=planned_at
            )
        observation = observe(
            programme, teacher, waka, version, [3, 3, 3], state=state, planned_at=planned_at, observed_on=observed_on
        )
        return observation.row

    row(wib(2026, 8, 3, 8), dt.date(2026, 8, 3))  # on the day
    row(wib(2026, 8, 10, 7, 30), dt.date(2026, 8, 11))  # a day late
    row(wib(2026, 8, 18, 6, 0), dt.date(2026, 8, 18))  # 17 August in UTC, 18 August in Pamekasan: on time
    row(wib(2026, 9, 7, 8), dt.date(2026, 9, 7), state=ObservationState.DRAFT)  # due, only a draft
    row(wib(2026, 9, 14, 8), state=None)  # due, nothing observed
    row(wib(2026, 12, 7, 8), state=None)  # not due yet
    row(wib(2026, 12, 14, 8), dt.date(2026, 11, 10), state=ObservationState.SUBMITTED)  # early
    cancelled = row(wib(2026, 8, 24, 8), state=None)
    ProgrammeRow.objects.filter(pk=cancelled.pk).update(cancelled_at=wib(2026, 8, 20, 9))

    measure = metric_rows_on_time(madrasah=madrasah, semester_ids=[semester.pk], now=NOW)
    assert_measure(measure, 50, 6, 3)


def test_rows_on_time_of_a_semester_without_rows_has_no_data(madrasah):
    semester = supervision.active_semester(madrasah)
    assert metric_rows_on_time(madrasah=madrasah, semester_ids=[semester.pk], now=NOW) == Measure(None, 0, None)


# --- follow-ups closed by their deadline -------------------------------------------------------------


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


def test_follow_ups_on_time_use_the_local_closing_day(madrasah, world, waka):
    imam = Observation.objects.get(teacher=world["teachers"]["Imam"])
    follow_up(imam, waka, deadline=dt.date(2026, 12, 1))  # open, not due: not counted
    follow_up(imam, waka, deadline=dt.date(2026, 11, 1))  # open past the deadline
    follow_up(imam, waka, deadline=dt.date(2026, 10, 10), closed_at=wib(2026, 10, 10, 23, 0))  # on time
    follow_up(imam, waka, deadline=dt.date(2026, 10, 10), closed_at=wib(2026, 10, 11, 0, 30))  # late (UTC: 10th)
    follow_up(imam, waka, deadline=dt.date(2026, 12, 20), closed_at=wib(2026, 11, 2, 9))  # early
    umar = Observation.objects.get(teacher=world["teachers"]["Umar"])
    follow_up(umar, waka, deadline=dt.date(2026, 4, 1))  # of the previous semester

    measure = metric_follow_ups_on_time(madrasah=madrasah, semester_ids=[world["semester"].pk], today=TODAY)
    assert_measure(measure, 50, 4, 2)


def test_follow_ups_on_time_without_follow_ups_has_no_data(madrasah, world):
    measure = metric_follow_ups_on_time(madrasah=madrasah, semester_ids=[world["semester"].pk], today=TODAY)
    assert measure == Measure(None, 0, None)


# --- PKB --------------------------------------------------------------------------------------------


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
def pkb_world(madrasah):
    """Active teachers: Aminah (PNS, 20 JP), Bahri (PNS, 12 JP and 10 waiting), Citra (PPPK, 30 JP),
    Dewi (PNS, 30 JP in the year before) and Eko (honorary, none): 62 JP for 5 teachers."""
    staff = {
        "Aminah": StaffFactory(madrasah=madrasah, name="Aminah"),
        "Bahri": StaffFactory(madrasah=madrasah, name="Bahri"),
        "Citra": StaffFactory(madrasah=madrasah, name="Citra", employment_status="pppk"),
        "Dewi": StaffFactory(madrasah=madrasah, name="Dewi"),
        "Eko": StaffFactory(madrasah=madrasah, name="Eko", employment_status="honorer"),
        "Fajar": StaffFactory(madrasah=madrasah, name="Fajar", is_active=False),
        "Gita": StaffFactory(madrasah=madrasah, name="Gita", teacher_type="none"),
    }
    pkb(staff["Aminah"], 20, dt.date(2026, 7, 1))  # the first day of 2026/2027
    pkb(staff["Bahri"], 12, dt.date(2026, 9, 10))
    pkb(staff["Bahri"], 10, dt.date(2026, 9, 20), status=PkbStatus.SUBMITTED)
    pkb(staff["Citra"], 30, dt.date(2027, 6, 30))  # the last day
    pkb(staff["Dewi"], 30, dt.date(2026, 6, 30))  # 2025/2026
    pkb(staff["Fajar"], 40, dt.date(2026, 8, 1))  # not active
    pkb(staff["Gita"], 40, dt.date(2026, 8, 1))  # not a teacher
    return staff


def test_pkb_average_is_verified_jp_per_active_teacher(madrasah, pkb_world):
    assert_measure(metric_pkb_average_jp(madrasah=madrasah, start_year=2026), "12.4", 5, 62)


def test_pkb_pns_reached_counts_civil_servants_at_the_minimum(madrasah, pkb_world):
    # Aminah's 20 JP is exactly the minimum; Bahri has 12 verified, Dewi none this year.
    assert_measure(metric_pkb_pns_reached(madrasah=madrasah, start_year=2026), Decimal(100) / 3, 3, 1)


def test_pkb_of_a_year_without_activities_is_zero_for_the_teachers_there_are(madrasah, pkb_world):
    assert_measure(metric_pkb_average_jp(madrasah=madrasah, start_year=2030), 0, 5, 0)
    assert_measure(metric_pkb_pns_reached(madrasah=madrasah, start_year=2030), 0, 3, 0)


def test_pkb_of_a_madrasah_without_teachers_has_no_data():
    empty = MadrasahFactory(name="MTs Kosong", nsm="121235289990", npsn="20589990")
    assert metric_pkb_average_jp(madrasah=empty, start_year=2026) == Measure(None, 0, None)
    assert metric_pkb_pns_reached(madrasah=empty, start_year=2026) == Measure(None, 0, None)


# --- cost ---------------------------------------------------------------------------------------------


def test_each_metric_is_one_query_whatever_the_number_of_teachers(madrasah, world, waka):
    semester_ids = [world["previous"].pk, world["semester"].pk]
    competency_id = competency_13().pk
    calls = [
        lambda: average(madrasah, world),
        lambda: average(madrasah, world, section_title="Bagian B", subject_group="PAI"),
        lambda: average(madrasah, world, competency_id=competency_id),
        lambda: metric_instrument_predikat_share(
            madrasah=madrasah, semester_ids=semester_ids, instrument_id=world["instrument"], predikat="Baik"
        ),
        lambda: metric_pkg_predikat_share(
            madrasah=madrasah, academic_year_id=world["semester"].academic_year_id, predikat="Baik"
        ),
        lambda: metric_rows_on_time(madrasah=madrasah, semester_ids=semester_ids, now=NOW),
        lambda: metric_follow_ups_on_time(madrasah=madrasah, semester_ids=semester_ids, today=TODAY),
        lambda: metric_pkb_average_jp(madrasah=madrasah, start_year=2026),
        lambda: metric_pkb_pns_reached(madrasah=madrasah, start_year=2026),
    ]

    def counted() -> list[int]:
        counts = []
        for call in calls:
            with CaptureQueriesContext(connection) as queries:
                call()
            counts.append(len(queries))
        return counts

    few = counted()
    version = InstrumentVersion.objects.get(
        instrument_id=world["instrument"], academic_year=world["semester"].academic_year
    )
    for n in range(20):
        teacher = StaffFactory(madrasah=madrasah, name=f"Guru {n:02d}")
        observe(world["programme"], teacher, waka, version, [3, 3, 3, 3, 3], finalised_at=wib(2026, 10, 1, 9))
    assert few == counted() == [1] * len(calls)
