"""After scoring: the stages of a PKG appraisal (submit, sign, clarify, approve, reopen) and its
printable forms (per-competency evidence sheets, the summary with three signature blocks).

Every view fetches the appraisal through `kompetensi.access.appraisal_for_user` (wrong person: 404 or
403 there) and calls one service of `services.transitions` through the kernel's `run_transition`,
back to the appraisal with a message; a refused transition changes nothing and says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.models import AccessKind
from madrasah.workflow import run_transition

from ...access import appraisal_for_user
from ...models import Appraisal, AppraisalStage
from ..selectors.printing import appraisal_print_context
from ..services import transitions


def _run(request, appraisal: Appraisal, service, success: str, **kwargs):
    return run_transition(
        request, service, success, redirect_to=appraisal.get_absolute_url(), appraisal=appraisal, **kwargs
    )


@require_POST
@membership_required()
def appraisal_submit(request, pk: int):
    appraisal = appraisal_for_user(request.membership, pk, action="score")
    return _run(request, appraisal, transitions.appraisal_submit, _("The appraisal has been submitted to the teacher."))


@require_POST
@membership_required()
def appraisal_sign(request, pk: int):
    appraisal = appraisal_for_user(request.membership, pk, action="respond")
    return _run(
        request,
        appraisal,
        transitions.appraisal_sign,
        _("Thank you: you have signed the appraisal as received."),
        response=request.POST.get("response", ""),
    )


@require_POST
@membership_required()
def appraisal_clarify(request, pk: int):
    appraisal = appraisal_for_user(request.membership, pk, action="respond")
    return _run(
        request,
        appraisal,
        transitions.appraisal_request_clarification,
        _("Your request for clarification has been sent to the assessor and the Kepala."),
        text=request.POST.get("text", ""),
    )


@require_POST
@membership_required()
def appraisal_approve(request, pk: int):
    appraisal = appraisal_for_user(request.membership, pk, action="approve")
    return _run(
        request,
        appraisal,
        transitions.appraisal_approve,
        _("The appraisal is approved and locked."),
        confirm_clarification=bool(request.POST.get("confirm")),
    )


@require_POST
@membership_required()
def appraisal_reopen(request, pk: int):
    appraisal = appraisal_for_user(request.membership, pk, action="approve")
    return _run(
        request,
        appraisal,
        transitions.appraisal_reopen,
        _("The appraisal has been reopened; the assessor has been notified."),
        reason=request.POST.get("reason", ""),
    )


# --- printable forms ----------------------------------------------------------------------------------


def _printable(request, pk: int, *, what: str):
    """The appraisal, or a redirect while the teacher may not see its scores yet (in progress). A
    printed form shows the scores: its opening is logged like the appraisal's page."""
    appraisal = appraisal_for_user(request.membership, pk, action="read")
    is_teacher = request.membership.staff_id is not None and request.membership.staff_id == appraisal.teacher_id
    is_assessor = appraisal.assessor_id == request.user.pk
    if is_teacher and not is_assessor and appraisal.stage == AppraisalStage.IN_PROGRESS:
        messages.info(request, _("The forms can be printed once the assessor has submitted the appraisal."))
        return appraisal, redirect(appraisal.get_absolute_url())
    access_log_record(
        viewer=request.membership,
        teacher_id=appraisal.teacher_id,
        kind=AccessKind.APPRAISAL,
        what=what % {"year": appraisal.period.academic_year.name},
        path=request.get_full_path(),
    )
    return appraisal, None


@membership_required()
def appraisal_print_evidence(request, pk: int):
    appraisal, refused = _printable(request, pk, what=_("PKG %(year)s: printed evidence sheets"))
    if refused:
        return refused
    return render(request, "kompetensi/appraisal/print_evidence.html", appraisal_print_context(appraisal))


@membership_required()
def appraisal_print_summary(request, pk: int):
    appraisal, refused = _printable(request, pk, what=_("PKG %(year)s: printed summary"))
    if refused:
        return refused
    return render(request, "kompetensi/appraisal/print_summary.html", appraisal_print_context(appraisal))


urlpatterns = [
    path("pkg/penilaian/<int:pk>/ajukan/", appraisal_submit, name="appraisal-submit"),
    path("pkg/penilaian/<int:pk>/tanda-tangan/", appraisal_sign, name="appraisal-sign"),
    path("pkg/penilaian/<int:pk>/klarifikasi/", appraisal_clarify, name="appraisal-clarify"),
    path("pkg/penilaian/<int:pk>/setujui/", appraisal_approve, name="appraisal-approve"),
    path("pkg/penilaian/<int:pk>/buka-kembali/", appraisal_reopen, name="appraisal-reopen"),
    path("pkg/penilaian/<int:pk>/cetak/bukti/", appraisal_print_evidence, name="appraisal-print-evidence"),
    path("pkg/penilaian/<int:pk>/cetak/ringkasan/", appraisal_print_summary, name="appraisal-print-summary"),
]
