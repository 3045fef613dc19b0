"""Bukti dukung: one zip per teacher and period with what a civil-servant teacher uploads to e-Kinerja
by hand (docs/domain.md §10 "Continuing professional development (PKB)").

Exactly these, nothing in another state:
- supervision results that are FINAL, of the period's semesters — a printable HTML page each, from
  the stored scores, percentage and predikat (the scoring function is not run again);
- the APPROVED PKG appraisal of the academic year — a summary page and its uploaded documents
  (a semester period takes it when it was approved within that semester);
- VERIFIED PKB entries starting within the period — their certificates or other evidence;
- `index.html` listing everything with its dates and a link to each file.

File names inside the zip are ASCII, numbered, and never taken from user input unsanitised. The zip
is built in memory (ZIP_DEFLATED); access is the caller's business (`kompetensi.access`).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import SimpleNamespace

from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from kompetensi.instruments.rules import for_display
from madrasah.files import _resolved_path
from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear, Semester, Staff

from ..models import (
    Appraisal,
    AppraisalStage,
    CompetencyResult,
    Observation,
    ObservationScore,
    ObservationState,
    PkbActivity,
    PkbStatus,
)
from .rules import SEMESTER_SLUG, ArchivePeriod, archive_file_name, period_of_semester, period_of_year, safe_name

# --- the period -------------------------------------------------------------------------------------


def period_from_query(*, madrasah_id: int, tahun: str | None, semester: str | None) -> ArchivePeriod | None:
    """The period chosen by `?tahun=2025` or `?semester=2025-2026-ganjil` among the madrasah's own;
    None when neither is given; 404 for one that does not exist (or is malformed)."""
    if semester:
        match = SEMESTER_SLUG.match(semester)
        if not match or int(match[2]) != int(match[1]) + 1:
            raise Http404
        found = (
            Semester.objects.select_related("academic_year")
            .filter(madrasah_id=madrasah_id, academic_year__start_year=int(match[1]), kind=match[3])
            .first()
        )
        if found is None:
            raise Http404
        return period_of_semester(found)
    if tahun:
        if not tahun.isdigit() or len(tahun) != 4:
            raise Http404
        year = AcademicYear.objects.filter(madrasah_id=madrasah_id, start_year=int(tahun)).first()
        if year is None:
            raise Http404
        return period_of_year(year)
    return None


def archive_period_choices(*, madrasah_id: int) -> dict:
    """What the period form offers: the madrasah's academic years and semesters, newest first, and
    the current ones (the active semester's, else the newest year)."""
    years = AcademicYear.objects.filter(madrasah_id=madrasah_id).order_by("-start_year")
    semesters = Semester.objects.filter(madrasah_id=madrasah_id).select_related("academic_year")
    active = next((s for s in semesters if s.is_active), None)
    return {
        "years": years,
        "semesters": semesters.order_by("-start_date"),
        "current_year": active.academic_year if active else years.first(),
        "current_semester": active,
    }


# --- what goes in -------------------------------------------------------------------------------------


@dataclass
class ArchiveContents:
    observations: list[Observation] = field(default_factory=list)
    appraisal: Appraisal | None = None
    pkb: list[PkbActivity] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.observations or self.appraisal or self.pkb)


