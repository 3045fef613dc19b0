"""Timetable rules, pure (no database): day names, bell times written as text, the cells of a
timetable file, the clashes of a week, and the week as the supervision planner reads it.

docs/domain.md §14 "Timetables and teaching load": the school week and the bell times are the
madrasah's settings (some madrasah close on Friday, Monday starts with the flag ceremony, Friday is
short); the Ramadan timetable is a date range with its own shorter bell times, announced each year.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..models import BellKind, Weekday

# No row for the school week: Monday to Saturday, the usual six-day week of a madrasah.
DEFAULT_SCHOOL_DAYS = (0, 1, 2, 3, 4, 5)
MAX_PERIOD = 16  # jam ke-16 is already far past any school day
# Bell times outside these hours are typing mistakes (13.00 written 01.00), not a school day.
EARLIEST, LATEST = dt.time(5, 0), dt.time(18, 0)

_DAY_WORDS = {
    **dict.fromkeys(("senin", "monday", "mon", "sen"), 0),
    **dict.fromkeys(("selasa", "tuesday", "tue", "sel"), 1),
    **dict.fromkeys(("rabu", "wednesday", "wed", "rab"), 2),
    **dict.fromkeys(("kamis", "thursday", "thu", "kam"), 3),
    **dict.fromkeys(("jumat", "jumaat", "jumah", "friday", "fri", "jum"), 4),
    **dict.fromkeys(("sabtu", "saturday", "sat", "sab"), 5),
    **dict.fromkeys(("minggu", "ahad", "sunday", "sun", "min"), 6),
}
_KIND_WORDS = {
    **dict.fromkeys(("upacara", "apel", "ceremony", "upacarabendera"), BellKind.CEREMONY),
    **dict.fromkeys(
        ("istirahat", "break", "sholat", "salat", "shalat", "dhuha", "sholatdhuha", "ishoma", "rehat"), BellKind.BREAK
    ),
}
_TIME = r"(\d{1,2})[.:](\d{2})"
_BELL_LINE = re.compile(rf"^{_TIME}\s*(?:-|–|—|s\.?d\.?|sampai)\s*{_TIME}\s*(.*)$", re.IGNORECASE)
_CELL_SPLIT = re.compile(r"\s*(?:/|\n|\r|\\|\s-\s|\s–\s|\|)\s*")
_CELL_PARENS = re.compile(r"^(.+?)\s*\((.+)\)$")


class CellError(Exception):
    """One cell cannot be read: the message says why, in words for the operator."""


def key_of(text: Any) -> str:
    """Case, space and punctuation-insensitive form of a word of a file."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


def day_names() -> dict[int, str]:
    return {day.value: str(day.label) for day in Weekday}


def school_days_or_default(days: Iterable[int] | None) -> tuple[int, ...]:
    days = tuple(sorted({int(d) for d in days or () if 0 <= int(d) <= 6}))
    return days or DEFAULT_SCHOOL_DAYS


# --- Cells ----------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as trimmed text. A formula is refused (a timetable holds values; a formula's result is
    whatever the last program to save the file computed, or nothing); so are numbers too large to be
    anything in a timetable (1e400 reads as infinity)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(_("The cell holds TRUE/FALSE, not a value of the timetable."))
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= 1e15:
            raise CellError(_("The cell holds a number too large to be part of a timetable."))
        if value.is_integer():
            value = int(value)
    if isinstance(value, int) and abs(value) >= 10**15:
        raise CellError(_("The cell holds a number too large to be part of a timetable."))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        raise CellError(_("The cell holds a date or time where a name or code is expected."))
    text = " ".join(str(value).split())
    if text.startswith("="):
        raise CellError(_("The cell holds a formula (%(text)s): type its value instead.") % {"text": text[:40]})
    return text


def weekday_read(value: Any) -> int:
    """Senin…Minggu (or Ahad), English names, or 1–7 counted from Monday."""
    text = cell_text(value)
    if re.fullmatch(r"[1-7]", text):
        return int(text) - 1
    day = _DAY_WORDS.get(key_of(text))
    if day is None:
        raise CellError(
            _("%(value)s is not a day: write Senin, Selasa, Rabu, Kamis, Jumat, Sabtu or Minggu.")
            % {"value": text or "—"}
        )
    return day


