"""`pemberitahuan`: the Kepala's letter notifying the teachers of their academic supervision dates
(docs/domain.md §9: teachers are notified of their dates), with the schedule as its attachment. A
letter: A4 (the national standard for letters), numbered from the madrasah's sequence, signed by the
Kepala alone.

Only rows that are not cancelled are listed; the scores and the supervision record never appear.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah, PaperSize

from ..rules import DocumentKind, PeriodKind, document
from ._schedule import schedule_context
from ._shared import leaders


def notice_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    kepala, _waka = leaders(madrasah=madrasah)
    return {**schedule_context(semester=period.semester, cancelled=False), "kepala": kepala}


NOTICE = document(
    DocumentKind(
        code="pemberitahuan",
        label=gettext_lazy("Notice of the academic supervision schedule"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/notice.html",
        context=notice_context,
        paper=PaperSize.A4,  # a letter: A4 unless the request chooses otherwise
        maker=False,  # the Kepala signs a letter alone
    )
)
