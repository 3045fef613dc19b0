"""The bulk planner of a supervision programme: one observation for every teacher still without one,
placed in the lessons the teacher teaches when the semester has a timetable (madrasah.timetable), or in
fixed daily slots when it has none; never in the past, never in blocked weeks or the Ramadan
timetable, never on a day the madrasah is closed (docs/domain.md §4 and §14)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madrasah.errors import ApplicationError
from madrasah.models import Staff
from madrasah.timetable.selectors import planner_week

from ...models import InstrumentVersion, Programme, ProgrammeRow
from .. import notices
from ..rules import bulk_supervisor, bulk_supervisors, lesson_placements, school_slots
from ..selectors.programme import supervision_people, teachers_without_row
from .programme import _awaits_approval_notify, _date_check, _instruments_check, _notify_schedule


@dataclass
class BulkResult:
    created: int = 0
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def programme_rows_bulk_create(
    *,
    programme: Programme,
    instruments: Iterable[InstrumentVersion],
    start_date: dt.date,
    slots_per_day: int,
    first_time: dt.time = dt.time(7, 30),
    slot_minutes: int = 120,
    now: dt.datetime | None = None,
) -> BulkResult:
    """Plan one supervision for every active teacher who has none in this programme yet, from
    `start_date` to the semester's end, on the madrasah's school days, outside blocked periods and the
    Ramadan timetable, and never at or before `now` (default: the present): nothing is planned for
    the past nor earlier today. With a timetable for the semester, each observation is placed in a
    lesson the teacher teaches (a counsellor: a counselling period) at the period's start, with the
    lesson's class and subject, and a supervisor chosen by the rules who is not teaching then and not
    observing elsewhere then, at most `slots_per_day` a day. Without one, `slots_per_day` slots
    `slot_minutes` apart from `first_time`. All or nothing; running it again creates nothing new."""
    semester = programme.semester
    _date_check(semester=semester, day=start_date, field="start_date")
    if slots_per_day < 1 or slot_minutes < 1:
        raise ApplicationError(_("Give at least one slot a day."), field="slots_per_day")
    after = now or timezone.now()
    instrument_ids = _instruments_check(semester=semester, instruments=instruments)
    people = supervision_people(madrasah=programme.madrasah, semester=semester)
    teachers = list(teachers_without_row(programme=programme).order_by("name", "pk"))
    existing = list(programme.rows.filter(cancelled_at__isnull=True).values_list("supervisor_id", "planned_at"))
    load = Counter(supervisor_id for supervisor_id, _at in existing)
    week = planner_week(semester=semester)
    # The Ramadan timetable blocks classroom observation as a blocked period does (docs/domain.md §4).
    periods = [*semester.blocked_periods.all(), *programme.madrasah.ramadan_periods.all()]
    if week.has_lessons:
        rows, result = _bulk_in_lessons(
            programme=programme,
            teachers=teachers,
            people=people,
            week=week,
            periods=periods,
            start_date=start_date,
            after=after,
            existing=existing,
            load=load,
            per_day=slots_per_day,
        )
    else:
        rows, result = _bulk_in_slots(
            programme=programme,
            teachers=teachers,
            people=people,
            week=week,
            periods=periods,
            start_date=start_date,
            after=after,
            existing=existing,
            load=load,
            times=_slot_times(start_date=start_date, first_time=first_time, minutes=slot_minutes, count=slots_per_day),
        )
    created = ProgrammeRow.objects.bulk_create(rows)
    through = ProgrammeRow.instruments.through
    through.objects.bulk_create(
        [through(programmerow_id=row.pk, instrumentversion_id=v) for row in created for v in instrument_ids]
    )
    result.created = len(created)
    mismatched = 0
    for row in created:
        supervisor_staff = people.staff_of_user.get(row.supervisor_id)
        if row.subject_id and supervisor_staff and row.subject_id not in people.subjects.get(supervisor_staff, ()):
            mismatched += 1
    if mismatched:
        result.warnings.append(
            ngettext(
                "%(count)s supervision has a supervisor of another subject (no team member shares it).",
                "%(count)s supervisions have a supervisor of another subject (no team member shares it).",
                mismatched,
            )
            % {"count": mismatched}
        )
    if programme.is_approved and created:
        _notify_schedule(programme=programme, rows=created, kind=notices.SCHEDULE)
    elif created:
        _awaits_approval_notify(programme)
    return result


def _slot_times(*, start_date: dt.date, first_time: dt.time, minutes: int, count: int) -> list[dt.time]:
    first = dt.datetime.combine(start_date, first_time)
    if (first + dt.timedelta(minutes=minutes * (count - 1))).date() != start_date:
        raise ApplicationError(_("The last slot must start on the same day."), field="slots_per_day")
    return [(first + dt.timedelta(minutes=minutes * n)).time() for n in range(count)]


def _skipped(teacher: Staff) -> str:
    return _("%(name)s was skipped: there is no pengawas (or Kepala) to supervise them. Plan it by hand.") % {
        "name": teacher.full_name
    }


def _not_placed(count: int) -> str:
    return ngettext(
        "%(count)s teacher could not be placed before the semester ends.",
        "%(count)s teachers could not be placed before the semester ends.",
        count,
    ) % {"count": count}


def _bulk_in_slots(*, programme, teachers, people, week, periods, start_date, after, existing, load, times):
    """The plan without a timetable: the day's fixed slots, one after the other."""
    result, rows, unplaced = BulkResult(), [], 0
    slots = school_slots(
        start=start_date,
        end=programme.semester.end_date,
        times=times,
        periods=periods,
        taken={at for _s, at in existing},
        school_days=week.school_days,
        after=after,
    )
    for teacher in teachers:
        supervisor_id = bulk_supervisor(people=people, teacher_id=teacher.pk, load=load)
        if supervisor_id is None:
            result.warnings.append(_skipped(teacher))
            continue
        at = next(slots, None)
        if at is None:
            unplaced += 1
            continue
        load[supervisor_id] += 1
        subject_id = next(iter(people.subjects.get(teacher.pk, ())), None)
        rows.append(
            ProgrammeRow(
                programme=programme, teacher=teacher, supervisor_id=supervisor_id, planned_at=at, subject_id=subject_id
            )
        )
    if unplaced:
        result.warnings.append(_not_placed(unplaced))
    return rows, result


