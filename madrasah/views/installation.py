"""The installation administrator's pages: an account in no madrasah that sees no scores. It recovers
accounts no madrasah may touch (a Kepala who lost the password, an account in several madrasah) and
appoints the Kepala by decree. Every action is an `AccountEvent` with the administrator as actor."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .. import ids
from ..accounts import services
from ..accounts.display import event_rows
from ..accounts.selectors import slips_with_start_links
from ..errors import ApplicationError
from ..forms import DateInput
from ..identifiers import clean_digits
from ..models import AccountEvent, HeadAppointment, Madrasah, Membership, MembershipRole, Staff, User
from ..services import madrasah_deactivate, madrasah_reactivate

SEARCH_LIMIT = 50


def is_installation_administrator(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser and not user.memberships.filter(is_active=True).exists())


def installation_administrator_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_installation_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@installation_administrator_required
def installation_home(request):
    if not Madrasah.objects.exists():
        return redirect("madrasah:setup-start")  # a blank installation: the setup, never a dead end
    current = HeadAppointment.objects.filter(ended_on__isnull=True).select_related("staff")
    madrasah_list = Madrasah.objects.order_by("-is_active", "name").prefetch_related(
        Prefetch("head_appointments", queryset=current, to_attr="heads")
    )
    return render(request, "madrasah/installation/home.html", {"madrasah_list": madrasah_list})


def _account_target(request, pk: int) -> User:
    user = get_object_or_404(User, pk=pk)
    if user.is_superuser or user.is_staff:
        raise PermissionDenied  # administrators recover their own accounts with `manage.py changepassword`
    return user


@installation_administrator_required
def installation_accounts(request):
    query = (request.GET.get("q") or "").strip()[:100].replace("\x00", "")
    users = []
    if query:
        digits = clean_digits(query)
        match = Q(first_name__icontains=query) | Q(memberships__staff__name__icontains=query)
        if digits:
            match |= Q(username__contains=digits)
        users = (
            User.objects.filter(match, is_superuser=False, is_staff=False)
            .distinct()
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.select_related("madrasah", "staff").prefetch_related(
                        Prefetch("roles", queryset=MembershipRole.objects.all())
                    ),
                )
            )
            .order_by("username")[:SEARCH_LIMIT]
        )
    return render(request, "madrasah/installation/accounts.html", {"query": query, "users": users})


@require_POST
@installation_administrator_required
def installation_account_reset(request, pk: int):
    user = _account_target(request, pk)
    password = services.password_reset(actor=request.user, user=user)
    staff = Staff.objects.filter(membership__user=user).first()
    return render(
        request,
        "madrasah/staff/slip.html",
        {
            "slips": slips_with_start_links(
                request=request,
                slips=[{"staff": staff, "user": user, "username": user.username, "password": password}],
            ),
            "back": "installation",
        },
    )


@require_POST
@installation_administrator_required
def installation_account_unlock(request, pk: int):
    user = _account_target(request, pk)
    services.account_unlock(actor=request.user, user=user)
    messages.success(request, _("%(username)s can log in again.") % {"username": user.username})
    return redirect(f"{reverse('madrasah:installation-accounts')}?{urlencode({'q': user.username})}")


class KepalaAppointmentForm(forms.Form):
    staff = ids.ModelChoiceField(label=gettext_lazy("Person"), queryset=Staff.objects.none())
    acting = forms.BooleanField(label=gettext_lazy("Acting Kepala (Plt.)"), required=False)
    decree_number = forms.CharField(label=gettext_lazy("Decree (SK) number"), max_length=100)
    decree_date = forms.DateField(label=gettext_lazy("Decree (SK) date"), widget=DateInput())
    starts_on = forms.DateField(label=gettext_lazy("In office from"), widget=DateInput())

    def __init__(self, *args, madrasah: Madrasah, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = Staff.objects.filter(madrasah=madrasah, is_active=True).order_by("name")
        self.fields["starts_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("decree_date") and data.get("starts_on") and data["decree_date"] > data["starts_on"]:
            self.add_error("starts_on", _("The appointment cannot start before the decree is dated."))
        return data


@installation_administrator_required
def installation_kepala(request, pk: int):
    madrasah = get_object_or_404(Madrasah, pk=pk)
    form = KepalaAppointmentForm(request.POST or None, madrasah=madrasah)
    if request.method == "POST" and form.is_valid():
        try:
            services.kepala_appoint(administrator=request.user, madrasah=madrasah, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("%(name)s is now the Kepala of %(madrasah)s.")
                % {"name": form.cleaned_data["staff"].full_name, "madrasah": madrasah.name},
            )
            return redirect("madrasah:installation")
    appointments = HeadAppointment.objects.filter(madrasah=madrasah).select_related("staff")
    return render(
        request,
        "madrasah/installation/kepala.html",
        {"madrasah": madrasah, "form": form, "appointments": appointments},
    )


class MadrasahStatusForm(forms.Form):
    action = forms.ChoiceField(choices=[("deactivate", "deactivate"), ("reactivate", "reactivate")])


@installation_administrator_required
def installation_madrasah_status(request, pk: int):
    """Take a madrasah off this installation, or bring it back (madrasah.services.madrasah_deactivate
    says what that means). GET: the page that explains it; POST: the change."""
    madrasah = get_object_or_404(Madrasah.objects.select_related("deactivated_by"), pk=pk)
    form = MadrasahStatusForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            if form.cleaned_data["action"] == "deactivate":
                madrasah_deactivate(madrasah=madrasah, actor=request.user)
                messages.success(
                    request, _("%(madrasah)s is no longer active on this installation.") % {"madrasah": madrasah.name}
                )
            else:
                madrasah_reactivate(madrasah=madrasah, actor=request.user)
                messages.success(request, _("%(madrasah)s is active again.") % {"madrasah": madrasah.name})
            return redirect("madrasah:installation")
    context = {"madrasah": madrasah, "form": form}
    return render(request, "madrasah/installation/madrasah_status.html", context, status=status)


@installation_administrator_required
def installation_events(request):
    events = AccountEvent.objects.filter(actor__is_superuser=True).select_related("actor", "user", "staff", "madrasah")
    return render(request, "madrasah/installation/events.html", {"rows": event_rows(events[:200])})
