"""The role homes: each opens with "Perlu tindakan" (what waits for the person, `selectors.todo_for`)
and composes, from the selectors it shows, the madrasah's figures (the dashboard), the teacher's
growth page, the operator's tasks or the pengawas' madrasah. They live in laporan, the app that may
read every other one; `madrasah.views.home` sends each member to their home.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensi.growth import selectors as growth_selectors
from madrasah.access import membership_required
from madrasah.accounts.forms import PengawasForm
from madrasah.accounts.services import account_save
from madrasah.errors import ApplicationError
from madrasah.forms import WakaForm
from madrasah.models import Membership, Role
from madrasah.selectors import active_semester, locked_usernames
from madrasah.views.home import server_time_ms

from ..dashboard import rules as dashboard_rules
from ..dashboard import selectors as dashboard_selectors
from . import selectors


def _dashboard(membership: Membership) -> dict:
    """The active semester's dashboard of the member's madrasah, as the full dashboard page shows it
    (its period selector's semesters give the active one: no query of its own)."""
    semesters = dashboard_selectors.semester_list(madrasah=membership.madrasah)
    semester = dashboard_rules.chosen_semester(semesters=semesters, slug=None)
    context: dict = {"semester": semester}
    if semester is not None:
        data = dashboard_selectors.dashboard_data(
            madrasah=membership.madrasah,
            semester=semester,
            semesters=semesters,
            pkg_live=dashboard_rules.reads_live_pkg(membership),
        )
        context.update(dashboard_rules.dashboard_context(data))
        context["links"] = dashboard_rules.dashboard_links(semester, meeting=False)
    return context


def _first_steps(kepala: Membership, *, waka_form=None) -> dict:
    """What a new madrasah's Kepala does first, offered on the dashboard until it is done: name the Waka
    Kurikulum and add the pengawas (each also has its own page)."""
    held = selectors.leadership_roles_held(madrasah=kepala.madrasah)
    return {
        "waka_form": None if Role.WAKA in held else waka_form or WakaForm(actor=kepala),
        "pengawas_form": None if Role.PENGAWAS in held else PengawasForm(),
    }


@membership_required(Role.KEPALA)
def home_kepala(request, waka_form=None, status=200):
    membership = request.membership
    context = {
        "teacher_count": selectors.active_teacher_count(madrasah=membership.madrasah),
        "server_time_ms": server_time_ms(),
        **_first_steps(membership, waka_form=waka_form),
        **_dashboard(membership),
        "todo": selectors.todo_for(membership=membership),
    }
    return render(request, "laporan/home/kepala.html", context, status=status)


@require_POST
@membership_required(Role.KEPALA)
def waka_assign(request):
    """The dashboard's "Waka Kurikulum" step: the chosen teacher's roles plus waka, by the same rules as
    the roles on the person's page (accounts.services.account_save)."""
    form = WakaForm(request.POST, actor=request.membership)
    if form.is_valid():
        chosen = form.cleaned_data["membership"]
        try:
            account_save(actor=request.membership, staff=chosen.staff, roles=sorted(chosen.role_set | {Role.WAKA}))
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("%(name)s is now the Waka Kurikulum.") % {"name": chosen.staff.full_name})
            return redirect("madrasah:home-kepala")
    return home_kepala(request, waka_form=form, status=400)


@membership_required(Role.WAKA)
def home_waka(request):
    membership = request.membership
    context = {
        "teacher_count": selectors.active_teacher_count(madrasah=membership.madrasah),
        **_dashboard(membership),
        "todo": selectors.todo_for(membership=membership),
    }
    return render(request, "laporan/home/waka.html", context)


# Compressed like every page (madrasah.compression): it carries inline SVG charts and is read on
# metered phone data.
@membership_required(Role.GURU)
def home_guru(request):
    membership = request.membership
    staff = membership.staff
    context = {
        "semester": active_semester(madrasah=membership.madrasah),
        "staff": staff,
        "todo": selectors.todo_for(membership=membership),
    }
    if staff is not None:
        context.update(growth_selectors.growth_page(staff=staff, viewer_membership=membership))
    return render(request, "laporan/home/guru.html", context)


@membership_required(Role.OPERATOR)
def home_operator(request):
    madrasah = request.membership.madrasah
    context = {
        "semester": active_semester(madrasah=madrasah),
        "teacher_count": selectors.active_teacher_count(madrasah=madrasah),
        "locked_count": len(locked_usernames(madrasah=madrasah)),
        "server_time_ms": server_time_ms(),
        "todo": selectors.todo_for(membership=request.membership),
    }
    return render(request, "laporan/home/operator.html", context)


@membership_required(Role.PENGAWAS)
def home_pengawas(request):
    overseen = [
        m.madrasah
        for m in request.user.memberships.filter(
            is_active=True, madrasah__is_active=True, roles__role=Role.PENGAWAS
        ).select_related("madrasah")
    ]
    context = {
        "semester": active_semester(madrasah=request.membership.madrasah),
        "overseen": overseen,
        "todo": selectors.todo_for(membership=request.membership),
    }
    return render(request, "laporan/home/pengawas.html", context)
