"""A madrasah's week for tests: bell times (a Monday ceremony, a short Friday), classes and lessons."""

from __future__ import annotations

import io

from openpyxl import Workbook

from madrasah.models import Lesson, SchoolClass, Semester
from madrasah.timetable.services import bell_times_save

MONDAY = "06.45-07.30 Upacara\n07.30-08.10\n08.10-08.50\n08.50-09.30\n09.30-09.45 Istirahat\n09.45-10.25\n10.25-11.05"
WEEKDAY = "07.00-07.40\n07.40-08.20\n08.20-09.00\n09.00-09.40\n09.40-09.55 Istirahat\n09.55-10.35\n10.35-11.15"
FRIDAY = "07.00-07.35\n07.35-08.10\n08.10-08.45"
RAMADAN = "07.30-08.00\n08.00-08.30\n08.30-09.00"


def bells(madrasah) -> None:
    """Monday: ceremony, then periods 1-5 from 07.30; Tuesday-Thursday and Saturday: periods 1-6 from
    07.00; Friday: periods 1-3. The Ramadan set: three 30-minute periods every day."""
    texts = {0: MONDAY, 1: WEEKDAY, 2: WEEKDAY, 3: WEEKDAY, 4: FRIDAY, 5: WEEKDAY}
    bell_times_save(madrasah=madrasah, bell_set="biasa", texts=texts)
    bell_times_save(madrasah=madrasah, bell_set="ramadan", texts=dict.fromkeys(texts, RAMADAN))


def classes(semester: Semester, *names: str) -> dict[str, SchoolClass]:
    names = names or ("VII-A", "VII-B", "VIII-A")
    created = SchoolClass.objects.bulk_create(
        SchoolClass(madrasah_id=semester.madrasah_id, academic_year_id=semester.academic_year_id, name=n, order=i)
        for i, n in enumerate(names)
    )
    return {c.name: c for c in created}


def lesson(semester: Semester, *, teacher, weekday: int, number: int, school_class=None, subject=None) -> Lesson:
    return Lesson.objects.create(
        madrasah_id=semester.madrasah_id,
        semester=semester,
        weekday=weekday,
        number=number,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
    )


def xlsx(*sheets: tuple[str, list[list]]) -> bytes:
    """A workbook of (title, rows) sheets."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


LIST_HEADER = ["Hari", "Jam Ke", "Kelas", "Mapel", "Guru"]
