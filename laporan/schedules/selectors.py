"""Reads of the scheduled reports: the madrasah's schedule, what it makes due (behind the daily
dispatcher) and what comes next and was asked for lately (the "Jadwal laporan" page)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from madrasah.models import AcademicYear, Madrasah, Membership, Semester

from ..documents.selectors import period_of_month, period_of_semester, period_of_year
from ..models import ReportDispatch, ReportSchedule
from .rules import (
    BUNDLE,
    CATCH_UP_DAYS,
    DIGEST,
    SCHEDULE_READERS,
    SCHEDULE_WRITERS,
    SEMESTER_END_KINDS,
    Due,
    SemesterEnd,
    next_digest_on,
    previous_month,
    reports_due,
    window,
    year_end,
)


def report_schedule_of(*, madrasah: Madrasah) -> ReportSchedule:
    """The madrasah's schedule, or (unsaved) the defaults it follows until the Kepala saves one."""
    return ReportSchedule.objects.filter(madrasah=madrasah).first() or ReportSchedule(madrasah=madrasah)


def _semester_end(semester: Semester) -> SemesterEnd:
    return SemesterEnd(
        key=semester.slug, kind=semester.kind, year_start=semester.academic_year.start_year, end=semester.end_date
    )


def schedules_due(*, today: dt.date, catch_up_days: int = CATCH_UP_DAYS) -> list[tuple[Madrasah, Due]]:
    """For every active madrasah, what its schedule makes due in the window ending `today` and was
    never asked for (no `ReportDispatch` yet). Five queries, whatever the number of madrasah. A
    madrasah taken off the installation is asked nothing; reactivated, it catches up on the window."""
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
    for madrasah in Madrasah.objects.filter(is_active=True).order_by("pk"):
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


def report_schedule_for_user(membership: Membership, *, write: bool = False) -> ReportSchedule:
    """The member's madrasah's schedule (unsaved defaults until the Kepala saves it). Other roles → 403;
    changing it (`write`) is the Kepala's → 403 for the Waka and the pengawas."""
    if not membership.has_role(*SCHEDULE_READERS):
        raise PermissionDenied
    if write and not membership.has_role(*SCHEDULE_WRITERS):
        raise PermissionDenied
    return report_schedule_of(madrasah=membership.madrasah)
