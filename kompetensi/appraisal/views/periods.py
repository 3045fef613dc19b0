"""The PKG period: the list of periods, a new period, the period page with each teacher's assessor
and stage, assigning assessors, and the Kepala's closing and reopening of the year's PKG.

Who sees what (docs/domain.md §7 "The four competencies and the PKG instrument": PKG is high-stakes
and confidential): the Kepala (all teachers, with Nilai PKG and predikat) and the Waka (all teachers'
assessors and stages, but no scores); an assessor who is neither sees only the teachers assigned to
him, with their scores. Each period is fetched through `kompetensi.access.appraisal_period_for_user`
(`write`: the Kepala; others 403, another madrasah's period 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensi.instruments.rules import for_display
from madrasah import ids
from madrasah.access import membership_required
from madrasah.errors import ApplicationError
from madrasah.formatting import format_decimal_id
from madrasah.models import Role, Staff, User
from madrasah.workflow import run_transition

from ...access import appraisal_period_for_user
from ..forms import PeriodForm
from ..selectors import figures
from ..selectors import setup as setup_selectors
from ..services import closing
from ..services import setup as setup_services


@membership_required()
def period_list(request):
    """PKG periods per academic year, and the appraisals the user assesses."""
    membership = request.membership
    if not setup_selectors.may_list_periods(membership):
        raise PermissionDenied
    return render(
        request,
        "kompetensi/appraisal/period_list.html",
        {
            "periods": setup_selectors.appraisal_periods_for(membership=membership),
            "assessing": setup_selectors.appraisals_assessed_by(membership=membership),
            "can_create": membership.has_role(Role.KEPALA),
        },
    )


@membership_required(Role.KEPALA)
def period_create(request):
    membership = request.membership
    initial = setup_selectors.period_initial(madrasah_id=membership.madrasah_id)
    form = PeriodForm(request.POST or None, madrasah_id=membership.madrasah_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period = setup_services.appraisal_period_create(
                madrasah_id=membership.madrasah_id, user=request.user, **form.cleaned_data
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("PKG period created. Now assign an assessor to each teacher."))
            return redirect("kompetensi:appraisal-period-detail", period.pk)
    return render(request, "kompetensi/appraisal/period_form.html", {"form": form})


@membership_required()
def period_detail(request, pk: int):
    membership = request.membership
    period = appraisal_period_for_user(membership, pk)
    rows = setup_selectors.appraisal_period_overview(period=period, membership=membership)
    is_kepala = membership.has_role(Role.KEPALA)
    candidates = setup_selectors.assessor_candidates(madrasah_id=period.madrasah_id) if is_kepala else []
    if is_kepala:
        setup_selectors.assessor_choices_per_row(period=period, rows=rows, candidates=candidates)
    for row in rows:
        appraisal = row["appraisal"]
        row["nilai"] = format_decimal_id(for_display(appraisal.nilai)) if appraisal and row["show_scores"] else ""
    return render(
        request,
        "kompetensi/appraisal/period_detail.html",
        {
            "period": period,
            "rows": rows,
            "is_kepala": is_kepala,
            "bulk_choices": [c for c in candidates if c.teacher],
            "unassigned": sum(1 for row in rows if row["appraisal"] is None),
            "frozen_at": figures.pkg_frozen_at(period_id=period.pk),
        },
    )


@require_POST
@membership_required()
def assign(request, pk: int):
    """The Kepala assigns (or changes) one teacher's assessor."""
    period = appraisal_period_for_user(request.membership, pk, write=True)
    back = redirect("kompetensi:appraisal-period-detail", period.pk)
    teacher = Staff.objects.filter(madrasah_id=period.madrasah_id, pk=ids.id_from(request.POST.get("teacher"))).first()
    assessor = User.objects.filter(
        pk=ids.id_from(request.POST.get("assessor")), memberships__madrasah_id=period.madrasah_id
    ).first()
    if teacher is None or assessor is None:
        messages.error(request, _("Choose a teacher and an assessor."))
        return back
    try:
        setup_services.appraisal_assign(period=period, teacher=teacher, assessor=assessor, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Assessor assigned for %(name)s.") % {"name": teacher.full_name})
    return back


@require_POST
@membership_required()
def assign_bulk(request, pk: int):
    """The Kepala gives every teacher without an assessor to one assessor (himself or the Waka)."""
    period = appraisal_period_for_user(request.membership, pk, write=True)
    back = redirect("kompetensi:appraisal-period-detail", period.pk)
    assessor = User.objects.filter(
        pk=ids.id_from(request.POST.get("assessor")), memberships__madrasah_id=period.madrasah_id
    ).first()
    if assessor is None:
        messages.error(request, _("Choose an assessor."))
        return back
    done = setup_services.appraisal_assign_unassigned(period=period, assessor=assessor, user=request.user)
    if done.assigned:
        messages.success(request, _("%(count)s teachers assigned.") % {"count": len(done.assigned)})
    for problem in done.problems:
        messages.warning(request, problem)
    return back


# --- closing the year -----------------------------------------------------------------------------------


def _period_transition(request, pk: int, service, success: str):
    period = appraisal_period_for_user(request.membership, pk, write=True)
    back = reverse("kompetensi:appraisal-period-detail", args=[period.pk])
    return run_transition(request, service, success, redirect_to=back, period=period)


@require_POST
@membership_required()
def period_close(request, pk: int):
    return _period_transition(
        request,
        pk,
        closing.appraisal_period_close,
        _("The year's PKG is closed. Its figures are frozen: this is what the Waka, meetings and documents show."),
    )


@require_POST
@membership_required()
def period_reopen(request, pk: int):
    return _period_transition(
        request,
        pk,
        closing.appraisal_period_reopen,
        _("The year's PKG is open again. The figures frozen at the first closing stay as they are."),
    )


urlpatterns = [
    path("pkg/", period_list, name="appraisal-period-list"),
    path("pkg/periode/baru/", period_create, name="appraisal-period-create"),
    path("pkg/periode/<int:pk>/", period_detail, name="appraisal-period-detail"),
    path("pkg/periode/<int:pk>/penilai/", assign, name="appraisal-assign"),
    path("pkg/periode/<int:pk>/penilai-semua/", assign_bulk, name="appraisal-assign-bulk"),
]

closing_urlpatterns = [
    path("pkg/periode/<int:pk>/tutup/", period_close, name="appraisal-period-close"),
    path("pkg/periode/<int:pk>/buka-kembali/", period_reopen, name="appraisal-period-reopen"),
]