def _bulk_in_lessons(*, programme, teachers, people, week, periods, start_date, after, existing, load, per_day):
    """The plan in the timetable's lessons (rules.lesson_placements)."""
    result = BulkResult()
    candidates = [t for t in teachers if bulk_supervisors(people=people, teacher_id=t.pk, load=load)]
    result.warnings += [_skipped(t) for t in teachers if t not in candidates]
    without_lessons = [t for t in candidates if not week.slots.get(t.pk)]
    if without_lessons:
        result.warnings.append(
            ngettext(
                "%(names)s has no lesson in this semester's timetable: plan it by hand.",
                "%(names)s have no lesson in this semester's timetable: plan them by hand.",
                len(without_lessons),
            )
            % {"names": ", ".join(t.full_name for t in without_lessons)}
        )
    placements, unplaced = lesson_placements(
        teacher_ids=[t.pk for t in candidates],
        people=people,
        week=week,
        start=max(start_date, timezone.localtime(after).date()),
        end=programme.semester.end_date,
        periods=periods,
        after=after,
        busy=set(existing),
        load=load,
        per_day=per_day,
    )
    by_id = {t.pk: t for t in candidates}
    rows = [
        ProgrammeRow(
            programme=programme,
            teacher=by_id[p.teacher_id],
            supervisor_id=p.supervisor_id,
            planned_at=p.at,
            class_name=p.class_name,
            subject_id=p.subject_id,
        )
        for p in placements
    ]
    stuck = len([t for t in unplaced if week.slots.get(t)])
    if stuck:
        result.warnings.append(_not_placed(stuck))
    return rows, result
