""" "Akun saya": a person's own account: the invitations waiting for them and what was done to their
account and roles. The Kepala's "Riwayat akun dan peran" lists the same events for the whole madrasah."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import membership_required
from ..accounts import selectors, services
from ..accounts.display import event_rows
from ..accounts.forms import ContactForm
from ..errors import ApplicationError
from ..middleware import SESSION_KEY
from ..models import Role

EVENTS_PAGE_SIZE = 50


@login_required
def my_account(request):
    user = request.user
    # Bound on every POST: clearing both fields is an empty POST, and a valid one.
    data = request.POST if request.method == "POST" else None
    contact_form = ContactForm(data, initial={"email": user.email, "whatsapp": user.whatsapp})
    if request.method == "POST" and contact_form.is_valid():
        services.account_contact_update(user=user, **contact_form.cleaned_data)
        messages.success(request, _("Your contacts have been saved."))
        return redirect("madrasah:my-account")
    events = selectors.events_of_user(user=user)[:100]
    return render(
        request,
        "madrasah/my_account.html",
        {
            "invitations": selectors.invitations_pending_for(user=user),
            "history": event_rows(events),
            "contact_form": contact_form,
        },
    )


@require_POST
@login_required
def invitation_answer(request, pk: int, accept: bool):
    invitation = selectors.invitation_for_owner(user=request.user, pk=pk)
    try:
        if accept:
            membership = services.invitation_accept(user=request.user, invitation=invitation)
        else:
            services.invitation_decline(user=request.user, invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("madrasah:my-account")
    if accept:
        request.session[SESSION_KEY] = membership.pk
        messages.success(request, _("You now work in %(name)s as well.") % {"name": invitation.madrasah.name})
        return redirect("madrasah:home")
    messages.success(request, _("The invitation has been declined."))
    return redirect("madrasah:my-account")


def invitation_accept(request, pk: int):
    return invitation_answer(request, pk, accept=True)


def invitation_decline(request, pk: int):
    return invitation_answer(request, pk, accept=False)


@membership_required(Role.KEPALA)
def account_events(request):
    events = selectors.events_of_madrasah(madrasah=request.membership.madrasah)
    page = Paginator(events, EVENTS_PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "madrasah/account_events.html", {"page": page, "rows": event_rows(page.object_list)})
