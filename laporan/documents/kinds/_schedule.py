"""The semester's supervision programme as the programme, schedule and notice documents print it:
the rows of `kompetensi.supervision.selectors.programme.programme_rows` (status computed in SQL, as
on the programme page) with the names under which people sign, read in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min
from django.utils import timezone

from kompetensi.models import Programme, ProgrammeRow
from kompetensi.supervision.rules import RowStatus
from kompetensi.supervision.selectors.programme import (
    programme_of_semester,
    programme_rows,
    rows_for_display,
    supervision_people,
)
from madrasah.identifiers import StaffIdentifier
from madrasah.models import Semester


@dataclass(frozen=True)
class ScheduleRow:
    planned_at: dt.datetime
    teacher: str
    teacher_identifier: StaffIdentifier
    subject: str
    class_name: str
    supervisor: str
    instruments: str
    status: str
    status_label: str
    cancelled: bool
    cancel_reason: str


@dataclass(frozen=True)
class ScheduleSpan:
    """Counts and first/last planned dates of the rows that are not cancelled (one query)."""

    rows: int = 0
    teachers: int = 0
    first: dt.date | None = None
    last: dt.date | None = None


def schedule_rows(*, programme: Programme, semester: Semester, now: dt.datetime | None = None) -> list[ScheduleRow]:
    """Every row of the programme by date, cancelled ones included (struck through when printed)."""
    people = supervision_people(madrasah=programme.madrasah, semester=semester)
    rows = rows_for_display(programme_rows(programme=programme, now=now), people=people)
    return [
        ScheduleRow(
            planned_at=row.planned_at,
            teacher=row.teacher.full_name,
            teacher_identifier=row.teacher.identifier,
            subject=row.subject.name if row.subject_id else "",
            class_name=row.class_name,
            supervisor=row.supervisor_name,
            instruments=", ".join(v.instrument.name for v in row.instruments.all()),
            status=row.row_status,
            status_label=row.status_label,
            cancelled=row.row_status == RowStatus.CANCELLED,
            cancel_reason=row.cancel_reason,
        )
        for row in rows
    ]


def schedule_span(*, programme: Programme) -> ScheduleSpan:
    found = ProgrammeRow.objects.filter(programme=programme, cancelled_at__isnull=True).aggregate(
        rows=Count("pk"), teachers=Count("teacher_id", distinct=True), first=Min("planned_at"), last=Max("planned_at")
    )
    return ScheduleSpan(
        rows=found["rows"],
        teachers=found["teachers"],
        first=timezone.localdate(found["first"]) if found["first"] else None,
        last=timezone.localdate(found["last"]) if found["last"] else None,
    )


def programme_with_people(*, semester: Semester) -> Programme | None:
    programme = programme_of_semester(semester=semester)
    if programme is not None:
        programme.semester = semester  # already loaded with its academic year: no query per use
    return programme


def schedule_context(*, semester: Semester, cancelled: bool) -> dict:
    """What the schedule and the notice print: the programme's rows by date (with the cancelled ones
    when `cancelled`), and the counts and dates of those that are not cancelled."""
    programme = programme_with_people(semester=semester)
    rows = schedule_rows(programme=programme, semester=semester) if programme else []
    if not cancelled:
        rows = [row for row in rows if not row.cancelled]
    return {
        "semester": semester,
        "programme": programme,
        "rows": rows,
        "span": schedule_span(programme=programme) if programme else None,
        "empty": not rows,
    }
