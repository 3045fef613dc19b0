"""`pemberitahuan`: the Kepala's letter notifying the teachers of their academic supervision dates
(docs/domain.md §9: teachers are notified of their dates), with the schedule as its attachment. A
letter: A4 (the national standard for letters), numbered from the madrasah's sequence, signed by the
Kepala alone.

It has the form of a surat dinas (KMA 9/2016; docs/domain.md, "Letters"): Nomor, Sifat, Lampiran and
Hal under the letterhead with the place and date on the right, then "Yth." and the addressee. It is
dated on the day the Kepala issues it (the day it is asked for), which must come before the first
visit it announces: a notice asked for on or after that day is refused (`notice_issue_check`).

Only rows that are not cancelled are listed; the scores and the supervision record never appear.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.errors import ApplicationError
from madrasah.models import Madrasah, PaperSize

from ..rules import DocumentKind, PeriodKind, document
from ._schedule import programme_with_people, schedule_context, schedule_span
from ._shared import leaders


def notice_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    kepala, _waka = leaders(madrasah=madrasah)
    return {**schedule_context(semester=period.semester, cancelled=False), "kepala": kepala}


def notice_issue_check(*, madrasah: Madrasah, period, today: dt.date) -> None:
    """A notice announces visits to come: refuse one dated on or after the first visit (two queries)."""
    programme = programme_with_people(semester=period.semester)
    first = schedule_span(programme=programme).first if programme else None
    if first is not None and today >= first:
        raise ApplicationError(
            _(
                "The notice must be dated before the first visit it announces (%(first)s), and today is "
                "%(today)s. Issue the notice before the schedule starts, or move the first visits later."
            )
            % {"first": formats.date_format(first, "j F Y"), "today": formats.date_format(today, "j F Y")},
            field="period",
        )


NOTICE = document(
    DocumentKind(
        code="pemberitahuan",
        label=gettext_lazy("Notice of the academic supervision schedule"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/notice.html",
        context=notice_context,
        paper=PaperSize.A4,  # a letter: A4 unless the request chooses otherwise
        maker=False,  # the Kepala signs a letter alone
        issue_check=notice_issue_check,
    )
)
