"""Reads of the documents: who may ask for, watch and download which document (the one way in for
`Report`), the period a document is about, the office format around every document, and the number
register.

Access:
- a document kind names its readers (by default the Kepala, the Waka and the pengawas); they read
  every document of that kind of their madrasah;
- a per-teacher document is also the teacher's own: they read (and ask for) their own record;
- another madrasah's report → 404; another teacher's record → 404 (its existence is not revealed);
  the operator, who never sees scores, → 403; a document kind the member may not read → 403.

Periods, from their key (URL-, command- and file-name-safe):
- semester: `2025-2026-genap` (`Semester.slug`);
- academic year: `2025-2026`;
- month: `2026-11`.
A key that is malformed or names no period of the madrasah is an `ApplicationError` with a clear
Indonesian message (the command and the page show it as it is).

The office format (`office_context`): letterhead, emblem, number, paper, place and date, signatures.
The register (`number_register`): every number of a year in sequence, with what became of it
(`services.numbering` issues them).
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import monthrange
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.errors import ApplicationError
from madrasah.identifiers import StaffIdentifier
from madrasah.models import AcademicYear, Madrasah, Membership, PaperSize, Role, Semester, Staff

from ...models import DocumentNumber, DocumentSequence, Report, ReportStatus
from ..rules import DocumentKind, PeriodKind, document_kind, load_all, page_size

# --- access ----------------------------------------------------------------------------------------


def may_read(membership: Membership, kind: DocumentKind, teacher_id: int | None) -> bool:
    if membership.has_role(*kind.readers):
        return True
    return bool(
        kind.per_teacher
        and kind.teacher_reads_own
        and teacher_id is not None
        and membership.staff_id is not None
        and membership.staff_id == teacher_id
    )


def reads_all(membership: Membership, kind: DocumentKind) -> bool:
    """Reads every document of the kind (not only their own record)."""
    return membership.has_role(*kind.readers)


def kinds_for(membership: Membership) -> list[DocumentKind]:
    """The kinds the member may ask for: as a reader, or their own per-teacher record. By code."""
    kinds = []
    for kind in sorted(load_all().values(), key=lambda k: k.code):
        own = kind.per_teacher and kind.teacher_reads_own and membership.staff_id is not None
        if reads_all(membership, kind) or (own and membership.has_role(Role.GURU)):
            kinds.append(kind)
    return kinds


def report_kind_for_user(membership: Membership, code: str) -> DocumentKind:
    """A kind the member may ask for; an unknown code → 404, one they may not read → 403."""
    kind = document_kind(code or "")
    if kind is None:
        raise Http404
    if kind not in kinds_for(membership):
        raise PermissionDenied
    return kind


def report_for_user(membership: Membership, pk: int) -> Report:
    report = get_object_or_404(
        Report.objects.select_related("teacher", "madrasah"), pk=pk, madrasah_id=membership.madrasah_id
    )
    kind = document_kind(report.kind)
    if kind is None:
        raise Http404
    if may_read(membership, kind, report.teacher_id):
        return report
    if kind.per_teacher and report.teacher_id is not None and not membership.has_role(Role.OPERATOR):
        raise Http404  # another teacher's record
    raise PermissionDenied


STATUS_FILTERS = {
    "done": Q(status=ReportStatus.DONE),
    "active": Q(status__in=ReportStatus.active()),
    "failed": Q(status=ReportStatus.FAILED),
}


def reports_visible(membership: Membership, *, kind: str = "", period: str = "", status: str = "") -> QuerySet[Report]:
    """The reports of the member's madrasah they may see, newest first; optionally of one kind, one
    period key and one of `STATUS_FILTERS` (unknown values filter nothing out of what is visible)."""
    kinds = load_all().values()
    everything = [k.code for k in kinds if reads_all(membership, k)]
    own = [k.code for k in kinds if k.per_teacher and k.teacher_reads_own]
    visible = Q(kind__in=everything)
    if membership.staff_id is not None and own:
        visible |= Q(kind__in=own, teacher_id=membership.staff_id)
    reports = Report.objects.filter(visible, madrasah_id=membership.madrasah_id)
    if kind:
        reports = reports.filter(kind=kind)
    if period:
        reports = reports.filter(period=period)
    if status in STATUS_FILTERS:
        reports = reports.filter(STATUS_FILTERS[status])
    return reports.select_related("teacher").order_by("-requested_at", "-pk")


# The number register: those who ask for the numbered documents.
REGISTER_READERS = (Role.KEPALA, Role.WAKA)

# --- periods -------------------------------------------------------------------------------------


SEMESTER_KEY = re.compile(r"^(\d{4})-(\d{4})-(ganjil|genap)$")
YEAR_KEY = re.compile(r"^(\d{4})-(\d{4})$")
MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_OFFERED = 12


@dataclass(frozen=True)
class Period:
    kind: str  # PeriodKind
    key: str
    label: str  # "2025/2026 Genap", "Tahun pelajaran 2025/2026", "November 2026"
    start: dt.date
    end: dt.date
    semester: Semester | None = None  # semester periods
    academic_year: AcademicYear | None = None  # semester and year periods

    @property
    def start_year(self) -> int:
        """The academic year's start year (July–June) the period falls in."""
        return self.start.year if self.start.month >= 7 else self.start.year - 1


