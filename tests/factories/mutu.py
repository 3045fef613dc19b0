"""Quality cycles for the PDCA tests: periods, cycles, activities, progress and measurements, and the
supervision, PKG and PKB results the indicators are measured from. Rows are written directly (no rule
checks, no events): build odd cases freely; go through HTTP to test the rules.

The root conftest gives the madrasah one semester, 2026/2027 ganjil (active). `semester(...)` adds
the others (2025/2026 ganjil and genap, 2026/2027 genap, …).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kompetensi.models import (
    AppraisalStage,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    InstrumentVersion,
    Observation,
    ObservationState,
    PkbActivity,
    PkbKind,
    PkbStatus,
    Programme,
)
from madrasah.models import AcademicYear, Membership, Semester, Staff
from mutu.models import (
    Activity,
    ActivityProgress,
    ActivityStatus,
    Cycle,
    Direction,
    EdmAspect,
    FundingSource,
    IndicatorKind,
    Measurement,
    SnpStandard,
    Stage,
)
from tests.factories import supervision


def semester(madrasah, start_year: int, kind: str = "ganjil", *, active: bool = False) -> Semester:
    """The semester (made once): ganjil July–December of `start_year`, genap January–June after it."""
    year, _ = AcademicYear.objects.get_or_create(madrasah=madrasah, start_year=start_year)
    existing = Semester.objects.filter(academic_year=year, kind=kind).first()
    if existing:
        return existing
    if kind == "ganjil":
        start, end = dt.date(start_year, 7, 1), dt.date(start_year, 12, 31)
    else:
        start, end = dt.date(start_year + 1, 1, 1), dt.date(start_year + 1, 6, 30)
    return Semester.objects.create(
        madrasah=madrasah, academic_year=year, kind=kind, start_date=start, end_date=end, is_active=active
    )


def planning_version(madrasah, academic_year: AcademicYear) -> InstrumentVersion:
    """The test instrument ("perencanaan-uji": one section "Bagian A" of 3 items, scale 1–4, bands
    91 Amat Baik / 81 Baik / 71 Cukup / 0 Kurang) for the year, made once per year."""
    return supervision.supervision_version(madrasah=madrasah, academic_year=academic_year)


def cycle(
    *,
    owner: Membership,
    semester: Semester | None = None,
    academic_year: AcademicYear | None = None,
    indicator: str = IndicatorKind.INSTRUMENT_AVERAGE,
    instrument=None,
    target: Decimal | int | str = 80,
    direction: str = Direction.AT_LEAST,
    stage: str = Stage.PLAN,
    team: list[Staff] = (),
    title: str = "Rata-rata nilai perencanaan ≥ 80",
    **fields,
) -> Cycle:
    """A cycle of the owner's madrasah over `semester` (or the whole `academic_year`)."""
    made = Cycle.objects.create(
        madrasah_id=owner.madrasah_id,
        title=title,
        standard=SnpStandard.STAFF,
        edm_aspect=EdmAspect.LEARNING,
        edm_indicator="Guru menyusun perencanaan pembelajaran",
        owner=owner.staff,
        academic_year=academic_year or semester.academic_year,
        semester=semester,
        indicator=indicator,
        instrument=instrument.instrument if isinstance(instrument, InstrumentVersion) else instrument,
        target=Decimal(target),
        direction=direction,
        stage=stage,
        created_by=owner.user,
        **fields,
    )
    if team:
        made.team.set(team)
    return made


def activity(
    cycle_: Cycle,
    *,
    what: str = "Pendampingan penyusunan modul ajar",
    start: dt.date | None = None,
    end: dt.date | None = None,
    planned: int | str | Decimal = 0,
    spent: int | str | Decimal = 0,
    source: str = FundingSource.DIPA_BOS,
    status: str = ActivityStatus.PLANNED,
) -> Activity:
    period_start = cycle_.semester.start_date if cycle_.semester_id else cycle_.academic_year.start_date
    start = start or period_start + dt.timedelta(days=30)
    return Activity.objects.create(
        cycle=cycle_,
        what=what,
        who="Waka Kurikulum",
        start_date=start,
        end_date=end or start,
        planned_cost=Decimal(planned),
        spent=Decimal(spent),
        funding_source=source,
        status=status,
    )


