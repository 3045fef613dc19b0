"""Quality cycles with costed activities, entrepreneurship-log entries and good-practice write-ups
for the money and good-practice tests. Rows are written directly (no rule checks, no notifications)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from madrasah.models import AcademicYear, Semester
from mutu.models import (
    Activity,
    ActivityStatus,
    BusinessActivity,
    Cycle,
    EdmAspect,
    FundingSource,
    GoodPractice,
    GoodPracticeStatus,
    IndicatorKind,
    SnpStandard,
)


def cycle(
    *, owner, academic_year: AcademicYear, semester: Semester | None = None, title: str = "Siklus modul ajar"
) -> Cycle:
    """A cycle of the owner's madrasah (`owner`: a Membership with a staff record)."""
    return Cycle.objects.create(
        madrasah_id=owner.madrasah_id,
        title=title,
        standard=SnpStandard.STAFF,
        edm_aspect=EdmAspect.SELF_DEVELOPMENT,
        edm_indicator="Guru menyusun modul ajar",
        owner=owner.staff,
        academic_year=academic_year,
        semester=semester,
        indicator=IndicatorKind.MANUAL,
        manual_name="Modul ajar lengkap",
        target=Decimal(80),
        created_by=owner.user,
    )


def activity(
    cycle_: Cycle,
    *,
    planned: int | str | Decimal = 0,
    spent: int | str | Decimal = 0,
    source: str = FundingSource.DIPA_BOS,
    rkam: str = "",
    status: str = ActivityStatus.PLANNED,
    start: dt.date | None = None,
    what: str = "IHT modul ajar",
) -> Activity:
    start = start or dt.date(cycle_.academic_year.start_year, 8, 10)
    return Activity.objects.create(
        cycle=cycle_,
        what=what,
        who="Waka Kurikulum",
        start_date=start,
        end_date=start,
        planned_cost=Decimal(planned),
        spent=Decimal(spent),
        rkam_activity=rkam,
        funding_source=source,
        status=status,
    )


def business_entry(
    madrasah,
    user,
    *,
    date: dt.date,
    unit: str = "Koperasi",
    income: int | str | Decimal = 0,
    expense: int | str | Decimal = 0,
    description: str = "Penjualan alat tulis",
) -> BusinessActivity:
    return BusinessActivity.objects.create(
        madrasah=madrasah,
        date=date,
        unit=unit,
        description=description,
        income=Decimal(income),
        expense=Decimal(expense),
        recorded_by=user,
    )


def good_practice(
    teacher_membership, *, status: str = GoodPracticeStatus.DRAFT, title: str = "Kuis kartu"
) -> GoodPractice:
    return GoodPractice.objects.create(
        madrasah_id=teacher_membership.madrasah_id,
        teacher=teacher_membership.staff,
        title=title,
        body="Saya memakai kartu kuis di kelas VIII.\n\nHasilnya: siswa lebih aktif.",
        status=status,
        published_at=timezone.now() if status == GoodPracticeStatus.PUBLISHED else None,
    )