def period_of_semester(semester: Semester) -> Period:
    return Period(
        kind=PeriodKind.SEMESTER,
        key=semester.slug,
        label=str(semester),
        start=semester.start_date,
        end=semester.end_date,
        semester=semester,
        academic_year=semester.academic_year,
    )


def period_of_year(year: AcademicYear) -> Period:
    return Period(
        kind=PeriodKind.YEAR,
        key=f"{year.start_year}-{year.start_year + 1}",
        label=_("Academic year %(year)s") % {"year": year.name},
        start=year.start_date,
        end=year.end_date,
        academic_year=year,
    )


def period_of_month(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(
        kind=PeriodKind.MONTH,
        key=f"{year:04d}-{month:02d}",
        label=formats.date_format(start, "F Y"),
        start=start,
        end=dt.date(year, month, monthrange(year, month)[1]),
    )


def _unknown(key: str) -> ApplicationError:
    return ApplicationError(_("The period “%(key)s” does not exist for this madrasah.") % {"key": key}, field="period")


def period_resolve(*, madrasah: Madrasah, period_kind: str, key: str) -> Period:
    """The madrasah's period of `period_kind` named by `key`, or ApplicationError."""
    key = (key or "").strip()
    if period_kind == PeriodKind.SEMESTER:
        match = SEMESTER_KEY.match(key)
        if not match or int(match[2]) != int(match[1]) + 1:
            raise ApplicationError(
                _("Write the semester as for example 2025-2026-genap (not “%(key)s”).") % {"key": key}, field="period"
            )
        semester = (
            Semester.objects.select_related("academic_year")
            .filter(madrasah=madrasah, academic_year__start_year=int(match[1]), kind=match[3])
            .first()
        )
        if semester is None:
            raise _unknown(key)
        return period_of_semester(semester)
    if period_kind == PeriodKind.YEAR:
        match = YEAR_KEY.match(key)
        if not match or int(match[2]) != int(match[1]) + 1:
            raise ApplicationError(
                _("Write the academic year as for example 2025-2026 (not “%(key)s”).") % {"key": key}, field="period"
            )
        year = AcademicYear.objects.filter(madrasah=madrasah, start_year=int(match[1])).first()
        if year is None:
            raise _unknown(key)
        return period_of_year(year)
    if period_kind == PeriodKind.MONTH:
        match = MONTH_KEY.match(key)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise ApplicationError(
                _("Write the month as for example 2026-11 (not “%(key)s”).") % {"key": key}, field="period"
            )
        return period_of_month(int(match[1]), int(match[2]))
    raise ValueError(f"unknown period kind {period_kind!r}")


def period_choices(*, madrasah: Madrasah, period_kind: str, today: dt.date | None = None) -> list[Period]:
    """The periods a document of `period_kind` may be asked for, newest first (one query)."""
    if period_kind == PeriodKind.SEMESTER:
        semesters = Semester.objects.filter(madrasah=madrasah).select_related("academic_year").order_by("-start_date")
        return [period_of_semester(s) for s in semesters]
    if period_kind == PeriodKind.YEAR:
        return [period_of_year(y) for y in AcademicYear.objects.filter(madrasah=madrasah).order_by("-start_year")]
    if period_kind == PeriodKind.MONTH:
        today = today or timezone.localdate()
        periods, year, month = [], today.year, today.month
        for _step in range(MONTHS_OFFERED):
            periods.append(period_of_month(year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return periods
    raise ValueError(f"unknown period kind {period_kind!r}")


def period_default(*, choices: list[Period]) -> Period | None:
    """The active semester (or the newest period) preselected in the form."""
    active = next((p for p in choices if p.semester is not None and p.semester.is_active), None)
    return active or (choices[0] if choices else None)


# --- the office format ---------------------------------------------------------------------------


# The bundled stand-in for the Kemenag emblem (static), used until the madrasah uploads its own.
DEFAULT_EMBLEM = "laporan/emblem-kemenag.svg"
KEPALA_LABEL = gettext_lazy("Kepala Madrasah")
WAKA_LABEL = gettext_lazy("Waka Kurikulum")


@dataclass(frozen=True)
class Signatory:
    heading: str  # "Mengetahui," or the place and date
    role: str  # "Kepala Madrasah"
    name: str  # full name with titles; blank line to fill in by hand when unknown
    identifier: StaffIdentifier  # NIP, else NIGNP, else PegID; printed by the `identifier` filter


def signatory_staff(*, madrasah: Madrasah) -> dict[str, Staff | None]:
    """The Kepala and the Waka Kurikulum with a staff record (one query; the first by name if several)."""
    found: dict[str, Staff | None] = {Role.KEPALA: None, Role.WAKA: None}
    rows = (
        Membership.objects.filter(
            madrasah=madrasah, is_active=True, staff__isnull=False, roles__role__in=[Role.KEPALA, Role.WAKA]
        )
        .values_list("roles__role", "staff_id")
        .order_by("staff__name", "staff_id")
    )
    ids = {}
    for role, staff_id in rows:
        ids.setdefault(role, staff_id)
    staff = Staff.objects.in_bulk(ids.values()) if ids else {}
    for role, staff_id in ids.items():
        found[role] = staff.get(staff_id)
    return found


def _signatory(heading: str, role: str, person: Staff | None) -> Signatory:
    if person is None:
        return Signatory(heading=heading, role=role, name="", identifier=StaffIdentifier())
    return Signatory(heading=heading, role=role, name=person.full_name, identifier=person.identifier)


def signatures(*, madrasah: Madrasah, place_date: str, maker: bool = True) -> list[Signatory]:
    """ "Mengetahui, Kepala Madrasah" on the left and, beside it, the Waka as maker under the place
    and date; without a maker the Kepala signs alone under the place and date."""
    people = signatory_staff(madrasah=madrasah)
    kepala, waka = people[Role.KEPALA], people[Role.WAKA]
    if maker and waka is not None and waka != kepala:
        return [
            _signatory(str(gettext_lazy("Acknowledged,")), str(KEPALA_LABEL), kepala),
            _signatory(place_date, str(WAKA_LABEL), waka),
        ]
    return [_signatory(place_date, str(KEPALA_LABEL), kepala)]


def emblem(*, madrasah: Madrasah) -> tuple[str, list[str]]:
    """(URL for the template, media names the fetcher may read): the madrasah's uploaded emblem when
    its file is there, else the bundled Kemenag one (a madrasah negeri) or none (swasta: "")."""
    name = madrasah.emblem.name if madrasah.emblem else ""
    if name:
        try:
            exists = Path(madrasah.emblem.path).is_file()
        except (SuspiciousFileOperation, ValueError, NotImplementedError):
            exists = False
        if exists:
            return settings.MEDIA_URL.lstrip("/") + name, [name]
    if madrasah.is_private:
        return "", []  # a madrasah swasta prints its yayasan's logo, never the Kemenag emblem
    return settings.STATIC_URL.lstrip("/") + DEFAULT_EMBLEM, []


def paper_of(*, madrasah: Madrasah, kind: DocumentKind, chosen: str = "") -> str:
    """The request's choice, else the kind's, else the madrasah's default (F4)."""
    for paper in (chosen, getattr(kind, "paper", ""), madrasah.paper_size):
        if paper in PaperSize.values:
            return paper
    return PaperSize.F4


def place_and_date(madrasah: Madrasah, day: dt.date | None) -> str:
    """`Pamekasan, 26 November 2026` in the madrasah's language, whatever the caller's; without a day
    a dotted line to fill in by hand."""
    if day is None:
        return f"{madrasah.city}, ...................."
    with translation.override(settings.LANGUAGE_CODE):
        return f"{madrasah.city}, {formats.date_format(day, 'j F Y')}"


def office_context(
    *,
    madrasah: Madrasah,
    kind: DocumentKind,
    period: Period,
    number: str,
    paper: str,
    signed_on: dt.date,
    maker: bool = True,
) -> tuple[dict, list[str]]:
    """(the base template's context, media names the fetcher may read)."""
    emblem_url, media_names = emblem(madrasah=madrasah)
    place_date = place_and_date(madrasah, signed_on)
    context = {
        "madrasah": madrasah,
        "letterhead_lines": [line.strip() for line in madrasah.letterhead_lines.splitlines() if line.strip()],
        "emblem_url": emblem_url,
        "title": kind.label,
        "kind": kind,
        "period": period,
        "number": number,
        "paper": paper,
        "landscape": kind.landscape,
        "page_size": page_size(paper, landscape=kind.landscape),
        "signed_on": signed_on,
        "place_date": place_date,
        "signatures": signatures(madrasah=madrasah, place_date=place_date, maker=maker),
    }
    return context, media_names


# --- the register ----------------------------------------------------------------------------------


class NumberState:
    ISSUED = "issued"
    WAITING = "waiting"
    CANCELLED = "cancelled"


NUMBER_STATE_LABELS = {
    NumberState.ISSUED: gettext_lazy("Issued"),
    NumberState.WAITING: gettext_lazy("Kept for the retry of its document"),
    NumberState.CANCELLED: gettext_lazy("Cancelled (batal)"),
}


@dataclass(frozen=True)
class RegisterEntry:
    sequence: int
    number: str  # empty for a sequence number without a row
    kind: str  # DocumentKind.code; empty when unknown
    issued_at: dt.datetime | None
    state: str  # NumberState

    @property
    def state_label(self) -> str:
        return str(NUMBER_STATE_LABELS[self.state])


def number_register(*, madrasah: Madrasah, year: int) -> list[RegisterEntry]:
    """Every number of `madrasah`'s sequence in `year`, 1 to the last issued, in order. Two queries."""
    last = DocumentSequence.objects.filter(madrasah=madrasah, year=year).values_list("last", flat=True).first() or 0
    rows = {
        row["sequence"]: row
        for row in DocumentNumber.objects.filter(madrasah=madrasah, year=year).values(
            "sequence", "number", "kind", "issued_at", "built_at", "report__number"
        )
    }
    entries = []
    # Numbers below the madrasah's starting number were given by hand, outside the product.
    first = min([madrasah.numbering_first(year), *rows])
    for sequence in range(first, max([last, *rows]) + 1):
        row = rows.get(sequence)
        if row is None:
            entries.append(RegisterEntry(sequence, "", "", None, NumberState.CANCELLED))
            continue
        if row["built_at"] is not None:
            state = NumberState.ISSUED
        elif row["report__number"] == row["number"]:
            state = NumberState.WAITING
        else:
            state = NumberState.CANCELLED
        entries.append(RegisterEntry(sequence, row["number"], row["kind"], row["issued_at"], state))
    return entries


def register_years(*, madrasah: Madrasah) -> list[int]:
    """The years with a sequence, newest first."""
    return list(
        DocumentSequence.objects.filter(madrasah=madrasah, last__gt=0).order_by("-year").values_list("year", flat=True)
    )
