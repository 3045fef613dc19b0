"""`bundle`: the yearly evidence bundle for the pengawas and for accreditation — ONE zip archive of an
academic year's supervision documents as PDFs:

    00-daftar-isi.pdf                      the contents (this kind's own template), signed by the Kepala
    01-sk-tim.pdf                          the decree on the supervision team
    2026-2027-ganjil/01-program.pdf        per semester: the programme,
    2026-2027-ganjil/02-jadwal.pdf         the schedule,
    2026-2027-ganjil/03-lembar-isi/….pdf   each observed teacher's filled instrument sheets,
    2026-2027-ganjil/04-analisis.pdf       the analysis of results and follow-up plan (RTL),
    2026-2027-ganjil/05-laporan-supervisi.pdf   and the supervision report.

Each PDF is rendered through the registry exactly as the document on its own (its kind's context,
template and office format). The supervision report is numbered: the bundle carries it as issued —
the file of its own report, built first (and so numbered, and kept in the archive) when it never was.
The others are rendered afresh from the data of the day the bundle is built.

Built on the workers in parallel (`services.bundles`): one task per PDF (`render_part`, each with its
own time limits), the zip (`assemble`) once all are done; the row's file is the zip (`.zip`), served
by the protected download. It holds every observed teacher's sheets, so each opening is logged for each of
them (`holds_records_of`), as the opening of a teacher's record is.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensi.growth.rules import safe_name
from kompetensi.models import Observation, ObservationState
from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear, Madrasah, Semester, Staff

from ...models import Report, ReportStatus
from ..rules import DocumentKind, PeriodKind, document, document_kind
from ..selectors import period_of_semester, period_of_year, period_resolve
from ..services.bundles import PartSpec
from ..services.reports import report_build_now, report_html

CONTENTS = "00-daftar-isi.pdf"
YEAR_PARTS = (("sk-tim", "01-sk-tim"),)
SEMESTER_PARTS = (
    ("program", "01-program"),
    ("jadwal", "02-jadwal"),
    ("lembar-isi", "03-lembar-isi"),
    ("analisis", "04-analisis"),
    ("laporan-supervisi", "05-laporan-supervisi"),
)


@dataclass(frozen=True)
class BundlePart:
    name: str  # the path inside the zip
    kind: str  # a DocumentKind code
    period_key: str
    period_label: str
    teacher: Staff | None = None

    @property
    def label(self) -> str:
        kind = document_kind(self.kind)
        return str(kind.label) if kind else self.kind


def _year_of(*, madrasah: Madrasah, period_key: str) -> AcademicYear | None:
    start = period_key.split("-", 1)[0]
    if not start.isdigit():
        return None
    return AcademicYear.objects.filter(madrasah=madrasah, start_year=int(start)).first()


def observed_teachers(*, madrasah: Madrasah, semesters: list[Semester]) -> dict[int, list[Staff]]:
    """Per semester id, the teachers with an observation past the supervisor's draft (who have filled
    sheets), by name: two queries."""
    pairs = set(
        Observation.objects.filter(madrasah=madrasah, row__programme__semester__in=semesters)
        .exclude(state=ObservationState.DRAFT)
        .values_list("row__programme__semester_id", "teacher_id")
    )
    staff = Staff.objects.in_bulk({teacher_id for _semester, teacher_id in pairs})
    found: dict[int, list[Staff]] = {}
    for semester_id, teacher_id in pairs:
        found.setdefault(semester_id, []).append(staff[teacher_id])
    for teachers in found.values():
        teachers.sort(key=lambda t: (t.name.lower(), t.pk))
    return found


def bundle_parts(*, madrasah: Madrasah, academic_year: AcademicYear) -> list[BundlePart]:
    """What the year's bundle holds, in its order (the contents page lists the same)."""
    year = period_of_year(academic_year)
    parts = [
        BundlePart(name=f"{name}.pdf", kind=code, period_key=year.key, period_label=year.label)
        for code, name in YEAR_PARTS
    ]
    semesters = list(
        Semester.objects.filter(madrasah=madrasah, academic_year=academic_year)
        .select_related("academic_year")
        .order_by("start_date")
    )
    teachers = observed_teachers(madrasah=madrasah, semesters=semesters)
    for semester in semesters:
        period = period_of_semester(semester)
        for code, name in SEMESTER_PARTS:
            if code == "lembar-isi":
                parts.extend(
                    BundlePart(
                        name=f"{period.key}/{name}/{safe_name(teacher.name)}-{teacher.pk}.pdf",
                        kind=code,
                        period_key=period.key,
                        period_label=period.label,
                        teacher=teacher,
                    )
                    for teacher in teachers.get(semester.pk, [])
                )
            else:
                parts.append(
                    BundlePart(
                        name=f"{period.key}/{name}.pdf", kind=code, period_key=period.key, period_label=period.label
                    )
                )
    return parts


