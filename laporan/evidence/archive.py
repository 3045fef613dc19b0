"""Bukti dukung as one zip of PDFs, built in memory (nothing is written to the database or the disk).

Each record of `selectors.evidence_records` becomes one PDF, named by `rules.evidence_file_name`:
- a supervision result: its filled instrument sheet, as the `lembar-isi` document prints it;
- the approved PKG appraisal: its forms, as the `pkg` document prints them; and each document
  uploaded to it, as uploaded;
- a verified PKB entry: its certificate as uploaded — a PDF as it is, a JPEG or PNG photo as a
  one-page PDF;
- an in-house activity attended: its berita acara and attendance list, as the `iht` document prints
  them (that activity alone).
The first file is the contents page (a PDF too), listing every file with its kind, date and title,
and naming any uploaded file that could not be read. The documents are rendered through the same
templates and office format as the documents of the archive, in the product's language.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from madrasah.files import _resolved_path
from madrasah.models import Staff

from ..documents.kinds._shared import leaders, person_of
from ..documents.kinds._sheets import sheets_of_observations
from ..documents.kinds.filled_sheets import FILLED_SHEETS
from ..documents.kinds.in_house import IN_HOUSE, activity_printed
from ..documents.kinds.pkg import PKG, pkg_context
from ..documents.rules import DocumentKind, PeriodKind
from ..documents.selectors import office_context, paper_of, period_of_semester, period_of_year
from .rules import FileKind, evidence_file_name, identifier_of, teacher_identifier, unique_name
from .selectors import EvidenceRecords

# The contents page is a document of its own, but not one of the archive's kinds (never asked for
# alone, so it is not registered).
CONTENTS = DocumentKind(
    code="bukti-dukung",
    label=gettext_lazy("Supporting evidence (bukti dukung): contents"),
    period=PeriodKind.SEMESTER,
    template="laporan/pdf/evidence_contents.html",
    context=lambda **kwargs: {},
    per_teacher=True,
    numbered=False,
    maker=False,
)
KIND_LABELS = {
    FileKind.CONTENTS: gettext_lazy("Contents"),
    FileKind.OBSERVATION: gettext_lazy("Supervision result (filled instrument sheet)"),
    FileKind.APPRAISAL: gettext_lazy("PKG forms"),
    FileKind.APPRAISAL_EVIDENCE: gettext_lazy("PKG document (as uploaded)"),
    FileKind.PKB: gettext_lazy("PKB certificate (as uploaded)"),
    FileKind.IN_HOUSE: gettext_lazy("Berita acara of an in-house activity"),
}
UPLOAD_EXTENSIONS = ("pdf", "jpg", "jpeg", "png")
# A photo becomes a page about A4 wide (8.27 in) at no less than this resolution.
MIN_IMAGE_DPI = 150


@dataclass(frozen=True)
class Entry:
    """One line of the contents page: a file of the zip, or an uploaded file that could not be read."""

    name: str  # empty when missing
    kind: str  # FileKind
    day: dt.date
    title: str

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _read(fieldfile) -> bytes | None:
    """The stored file's bytes, or None when it is missing (or its path is not a safe one)."""
    try:
        return _resolved_path(fieldfile).read_bytes()
    except (Http404, OSError):
        return None


def _without_extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return stem if dot and stem and extension.lower() in UPLOAD_EXTENSIONS else name


def upload_as_pdf(data: bytes) -> bytes | None:
    """An upload as PDF: a PDF as it is, a JPEG or PNG (the only other types uploads accept,
    `madrasah.files.evidence_check`) as a one-page PDF; None for anything else or a damaged image."""
    if data.startswith(b"%PDF-"):
        return data
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.format not in ("JPEG", "PNG"):
                return None
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=max(MIN_IMAGE_DPI, image.width / 8.27))
    return buffer.getvalue()