def archive_contents(*, teacher: Staff, period: ArchivePeriod, include_appraisal: bool = True) -> ArchiveContents:
    """The finalised, approved and verified records of `teacher` in `period`, and only those.
    `include_appraisal=False` leaves out the PKG for someone who may not read it."""
    observations = Observation.objects.filter(
        teacher=teacher, madrasah_id=teacher.madrasah_id, state=ObservationState.FINAL
    ).select_related(
        "instrument_version__instrument",
        "row__programme__semester__academic_year",
        "row__subject",
        "supervisor",
        "finalised_by",
    )
    if period.semester is not None:
        observations = observations.filter(row__programme__semester=period.semester)
    else:
        observations = observations.filter(row__programme__semester__academic_year=period.academic_year)
    appraisal = None
    if include_appraisal:
        appraisals = Appraisal.objects.filter(
            teacher=teacher,
            madrasah_id=teacher.madrasah_id,
            stage=AppraisalStage.APPROVED,
            period__academic_year=period.academic_year,
        ).select_related("period__academic_year", "assessor", "approved_by", "instrument_version__instrument")
        appraisal = appraisals.first()
        if appraisal is not None and period.semester is not None:
            approved_on = timezone.localdate(appraisal.approved_at) if appraisal.approved_at else None
            if approved_on is None or not (period.start <= approved_on <= period.end):
                appraisal = None
    pkb = PkbActivity.objects.filter(
        teacher=teacher,
        madrasah_id=teacher.madrasah_id,
        status=PkbStatus.VERIFIED,
        start_date__gte=period.start,
        start_date__lte=period.end,
    ).select_related("verified_by")
    return ArchiveContents(
        observations=sorted(observations, key=lambda o: (_observed_on(o), o.pk)),
        appraisal=appraisal,
        pkb=list(pkb.order_by("start_date", "pk")),
    )


def _observed_on(observation: Observation) -> dt.date:
    return observation.observed_on or timezone.localdate(observation.row.planned_at)


def _person(user) -> str:
    if user is None:
        return ""
    staff = Staff.objects.filter(membership__user=user).first()
    return staff.full_name if staff else (user.get_full_name() or user.username)


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _read(fieldfile) -> bytes | None:
    """The file's bytes, or None when it is missing on disk (or its path is not a safe one)."""
    try:
        return _resolved_path(fieldfile).read_bytes()
    except (Http404, OSError):
        return None


# --- pages ---------------------------------------------------------------------------------------------


def _observation_page(observation: Observation, common: dict) -> str:
    version = observation.instrument_version
    scores = {s.item_id: s for s in ObservationScore.objects.filter(observation=observation)}
    sections, total, maximum = [], 0, 0
    for section in version.sections.prefetch_related("items").order_by("order", "pk"):
        rows = []
        for number, item in enumerate(section.items.all(), start=1):
            stored = scores.get(item.pk)
            not_applicable = bool(stored and stored.not_applicable)
            points = stored.points if stored else None
            if not not_applicable:
                maximum += version.scale_max
                total += points or 0
            rows.append(
                SimpleNamespace(
                    number=number,
                    text=item.text,
                    points=points,
                    label=version.label_for(points) if points is not None else "",
                    not_applicable=not_applicable,
                    note=stored.note if stored else "",
                )
            )
        sections.append(SimpleNamespace(section=section, rows=rows))
    row = observation.row
    return render_to_string(
        "kompetensi/growth_archive/observation.html",
        {
            **common,
            "observation": observation,
            "instrument": version.instrument,
            "version": version,
            "semester": row.programme.semester,
            "row": row,
            "observed_on": _observed_on(observation),
            "supervisor": _person(observation.supervisor),
            "sections": sections,
            "total": total,
            "maximum": maximum,
            "percentage": format_decimal_id(for_display(observation.percentage)),
            "submitted_on": _local(observation.submitted_at),
            "acknowledged_on": _local(observation.acknowledged_at),
            "finalised_on": _local(observation.finalised_at),
            "finalised_by": _person(observation.finalised_by),
        },
    )


def _appraisal_page(appraisal: Appraisal, documents: list, common: dict) -> str:
    results = CompetencyResult.objects.filter(appraisal=appraisal).select_related("competency__domain")
    return render_to_string(
        "kompetensi/growth_archive/appraisal.html",
        {
            **common,
            "appraisal": appraisal,
            "results": [
                SimpleNamespace(
                    number=r.competency.number,
                    name=r.competency.name,
                    domain=r.competency.domain.name,
                    percentage=format_decimal_id(for_display(r.percentage)),
                    score=r.score,
                )
                for r in results.order_by("competency__number")
            ],
            "maximum": 4 * results.count(),
            "nilai": format_decimal_id(for_display(appraisal.nilai)),
            "assessor": _person(appraisal.assessor),
            "approved_by": _person(appraisal.approved_by),
            "submitted_on": _local(appraisal.submitted_at),
            "signed_on": _local(appraisal.signed_at),
            "approved_on": _local(appraisal.approved_at),
            "documents": documents,
        },
    )


