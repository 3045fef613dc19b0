"""A teacher's growth page ("Perkembangan Saya" for the teacher; the same page for the Kepala, the Waka
and the pengawas about any teacher of their madrasah), notes of appreciation, and
a link to the supporting evidence (bukti dukung, laporan/evidence: its PDFs are laporan's documents).
Opening another teacher's page is recorded in the access log (madrasah.access_log).

The page's context is `selectors.growth_page`, which the teacher's home composes the same way.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.models import AccessKind, Staff

from ..access import teacher_growth_for_user
from . import selectors, services
from .forms import AppreciationForm


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