class _Builder:
    def __init__(self, *, teacher: Staff, period):
        from ..documents.services.pdf import render_pdf  # WeasyPrint only when a download is built

        self.render_pdf = render_pdf
        self.teacher = teacher
        self.madrasah = teacher.madrasah
        self.identifier = teacher_identifier(teacher)
        self.period = period
        self.files: list[tuple[str, bytes]] = []
        self.entries: list[Entry] = []
        self.taken: set[str] = set()

    def document(self, kind: DocumentKind, period, context: dict) -> bytes:
        office, media_names = office_context(
            madrasah=self.madrasah,
            kind=kind,
            period=period,
            number="",
            paper=paper_of(madrasah=self.madrasah, kind=kind),
            signed_on=timezone.localdate(),
            maker=kind.maker,
        )
        return self.render_pdf(kind.template, {**office, **context}, media_names=media_names)

    def add(self, kind: str, day: dt.date, title: str, data: bytes | None) -> None:
        if data is None:
            self.entries.append(Entry(name="", kind=kind, day=day, title=title))
            return
        name = unique_name(evidence_file_name(identifier=self.identifier, kind=kind, day=day, title=title), self.taken)
        self.files.append((name, data))
        self.entries.append(Entry(name=name, kind=kind, day=day, title=title))


def build_evidence_zip(*, teacher: Staff, period, records: EvidenceRecords, appraisal_withheld: bool = False) -> bytes:
    """The zip as bytes (see the module docstring). `appraisal_withheld`: the contents page says the
    PKG was left out for a reader who may not see it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(teacher=teacher, period=period, records=records, appraisal_withheld=appraisal_withheld)


def _build(*, teacher: Staff, period, records: EvidenceRecords, appraisal_withheld: bool) -> bytes:
    builder = _Builder(teacher=teacher, period=period)
    madrasah = builder.madrasah
    kepala, waka = leaders(madrasah=madrasah)
    sheets = sheets_of_observations(madrasah=madrasah, observations=records.observations, teacher=teacher)
    for observation, sheet in zip(records.observations, sheets, strict=True):
        context = {"sheets": [sheet], "teacher": person_of(teacher), "kepala": kepala, "empty": False}
        pdf = builder.document(FILLED_SHEETS, period_of_semester(observation.row.programme.semester), context)
        builder.add(FileKind.OBSERVATION, sheet.day, sheet.instrument, pdf)

    appraisal = records.appraisal
    if appraisal is not None:
        year = period_of_year(appraisal.period.academic_year)
        approved_on = timezone.localdate(appraisal.approved_at)
        pdf = builder.document(PKG, year, pkg_context(madrasah=madrasah, period=year, teacher=teacher))
        builder.add(FileKind.APPRAISAL, approved_on, _("PKG %(year)s") % {"year": year.academic_year.name}, pdf)
        for document in records.appraisal_documents:
            data = _read(document.file)
            title = _without_extension(document.original_name or document.file.name.rsplit("/", 1)[-1])
            # Dated as the appraisal they are part of, not as the day they were uploaded.
            builder.add(FileKind.APPRAISAL_EVIDENCE, approved_on, title, upload_as_pdf(data) if data else None)

    for activity in records.pkb:
        data = _read(activity.evidence)
        builder.add(FileKind.PKB, activity.start_date, activity.title, upload_as_pdf(data) if data else None)

    for activity in records.in_house:
        context = {
            "activities": [activity_printed(madrasah=madrasah, activity=activity)],
            "kepala": kepala,
            "waka": waka,
            "empty": False,
        }
        builder.add(FileKind.IN_HOUSE, activity.start_date, activity.title, builder.document(IN_HOUSE, None, context))

    today = timezone.localdate()
    identifier = identifier_of(teacher)
    contents_name = evidence_file_name(
        identifier=builder.identifier, kind=FileKind.CONTENTS, day=today, title=period.slug
    )
    contents = builder.document(
        CONTENTS,
        period,
        {
            "teacher": teacher,
            "identifier_label": identifier[0],
            "identifier": identifier[1],
            "contents_name": contents_name,
            "entries": builder.entries,
            "empty": records.is_empty and not appraisal_withheld,
            "appraisal_withheld": appraisal_withheld,
        },
    )
    buffer = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(contents_name, contents), *builder.files]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
