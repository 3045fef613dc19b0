"""Scheduled reports: which documents a madrasah's schedule makes due on a day (pure rules, no
database), and who reads and changes the madrasah's schedule.

What the schedule asks for (each switchable by the Kepala, `ReportSchedule`):
- the monthly digest of the PREVIOUS month, on the chosen day of the month (1–28, so every month
  has it);
- the semester recap and the academic supervision report of a semester, on the day that semester
  ends (`Semester.end_date`, which each madrasah sets for itself);
- the yearly evidence bundle of an academic year, on the day the year ends: the end of its genap
  semester, or 30 June when the madrasah has not entered one.

The dispatcher runs once a day (beat, 06:00 WIB). A day it did not run — a mini-PC switched off over a
long weekend — is caught up on the next run: what fell due in the last `CATCH_UP_DAYS` days and was
never asked for is asked for then. The reads are in `selectors`, the writes (asking, once per key) in
`services`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from madrasah.models import Role, SemesterKind

CATCH_UP_DAYS = 7
DIGEST = "digest"
SEMESTER_END_KINDS = ("semester", "laporan-supervisi")  # in the order they are asked for
BUNDLE = "bundle"
SCHEDULED_KINDS = (DIGEST, *SEMESTER_END_KINDS, BUNDLE)
DIGEST_DAYS = range(1, 29)
# The madrasah's report schedule: the Kepala changes it; the Waka and the pengawas read it.
SCHEDULE_READERS = (Role.KEPALA, Role.WAKA, Role.PENGAWAS)
SCHEDULE_WRITERS = (Role.KEPALA,)


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
