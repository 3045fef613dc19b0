"""Unduh bukti dukung: a teacher's supporting evidence of a period as one zip of PDFs (`archive`),
and the page that chooses the period (a semester, a quarter or a calendar year; `forms`).

Who: the teacher for themself; the Kepala and the Waka for any teacher of their madrasah (each such
download is written to the access log). `teacher_growth_for_user` gives 404 to other teachers and
other madrasah and 403 to the operator; the pengawas, who may read the teacher's growth, gets 403
here. The PKG appraisal stays what it is everywhere else — the teacher's, their assessor's and the
Kepala's only — so the Waka's download leaves it out and says so.

Built while the request waits, one WeasyPrint rendering per sheet, PKG form, berita acara and the
contents page. Measured on a 2-core machine under load (load average 7): a calendar year with two
sheets, the PKG forms, a certificate and a berita acara takes 4.4–5 s (8 s on the process's first
download, WeasyPrint loading); more than the ~2 s a request should wait, so the build belongs on the
report workers — not done yet: the Waka's zip leaves out the PKG that the Kepala's holds, so a
`Report` row keyed by kind, period and teacher alone would hand one reader's zip to the other.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kompetensi.access import teacher_growth_for_user
from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.models import AccessKind, Membership, Role, Staff

from .archive import build_evidence_zip
from .forms import EvidencePeriodForm
from .rules import teacher_identifier, zip_name
from .selectors import evidence_records

ARCHIVE_DOWNLOADERS = (Role.KEPALA, Role.WAKA)
ACCESS_LOG_WHAT = "Unduh bukti dukung"


def _teacher_for_archive(membership: Membership, staff_pk: int) -> tuple[Staff, bool]:
    teacher = teacher_growth_for_user(membership, staff_pk)
    is_self = membership.staff_id is not None and membership.staff_id == teacher.pk
    if not (is_self or membership.has_role(*ARCHIVE_DOWNLOADERS)):
        raise PermissionDenied
    return teacher, is_self


def _form_page(request, teacher: Staff, is_self: bool, form: EvidencePeriodForm, status: int = 200):
    return render(
        request,
        "laporan/evidence/form.html",
        {
            "teacher": teacher,
            "is_self": is_self,
            "form": form,
            "action": reverse("kompetensi:evidence-archive", args=[teacher.pk]),
        },
        status=status,
    )


@membership_required()
def evidence_archive_form(request, staff_pk: int):
    teacher, is_self = _teacher_for_archive(request.membership, staff_pk)
    return _form_page(request, teacher, is_self, EvidencePeriodForm(madrasah_id=teacher.madrasah_id))


@membership_required()
def evidence_archive(request, staff_pk: int):
    membership = request.membership
    teacher, is_self = _teacher_for_archive(membership, staff_pk)
    if not request.GET:
        return redirect("kompetensi:evidence-archive-form", staff_pk=teacher.pk)
    form = EvidencePeriodForm(request.GET, madrasah_id=teacher.madrasah_id)
    if not form.is_valid():
        return _form_page(request, teacher, is_self, form, status=400)
    period = form.cleaned_data["period"]
    may_read_appraisal = is_self or membership.has_role(Role.KEPALA)
    records = evidence_records(teacher=teacher, period=period)
    withheld = False
    if records.appraisal is not None and not (may_read_appraisal or records.appraisal.assessor_id == request.user.pk):
        records.appraisal, records.appraisal_documents, withheld = None, [], True
    data = build_evidence_zip(teacher=teacher, period=period, records=records, appraisal_withheld=withheld)
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
        filename=zip_name(teacher_identifier(teacher), period),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