def bundle_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    parts = bundle_parts(madrasah=madrasah, academic_year=period.academic_year)
    return {
        # The contents page is a paper document inside the archive: its title names what it lists,
        # not the file format of the download ("(zip)" belongs to the list of reports only).
        "title": gettext_lazy("Contents of the yearly evidence bundle"),
        "contents": CONTENTS,
        "parts": parts,
        "empty": all(p.period_key == period.key for p in parts),
    }


def bundle_teachers(*, madrasah: Madrasah, period_key: str) -> list[Staff]:
    """The teachers whose filled sheets the year's bundle holds."""
    year = _year_of(madrasah=madrasah, period_key=period_key)
    if year is None:
        return []
    semesters = list(Semester.objects.filter(madrasah=madrasah, academic_year=year))
    found = {
        t.pk: t for teachers in observed_teachers(madrasah=madrasah, semesters=semesters).values() for t in teachers
    }
    return sorted(found.values(), key=lambda t: (t.name.lower(), t.pk))


def _issued_pdf(*, madrasah: Madrasah, part: BundlePart) -> bytes:
    """A numbered document as issued: the file of its report, built first when it never was."""
    kind = document_kind(part.kind)
    report = (
        Report.objects.filter(madrasah=madrasah, kind=kind.code, period=part.period_key, teacher=None)
        .order_by("-requested_at", "-pk")
        .first()
    )
    if report is None or not (report.status == ReportStatus.DONE and report.has_file):
        report = report_build_now(madrasah=madrasah, kind=kind, period_key=part.period_key)
    with report.file.open("rb") as handle:
        return handle.read()


def _fresh_pdf(*, bundle, part: BundlePart) -> bytes:
    """An unnumbered document rendered for the bundle (a row that is never saved: nothing is written)."""
    from ..services.pdf import html_to_pdf  # WeasyPrint is loaded by the worker, not by the web process

    transient = Report(
        madrasah=bundle.madrasah, kind=part.kind, period=part.period_key, teacher=part.teacher, paper=bundle.paper
    )
    prepared = report_html(report=transient)
    return html_to_pdf(prepared.html, media_names=prepared.media_names)


def bundle_part_specs(*, report) -> list[PartSpec]:
    """The parts of the report's bundle, one per PDF, the contents page first (`services.bundles`).
    ApplicationError when the academic year is gone."""
    year = period_resolve(madrasah=report.madrasah, period_kind=PeriodKind.YEAR, key=report.period)
    specs = [PartSpec(position=0, name=CONTENTS, kind=report.kind, period=year.key)]
    for position, part in enumerate(bundle_parts(madrasah=report.madrasah, academic_year=year.academic_year), 1):
        specs.append(
            PartSpec(
                position=position,
                name=part.name,
                kind=part.kind,
                period=part.period_key,
                teacher_id=part.teacher.pk if part.teacher else None,
            )
        )
    return specs


def bundle_render_part(*, report, part) -> bytes:
    """One PDF of the bundle, rendered by its own task: the contents page, a numbered document as
    issued, or an unnumbered one afresh."""
    from ..services.pdf import html_to_pdf  # WeasyPrint is loaded by the worker, not by the web process

    if part.kind == report.kind:
        contents = report_html(report=report)
        return html_to_pdf(contents.html, media_names=contents.media_names)
    spec = BundlePart(name=part.name, kind=part.kind, period_key=part.period, period_label="", teacher=part.teacher)
    if document_kind(part.kind).numbered:
        return _issued_pdf(madrasah=report.madrasah, part=spec)
    return _fresh_pdf(bundle=report, part=spec)


def bundle_assemble(*, report, progress=None) -> bytes:
    """The zip of the report's finished parts, in their order (see the module docstring); run once
    every part is done. A part missing or unfinished → ApplicationError (nothing is written)."""
    step = progress or (lambda value: None)
    parts = list(report.bundle_parts.order_by("position"))
    if not parts or any(part.status != ReportStatus.DONE or not part.file for part in parts):
        raise ApplicationError(_("A document of the bundle is missing; build the bundle again."))
    buffer = io.BytesIO()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, part in enumerate(parts, start=1):
            info = zipfile.ZipInfo(part.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with part.file.open("rb") as handle:
                archive.writestr(info, handle.read())
            step(95 + 4 * index // len(parts))
    return buffer.getvalue()


BUNDLE = document(
    DocumentKind(
        code="bundle",
        label=gettext_lazy("Yearly evidence bundle (zip)"),
        period=PeriodKind.YEAR,
        template="laporan/pdf/bundle.html",
        context=bundle_context,
        numbered=False,
        maker=False,
        assemble=bundle_assemble,
        extension=".zip",
        holds_records_of=bundle_teachers,
        parts=bundle_part_specs,
        render_part=bundle_render_part,
    )
)
