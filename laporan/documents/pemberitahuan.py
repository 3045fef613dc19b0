"""`pemberitahuan`: the Kepala's letter notifying the teachers of their academic supervision dates
(DOMAIN.md: "teachers notified"), with the schedule as its attachment. A letter: A4 (the national
standard for letters), numbered from the madrasah's sequence, signed by the Kepala alone.

Only rows that are not cancelled are listed; the scores and the supervision record never appear.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah, PaperSize

from . import DocumentKind, PeriodKind, document
from ._schedule import not_cancelled, programme_with_people, schedule_rows, schedule_span
from ._shared import leaders


def pemberitahuan_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    semester = period.semester
    programme = programme_with_people(semester=semester)
    rows = not_cancelled(schedule_rows(programme=programme, semester=semester)) if programme else []
    kepala, _waka = leaders(madrasah=madrasah)
    return {
        "semester": semester,
        "programme": programme,
        "rows": rows,
        "span": schedule_span(programme=programme) if programme else None,
        "kepala": kepala,
        "empty": not rows,
    }


PEMBERITAHUAN = document(
    DocumentKind(
        code="pemberitahuan",
        label=gettext_lazy("Notice of the academic supervision schedule"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/pemberitahuan.html",
        context=pemberitahuan_context,
        paper=PaperSize.A4,  # a letter: A4 unless the request chooses otherwise
        maker=False,  # the Kepala signs a letter alone
    )
)
