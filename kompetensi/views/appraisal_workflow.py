"""After scoring: the stages of a PKG appraisal (submit, sign, clarify, approve, reopen) and its
printable forms (per-competency evidence sheets, the summary with three signature blocks).

Every view fetches the appraisal through `kompetensi.access.appraisal_for_user` (wrong person: 404 or
403 there), calls one service of `kompetensi.appraisal.transitions` and redirects back with a
message; a refused transition changes nothing and says why.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.charts import format_decimal_id
from madrasah.errors import ApplicationError
from madrasah.identifiers import format_nip
from madrasah.models import Membership, Role, User

from ..access import appraisal_for_user
from ..appraisal import transitions
from ..models import Appraisal, AppraisalScore, AppraisalStage, CompetencyResult
from ..scoring import for_display


def _run(request, appraisal: Appraisal, service, success: str, **kwargs):
    try:
        service(appraisal=appraisal, user=request.user, **kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(appraisal.get_absolute_url())


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


def _signer(membership: Membership | None, user: User | None = None) -> SimpleNamespace:
    """Name with titles and NIP as printed under a signature (a pengawas without a staff record: the
    account's name, and the NIP it logs in with)."""
    staff = membership.staff if membership is not None else None
    if staff is not None:
        return SimpleNamespace(name=staff.full_name, nip=staff.nip_display)
    if user is not None:
        return SimpleNamespace(name=user.get_full_name() or user.username, nip=format_nip(user.username))
    return SimpleNamespace(name="", nip="")


def _print_context(appraisal: Appraisal) -> dict:
    madrasah = appraisal.madrasah
    members = Membership.objects.filter(madrasah=madrasah, is_active=True).select_related("staff", "user")
    assessor = members.filter(user_id=appraisal.assessor_id).first()
    kepala = members.filter(roles__role=Role.KEPALA).order_by("pk").first()
    sheets = []
    scores = {s.item_id: s for s in AppraisalScore.objects.filter(appraisal=appraisal)}
    results = {
        r.competency_id: r for r in CompetencyResult.objects.filter(appraisal=appraisal).select_related("competency")
    }
    evidence_by_section: dict[int, list] = {}
    for evidence in appraisal.evidence.select_related("observation__instrument_version__instrument"):
        evidence_by_section.setdefault(evidence.section_id, []).append(evidence)
    sections = appraisal.instrument_version.sections.select_related("competency__domain").prefetch_related(
        "items__indicator"
    )
    for section in sections.order_by("order", "pk"):
        result = results.get(section.competency_id)
        sheets.append(
            SimpleNamespace(
                section=section,
                competency=section.competency,
                items=[
                    SimpleNamespace(
                        item=item,
                        number=item.indicator.number if item.indicator_id else item.order,
                        points=getattr(scores.get(item.pk), "points", None),
                        note=getattr(scores.get(item.pk), "note", ""),
                    )
                    for item in section.items.all()
                ],
                evidence=evidence_by_section.get(section.pk, []),
                percentage=format_decimal_id(for_display(result.percentage)) if result else "",
                score=result.score if result else None,
            )
        )
    day = appraisal.approved_at or appraisal.signed_at or appraisal.submitted_at or timezone.now()
    return {
        "appraisal": appraisal,
        "madrasah": madrasah,
        "paper": madrasah.paper_size,
        "sheets": sheets,
        "complete": appraisal.nilai is not None and bool(results),
        "maximum": 4 * len(sheets),
        "nilai": format_decimal_id(for_display(appraisal.nilai)),
        "signed_on": timezone.localdate(day),
        "teacher": SimpleNamespace(name=appraisal.teacher.full_name, nip=appraisal.teacher.nip_display),
        "assessor": _signer(assessor, appraisal.assessor),
        "kepala": _signer(kepala),
        "bands": appraisal.instrument_version.bands.order_by("-lower_bound"),
    }


def _printable(request, pk: int):
    """The appraisal, or a redirect while the teacher may not see its scores yet (in progress)."""
    appraisal = appraisal_for_user(request.membership, pk, action="read")
    is_teacher = request.membership.staff_id is not None and request.membership.staff_id == appraisal.teacher_id
    is_assessor = appraisal.assessor_id == request.user.pk
    if is_teacher and not is_assessor and appraisal.stage == AppraisalStage.IN_PROGRESS:
        messages.info(request, _("The forms can be printed once the assessor has submitted the appraisal."))
        return appraisal, redirect(appraisal.get_absolute_url())
    return appraisal, None


@membership_required()
def appraisal_print_evidence(request, pk: int):
    appraisal, refused = _printable(request, pk)
    if refused:
        return refused
    return render(request, "kompetensi/appraisal/print_evidence.html", _print_context(appraisal))


@membership_required()
def appraisal_print_summary(request, pk: int):
    appraisal, refused = _printable(request, pk)
    if refused:
        return refused
    return render(request, "kompetensi/appraisal/print_summary.html", _print_context(appraisal))


urlpatterns = [
    path("pkg/penilaian/<int:pk>/ajukan/", appraisal_submit, name="appraisal-submit"),
    path("pkg/penilaian/<int:pk>/tanda-tangan/", appraisal_sign, name="appraisal-sign"),
    path("pkg/penilaian/<int:pk>/klarifikasi/", appraisal_clarify, name="appraisal-clarify"),
    path("pkg/penilaian/<int:pk>/setujui/", appraisal_approve, name="appraisal-approve"),
    path("pkg/penilaian/<int:pk>/buka-kembali/", appraisal_reopen, name="appraisal-reopen"),
    path("pkg/penilaian/<int:pk>/cetak/bukti/", appraisal_print_evidence, name="appraisal-print-evidence"),
    path("pkg/penilaian/<int:pk>/cetak/ringkasan/", appraisal_print_summary, name="appraisal-print-summary"),
]
