"""Building an official document in a test as the build does: the kind's context over the office
context, rendered through `laporan.documents.services.pdf.render_pdf`, and the text a reader would see
(tests/pdf_text.py)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from laporan.documents.rules import document_kind
from laporan.documents.selectors import (
    Period,
    office_context,
    paper_of,
    period_of_month,
    period_of_semester,
    period_of_year,
)
from laporan.documents.services.pdf import render_pdf
from tests.pdf_text import page_texts

SIGNED_ON = dt.date(2026, 11, 26)
DUMP = os.environ.get("DOCUMENTS_DUMP", "")  # a folder: keep each built PDF there to look at


def build(code: str, *, madrasah, period: Period, teacher=None, number: str = "") -> tuple[dict, str, int]:
    """(context, extracted text with whitespace collapsed, number of pages)."""
    kind = document_kind(code)
    office, media = office_context(
        madrasah=madrasah,
        kind=kind,
        period=period,
        number=number if kind.numbered else "",
        paper=paper_of(madrasah=madrasah, kind=kind),
        signed_on=SIGNED_ON,
        maker=kind.maker,
    )
    context = {**office, **kind.context(madrasah=madrasah, period=period, teacher=teacher)}
    pdf = render_pdf(kind.template, context, media_names=media)
    if DUMP:
        Path(DUMP, f"{code}.pdf").write_bytes(pdf)
    pages = page_texts(pdf)
    return context, " ".join(pages), len(pages)


def semester_period(semester) -> Period:
    return period_of_semester(semester)


def year_period(academic_year) -> Period:
    return period_of_year(academic_year)


def month_period(year: int, month: int) -> Period:
    return period_of_month(year, month)
