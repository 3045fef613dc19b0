"""Each role lands on its own home. The principal's dashboard and the teacher's progress page
replace the placeholders in later issues."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from .. import selectors
from ..access import membership_required
from ..accounts.forms import PengawasForm
from ..accounts.services import account_save
from ..errors import ApplicationError
from ..forms import WakaForm
from ..models import Membership, Role

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


def _server_time_ms() -> int:
    """The server's clock for the page's clock check (static/js/clock-check.js): the Kepala signs and
    the operator prints dated documents, and a mini-PC kept offline for months drifts."""
    return int(timezone.now().timestamp() * 1000)


@membership_required(Role.KEPALA)
def home_kepala(request, waka_form=None, status=200):
    madrasah = request.membership.madrasah
    teachers = madrasah.staff.teachers().active()
    response = _render_home(
        request,
        "kepala",
        teacher_count=teachers.count(),
        server_time_ms=_server_time_ms(),
        **_first_steps(request.membership, waka_form=waka_form),
    )
    response.status_code = status
    return response


def _first_steps(kepala: Membership, *, waka_form=None) -> dict:
    """What a new madrasah's Kepala does first, offered on the dashboard until it is done: name the Waka
    Kurikulum and add the pengawas (each also has its own page)."""
    held = set(
        Membership.objects.filter(madrasah=kepala.madrasah, is_active=True, roles__role__in=[Role.WAKA, Role.PENGAWAS])
        .values_list("roles__role", flat=True)
        .distinct()
    )
    return {
        "waka_form": None if Role.WAKA in held else waka_form or WakaForm(actor=kepala),
        "pengawas_form": None if Role.PENGAWAS in held else PengawasForm(),
    }


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
    teachers = request.membership.madrasah.staff.teachers().active()
    return _render_home(request, "waka", teacher_count=teachers.count())


# Compressed: the teacher's page carries inline SVG charts and is read on metered phone data (Django's
# gzip adds random padding against BREACH, and CSRF tokens are masked per response).
@gzip_page
@membership_required(Role.GURU)
def home_guru(request):
    return _render_home(request, "guru", staff=request.membership.staff)


@membership_required(Role.OPERATOR)
def home_operator(request):
    madrasah = request.membership.madrasah
    return _render_home(
        request,
        "operator",
        teacher_count=madrasah.staff.teachers().active().count(),
        locked_count=len(selectors.locked_usernames(madrasah=madrasah)),
        server_time_ms=_server_time_ms(),
    )


@membership_required(Role.PENGAWAS)
def home_pengawas(request):
    overseen = [
        m.madrasah
        for m in request.user.memberships.filter(is_active=True, roles__role=Role.PENGAWAS).select_related("madrasah")
    ]
    return _render_home(request, "pengawas", overseen=overseen)
