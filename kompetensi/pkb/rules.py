"""PKB rules without the database: the academic year (tahun pelajaran, July → June), the JP limits
and each teacher's yearly target.

docs/domain.md §10 "Continuing professional development (PKB)": civil servants (PNS) are entitled to
at least 20 JP a year (PP 11/2017 as amended by PP 17/2020); PPPK are capped at 24 JP. Totals count
the entries of one academic year, placed by their start date.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import EmploymentStatus, Staff

from ..models import PkbStatus

JP_MIN = 1
JP_MAX = 1000  # the database says the same (pkb_jp_1_1000, in_house_jp_1_1000)
PNS_MINIMUM_JP = 20  # PP 11/2017 as amended by PP 17/2020: at least 20 JP a year
PPPK_CAP_JP = 24  # PPPK: at most 24 JP a year
EDITABLE = (PkbStatus.SUBMITTED, PkbStatus.RETURNED)
# The fields an in-house activity copies onto every attendee's credit.
CREDIT_FIELDS = ("kind", "title", "organiser", "start_date", "end_date", "jp", "minutes_per_jp")


# --- the academic year (tahun pelajaran, July → June) ----------------------------------------------


def academic_start_year(day: dt.date) -> int:
    """2025 for any day from 1 July 2025 to 30 June 2026."""
    return day.year if day.month >= 7 else day.year - 1


def academic_year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 7, 1), dt.date(start_year + 1, 6, 30)


def academic_year_name(start_year: int) -> str:
    return f"{start_year}/{start_year + 1}"


def current_academic_start_year() -> int:
    return academic_start_year(timezone.localdate())


# --- an entry ---------------------------------------------------------------------------------------


def validate_entry(
    *, jp: int | None, start_date: dt.date | None, end_date: dt.date | None, minutes_per_jp: int | None
) -> None:
    """Refuse JP outside 1–1,000, minutes per JP outside 1–600, a missing date or dates in reverse."""
    if jp is None or not JP_MIN <= jp <= JP_MAX:
        raise ApplicationError(_("JP must be between 1 and 1,000."), field="jp")
    if minutes_per_jp is None or not 1 <= minutes_per_jp <= 600:
        raise ApplicationError(_("Minutes per JP must be between 1 and 600."), field="minutes_per_jp")
    if start_date is None or end_date is None:
        raise ApplicationError(_("Enter the start and end dates."), field="start_date")
    if end_date < start_date:
        raise ApplicationError(_("The end date is before the start date."), field="end_date")


def pkb_target(*, teacher: Staff) -> dict:
    """What the year's JP are measured against: a minimum for PNS, a cap for PPPK, nothing otherwise."""
    if teacher.employment_status in EmploymentStatus.civil_servant():
        return {"minimum": PNS_MINIMUM_JP, "cap": None}
    if teacher.employment_status in EmploymentStatus.pppk():
        return {"minimum": None, "cap": PPPK_CAP_JP}
    return {"minimum": None, "cap": None}
