"""Login, logout, password change, the start link of a slip, choice of madrasah, lockouts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .. import selectors, setup_code
from .. import services as madrasah_services
from ..access import ACCOUNT_MANAGERS, membership_required
from ..accounts import selectors as account_selectors
from ..accounts import services
from ..accounts.tokens import slip_start_token
from ..compression import uncompressed
from ..errors import ApplicationError
from ..forms import MembershipChoiceForm
from ..identifiers import login_username
from ..middleware import SESSION_KEY


class LoginForm(AuthenticationForm):
    # Django's own message names the field by its verbose name, which reads garbled in Indonesian.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "Wrong NIP/NIGNP/PegID or password. Mind upper- and lower-case letters in the password."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("NIP / NIGNP / PegID")
        self.fields["username"].widget.attrs.update({"inputmode": "numeric", "autocapitalize": "none"})

    def clean_username(self):
        return login_username(self.cleaned_data.get("username"))


def axes_username(request, credentials=None) -> str | None:
    """The username django-axes counts failures and lockouts for: the normalised one, so the printed
    variants of one NIP share one counter (and the stored lockout names the real account)."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    return None if username is None else login_username(username)


class LoginView(auth_views.LoginView):
    template_name = "madrasah/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # A blank installation has no account to log in with: the way in is the setup.
        return super().get_context_data(setup_needed=setup_code.setup_needed(), **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "madrasah/password_change.html"
    success_url = reverse_lazy("madrasah:home")

    def get_form_class(self):
        # A forced change comes right after a login with the slip's password (a reset by the operator
        # changes the hash and so ends every older session): asking for it again proves nothing.
        if self.request.user.must_change_password:
            return SetPasswordForm
        return super().get_form_class()

    @transaction.atomic  # the new password and the end of "must change it" are saved together
    def form_valid(self, form):
        response = super().form_valid(form)
        madrasah_services.password_changed(user=self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


# As Django's PasswordResetConfirmView: the token moves into the session and the address bar shows this
# word instead, so the token stays in no history, screenshot or Referer (the answers at the token's
# address also say `Referrer-Policy: no-referrer`).
SLIP_START_SESSION_KEY = "_slip_start_token"
SLIP_START_FORM = "sandi"


@never_cache
@sensitive_post_parameters()
def slip_start(request, uidb64: str, token: str):
    """The start link of a slip: the person chooses their password and is logged in, in one step. Someone
    else logged in on this device is logged out by that save (the page says so): phones are shared."""
    user = account_selectors.slip_start_user(uidb64=uidb64)
    if token != SLIP_START_FORM:
        if user is None or not slip_start_token.check_token(user, token):
            return _slip_start_refused(request)
        request.session[SLIP_START_SESSION_KEY] = token
        return _no_referrer(redirect("madrasah:slip-start", uidb64=uidb64, token=SLIP_START_FORM))
    token = request.session.get(SLIP_START_SESSION_KEY, "")
    if user is None or not slip_start_token.check_token(user, token):
        return _slip_start_refused(request)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.slip_start_password_set(user=user, token=token, password=form.cleaned_data["new_password1"])
        except ApplicationError:
            return _slip_start_refused(request)
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.pop(SLIP_START_SESSION_KEY, None)
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _("Your password is saved. From now on, log in with the username %(username)s and this password.")
            % {"username": user.username},
        )
        return redirect("madrasah:home")
    other = request.user if request.user.is_authenticated and request.user.pk != user.pk else None
    # The site's own Referrer-Policy here: under no-referrer, browsers send the form's POST with
    # `Origin: null`, which the CSRF check refuses. This address holds no token.
    return render(request, "madrasah/slip_start.html", {"person": user, "form": form, "other": other})


def _slip_start_refused(request):
    return _no_referrer(render(request, "madrasah/slip_start_refused.html", status=404))


def _no_referrer(response):
    response["Referrer-Policy"] = "no-referrer"
    return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Phones are shared in a madrasah: drop cached pages. Not "storage": an observation draft not
        # yet sent (no signal in the classroom) must survive until its author logs in again.
        response["Clear-Site-Data"] = '"cache"'
        return response


logout = LogoutView.as_view()


@login_required
def choose_madrasah(request):
    memberships = (
        request.user.memberships.filter(is_active=True, madrasah__is_active=True)
        .select_related("madrasah")
        .order_by("madrasah__name")
    )
    form = MembershipChoiceForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["membership"]
        return redirect("madrasah:home")
    return render(request, "madrasah/choose_madrasah.html", {"form": form})


def lockout(request, original_response=None, credentials=None):
    """django-axes calls this when a username is locked from an address: say until when."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "until": timezone.localtime(timezone.now() + cooloff),
        "minutes": int(cooloff.total_seconds() // 60),
        "form": LoginForm(request),
    }
    return render(request, "madrasah/locked_out.html", context, status=429)


@membership_required(*ACCOUNT_MANAGERS)
def lockout_list(request):
    rows = selectors.locked_usernames(madrasah=request.membership.madrasah)
    return render(request, "madrasah/lockout_list.html", {"rows": rows})


@require_POST
@membership_required(*ACCOUNT_MANAGERS)
def lockout_unlock(request):
    username = request.POST.get("username", "")
    # Only logins of this madrasah that the actor controls: the username typed in the form only finds the
    # membership; control follows the account's memberships. A name with NUL is nobody's (and PostgreSQL
    # would refuse it in the query with a server error).
    target = (
        None
        if "\x00" in username
        else account_selectors.membership_by_username(madrasah=request.membership.madrasah, username=username)
    )
    if target is None:
        messages.error(request, _("That username does not belong to this madrasah."))
        return redirect("madrasah:lockout-list")
    refusal = account_selectors.control_refusal(actor=request.membership, target=target)
    if refusal:
        messages.error(request, refusal)
    else:
        services.account_unlock(actor=request.user, user=target.user, madrasah=request.membership.madrasah)
        messages.success(request, _("%(username)s can log in again.") % {"username": username})
    return redirect("madrasah:lockout-list")


@uncompressed  # one-time passwords on the page (madrasah.compression)
@membership_required(*ACCOUNT_MANAGERS)
def slips_print(request):
    """First-login slips for the accounts the operator ticks (by default the new accounts never used,
    never the person printing or the Kepala). A confirmation says how many passwords will be replaced."""
    rows = account_selectors.slip_candidates(actor=request.membership)
    allowed = {row["membership"].pk: row for row in rows if row["refusal"] is None}
    if request.method == "POST":
        chosen = []
        for value in request.POST.getlist("membership"):
            row = allowed.get(int(value)) if value.isdigit() and len(value) < 19 else None
            if row is not None:
                chosen.append(row["membership"])
        if not chosen:
            messages.error(request, _("Tick at least one account whose slip you want to print."))
            return redirect("madrasah:slips-print")
        if request.POST.get("confirm") != "1":
            replaced = sum(1 for m in chosen if m.user.has_usable_password())
            return render(
                request, "madrasah/slips_confirm.html", {"chosen": chosen, "replaced": replaced, "count": len(chosen)}
            )
        slips = services.first_login_slips_issue(actor=request.membership, memberships=chosen)
        return render(
            request,
            "madrasah/staff/slip.html",
            {"slips": account_selectors.slips_with_start_links(request=request, slips=slips)},
        )
    return render(request, "madrasah/slips_print.html", {"rows": rows, "pending": len(rows)})
