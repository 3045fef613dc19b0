"""Timetable writes: the school week, bell times, Ramadan ranges, the class list, teacher codes and
the import of the teaching timetable (all or nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import selectors as madrasah_selectors
from ..errors import ApplicationError
from ..models import (
    AcademicYear,
    BellKind,
    BellPeriod,
    BellSet,
    Lesson,
    LessonKind,
    Madrasah,
    RamadanPeriod,
    SchoolClass,
    SchoolWeek,
    Semester,
    Staff,
    TeacherCode,
    TeacherType,
)
from ..staff_excel import Issue, WorkbookError, issues_sorted, subject_lookup, upload_bytes
from . import selectors
from .rules import (
    SUBJECT_SHORT,
    CellError,
    PlannedLesson,
    bell_text_parse,
    cell_text,
    clashes,
    class_key,
    class_names_parse,
    day_names,
    key_of,
    lesson_cell_read,
    period_read,
    weekday_read,
)
from .workbook import timetable_read


@transaction.atomic
def school_week_save(*, madrasah: Madrasah, days: Iterable[int]) -> None:
    """Set the days the madrasah opens. Refused: no day at all, or leaving out a day on which the
    timetable of a semester not yet over has lessons."""
    days = sorted({int(d) for d in days if 0 <= int(d) <= 6})
    if not days:
        raise ApplicationError(_("Choose at least one school day."), field="days")
    used = (
        Lesson.objects.filter(madrasah=madrasah, semester__end_date__gte=timezone.localdate())
        .exclude(weekday__in=days)
        .values_list("weekday", flat=True)
        .distinct()
    )
    if used:
        names = day_names()
        raise ApplicationError(
            _("The timetable has lessons on %(days)s: import a timetable without them first.")
            % {"days": ", ".join(names[d] for d in sorted(used))},
            field="days",
        )
    SchoolWeek.objects.update_or_create(madrasah=madrasah, defaults={"days": days})


@transaction.atomic
def bell_times_save(*, madrasah: Madrasah, bell_set: str, texts: Mapping[int, str]) -> int:
    """Replace the bell times of `bell_set` (regular or Ramadan) for the given weekdays, each written
    one period a line. All days are checked first; errors name the day and the line. Regular periods
    that lessons of a semester not yet over use must stay. Returns the number of lesson periods."""
    errors: list[str] = []
    names = day_names()
    parsed = {}
    for weekday, text in sorted(texts.items()):
        lines, day_errors = bell_text_parse(text or "")
        errors += [f"{names[weekday]}: {message}" for message in day_errors]
        parsed[weekday] = lines
    if errors:
        raise ApplicationError(_("Nothing was saved: correct the bell times."), field=None, extra={"errors": errors})
    if bell_set == BellSet.REGULAR:
        kept = {(w, line.number) for w, lines in parsed.items() for line in lines if line.number}
        used = (
            Lesson.objects.filter(madrasah=madrasah, semester__end_date__gte=timezone.localdate(), weekday__in=parsed)
            .values_list("weekday", "number")
            .distinct()
        )
        missing = sorted(set(used) - kept)
        if missing:
            raise ApplicationError(
                _("Nothing was saved: the timetable has lessons in %(periods)s, which these bell times leave out.")
                % {"periods": ", ".join(f"{names[w]} {_('period')} {n}" for w, n in missing[:10])},
                extra={"errors": []},
            )
    BellPeriod.objects.filter(madrasah=madrasah, bell_set=bell_set, weekday__in=parsed).delete()
    BellPeriod.objects.bulk_create(
        [
            BellPeriod(
                madrasah=madrasah,
                bell_set=bell_set,
                weekday=weekday,
                kind=line.kind,
                number=line.number,
                start_time=line.start,
                end_time=line.end,
            )
            for weekday, lines in parsed.items()
            for line in lines
        ]
    )
    return sum(1 for lines in parsed.values() for line in lines if line.kind == BellKind.LESSON)


def ramadan_period_add(*, madrasah: Madrasah, start_date: dt.date, end_date: dt.date) -> RamadanPeriod:
    """Record the days of a Ramadan timetable. Refused: an end before the start, a range longer than a
    month and a bit, or one overlapping another."""
    if end_date < start_date:
        raise ApplicationError(_("The end must not be before the start."), field="end_date")
    if (end_date - start_date).days > 35:
        raise ApplicationError(_("Ramadan lasts 29 or 30 days: check the dates."), field="end_date")
    if RamadanPeriod.objects.filter(madrasah=madrasah, start_date__lte=end_date, end_date__gte=start_date).exists():
        raise ApplicationError(_("These days overlap a Ramadan timetable already recorded."), field="start_date")
    return RamadanPeriod.objects.create(madrasah=madrasah, start_date=start_date, end_date=end_date)


def ramadan_period_delete(*, period: RamadanPeriod) -> None:
    period.delete()


@transaction.atomic
def classes_save(*, academic_year: AcademicYear, text: str) -> tuple[int, int]:
    """Set the academic year's class list (rombel) from a list typed one per line or comma-separated,
    in the order given. Classes left out are removed unless the timetable uses them. Returns (added,
    removed)."""
    names, errors = class_names_parse(text)
    if errors:
        raise ApplicationError(" ".join(errors), field="names")
    existing = {class_key(c.name): c for c in SchoolClass.objects.filter(academic_year=academic_year)}
    wanted = {class_key(name): (order, name) for order, name in enumerate(names, start=1)}
    removed = [c for key, c in existing.items() if key not in wanted]
    used = [c.name for c in removed if c.lessons.exists()]
    if used:
        raise ApplicationError(
            _("%(classes)s are in the timetable and stay: import a timetable without them first.")
            % {"classes": ", ".join(sorted(used))},
            field="names",
        )
    SchoolClass.objects.filter(pk__in=[c.pk for c in removed]).delete()
    changed = []
    for key, (order, name) in wanted.items():
        if (current := existing.get(key)) is not None and (current.order, current.name) != (order, name):
            current.order, current.name = order, name
            changed.append(current)
    SchoolClass.objects.bulk_update(changed, ["order", "name"])
    added = [
        SchoolClass(madrasah_id=academic_year.madrasah_id, academic_year=academic_year, name=name, order=order)
        for key, (order, name) in wanted.items()
        if key not in existing
    ]
    SchoolClass.objects.bulk_create(added)
    return len(added), len(removed)


def teacher_code_delete(*, code: TeacherCode) -> None:
    code.delete()


# --- The import ----------------------------------------------------------------------------------------


@dataclass
class TimetableImportResult:
    form: str
    lessons: int = 0
    counselling: int = 0
    replaced: int = 0
    codes_learned: int = 0
    teachers: int = 0
    warnings: list[str] = field(default_factory=list)


def _teacher_lookup(*, madrasah: Madrasah, mapping: Mapping[str, int]) -> tuple[dict[str, int], dict[int, Staff]]:
    """Text of a teacher cell (key_of form) → staff id: remembered codes, codes chosen now, then NIP,
    NIGNP, PegID, NUPTK and names of the madrasah's teachers (a name two people share is left out)."""
    staff = {s.pk: s for s in Staff.objects.filter(madrasah=madrasah).teachers()}
    lookup: dict[str, int] = {}
    shared: set[str] = set()
    for person in staff.values():
        for value in (person.full_name, person.name):
            key = key_of(value)
            if key in lookup and lookup[key] != person.pk:
                shared.add(key)
            lookup.setdefault(key, person.pk)
    for key in shared:
        lookup.pop(key, None)
    for person in staff.values():
        for value in (person.nip, person.nignp, person.peg_id, person.nuptk):
            if value:
                lookup[key_of(value)] = person.pk
    for code, staff_id in TeacherCode.objects.filter(madrasah=madrasah).values_list("code", "staff_id"):
        lookup[key_of(code)] = staff_id
    for code, staff_id in mapping.items():
        lookup[key_of(code)] = staff_id
    return lookup, staff


