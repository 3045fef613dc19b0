"""Demo data of the timetable for `seed_demo`: a six-day week (a Monday ceremony, a short Friday), the
Ramadan bell times and days, the classes VII-A … IX-G of every academic year, and a teaching timetable
for every semester that gives each class its weekly hours — built deterministically, written with
bulk_create (a few queries per semester). Runs before the supervision demo, which plans in it."""

from __future__ import annotations

import datetime as dt

from ..demo import register_demo_step
from ..demo_people import CLASSES
from ..models import (
    BellPeriod,
    BellSet,
    Lesson,
    LessonKind,
    RamadanPeriod,
    Role,
    SchoolClass,
    SchoolWeek,
    Staff,
    Subject,
    TeacherType,
)
from .rules import bell_text_parse

MONDAY = """06.45-07.25 Upacara
07.25-08.05
08.05-08.45
08.45-09.25
09.25-09.40 Istirahat
09.40-10.20
10.20-11.00
11.00-11.40
11.40-12.20 Sholat
12.20-13.00
13.00-13.40"""
WEEKDAY = """07.00-07.40
07.40-08.20
08.20-09.00
09.00-09.40
09.40-09.55 Istirahat
09.55-10.35
10.35-11.15
11.15-11.55
11.55-12.35 Sholat
12.35-13.15"""
FRIDAY = """07.00-07.40
07.40-08.20
08.20-09.00
09.00-09.15 Istirahat
09.15-09.55
09.55-10.35"""
RAMADAN = """07.30-08.05
08.05-08.40
08.40-09.15
09.15-09.30 Istirahat
09.30-10.05
10.05-10.40"""
BELLS = {0: MONDAY, 1: WEEKDAY, 2: WEEKDAY, 3: WEEKDAY, 4: FRIDAY, 5: WEEKDAY}
# The first day of Ramadan as the government set it (sidang isbat), and its length in days.
RAMADAN_DAYS = {
    2022: (dt.date(2022, 4, 3), 30),
    2023: (dt.date(2023, 3, 23), 29),
    2024: (dt.date(2024, 3, 12), 29),
    2025: (dt.date(2025, 3, 1), 30),
    2026: (dt.date(2026, 2, 19), 29),
    2027: (dt.date(2027, 2, 8), 30),
    2028: (dt.date(2028, 1, 28), 29),
}
# Weekly periods per class (JP), close to the madrasah curriculum structure for MTs: 45 of the week's 45.
WEEKLY_HOURS = {
    "quran-hadis": 2,
    "akidah-akhlak": 2,
    "fikih": 2,
    "ski": 2,
    "bahasa-arab": 3,
    "pancasila": 3,
    "bahasa-indonesia": 5,
    "matematika": 5,
    "ipa": 5,
    "ips": 3,
    "bahasa-inggris": 4,
    "pjok": 3,
    "informatika": 2,
    "seni-budaya-prakarya": 2,
    "muatan-lokal": 1,
    "bk": 1,
}
MAX_LOAD = {"kepala": 6, "waka": 12, "other": 30}


@register_demo_step(order=5)
def seed_timetable(*, madrasah, semesters, stdout, **context) -> None:
    SchoolWeek.objects.create(madrasah=madrasah, days=sorted(BELLS))
    bells = []
    for bell_set, texts in ((BellSet.REGULAR, BELLS), (BellSet.RAMADAN, dict.fromkeys(BELLS, RAMADAN))):
        for weekday, text in texts.items():
            lines, errors = bell_text_parse(text)
            if errors:  # the demo's own constant text: a mistake in it is the programmer's
                raise ValueError(errors)
            bells += [
                BellPeriod(
                    madrasah=madrasah,
                    bell_set=bell_set,
                    weekday=weekday,
                    kind=line.kind,
                    number=line.number,
                    start_time=line.start,
                    end_time=line.end,
                )
                for line in lines
            ]
    BellPeriod.objects.bulk_create(bells)
    periods = {w: [line.number for line in bell_text_parse(t)[0] if line.number] for w, t in BELLS.items()}
    ramadan = [
        RamadanPeriod(madrasah=madrasah, start_date=first, end_date=first + dt.timedelta(days=length - 1))
        for year, (first, length) in RAMADAN_DAYS.items()
        if any(s.start_date <= first <= s.end_date for s in semesters)
    ]
    RamadanPeriod.objects.bulk_create(ramadan)
    years = {s.academic_year_id: s.academic_year for s in semesters}
    classes = SchoolClass.objects.bulk_create(
        SchoolClass(madrasah=madrasah, academic_year=year, name=name, order=order)
        for year in years.values()
        for order, name in enumerate(CLASSES, start=1)
    )
    teachers = _teachers(madrasah)
    total = 0
    for semester in semesters:
        year_classes = [c for c in classes if c.academic_year_id == semester.academic_year_id]
        lessons = _week(semester=semester, classes=year_classes, teachers=teachers, periods=periods)
        Lesson.objects.bulk_create(lessons)
        total += len(lessons)
    stdout.write(f"  timetable: {len(CLASSES)} classes a year, {total} lesson periods over {len(semesters)} semesters")


