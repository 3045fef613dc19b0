"""A teacher's growth page ("Perkembangan Saya" for the teacher; the same page for the Kepala, the Waka
and the pengawas about any teacher of their madrasah), notes of appreciation, and the download of
supporting evidence (bukti dukung). Opening another teacher's page is recorded in the access log
(madrasah.access_log).

The page's context is `selectors.growth_page`, which the teacher's home composes the same way.

Unduh bukti dukung: a teacher's finalised supervision results, approved PKG and verified PKB of a
period, as one zip (built by `archive`), and the small page that chooses the period. Who: the teacher
for themself; the Kepala and the Waka for any teacher of their madrasah (each such download is written
to the access log). `teacher_growth_for_user` gives 404 to other teachers and other madrasah and 403
to the operator; the pengawas, who may read the teacher's growth, gets 403 here. The PKG appraisal
stays what it is everywhere else — the teacher's, their assessor's and the Kepala's only — so the
Waka's download leaves it out and says so.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.models import AccessKind, Membership, Role, Staff

from ..access import teacher_growth_for_user
from . import selectors, services
from .archive import archive_contents, archive_period_choices, build_archive, period_from_query
from .forms import AppreciationForm
from .rules import archive_filename

ARCHIVE_DOWNLOADERS = (Role.KEPALA, Role.WAKA)
ACCESS_LOG_WHAT = "Unduh bukti dukung"


def _may_appreciate(membership, teacher: Staff) -> bool:
    return membership.has_role(*services.APPRECIATION_WRITERS) and membership.staff_id != teacher.pk


def _render_teacher_page(request, teacher: Staff, form: AppreciationForm | None = None, status: int = 200):
    may_appreciate = _may_appreciate(request.membership, teacher)
    context = {
        "teacher": teacher,
        "appreciation_form": (form or AppreciationForm()) if may_appreciate else None,
        **selectors.growth_page(staff=teacher, viewer_membership=request.membership),
    }
    return render(request, "kompetensi/growth/teacher.html", context, status=status)


@membership_required()
def teacher_page(request, staff_pk: int):
    teacher = teacher_growth_for_user(request.membership, staff_pk)
    access_log_record(
        viewer=request.membership,
        teacher_id=teacher.pk,
        kind=AccessKind.RECORD,
        what=services.TEACHER_PAGE,
        path=request.get_full_path(),
    )
    return _render_teacher_page(request, teacher)


@require_POST
@membership_required()
def appreciation_create(request, staff_pk: int):
    teacher = teacher_growth_for_user(request.membership, staff_pk)
    if not _may_appreciate(request.membership, teacher):
        raise PermissionDenied
    form = AppreciationForm(request.POST)
    if form.is_valid():
        try:
            services.appreciation_note_create(
                author=request.membership, teacher=teacher, text=form.cleaned_data["text"]
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The note of appreciation has been sent."))
            return redirect("kompetensi:teacher-page", teacher.pk)
    return _render_teacher_page(request, teacher, form=form)


# --- supporting evidence (bukti dukung) ----------------------------------------------------------------


def _teacher_for_archive(membership: Membership, staff_pk: int) -> tuple[Staff, bool]:
    teacher = teacher_growth_for_user(membership, staff_pk)
    is_self = membership.staff_id is not None and membership.staff_id == teacher.pk
    if not (is_self or membership.has_role(*ARCHIVE_DOWNLOADERS)):
        raise PermissionDenied
    return teacher, is_self


@membership_required()
def evidence_archive_form(request, staff_pk: int):
    teacher, is_self = _teacher_for_archive(request.membership, staff_pk)
    return render(
        request,
        "kompetensi/growth_archive/form.html",
        {
            "teacher": teacher,
            "is_self": is_self,
            **archive_period_choices(madrasah_id=teacher.madrasah_id),
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
