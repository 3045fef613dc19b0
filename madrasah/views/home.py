"""Each role lands on its own home. The operator's and the pengawas' homes show madrasah data only
and live here; the Kepala's, the Waka's and the teacher's show the other apps' figures and are
composed in `laporan.home` (madrasah imports none of the other apps), under the same URL names."""

from django.shortcuts import redirect, render
from django.utils import timezone

from .. import selectors
from ..access import membership_required
from ..models import Role

ROLE_HOMES = {
    Role.KEPALA: "madrasah:home-kepala",
    Role.WAKA: "madrasah:home-waka",
    Role.PENGAWAS: "madrasah:home-pengawas",
    Role.OPERATOR: "madrasah:home-operator",
    Role.GURU: "madrasah:home-guru",
}


@membership_required()
def home(request):
    role = request.membership.primary_role
    if role is None:
        return render(request, "madrasah/home/no_role.html")
    return redirect(ROLE_HOMES[role])


def _render_home(request, template: str, **context):
    madrasah = request.membership.madrasah
    context.setdefault("semester", selectors.active_semester(madrasah=madrasah))
    return render(request, f"madrasah/home/{template}.html", context)


def server_time_ms() -> int:
    """The server's clock for the page's clock check (static/js/clock-check.js): the Kepala signs and
    the operator prints dated documents, and a mini-PC kept offline for months drifts."""
    return int(timezone.now().timestamp() * 1000)


@membership_required(Role.OPERATOR)
def home_operator(request):
    madrasah = request.membership.madrasah
    return _render_home(
        request,
        "operator",
        teacher_count=madrasah.staff.teachers().active().count(),
        locked_count=len(selectors.locked_usernames(madrasah=madrasah)),
        server_time_ms=server_time_ms(),
    )


@membership_required(Role.PENGAWAS)
def home_pengawas(request):
    overseen = [
        m.madrasah
        for m in request.user.memberships.filter(is_active=True, roles__role=Role.PENGAWAS).select_related("madrasah")
    ]
    return _render_home(request, "pengawas", overseen=overseen)
