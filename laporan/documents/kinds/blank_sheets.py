"""`lembar-kosong`: the blank instrument sheets of a semester for paper use — one page per planned
supervision and instrument, with the teacher, class, date and supervisor printed (what the blank
sheet of a programme row shows), to be filled in class and signed by both. Before anything is
planned, one sheet per supervision instrument of the year with the identity left blank.

The download is one zip archive holding one PDF per teacher (before anything is planned: per
instrument), each numbered from its own page 1: the Waka prints, hands out or files one teacher's
sheets without leafing through a 160-page file numbered across forty teachers.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from madrasah.models import Madrasah

from ..rules import DocumentKind, PeriodKind, document
from ..selectors import office_context, paper_of, period_resolve
from ._shared import leaders
from ._sheets import Sheet, blank_sheets

EMPTY_FILE = "lembar-kosong.pdf"


@dataclass(frozen=True)
class SheetFile:
    name: str  # the path inside the zip
    sheets: list[Sheet]


def sheet_files(sheets: list[Sheet]) -> list[SheetFile]:
    """The sheets grouped into the files of the download: one per teacher (by name; each teacher's
    sheets by date) or, before anything is planned, one per instrument (in the instruments' order)."""
    grouped: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        grouped.setdefault(sheet.file_stem, []).append(sheet)
    return [SheetFile(name=f"{stem}.pdf", sheets=grouped[stem]) for stem in sorted(grouped, key=str.lower)]


def blank_sheets_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    sheets = blank_sheets(madrasah=madrasah, semester=period.semester)
    kepala, _waka = leaders(madrasah=madrasah)
    return {"sheets": sheets, "kepala": kepala, "empty": not sheets}


def blank_sheets_assemble(*, report, progress=None) -> bytes:
    """The zip of the semester's blank sheets (see the module docstring), built in memory: the
    sheets are read once, each file is rendered with the one office format."""
    from ..services.pdf import html_to_pdf, render_html  # WeasyPrint is loaded by the worker only

    step = progress or (lambda value: None)
    kind = BLANK_SHEETS
    with translation.override(settings.LANGUAGE_CODE):  # the documents' language, as `report_html`
        period = period_resolve(madrasah=report.madrasah, period_kind=kind.period, key=report.period)
        context = blank_sheets_context(madrasah=report.madrasah, period=period)
        office, media_names = office_context(
            madrasah=report.madrasah,
            kind=kind,
            period=period,
            number="",
            paper=paper_of(madrasah=report.madrasah, kind=kind, chosen=report.paper),
            signed_on=timezone.localdate(),
            maker=kind.maker,
        )
    files = sheet_files(context["sheets"]) or [SheetFile(name=EMPTY_FILE, sheets=[])]
    step(10)
    buffer = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, sheet_file in enumerate(files, start=1):
            html = render_html(kind.template, {**office, **context, "sheets": sheet_file.sheets})
            info = zipfile.ZipInfo(sheet_file.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, html_to_pdf(html, media_names=media_names))
            step(10 + 85 * index // len(files))
    return buffer.getvalue()


BLANK_SHEETS = document(
    DocumentKind(
        code="lembar-kosong",
        label=gettext_lazy("Blank instrument sheets"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/blank_sheets.html",
        context=blank_sheets_context,
        numbered=False,
        assemble=blank_sheets_assemble,
        extension=".zip",
    )
)