# --- the zip ---------------------------------------------------------------------------------------------

SUPERVISION_DIR = "1-supervisi"
APPRAISAL_DIR = "2-pkg"
PKB_DIR = "3-pkb"


def build_archive(
    *, teacher: Staff, period: ArchivePeriod, contents: ArchiveContents, appraisal_withheld: bool = False
) -> bytes:
    """The zip as bytes: the pages and files of `contents` and an index.html that lists them.
    `appraisal_withheld`: the index says the PKG was left out for a reader who may not see it."""
    madrasah = teacher.madrasah
    common = {
        "madrasah": madrasah,
        "teacher": teacher,
        "period": period,
        "generated_on": timezone.localdate(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def write(name: str, data: bytes | str) -> None:
            info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        supervision = []
        for number, observation in enumerate(contents.observations, start=1):
            day = _observed_on(observation)
            name = safe_name(observation.instrument_version.instrument.name, fallback="supervisi")
            path = f"{SUPERVISION_DIR}/{number:02d}-{day:%Y-%m-%d}-{name}.html"
            write(path, _observation_page(observation, common))
            supervision.append(
                SimpleNamespace(
                    path=path,
                    observation=observation,
                    observed_on=day,
                    finalised_on=_local(observation.finalised_at),
                    percentage=format_decimal_id(for_display(observation.percentage)),
                )
            )

        appraisal = None
        if contents.appraisal is not None:
            documents = []
            evidence = contents.appraisal.evidence.select_related("section__competency").order_by(
                "section__order", "created_at", "pk"
            )
            number = 0
            for item in evidence:
                if not item.file:
                    continue
                number += 1
                path = f"{APPRAISAL_DIR}/bukti/{archive_file_name(item.original_name, item.file.name, number)}"
                data = _read(item.file)
                if data is not None:
                    write(path, data)
                documents.append(
                    SimpleNamespace(
                        path=path if data is not None else "",
                        name=item.original_name or PurePosixPath(item.file.name).name,
                        section=item.section,
                        added_on=_local(item.created_at),
                        missing=data is None,
                    )
                )
            year = contents.appraisal.period.academic_year
            summary = f"{APPRAISAL_DIR}/01-ringkasan-pkg-{year.start_year}-{year.start_year + 1}.html"
            # Pages inside 2-pkg/ link to their documents relative to themselves.
            page_documents = [
                SimpleNamespace(**{**vars(d), "href": d.path.removeprefix(f"{APPRAISAL_DIR}/")}) for d in documents
            ]
            write(summary, _appraisal_page(contents.appraisal, page_documents, common))
            appraisal = SimpleNamespace(
                path=summary,
                appraisal=contents.appraisal,
                approved_on=_local(contents.appraisal.approved_at),
                nilai=format_decimal_id(for_display(contents.appraisal.nilai)),
                documents=documents,
            )

        pkb = []
        number = 0
        for activity in contents.pkb:
            path, missing = "", False
            if activity.evidence:
                number += 1
                path = f"{PKB_DIR}/{archive_file_name(activity.evidence_name, activity.evidence.name, number)}"
                data = _read(activity.evidence)
                if data is None:
                    path, missing = "", True
                else:
                    write(path, data)
            pkb.append(
                SimpleNamespace(path=path, activity=activity, missing=missing, verified_on=_local(activity.verified_at))
            )

        write(
            "index.html",
            render_to_string(
                "kompetensi/growth_archive/index.html",
                {
                    **common,
                    "supervision": supervision,
                    "appraisal": appraisal,
                    "pkb": pkb,
                    "pkb_jp": sum(a.jp for a in contents.pkb),
                    "empty": contents.is_empty and not appraisal_withheld,
                    "appraisal_withheld": appraisal_withheld,
                },
            ),
        )
    return buffer.getvalue()
