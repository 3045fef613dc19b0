"""Each role lands on its own home. Every home opens with "Perlu tindakan", which reads the other
apps' records, so the homes themselves are composed in `laporan.home` (madrasah imports none of the
other apps), under the `madrasah:home-*` URL names."""

from django.shortcuts import redirect, render
from django.utils import timezone

from ..access import membership_required
from ..models import Role

ROLE_HOMES = {
    Role.KEPALA: "madrasah:home-kepala",
    Role.WAKA: "madrasah:home-waka",
    Role.PENGAWAS: "madrasah:home-pengawas",
    Role.OPERATOR: "madrasah:home-operator",
    Role.GURU: "madrasah:home-guru",
}
DISTRICT_HOME = "laporan:district-overview"


def home(request):
    # The district reader belongs to no madrasah: their home is the district overview. A reader who
    # is also a member of a madrasah (a coordinating pengawas) lands on their role's home.
    user = request.user
    if (
        user.is_authenticated
        and user.district_reader
        and not user.memberships.filter(is_active=True, madrasah__is_active=True).exists()
    ):
        return redirect(DISTRICT_HOME)
    return _member_home(request)


@membership_required()
def _member_home(request):
    role = request.membership.primary_role
    if role is None:
        return render(request, "madrasah/home/no_role.html")
    return redirect(ROLE_HOMES[role])


def server_time_ms() -> int:
    """The server's clock for the page's clock check (static/js/clock-check.js): the Kepala signs and
    the operator prints dated documents, and a mini-PC kept offline for months drifts."""
    return int(timezone.now().timestamp() * 1000)