def _subject_lookup(*, madrasah: Madrasah) -> dict[str, int]:
    subjects = list(madrasah_selectors.subjects_for(madrasah=madrasah))
    lookup = subject_lookup(subjects)
    by_code = {s.code: s.pk for s in subjects if s.code}
    for short, code in SUBJECT_SHORT.items():
        if code in by_code:
            lookup.setdefault(short, by_code[code])
    return lookup


def timetable_import(
    *, madrasah: Madrasah, semester: Semester, upload, mapping: Mapping[str, int] | None = None
) -> TimetableImportResult:
    """Replace `semester`'s teaching timetable with the lessons of an .xlsx upload (list or grid form).

    The whole file is checked first; nothing is written when any row has an error. Teacher codes the
    madrasah has not met yet raise `ApplicationError` with `extra["unmapped"]` (the codes, in file
    order) so the page asks whom each means; `mapping` (code → staff id, the answers) is remembered
    in the same transaction as the lessons. A guidance counsellor's (BK) periods become counselling
    slots. Errors are per row (`extra["errors"]`, `staff_excel.Issue`s). Safe to retry: the same file
    gives the same timetable.
    """
    mapping = {" ".join(code.split()): staff_id for code, staff_id in (mapping or {}).items() if code.strip()}
    if semester.madrasah_id != madrasah.pk:
        raise ApplicationError(_("Choose a semester of this madrasah."), field="semester")
    try:
        read = timetable_read(upload_bytes(upload))
    except WorkbookError as error:
        raise ApplicationError(error.message, field="file") from None
    days = selectors.school_days(madrasah=madrasah)
    starts = selectors.lesson_starts(madrasah=madrasah)
    if not starts:
        raise ApplicationError(
            _("Set the bell times first: the import places each lesson in a period of the day."), field="file"
        )
    teachers, staff = _teacher_lookup(madrasah=madrasah, mapping=mapping)
    bad_mapping = [code for code, staff_id in mapping.items() if staff_id not in staff]
    if bad_mapping:
        raise ApplicationError(_("Choose a teacher of this madrasah for every code."), field="file")
    subjects = _subject_lookup(madrasah=madrasah)
    class_list = {class_key(c.name): c for c in SchoolClass.objects.filter(academic_year_id=semester.academic_year_id)}
    if not class_list:
        raise ApplicationError(
            _("Enter the classes of %(year)s first: the import checks every class against that list.")
            % {"year": semester.academic_year.name},
            field="file",
        )
    errors = [Issue(row, column, message) for row, column, message in read.issues]
    planned: list[PlannedLesson] = []
    unmapped: list[str] = []
    names = day_names()
    for raw in read.lessons:
        row_errors: list[str] = []
        problem = row_errors.append

        try:
            weekday = weekday_read(raw.day)
        except CellError as error:
            problem(str(error))
            weekday = None
        number = None
        if weekday is not None:
            if weekday not in days:
                problem(_("The madrasah does not open on %(day)s (school week).") % {"day": names[weekday]})
            else:
                try:
                    number = period_read(raw.period, starts=starts.get(weekday, {}))
                except CellError as error:
                    problem(str(error))
                else:
                    if number not in starts.get(weekday, {}).values():
                        problem(
                            _("%(day)s has no period %(period)s: it is outside the school day (bell times).")
                            % {"day": names[weekday], "period": number}
                        )
                        number = None
        subject_text, teacher_text, readable = raw.subject, raw.teacher, True
        if read.form == "grid":
            try:
                subject_text, teacher_text = lesson_cell_read(raw.subject) or ("", "")
            except CellError as error:
                problem(str(error))
                readable = False
        teacher_id = subject_id = None
        if readable:
            try:
                text = cell_text(teacher_text)
            except CellError as error:
                problem(str(error))
            else:
                if not text:
                    problem(_("The teacher is missing."))
                elif "+" in text:
                    problem(_("%(value)s names several teachers: one teacher per lesson.") % {"value": text[:60]})
                elif (teacher_id := teachers.get(key_of(text))) is None:
                    if len(text) > 60:
                        problem(_("%(value)s is too long for a teacher code.") % {"value": text[:60] + "…"})
                    elif key_of(text) and text not in unmapped and key_of(text) not in {key_of(u) for u in unmapped}:
                        unmapped.append(text)
        teacher = staff.get(teacher_id) if teacher_id else None
        counsellor = teacher is not None and teacher.teacher_type == TeacherType.COUNSELLOR
        if readable:
            try:
                text = cell_text(subject_text)
            except CellError as error:
                problem(str(error))
            else:
                if text:
                    subject_id = subjects.get(key_of(text))
                    if subject_id is None and not counsellor:
                        problem(_("%(value)s is not a subject of this madrasah.") % {"value": text[:60]})
                elif not counsellor and teacher is not None:
                    problem(_("The subject is missing."))
        class_names: list[str] = []
        try:
            class_text = cell_text(raw.class_name)
        except CellError as error:
            problem(str(error))
        else:
            class_names = [c for c in class_text.split("+") if c.strip()] if class_text else []
            if not class_names and not counsellor and teacher is not None:
                problem(_("The class is missing."))
            for name in class_names:
                if class_key(name) not in class_list:
                    problem(
                        _("Class %(value)s is not in the class list of %(year)s.")
                        % {"value": name.strip()[:30], "year": semester.academic_year.name}
                    )
        if row_errors or teacher is None or weekday is None or number is None:
            errors += [Issue(raw.row, raw.column, message) for message in row_errors]
            continue
        for school_class in [class_list[class_key(n)] for n in class_names] or [None]:
            planned.append(
                PlannedLesson(
                    row=raw.row,
                    column=raw.column,
                    weekday=weekday,
                    number=number,
                    class_id=school_class.pk if school_class else None,
                    class_name=school_class.name if school_class else "",
                    subject_id=subject_id,
                    teacher_id=teacher.pk,
                    teacher_name=teacher.full_name,
                    kind=LessonKind.COUNSELLING if counsellor else LessonKind.LESSON,
                )
            )
    errors += [Issue(lesson.row, lesson.column, message) for lesson, message in clashes(planned)]
    if unmapped:
        raise ApplicationError(
            ngettext(
                "%(count)s teacher code is not known yet: choose the teacher it means, then import again.",
                "%(count)s teacher codes are not known yet: choose the teacher each means, then import again.",
                len(unmapped),
            )
            % {"count": len(unmapped)},
            field="file",
            extra={"unmapped": unmapped, "errors": issues_sorted(errors)},
        )
    if errors:
        raise ApplicationError(
            ngettext(
                "Nothing was imported: the file has %(count)s error. Correct it and upload the file again.",
                "Nothing was imported: the file has %(count)s errors. Correct them and upload the file again.",
                len(errors),
            )
            % {"count": len(errors)},
            field="file",
            extra={"errors": issues_sorted(errors)},
        )
    try:
        return _timetable_write(madrasah=madrasah, semester=semester, planned=planned, mapping=mapping, form=read.form)
    except IntegrityError:
        raise ApplicationError(
            _("The timetable changed while the file was being imported; nothing was saved. Upload it again."),
            field="file",
        ) from None


