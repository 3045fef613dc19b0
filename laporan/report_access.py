"""Who may ask for, watch and download which document (the one way in for `Report`).

- a document kind names its readers (by default the Kepala, the Waka and the pengawas); they read
  every document of that kind of their madrasah;
- a per-teacher document is also the teacher's own: they read (and ask for) their own record;
- another madrasah's report → 404; another teacher's record → 404 (its existence is not revealed);
  the operator, who never sees scores, → 403; a document kind the member may not read → 403;
- the madrasah's report schedule: read by the Kepala, the Waka and the pengawas, changed by the Kepala.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from madrasah.models import Membership, Role

from .documents import DocumentKind, document_kind, load_all
from .models import Report, ReportSchedule, ReportStatus


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


# The archive's status filter (`?status=`): built documents, those on their way, failed builds.
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


# The madrasah's report schedule: the Kepala changes it; the Waka and the pengawas read it.
SCHEDULE_READERS = (Role.KEPALA, Role.WAKA, Role.PENGAWAS)
# The number register (laporan.register_views): those who ask for the numbered documents.
REGISTER_READERS = (Role.KEPALA, Role.WAKA)
SCHEDULE_WRITERS = (Role.KEPALA,)


def report_schedule_for_user(membership: Membership, *, write: bool = False) -> ReportSchedule:
    """The member's madrasah's schedule (unsaved defaults until the Kepala saves it). Other roles → 403;
    changing it (`write`) is the Kepala's → 403 for the Waka and the pengawas."""
    from .schedules import report_schedule_of

    if not membership.has_role(*SCHEDULE_READERS):
        raise PermissionDenied
    if write and not membership.has_role(*SCHEDULE_WRITERS):
        raise PermissionDenied
    return report_schedule_of(madrasah=membership.madrasah)
