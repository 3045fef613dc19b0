"""`jadwal`: the semester's supervision schedule (jadwal supervisi akademik), one table of the
programme's rows by date — who is observed when, in which class, by whom, with which instruments —
cancelled rows struck through with their reason. Landscape: a row per supervision of every teacher.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah

from ..rules import DocumentKind, PeriodKind, document
from ._schedule import schedule_context


def schedule_sheet_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    return schedule_context(semester=period.semester, cancelled=True)


SCHEDULE = document(
    DocumentKind(
        code="jadwal",
        label=gettext_lazy("Academic supervision schedule"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/schedule.html",
        context=schedule_sheet_context,
        landscape=True,
        numbered=False,
    )
)