def period_read(value: Any, *, starts: dict[dt.time, int]) -> int:
    """A period number (jam ke-), or the start time of a period of that day (07.30, a time cell, or
    Excel's fraction of a day); `starts` maps the day's start times to their period numbers."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return _period_at(value.replace(second=0, microsecond=0), starts)
    if isinstance(value, float) and math.isfinite(value) and 0 < value < 1:
        minutes = round(value * 24 * 60)
        return _period_at(dt.time(minutes // 60, minutes % 60), starts)
    text = cell_text(value)
    if match := re.fullmatch(r"(?:jam\s*(?:ke)?\s*-?\s*)?(\d{1,2})", text, re.IGNORECASE):
        number = int(match.group(1))
        if 1 <= number <= MAX_PERIOD:
            return number
    elif match := re.fullmatch(rf"{_TIME}(?:\s*(?:-|–).*)?", text):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            return _period_at(dt.time(hours, minutes), starts)
    raise CellError(
        _("%(value)s is not a period: write the period number (jam ke-, 1 to %(max)s) or its start time (07.30).")
        % {"value": text or "—", "max": MAX_PERIOD}
    )


def _period_at(start: dt.time, starts: dict[dt.time, int]) -> int:
    if start not in starts:
        raise CellError(
            _("No lesson period of that day starts at %(time)s: the time is outside the school day's bell times.")
            % {"time": start.strftime("%H.%M")}
        )
    return starts[start]


def lesson_cell_read(value: Any) -> tuple[str, str] | None:
    """A grid cell as (subject, teacher): `MTK / AB`, `MTK-AB` with spaces, two lines, or `MTK (AB)`.
    An empty cell is no lesson (None)."""
    text = cell_text(value)
    if not text:
        return None
    raw = str(value).strip()
    parts = [p for p in _CELL_SPLIT.split(raw) if p.strip()]
    if len(parts) == 1 and (match := _CELL_PARENS.match(raw)):
        parts = [match.group(1), match.group(2)]
    if len(parts) != 2:
        raise CellError(
            _("%(value)s is not read as “subject / teacher”: write the subject code, a slash, and the teacher code.")
            % {"value": text[:60]}
        )
    return " ".join(parts[0].split()), " ".join(parts[1].split())


# --- Bell times as text ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BellLine:
    kind: str
    number: int | None
    start: dt.time
    end: dt.time


def bell_text_parse(text: str) -> tuple[list[BellLine], list[str]]:
    """One line per period: `07.00-07.40`, optionally followed by Upacara (ceremony) or Istirahat
    (break); lesson periods are numbered in order (jam ke-1, 2, …). Returns the lines and the errors,
    each naming its line."""
    lines, errors, number, previous_end = [], [], 0, None
    for index, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        match = _BELL_LINE.match(line)
        if match is None:
            errors.append(
                _("Line %(line)s: write it as 07.00-07.40, followed by Upacara or Istirahat if it is not a lesson.")
                % {"line": index}
            )
            continue
        h1, m1, h2, m2, label = match.groups()
        try:
            start, end = dt.time(int(h1), int(m1)), dt.time(int(h2), int(m2))
        except ValueError:
            errors.append(_("Line %(line)s: %(text)s is not a time of day.") % {"line": index, "text": line[:30]})
            continue
        kind = BellKind.LESSON
        if label_key := key_of(label):
            if label_key.startswith(("jp", "jam", "pelajaran")):
                kind = BellKind.LESSON
            elif label_key in _KIND_WORDS:
                kind = _KIND_WORDS[label_key]
            else:
                errors.append(
                    _(
                        "Line %(line)s: %(label)s is not understood: leave it empty for a lesson, "
                        "or write Upacara or Istirahat."
                    )
                    % {"line": index, "label": label[:30]}
                )
                continue
        if end <= start:
            errors.append(_("Line %(line)s: the end must come after the start.") % {"line": index})
            continue
        if start < EARLIEST or end > LATEST:
            errors.append(
                _("Line %(line)s: a school day runs between 05.00 and 18.00 (write 13.00, not 01.00).")
                % {"line": index}
            )
            continue
        if previous_end is not None and start < previous_end:
            errors.append(_("Line %(line)s: it starts before the line above ends.") % {"line": index})
            continue
        previous_end = end
        if kind == BellKind.LESSON:
            number += 1
        lines.append(BellLine(kind=kind, number=number if kind == BellKind.LESSON else None, start=start, end=end))
    if number > MAX_PERIOD:
        errors.append(_("A day has at most %(max)s lesson periods.") % {"max": MAX_PERIOD})
    return lines, errors


def bell_text(lines: Iterable) -> str:
    """The text form of bell periods (model rows or `BellLine`s), as the bell-times page shows it."""
    labels = {BellKind.CEREMONY: "Upacara", BellKind.BREAK: "Istirahat"}
    out = []
    for line in lines:
        start = getattr(line, "start_time", None) or line.start
        end = getattr(line, "end_time", None) or line.end
        label = labels.get(line.kind, "")
        out.append(f"{start:%H.%M}-{end:%H.%M}{' ' + label if label else ''}")
    return "\n".join(out)


# --- Clashes --------------------------------------------------------------------------------------


@dataclass
class PlannedLesson:
    """A lesson read from a file, before it is written: where it came from and what it resolves to."""

    row: int
    column: str | None
    weekday: int
    number: int
    class_id: int | None
    class_name: str
    subject_id: int | None
    teacher_id: int
    teacher_name: str
    kind: str


def clashes(lessons: Iterable[PlannedLesson]) -> list[tuple[PlannedLesson, str]]:
    """Each lesson that overlaps an earlier one of the file (a teacher in two classes at once, a class
    with two lessons at once), with the message that names the earlier row."""
    by_teacher: dict[tuple, PlannedLesson] = {}
    by_class: dict[tuple, PlannedLesson] = {}
    found = []
    for lesson in lessons:
        when = (lesson.weekday, lesson.number)
        slot = {"day": day_names()[lesson.weekday], "period": lesson.number}
        first = by_teacher.get((lesson.teacher_id, *when))
        # One row for several classes (FET's 7A+7B) is one lesson taught to them together.
        if first is not None and (first.row, first.column) != (lesson.row, lesson.column):
            found.append(
                (
                    lesson,
                    _(
                        "%(teacher)s already teaches %(class)s on %(day)s, period %(period)s (row %(row)s): "
                        "a teacher cannot be in two classes at once."
                    )
                    % {**slot, "teacher": lesson.teacher_name, "class": first.class_name or "BK", "row": first.row},
                )
            )
        elif first is None:
            by_teacher[(lesson.teacher_id, *when)] = lesson
        if lesson.class_id is None:
            continue
        if (first := by_class.get((lesson.class_id, *when))) is not None:
            found.append(
                (
                    lesson,
                    _("Class %(class)s already has a lesson on %(day)s, period %(period)s (row %(row)s).")
                    % {**slot, "class": lesson.class_name, "row": first.row},
                )
            )
        else:
            by_class[(lesson.class_id, *when)] = lesson
    return found


# --- The week as the supervision planner reads it -------------------------------------------------


@dataclass(frozen=True)
class TeachingSlot:
    weekday: int
    number: int
    start: dt.time
    class_name: str
    subject_id: int | None


@dataclass(frozen=True)
class PlannerWeek:
    """What the bulk planner needs of a semester's timetable, read in a few queries."""

    school_days: tuple[int, ...] = DEFAULT_SCHOOL_DAYS
    ramadan: tuple[tuple[dt.date, dt.date], ...] = ()
    # staff id → the periods they teach (or counsel), in weekday and period order.
    slots: dict[int, tuple[TeachingSlot, ...]] = field(default_factory=dict)

    @property
    def has_lessons(self) -> bool:
        return bool(self.slots)

    def is_school_day(self, day: dt.date) -> bool:
        return day.weekday() in self.school_days and not self.in_ramadan(day)

    def in_ramadan(self, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.ramadan)

    def busy(self, staff_id: int | None, weekday: int, number: int) -> bool:
        if staff_id is None:
            return False
        return any(s.weekday == weekday and s.number == number for s in self.slots.get(staff_id, ()))


