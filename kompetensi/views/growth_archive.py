"""Unduh bukti dukung: a teacher's finalised supervision results, approved PKG and verified PKB of a
period, as one zip (built by `kompetensi.growth.archive`), and the small page that chooses the period.

Who: the teacher for themself; the Kepala and the Waka for any teacher of their madrasah (each such
download is written to the access log). `teacher_growth_for_user` gives 404 to other teachers and other
madrasah and 403 to the operator; the pengawas, who may read the teacher's growth, gets 403 here. The PKG
appraisal stays what it is everywhere else — the teacher's, their assessor's and the Kepala's only — so
the Waka's download leaves it out and says so.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.models import AcademicYear, AccessKind, Membership, Role, Semester, Staff

from ..access import teacher_growth_for_user
from ..growth.archive import archive_contents, archive_filename, build_archive, period_from_query

ARCHIVE_DOWNLOADERS = (Role.KEPALA, Role.WAKA)
ACCESS_LOG_WHAT = "Unduh bukti dukung"


def _teacher_for_archive(membership: Membership, staff_pk: int) -> tuple[Staff, bool]:
    teacher = teacher_growth_for_user(membership, staff_pk)
    is_self = membership.staff_id is not None and membership.staff_id == teacher.pk
    if not (is_self or membership.has_role(*ARCHIVE_DOWNLOADERS)):
        raise PermissionDenied
    return teacher, is_self


@membership_required()
def evidence_archive_form(request, staff_pk: int):
    teacher, is_self = _teacher_for_archive(request.membership, staff_pk)
    years = AcademicYear.objects.filter(madrasah_id=teacher.madrasah_id).order_by("-start_year")
    semesters = Semester.objects.filter(madrasah_id=teacher.madrasah_id).select_related("academic_year")
    active = next((s for s in semesters if s.is_active), None)
    return render(
        request,
        "kompetensi/growth_archive/form.html",
        {
            "teacher": teacher,
            "is_self": is_self,
            "years": years,
            "semesters": semesters.order_by("-start_date"),
            "current_year": active.academic_year if active else years.first(),
            "current_semester": active,
            "action": reverse("kompetensi:evidence-archive", args=[teacher.pk]),
        },
    )


@membership_required()
def evidence_archive(request, staff_pk: int):
    membership = request.membership
    teacher, is_self = _teacher_for_archive(membership, staff_pk)
    period = period_from_query(
        madrasah_id=teacher.madrasah_id, tahun=request.GET.get("tahun"), semester=request.GET.get("semester")
    )
    if period is None:
        return redirect("kompetensi:evidence-archive-form", staff_pk=teacher.pk)
    contents = archive_contents(teacher=teacher, period=period)
    appraisal_withheld = False
    if contents.appraisal is not None and not (
        is_self or membership.has_role(Role.KEPALA) or contents.appraisal.assessor_id == request.user.pk
    ):
        contents.appraisal, appraisal_withheld = None, True
    data = build_archive(teacher=teacher, period=period, contents=contents, appraisal_withheld=appraisal_withheld)
    access_log_record(  # not the teacher's own
        viewer=membership,
        teacher_id=teacher.pk,
        kind=AccessKind.DOCUMENT,
        what=ACCESS_LOG_WHAT,
        path=request.get_full_path(),
    )
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=archive_filename(teacher, period),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("guru/<int:staff_pk>/bukti-dukung/", evidence_archive, name="evidence-archive"),
    path("guru/<int:staff_pk>/bukti-dukung/pilih/", evidence_archive_form, name="evidence-archive-form"),
]
