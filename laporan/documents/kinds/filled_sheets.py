"""`lembar-isi`: one teacher's filled instrument sheets of a semester — every observation that has
left the supervisor's draft, with its stored item scores, section percentages, total and predikat,
notes and the follow-up agreed, signed by the teacher (as received) and the supervisor, acknowledged
by the Kepala. Each sheet on its own page; nothing of another teacher is read.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah, Staff

from ..rules import DocumentKind, PeriodKind, document
from ._shared import leaders, person_of
from ._sheets import filled_sheets


def filled_sheets_context(*, madrasah: Madrasah, period, teacher: Staff | None = None) -> dict:
    if teacher is None:
        raise ValueError("the filled instrument sheets need a teacher")
    sheets = filled_sheets(madrasah=madrasah, semester=period.semester, teacher=teacher)
    kepala, _waka = leaders(madrasah=madrasah)
    return {"sheets": sheets, "teacher": person_of(teacher), "kepala": kepala, "empty": not sheets}


FILLED_SHEETS = document(
    DocumentKind(
        code="lembar-isi",
        label=gettext_lazy("Filled instrument sheets"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/filled_sheets.html",
        context=filled_sheets_context,
        per_teacher=True,
        numbered=False,
    )
)