# --- Names in a file ------------------------------------------------------------------------------

# Short subject codes timetable programs show in their cells → our subject codes (madrasah.reference).
SUBJECT_SHORT = {
    **dict.fromkeys(("qh", "qurdis", "alquranhadis"), "quran-hadis"),
    **dict.fromkeys(("aa", "akhlak", "akidah"), "akidah-akhlak"),
    **dict.fromkeys(("fik", "fiq", "fqh"), "fikih"),
    **dict.fromkeys(("ski",), "ski"),
    **dict.fromkeys(("bar", "barab", "bahasaarab", "arab", "ba"), "bahasa-arab"),
    **dict.fromkeys(("pp", "pkn", "ppkn", "pancasila"), "pancasila"),
    **dict.fromkeys(("bin", "bind", "bindo", "bi", "bhsindonesia"), "bahasa-indonesia"),
    **dict.fromkeys(("mtk", "mat", "mtk", "math", "mate"), "matematika"),
    **dict.fromkeys(("ipa",), "ipa"),
    **dict.fromkeys(("ips",), "ips"),
    **dict.fromkeys(("big", "bing", "bhsinggris", "english", "eng"), "bahasa-inggris"),
    **dict.fromkeys(("pjok", "penjas", "or", "olahraga"), "pjok"),
    **dict.fromkeys(("inf", "info", "tik", "komputer"), "informatika"),
    **dict.fromkeys(("sb", "sbp", "sbk", "senbud", "prakarya", "pra", "seni"), "seni-budaya-prakarya"),
    **dict.fromkeys(("mulok", "bmd", "bmad", "madura", "bahasamadura"), "muatan-lokal"),
    **dict.fromkeys(("bk", "bp", "bkbp", "konseling"), "bk"),
}
_ROMAN_GRADES = {"7": "vii", "8": "viii", "9": "ix", "10": "x", "11": "xi", "12": "xii"}


