"""Timetable reads. Every function takes the madrasah (or the semester) explicitly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, QuerySet

from ..models import (
    AcademicYear,
    BellKind,
    BellPeriod,
    BellSet,
    Lesson,
    Madrasah,
    RamadanPeriod,
    SchoolClass,
    SchoolWeek,
    Semester,
    TeacherCode,
)
from .rules import PlannerWeek, TeachingSlot, day_names, school_days_or_default


def school_days(*, madrasah: Madrasah) -> tuple[int, ...]:
    week = SchoolWeek.objects.filter(madrasah=madrasah).values_list("days", flat=True).first()
    return school_days_or_default(week)


def bell_periods(*, madrasah: Madrasah, bell_set: str = BellSet.REGULAR) -> QuerySet[BellPeriod]:
    return BellPeriod.objects.filter(madrasah=madrasah, bell_set=bell_set).order_by("weekday", "start_time")


def bell_days(*, madrasah: Madrasah, bell_set: str = BellSet.REGULAR) -> list[dict]:
    """Per school day: its name and its bell periods (for the pages)."""
    names = day_names()
    by_day = defaultdict(list)
    for period in bell_periods(madrasah=madrasah, bell_set=bell_set):
        by_day[period.weekday].append(period)
    return [{"weekday": d, "name": names[d], "periods": by_day[d]} for d in school_days(madrasah=madrasah)]


def lesson_starts(*, madrasah: Madrasah) -> dict[int, dict[dt.time, int]]:
    """weekday → {start time: period number} of the regular lesson periods (the import reads times)."""
    starts: dict[int, dict[dt.time, int]] = defaultdict(dict)
    for weekday, number, start in (
        bell_periods(madrasah=madrasah).filter(kind=BellKind.LESSON).values_list("weekday", "number", "start_time")
    ):
        starts[weekday][start] = number
    return starts


def ramadan_periods(*, madrasah: Madrasah) -> QuerySet[RamadanPeriod]:
    return RamadanPeriod.objects.filter(madrasah=madrasah).order_by("start_date")


def classes(*, academic_year: AcademicYear) -> QuerySet[SchoolClass]:
    return (
        SchoolClass.objects.filter(academic_year=academic_year)
        .annotate(lesson_count=Count("lessons"))
        .order_by("order", "name")
    )


def year_classes(*, madrasah_id: int, academic_year_id: int | None) -> QuerySet[SchoolClass]:
    """The academic year's classes (rombel) as the timetable lists them, unordered (a caller may
    combine them with other names in one query)."""
    return SchoolClass.objects.filter(madrasah_id=madrasah_id, academic_year_id=academic_year_id).order_by()


def teacher_codes(*, madrasah: Madrasah) -> QuerySet[TeacherCode]:
    return TeacherCode.objects.filter(madrasah=madrasah).select_related("staff").order_by("code")


def lesson_count(*, semester: Semester) -> int:
    return Lesson.objects.filter(semester=semester).count()


def timetable_grid(*, semester: Semester) -> list[dict]:
    """Per school day: its periods (jam ke-, start and end) and, per class, the lesson of each period —
    the class timetable as a Waka reads it. Three queries whatever the size of the week."""
    madrasah = semester.madrasah
    class_list = list(SchoolClass.objects.filter(academic_year_id=semester.academic_year_id).order_by("order", "name"))
    lessons = Lesson.objects.filter(semester=semester).select_related("subject", "teacher", "school_class")
    cell: dict[tuple, Lesson] = {}
    counselling: dict[tuple, list[Lesson]] = defaultdict(list)
    for lesson in lessons:
        if lesson.school_class_id is None:
            counselling[(lesson.weekday, lesson.number)].append(lesson)
        else:
            cell[(lesson.weekday, lesson.number, lesson.school_class_id)] = lesson
    days = []
    for day in bell_days(madrasah=madrasah):
        rows = []
        for period in day["periods"]:
            if period.kind != BellKind.LESSON:
                rows.append({"period": period, "cells": [], "counselling": []})
                continue
            key = (day["weekday"], period.number)
            rows.append(
                {
                    "period": period,
                    "cells": [cell.get((*key, c.pk)) for c in class_list],
                    "counselling": counselling.get(key, []),
                }
            )
        days.append({**day, "rows": rows})
    return {"classes": class_list, "days": days}


def planner_week(*, semester: Semester) -> PlannerWeek:
    """The semester's timetable as the supervision bulk planner reads it (three queries)."""
    madrasah = semester.madrasah
    starts = {
        (weekday, number): start
        for weekday, number, start in bell_periods(madrasah=madrasah)
        .filter(kind=BellKind.LESSON)
        .values_list("weekday", "number", "start_time")
    }
    slots: dict[int, list[TeachingSlot]] = defaultdict(list)
    for teacher_id, weekday, number, class_name, subject_id in (
        Lesson.objects.filter(semester=semester)
        .order_by("weekday", "number", "pk")
        .values_list("teacher_id", "weekday", "number", "school_class__name", "subject_id")
    ):
        if (weekday, number) in starts:
            slots[teacher_id].append(
                TeachingSlot(
                    weekday=weekday,
                    number=number,
                    start=starts[(weekday, number)],
                    class_name=class_name or "",
                    subject_id=subject_id,
                )
            )
    return PlannerWeek(
        school_days=school_days(madrasah=madrasah),
        ramadan=tuple(ramadan_periods(madrasah=madrasah).values_list("start_date", "end_date")),
        slots={teacher_id: tuple(s) for teacher_id, s in slots.items()},
    )