@transaction.atomic
def _timetable_write(
    *, madrasah: Madrasah, semester: Semester, planned: list[PlannedLesson], mapping: Mapping[str, int], form: str
) -> TimetableImportResult:
    result = TimetableImportResult(form=form)
    learned = 0
    for code, staff_id in mapping.items():
        updated = (
            TeacherCode.objects.annotate(lower=Lower("code"))
            .filter(madrasah=madrasah, lower=code.lower())
            .update(staff_id=staff_id)
        )
        if not updated:
            TeacherCode.objects.create(madrasah=madrasah, code=code[:60], staff_id=staff_id)
        learned += 1
    result.codes_learned = learned
    result.replaced, _deleted = Lesson.objects.filter(semester=semester).delete()
    lessons = Lesson.objects.bulk_create(
        [
            Lesson(
                madrasah=madrasah,
                semester=semester,
                weekday=p.weekday,
                number=p.number,
                kind=p.kind,
                school_class_id=p.class_id,
                subject_id=p.subject_id,
                teacher_id=p.teacher_id,
            )
            for p in planned
        ]
    )
    result.lessons = sum(1 for lesson in lessons if lesson.kind == LessonKind.LESSON)
    result.counselling = len(lessons) - result.lessons
    result.teachers = len({p.teacher_id for p in planned})
    return result
