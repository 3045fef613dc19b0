"""Scheduled reports: which documents a madrasah's schedule makes due on a day (pure rules, no
database), and the reads behind the dispatcher and the "Jadwal laporan" page.

What the schedule asks for (each switchable by the Kepala, `ReportSchedule`):
- the monthly digest of the PREVIOUS month, on the chosen day of the month (1–28, so every month
  has it);
- the semester recap and the academic supervision report of a semester, on the day that semester
  ends (`Semester.end_date`, which each madrasah sets for itself);
- the yearly evidence bundle of an academic year, on the day the year ends: the end of its genap
  semester, or 30 June when the madrasah has not entered one.

The dispatcher runs once a day (beat, 06:00 WIB). A day it did not run — a mini-PC switched off over a
long weekend — is caught up on the next run: what fell due in the last `CATCH_UP_DAYS` days and was
never asked for is asked for then. The writes (asking, once per key) are in `laporan.schedule_services`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from madrasah.models import AcademicYear, Madrasah, Semester, SemesterKind

from .models import ReportDispatch, ReportSchedule

CATCH_UP_DAYS = 7
DIGEST = "digest"
SEMESTER_END_KINDS = ("semester", "laporan-supervisi")  # in the order they are asked for
BUNDLE = "bundle"
SCHEDULED_KINDS = (DIGEST, *SEMESTER_END_KINDS, BUNDLE)
DIGEST_DAYS = range(1, 29)


# --- the rules (pure) ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SemesterEnd:
    key: str  # the semester's period key, `2025-2026-genap`
    kind: str  # SemesterKind
    year_start: int  # its academic year's start year
    end: dt.date


@dataclass(frozen=True)
class Due:
    kind: str  # a DocumentKind code
    period: str  # its period key
    due_on: dt.date


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before `day`'s."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def year_key(year_start: int) -> str:
    return f"{year_start}-{year_start + 1}"


def year_end(*, year_start: int, semesters: Iterable[SemesterEnd]) -> dt.date:
    """The last day of academic year `year_start`: its genap semester's end, else 30 June."""
    ends = [s.end for s in semesters if s.year_start == year_start and s.kind == SemesterKind.GENAP]
    return max(ends) if ends else dt.date(year_start + 1, 6, 30)


def window(*, today: dt.date, catch_up_days: int = CATCH_UP_DAYS) -> tuple[dt.date, dt.date]:
    """The days whose due documents a run on `today` asks for (inclusive)."""
    return today - dt.timedelta(days=catch_up_days - 1), today


def reports_due(
    *,
    today: dt.date,
    digest_day: int | None,
    semester_recap: bool,
    bundle: bool,
    semesters: Iterable[SemesterEnd],
    years: Iterable[int],
    catch_up_days: int = CATCH_UP_DAYS,
) -> list[Due]:
    """What falls due from `today - catch_up_days + 1` to `today`: digests (previous month) on
    `digest_day` (None: off), the semester-end documents of the semesters ending then, the bundle of
    the years (`years`: start years) ending then. Digests first, then by day; the bundle last."""
    first, last = window(today=today, catch_up_days=catch_up_days)
    semesters = list(semesters)
    due: list[Due] = []
    if digest_day:
        day = first
        while day <= last:
            if day.day == digest_day:
                due.append(Due(kind=DIGEST, period=month_key(previous_month(day)), due_on=day))
            day += dt.timedelta(days=1)
    if semester_recap:
        for semester in sorted(semesters, key=lambda s: (s.end, s.key)):
            if first <= semester.end <= last:
                due.extend(Due(kind=code, period=semester.key, due_on=semester.end) for code in SEMESTER_END_KINDS)
    if bundle:
        for start in sorted(set(years)):
            end = year_end(year_start=start, semesters=semesters)
            if first <= end <= last:
                due.append(Due(kind=BUNDLE, period=year_key(start), due_on=end))
    return due


def next_digest_on(*, today: dt.date, digest_day: int) -> dt.date:
    """The next day (today included) the digest is asked for."""
    if today.day <= digest_day:
        return today.replace(day=digest_day)
    following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following.replace(day=digest_day)


# --- reads ----------------------------------------------------------------------------------------------


def report_schedule_of(*, madrasah: Madrasah) -> ReportSchedule:
    """The madrasah's schedule, or (unsaved) the defaults it follows until the Kepala saves one."""
    return ReportSchedule.objects.filter(madrasah=madrasah).first() or ReportSchedule(madrasah=madrasah)