def progress(activity_: Activity, *, author: Membership, note: str = "Pendampingan pertama selesai.", **fields):
    return ActivityProgress.objects.create(activity=activity_, author=author.user, note=note, **fields)


def measurement(cycle_: Cycle, *, by: Membership, value, when: dt.datetime | None = None, n: int = 1, **fields):
    value = None if value is None else Decimal(value)
    gap = None if value is None else (value - cycle_.target if cycle_.direction == "min" else cycle_.target - value)
    return Measurement.objects.create(
        cycle=cycle_,
        measured_at=when or timezone.now(),
        measured_by=by.user,
        period_start_year=fields.pop("period_start_year", 2026),
        period_semester=fields.pop("period_semester", "ganjil"),
        value=value,
        n=n if value is not None else 0,
        total=value * n if value is not None else None,
        target=cycle_.target,
        met=None if gap is None else gap >= 0,
        gap=gap,
        **fields,
    )


# --- what the indicators count -------------------------------------------------------------------------


def _programme(madrasah, semester_: Semester, created_by: Membership) -> Programme:
    return Programme.objects.filter(semester=semester_).first() or supervision.programme(
        madrasah=madrasah, semester=semester_, created_by=created_by
    )


def final_result(
    *,
    semester: Semester,
    teacher: Membership,
    supervisor: Membership,
    percentage,
    version: InstrumentVersion | None = None,
    predikat: str = "",
    planned_at: dt.datetime | None = None,
    observed_on: dt.date | None = None,
) -> Observation:
    """A FINAL observation of `teacher` in `semester` on the test instrument of its year (or
    `version`), with its row planned at `planned_at` and observed on `observed_on`."""
    madrasah = semester.madrasah
    version = version or planning_version(madrasah, semester.academic_year)
    planned_at = planned_at or supervision.default_planned_at(semester)
    row = supervision.programme_row(
        programme=_programme(madrasah, semester, supervisor),
        teacher=teacher,
        supervisor=supervisor,
        planned_at=planned_at,
        instruments=[version],
    )
    return Observation.objects.create(
        madrasah=madrasah,
        row=row,
        instrument_version=version,
        teacher=teacher.staff,
        supervisor=supervisor.user,
        state=ObservationState.FINAL,
        observed_on=observed_on or timezone.localdate(planned_at),
        percentage=Decimal(percentage),
        predikat=predikat,
        submitted_at=planned_at,
        finalised_at=planned_at + dt.timedelta(days=7),
    )


def follow_up(
    observation: Observation,
    *,
    deadline: dt.date,
    closed_on: dt.date | None = None,
    kind: str = FollowUpKind.COACHING,
) -> FollowUp:
    closed_at = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(10, 0))) if closed_on is not None else None
    return FollowUp.objects.create(
        madrasah=observation.madrasah,
        observation=observation,
        teacher=observation.teacher,
        kind=kind,
        description="Pendampingan modul ajar",
        responsible="Waka Kurikulum",
        deadline=deadline,
        status=FollowUpStatus.CLOSED if closed_on else FollowUpStatus.OPEN,
        closed_at=closed_at,
        created_by=observation.supervisor,
    )


def approved_pkg(*, academic_year: AcademicYear, teacher: Membership, assessor: Membership, nilai, predikat: str):
    """An approved PKG appraisal of the year with its Nilai PKG (scores not written)."""
    from tests.factories import appraisal as factories

    period = academic_year.appraisal_periods.first() or factories.appraisal_period(
        academic_year.madrasah, academic_year, assessor
    )
    return factories.appraisal(
        period,
        teacher.staff,
        assessor.user,
        stage=AppraisalStage.APPROVED,
        nilai=Decimal(nilai),
        predikat=predikat,
        approved_at=timezone.now(),
        approved_by=assessor.user,
    )


def verified_pkb(teacher: Membership, *, jp: int, start: dt.date) -> PkbActivity:
    return PkbActivity.objects.create(
        madrasah_id=teacher.madrasah_id,
        teacher=teacher.staff,
        kind=PkbKind.TRAINING,
        title=f"Diklat {jp} JP",
        organiser="BDK Surabaya",
        start_date=start,
        end_date=start,
        jp=jp,
        status=PkbStatus.VERIFIED,
    )
