"""The documents the product produces, one registry.

Each document kind lives in its own module of `kinds` and registers itself with `@document`.
A kind names its period (a semester, an academic year or a month), whether it is per teacher, its
paper and orientation, its template under `laporan/pdf/`, who may read it, and a `context` function
that reads ONLY selectors (the same ones as the dashboard) and returns the template context.
Rendering (`services.pdf`) and building (`services.reports`, run by `tasks`) never know a kind's details.

How the builder (`services.reports.report_build`) calls a kind:
- `context(madrasah=…, period=…, teacher=…)`: `period` is a `selectors.Period` (key, label,
  start, end, and `semester` / `academic_year` objects where they apply); `teacher` a `Staff` for
  per-teacher kinds, else None. The template extends `laporan/pdf/base.html`, which adds the office
  format (letterhead, number, paper, page numbers, place and date, signatures) to the context;
- `xlsx(madrasah=…, period=…, teacher=…, context=…)` with the very context the PDF got, so the
  spreadsheet shows the same numbers;
- both run in the worker under the product's language (Indonesian);
- `assemble(report=…, progress=…)`, for a kind that makes its own file (the yearly evidence bundle,
  a zip of other kinds' PDFs), replaces the single PDF: the builder stores what it returns under
  the kind's `extension`.
- `parts(report=…)` and `render_part(report=…, part=…)`, for a kind built in parts (the bundle): the
  build task plans the parts, each is rendered by its own task, and `assemble` runs once all are done.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from madrasah.models import Role

from . import kinds


class PeriodKind:
    SEMESTER = "semester"
    YEAR = "year"
    MONTH = "month"


@dataclass(frozen=True)
class DocumentKind:
    code: str  # URL- and command-safe, e.g. "semester" (build_report --kind semester)
    label: str  # lazy translated title, e.g. "Semester recap"
    period: str  # PeriodKind
    template: str  # e.g. "laporan/pdf/semester_recap.html"
    context: Callable[..., dict]  # context(*, madrasah, period, teacher=None) -> dict
    per_teacher: bool = False
    landscape: bool = False
    readers: tuple[str, ...] = (Role.KEPALA, Role.WAKA, Role.PENGAWAS)
    # The teacher the document is about may read their own (per-teacher kinds only).
    teacher_reads_own: bool = True
    classification_code: str = ""  # archive classification; empty: the madrasah's default
    numbered: bool = True  # official documents get a number from the per-madrasah, per-year sequence
    xlsx: Callable[..., bytes] | None = None  # recaps are also downloadable as .xlsx
    # Optional, read by the builder (`services.reports`):
    paper: str = ""  # "F4" or "A4"; empty: the madrasah's default paper (Madrasah.paper_size)
    maker: bool = True  # the Waka signs beside the Kepala as the document's maker
    # Added with the scheduled reports and the evidence bundle:
    # A kind that makes its own file instead of one PDF of `template` (the bundle: a zip of PDFs):
    # assemble(*, report, progress) -> bytes, run by the builder in the worker; `extension` names the file.
    assemble: Callable[..., bytes] | None = None
    extension: str = ".pdf"
    # For a whole-madrasah document holding teachers' private records (the bundle's filled sheets): the
    # teachers whose records it holds, so that each opening is logged like the opening of a record.
    # holds_records_of(*, madrasah, period_key) -> list[Staff]
    holds_records_of: Callable[..., list] | None = None
    # Added with "issued means fixed":
    # A decree (SK) is never rebuilt once issued: a change is an amending decree (services.decrees).
    decree: bool = False
    # Checked when a person asks for the document (a new revision too), before anything is queued:
    # issue_check(*, madrasah, period, today) raises ApplicationError, e.g. a notice dated after the
    # first visit it announces.
    issue_check: Callable[..., None] | None = None
    # A kind built in parts, each by its own task on the workers (the bundle: one part per PDF;
    # `services.bundles`): parts(*, report) -> list[bundles.PartSpec] and
    # render_part(*, report, part) -> bytes; `assemble` then puts the finished parts together.
    parts: Callable[..., list] | None = None
    render_part: Callable[..., bytes] | None = None


DOCUMENTS: dict[str, DocumentKind] = {}


def document(kind: DocumentKind) -> DocumentKind:
    """Register a kind (module import time)."""
    if kind.code in DOCUMENTS:
        raise ValueError(f"document kind {kind.code!r} registered twice")
    DOCUMENTS[kind.code] = kind
    return kind


def document_kind(code: str) -> DocumentKind | None:
    load_all()
    return DOCUMENTS.get(code)


def load_all() -> dict[str, DocumentKind]:
    """Import every module of `kinds` once so that each kind is registered."""
    for module in pkgutil.iter_modules(kinds.__path__):
        importlib.import_module(f"{kinds.__name__}.{module.name}")
    return DOCUMENTS


def amendment_phrase(ordinal: int) -> str:
    """ "Perubahan", "Perubahan Kedua", … atas Keputusan …: the how-manieth change of a decree."""
    words = {
        1: _("Amendment"),
        2: _("Second amendment"),
        3: _("Third amendment"),
        4: _("Fourth amendment"),
        5: _("Fifth amendment"),
    }
    return words.get(ordinal) or _("Amendment no. %(number)s") % {"number": ordinal}


# --- the page ------------------------------------------------------------------------------------------

MM = {"F4": ("215mm", "330mm"), "A4": ("210mm", "297mm")}


def page_size(paper: str, *, landscape: bool) -> str:
    """The CSS `@page { size }` for F4 (215 × 330 mm, the default) or A4, portrait or landscape."""
    width, height = MM.get(paper, MM["F4"])
    return f"{height} {width}" if landscape else f"{width} {height}"


def page_counter_css() -> str:
    """`"Halaman " counter(page) " dari " counter(pages)` in the active language, for `content:`."""
    text = _("Page %(page)s of %(pages)s")
    marker_page, marker_pages = "\x00page\x00", "\x00pages\x00"
    text = text % {"page": marker_page, "pages": marker_pages}
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return quoted.replace(marker_page, '" counter(page) "').replace(marker_pages, '" counter(pages) "')
