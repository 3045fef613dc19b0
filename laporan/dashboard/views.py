"""The Kepala's dashboard (the Waka sees it too), its meeting mode and Excel export, and the
pengawas' read-only view of the madrasah they oversee.

Views are thin: access (`rules`) → one selector (`selectors.dashboard_data`) → the presentation
(`rules.dashboard_context`: charts and tables built from the very numbers the Excel export writes)
→ render.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from madrasah.access import membership_required
from madrasah.models import Role

from . import rules, selectors
from .rules import DASHBOARD_READERS, chosen_semester, reads_live_pkg

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard_page(request, *, meeting: bool):
    membership = request.membership
    if not membership.has_role(*DASHBOARD_READERS):
        if membership.has_role(Role.PENGAWAS):
            return redirect("laporan:pengawas-overview")
        raise PermissionDenied
    madrasah = membership.madrasah
    semesters = selectors.semester_list(madrasah=madrasah)
    semester = chosen_semester(semesters=semesters, slug=request.GET.get("semester"))
    context = {
        "madrasah": madrasah,
        "semester": semester,
        "semesters": semesters,
        "page_url": reverse("laporan:dashboard-meeting" if meeting else "laporan:dashboard"),
    }
    if semester is not None:
        # Projected in a meeting, even the Kepala's page shows the frozen PKG figures.
        live = reads_live_pkg(membership) and not meeting
        data = selectors.dashboard_data(madrasah=madrasah, semester=semester, semesters=semesters, pkg_live=live)
        context.update(rules.dashboard_context(data, meeting=meeting))
        context["links"] = rules.dashboard_links(semester, meeting=meeting)
    template = "laporan/dashboard_meeting.html" if meeting else "laporan/dashboard.html"
    return render(request, template, context)


@membership_required()
def dashboard(request):
    return _dashboard_page(request, meeting=False)


@membership_required()
def dashboard_meeting(request):
    return _dashboard_page(request, meeting=True)


@membership_required(*DASHBOARD_READERS)
def dashboard_export(request):
    madrasah = request.membership.madrasah
    semesters = selectors.semester_list(madrasah=madrasah)
    semester = chosen_semester(semesters=semesters, slug=request.GET.get("semester"))
    if semester is None:
        return redirect("laporan:dashboard")
    data = selectors.dashboard_data(
        madrasah=madrasah, semester=semester, semesters=semesters, pkg_live=reads_live_pkg(request.membership)
    )
    response = HttpResponse(rules.dashboard_workbook(data=data), content_type=XLSX)
    filename = f"dasbor-{semester.slug}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@membership_required(Role.PENGAWAS)
def pengawas_overview(request):
    overview = selectors.pengawas_overview(user=request.user)
    with_data = {madrasah.pk for madrasah, _data in overview}
    return render(
        request,
        "laporan/pengawas_overview.html",
        {
            "overview": [(madrasah, data, rules.recap_tables(data)) for madrasah, data in overview],
            "without_semester": [
                m for m in selectors.overseen_madrasah_list(user=request.user) if m.pk not in with_data
            ],
        },
    )


@membership_required(Role.PENGAWAS)
def pengawas_madrasah(request, madrasah_pk: int):
    madrasah = selectors.overseen_madrasah_for_user(user=request.user, pk=madrasah_pk)
    semesters = selectors.semester_list(madrasah=madrasah)
    semester = chosen_semester(semesters=semesters, slug=request.GET.get("semester"))
    context = {
        "madrasah": madrasah,
        "semester": semester,
        "semesters": semesters,
        "page_url": reverse("laporan:pengawas-madrasah", args=[madrasah.pk]),
    }
    if semester is not None:
        data = selectors.dashboard_data(madrasah=madrasah, semester=semester, semesters=semesters, pkg_live=True)
        # Read-only and without the private list: the pengawas oversees the madrasah, not its teachers.
        context.update(rules.dashboard_context(data, drill=False, private=False))
    return render(request, "laporan/pengawas_madrasah.html", context)