def _semester_end(semester: Semester) -> SemesterEnd:
    return SemesterEnd(
        key=semester.slug, kind=semester.kind, year_start=semester.academic_year.start_year, end=semester.end_date
    )


def schedules_due(*, today: dt.date, catch_up_days: int = CATCH_UP_DAYS) -> list[tuple[Madrasah, Due]]:
    """For every madrasah, what its schedule makes due in the window ending `today` and was never
    asked for (no `ReportDispatch` yet). Five queries, whatever the number of madrasah."""
    first, last = window(today=today, catch_up_days=catch_up_days)
    ending = list(
        Semester.objects.filter(end_date__range=(first, last)).values_list("academic_year__start_year", flat=True)
    )
    # Years that may end in the window: by 30 June, or by a genap semester ending in it.
    starts = {first.year - 1, last.year - 1, *ending}
    semesters_by_madrasah: dict[int, list[SemesterEnd]] = defaultdict(list)
    for semester in Semester.objects.filter(
        Q(end_date__range=(first, last)) | Q(academic_year__start_year__in=starts)
    ).select_related("academic_year"):
        semesters_by_madrasah[semester.madrasah_id].append(_semester_end(semester))
    years_by_madrasah: dict[int, list[int]] = defaultdict(list)
    for madrasah_id, start in AcademicYear.objects.filter(start_year__in=starts).values_list(
        "madrasah_id", "start_year"
    ):
        years_by_madrasah[madrasah_id].append(start)
    saved = {s.madrasah_id: s for s in ReportSchedule.objects.all()}
    asked = set(
        ReportDispatch.objects.filter(due_on__gte=first - dt.timedelta(days=366)).values_list(
            "madrasah_id", "kind", "period"
        )
    )
    plans = []
    for madrasah in Madrasah.objects.order_by("pk"):
        schedule = saved.get(madrasah.pk) or ReportSchedule(madrasah=madrasah)
        for due in reports_due(
            today=today,
            digest_day=schedule.digest_day if schedule.digest else None,
            semester_recap=schedule.semester_recap,
            bundle=schedule.bundle,
            semesters=semesters_by_madrasah.get(madrasah.pk, []),
            years=years_by_madrasah.get(madrasah.pk, []),
            catch_up_days=catch_up_days,
        ):
            if (madrasah.pk, due.kind, due.period) not in asked:
                plans.append((madrasah, due))
    return plans


@dataclass(frozen=True)
class Upcoming:
    kind: str
    period_label: str
    due_on: dt.date


def schedule_upcoming(*, madrasah: Madrasah, schedule: ReportSchedule, today: dt.date) -> list[Upcoming]:
    """The next date of each scheduled document that is switched on, soonest first (two queries)."""
    from .periods import period_of_month, period_of_semester, period_of_year

    upcoming = []
    if schedule.digest:
        day = next_digest_on(today=today, digest_day=schedule.digest_day)
        upcoming.append(
            Upcoming(kind=DIGEST, period_label=period_of_month(*_ym(previous_month(day))).label, due_on=day)
        )
    semesters = list(
        Semester.objects.filter(madrasah=madrasah, end_date__gte=today - dt.timedelta(days=366))
        .select_related("academic_year")
        .order_by("end_date")
    )
    if schedule.semester_recap:
        following = next((s for s in semesters if s.end_date >= today), None)
        if following is not None:
            label = period_of_semester(following).label
            upcoming.extend(
                Upcoming(kind=code, period_label=label, due_on=following.end_date) for code in SEMESTER_END_KINDS
            )
    if schedule.bundle:
        ends = [_semester_end(s) for s in semesters]
        years = AcademicYear.objects.filter(madrasah=madrasah, start_year__gte=today.year - 1).order_by("start_year")
        for year in years:
            end = year_end(year_start=year.start_year, semesters=ends)
            if end >= today:
                upcoming.append(Upcoming(kind=BUNDLE, period_label=period_of_year(year).label, due_on=end))
                break
    return sorted(upcoming, key=lambda u: u.due_on)


def _ym(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def dispatches_recent(*, madrasah: Madrasah, limit: int = 12) -> QuerySet[ReportDispatch]:
    """What the schedule asked for lately, newest first, with the report it made."""
    return ReportDispatch.objects.filter(madrasah=madrasah).select_related("report").order_by("-due_on", "-pk")[:limit]
