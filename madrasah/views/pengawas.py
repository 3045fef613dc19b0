"""The pengawas of the madrasah, added by the Kepala by NIP: a new account with a first-login slip, or
an invitation that the owner of an existing account accepts on "Akun saya"; the Kepala ends access here."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import membership_required
from ..accounts import selectors, services
from ..accounts.forms import PengawasForm
from ..errors import ApplicationError
from ..models import Role


def _list_context(request, form: PengawasForm) -> dict:
    madrasah = request.membership.madrasah
    return {
        "pengawas": selectors.pengawas_of_madrasah(madrasah=madrasah),
        "invitations": selectors.pengawas_invitations(madrasah=madrasah),
        "form": form,
    }


@membership_required(Role.KEPALA)
def pengawas_list(request):
    return render(request, "madrasah/pengawas_list.html", _list_context(request, PengawasForm()))


@membership_required(Role.KEPALA)
def pengawas_create(request):
    form = PengawasForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, password, invitation = services.pengawas_add(actor=request.membership, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            if invitation:
                messages.info(
                    request,
                    _(
                        "An account with the NIP %(username)s already exists in this installation. It was not "
                        "linked: its owner has been invited and becomes the pengawas here after accepting on "
                        '"My account".'
                    )
                    % {"username": invitation.user.username},
                )
                return redirect("madrasah:pengawas-list")
            slip = {
                "staff": None,
                "name": membership.user.first_name,
                "user": membership.user,
                "username": membership.user.username,
            }
            return render(
                request,
                "madrasah/staff/slip.html",
                {
                    "slips": selectors.slips_with_start_links(request=request, slips=[{**slip, "password": password}]),
                    "back": "pengawas",
                },
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "madrasah/pengawas_list.html", _list_context(request, form), status=status)


@require_POST
@membership_required(Role.KEPALA)
def pengawas_end(request, pk: int):
    membership = selectors.pengawas_for_kepala(request.membership, pk)
    name = membership.staff.full_name if membership.staff else membership.user.get_full_name()
    try:
        services.pengawas_end(actor=request.membership, membership=membership)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s no longer has access as pengawas.") % {"name": name})
    return redirect("madrasah:pengawas-list")


@require_POST
@membership_required(Role.KEPALA)
def pengawas_invitation_withdraw(request, pk: int):
    invitation = selectors.pengawas_invitation_for_kepala(request.membership, pk)
    try:
        services.invitation_withdraw(actor=request.membership, invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("madrasah:pengawas-list")