def class_key(text: Any) -> str:
    """A class name compared across files: case, spaces and dashes aside, `Kelas` dropped, and the
    grade in digits read as its Roman numeral (FET and hand-made sheets write 7A for VII-A)."""
    key = key_of(text)
    if key.startswith("kelas") and len(key) > 5:
        key = key[5:]
    if match := re.match(r"^(1[0-2]|[7-9])(\D.*)?$", key):
        key = _ROMAN_GRADES[match.group(1)] + (match.group(2) or "")
    return key


def class_names_parse(text: str) -> tuple[list[str], list[str]]:
    """The class list as typed: one per line or separated by commas. Returns names and errors."""
    names, errors, seen = [], [], set()
    for raw in re.split(r"[,;\n]+", text):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > 20:
            errors.append(_("%(name)s is longer than 20 characters.") % {"name": name[:30]})
            continue
        if name.startswith(("=", "+", "@")):
            errors.append(_("%(name)s is not a class name.") % {"name": name[:30]})
            continue
        if class_key(name) in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": name})
            continue
        seen.add(class_key(name))
        names.append(name)
    return names, errors


# Grades as a madrasah writes them, longest first so that VIII is read before VII and XII before XI.
_ROMAN_NUMBERS = {"xii": 12, "xi": 11, "ix": 9, "viii": 8, "vii": 7, "vi": 6, "iv": 4, "iii": 3, "ii": 2, "x": 10}
_ROMAN_NUMBERS |= {"v": 5, "i": 1}
_GRADE_WORD = re.compile(r"^([ivx]+)(?![a-z])")


def _natural(text: str) -> tuple:
    """Digits compared as numbers (VII-2 before VII-10), the rest as lower-case letters."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def class_sort_key(name: Any) -> tuple:
    """The order in which people read class names: by grade (VII-A, VII-B, VIII-A, IX-A: the Roman
    numerals counted, 7A read as VII-A), then the group with its numbers counted (VII-2 before VII-10);
    names without a grade (Tahfidz) after those with one, alphabetically."""
    text = " ".join(str(name or "").lower().split())
    if text.startswith("kelas "):
        text = text[6:]
    grade, rest = None, text
    if match := re.match(r"^(\d+)(.*)$", text):
        grade, rest = int(match[1]), match[2]
    elif (match := _GRADE_WORD.match(text)) and match[1] in _ROMAN_NUMBERS:
        grade, rest = _ROMAN_NUMBERS[match[1]], text[match.end() :]
    else:  # VIIA: a numeral and the group's letter run together (never the I of Ibnu Sina)
        for numeral, number in _ROMAN_NUMBERS.items():
            if text.startswith(numeral) and re.fullmatch(r"[a-z]\W*\d*", text[len(numeral) :]):
                grade, rest = number, text[len(numeral) :]
                break
    group = _natural(re.sub(r"[^0-9a-z]", "", rest))
    return (0, grade, group, text) if grade is not None else (1, 0, _natural(text), text)