def _teachers(madrasah) -> dict[str, list[tuple[int, int, bool]]]:
    """Subject code → its teachers as (staff id, weekly cap, counsellor), in a fixed order."""
    leaders = Staff.objects.filter(madrasah=madrasah, membership__roles__role__in=[Role.KEPALA, Role.WAKA])
    roles = dict(leaders.values_list("pk", "membership__roles__role"))
    by_subject: dict[str, list[tuple[int, int, bool]]] = {}
    for staff_id, teacher_type, code in (
        Staff.objects.filter(madrasah=madrasah, is_active=True)
        .exclude(teacher_type=TeacherType.NONE)
        .values_list("pk", "teacher_type", "subjects__code")
        .order_by("pk")
    ):
        counsellor = teacher_type == TeacherType.COUNSELLOR
        code = "bk" if counsellor else code
        if code is None:
            continue
        cap = MAX_LOAD.get(roles.get(staff_id, "other"), MAX_LOAD["other"])
        by_subject.setdefault(code, []).append((staff_id, cap, counsellor))
    return by_subject


def _week(*, semester, classes, teachers, periods) -> list[Lesson]:
    """Each class gets its subjects' weekly hours, each (class, subject) one teacher (the least loaded
    for their cap), and each period the first subject still owed whose teacher is free then."""
    subject_ids = dict(Subject.objects.filter(madrasah__isnull=True).values_list("code", "pk"))
    load: dict[int, int] = {}
    assigned: dict[tuple[int, str], tuple[int, bool]] = {}
    for school_class in classes:
        for code, hours in WEEKLY_HOURS.items():
            options = teachers.get(code, [])
            if not options:
                continue
            staff_id, cap, counsellor = min(
                options, key=lambda o: (load.get(o[0], 0) + hours > o[1], load.get(o[0], 0) / max(o[1], 1), o[0])
            )
            if load.get(staff_id, 0) + hours > cap:
                continue
            load[staff_id] = load.get(staff_id, 0) + hours
            assigned[(school_class.pk, code)] = (staff_id, counsellor)
    busy: set[tuple[int, int, int]] = set()
    lessons = []
    for index, school_class in enumerate(classes):
        owed = {code: hours for code, hours in WEEKLY_HOURS.items() if (school_class.pk, code) in assigned}
        codes = list(owed)
        turn = index
        for weekday, numbers in periods.items():
            for number in numbers:
                for shift in range(len(codes)):
                    code = codes[(turn + shift) % len(codes)]
                    staff_id, counsellor = assigned[(school_class.pk, code)]
                    if owed[code] and (staff_id, weekday, number) not in busy:
                        owed[code] -= 1
                        busy.add((staff_id, weekday, number))
                        lessons.append(
                            Lesson(
                                madrasah_id=semester.madrasah_id,
                                semester=semester,
                                weekday=weekday,
                                number=number,
                                kind=LessonKind.COUNSELLING if counsellor else LessonKind.LESSON,
                                school_class=school_class,
                                subject_id=subject_ids.get(code),
                                teacher_id=staff_id,
                            )
                        )
                        turn += 1
                        break
    return lessons
