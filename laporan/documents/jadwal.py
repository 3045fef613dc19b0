"""`jadwal`: the semester's supervision schedule (jadwal supervisi akademik), one table of the
programme's rows by date — who is observed when, in which class, by whom, with which instruments —
cancelled rows struck through with their reason. Landscape: a row per supervision of every teacher.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah

from . import DocumentKind, PeriodKind, document
from ._schedule import programme_with_people, schedule_rows, schedule_span
from ._shared import leaders


def jadwal_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    semester = period.semester
    programme = programme_with_people(semester=semester)
    rows = schedule_rows(programme=programme, semester=semester) if programme else []
    kepala, waka = leaders(madrasah=madrasah)
    return {
        "semester": semester,
        "programme": programme,
        "rows": rows,
        "span": schedule_span(programme=programme) if programme else None,
        "kepala": kepala,
        "waka": waka,
        "empty": not rows,
    }


JADWAL = document(
    DocumentKind(
        code="jadwal",
        label=gettext_lazy("Academic supervision schedule"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/jadwal.html",
        context=jadwal_context,
        landscape=True,
        numbered=False,
    )
)
