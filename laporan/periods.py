"""The period a document is about, from its key — what a kind's `context(period=…)` receives.

Keys (URL-, command- and file-name-safe):
- semester: `2025-2026-genap` (`Semester.slug`);
- academic year: `2025-2026`;
- month: `2026-11`.
A key that is malformed or names no period of the madrasah is an `ApplicationError` with a clear
Indonesian message (the command and the page show it as it is).
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear, Madrasah, Semester

from .documents import PeriodKind

SEMESTER_KEY = re.compile(r"^(\d{4})-(\d{4})-(ganjil|genap)$")
YEAR_KEY = re.compile(r"^(\d{4})-(\d{4})$")
MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_OFFERED = 12


@dataclass(frozen=True)
class Period:
    kind: str  # PeriodKind
    key: str
    label: str  # "2025/2026 Genap", "Tahun pelajaran 2025/2026", "November 2026"
    start: dt.date
    end: dt.date
    semester: Semester | None = None  # semester periods
    academic_year: AcademicYear | None = None  # semester and year periods

    @property
    def start_year(self) -> int:
        """The academic year's start year (July–June) the period falls in."""
        return self.start.year if self.start.month >= 7 else self.start.year - 1


def period_of_semester(semester: Semester) -> Period:
    return Period(
        kind=PeriodKind.SEMESTER,
        key=semester.slug,
        label=str(semester),
        start=semester.start_date,
        end=semester.end_date,
        semester=semester,
        academic_year=semester.academic_year,
    )


def period_of_year(year: AcademicYear) -> Period:
    return Period(
        kind=PeriodKind.YEAR,
        key=f"{year.start_year}-{year.start_year + 1}",
        label=_("Academic year %(year)s") % {"year": year.name},
        start=year.start_date,
        end=year.end_date,
        academic_year=year,
    )


def period_of_month(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(
        kind=PeriodKind.MONTH,
        key=f"{year:04d}-{month:02d}",
        label=formats.date_format(start, "F Y"),
        start=start,
        end=dt.date(year, month, monthrange(year, month)[1]),
    )


def _unknown(key: str) -> ApplicationError:
    return ApplicationError(_("The period “%(key)s” does not exist for this madrasah.") % {"key": key}, field="period")


def period_resolve(*, madrasah: Madrasah, period_kind: str, key: str) -> Period:
    """The madrasah's period of `period_kind` named by `key`, or ApplicationError."""
    key = (key or "").strip()
    if period_kind == PeriodKind.SEMESTER:
        match = SEMESTER_KEY.match(key)
        if not match or int(match[2]) != int(match[1]) + 1:
            raise ApplicationError(
                _("Write the semester as for example 2025-2026-genap (not “%(key)s”).") % {"key": key}, field="period"
            )
        semester = (
            Semester.objects.select_related("academic_year")
            .filter(madrasah=madrasah, academic_year__start_year=int(match[1]), kind=match[3])
            .first()
        )
        if semester is None:
            raise _unknown(key)
        return period_of_semester(semester)
    if period_kind == PeriodKind.YEAR:
        match = YEAR_KEY.match(key)
        if not match or int(match[2]) != int(match[1]) + 1:
            raise ApplicationError(
                _("Write the academic year as for example 2025-2026 (not “%(key)s”).") % {"key": key}, field="period"
            )
        year = AcademicYear.objects.filter(madrasah=madrasah, start_year=int(match[1])).first()
        if year is None:
            raise _unknown(key)
        return period_of_year(year)
    if period_kind == PeriodKind.MONTH:
        match = MONTH_KEY.match(key)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise ApplicationError(
                _("Write the month as for example 2026-11 (not “%(key)s”).") % {"key": key}, field="period"
            )
        return period_of_month(int(match[1]), int(match[2]))
    raise ValueError(f"unknown period kind {period_kind!r}")


def period_choices(*, madrasah: Madrasah, period_kind: str, today: dt.date | None = None) -> list[Period]:
    """The periods a document of `period_kind` may be asked for, newest first (one query)."""
    if period_kind == PeriodKind.SEMESTER:
        semesters = Semester.objects.filter(madrasah=madrasah).select_related("academic_year").order_by("-start_date")
        return [period_of_semester(s) for s in semesters]
    if period_kind == PeriodKind.YEAR:
        return [period_of_year(y) for y in AcademicYear.objects.filter(madrasah=madrasah).order_by("-start_year")]
    if period_kind == PeriodKind.MONTH:
        today = today or timezone.localdate()
        periods, year, month = [], today.year, today.month
        for _step in range(MONTHS_OFFERED):
            periods.append(period_of_month(year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return periods
    raise ValueError(f"unknown period kind {period_kind!r}")


def period_default(*, choices: list[Period]) -> Period | None:
    """The active semester (or the newest period) preselected in the form."""
    active = next((p for p in choices if p.semester is not None and p.semester.is_active), None)
    return active or (choices[0] if choices else None)
