"""`lembar-kosong`: the blank instrument sheets of a semester for paper use — one page per planned
supervision and instrument, with the teacher, class, date and supervisor printed (what the blank
sheet of a programme row shows), to be filled in class and signed by both. Before anything is
planned, one sheet per supervision instrument of the year with the identity left blank.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah

from ..rules import DocumentKind, PeriodKind, document
from ._shared import leaders
from ._sheets import blank_sheets


def blank_sheets_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    sheets = blank_sheets(madrasah=madrasah, semester=period.semester)
    kepala, _waka = leaders(madrasah=madrasah)
    return {"sheets": sheets, "kepala": kepala, "empty": not sheets}


BLANK_SHEETS = document(
    DocumentKind(
        code="lembar-kosong",
        label=gettext_lazy("Blank instrument sheets"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/blank_sheets.html",
        context=blank_sheets_context,
        numbered=False,
    )
)
