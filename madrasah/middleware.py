import zoneinfo

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from .models import Membership

SESSION_KEY = "membership_id"


def load_membership(request) -> Membership | None:
    """The membership the user works in now: the one chosen at login, or their only one."""
    if not request.user.is_authenticated:
        return None
    memberships = (
        # A madrasah taken off the installation lends no membership: its members are turned away
        # (madrasah.access.membership_required), their other madrasah stay theirs.
        Membership.objects.filter(user=request.user, is_active=True, madrasah__is_active=True)
        .select_related("madrasah", "staff")
        .prefetch_related("roles")
    )
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        membership = memberships.filter(pk=chosen).first()
        if membership:
            return membership
    candidates = list(memberships[:2])
    if len(candidates) == 1:
        request.session[SESSION_KEY] = candidates[0].pk
        return candidates[0]
    return None


class MembershipMiddleware:
    """Sets `request.membership` (None for anonymous users and before a choice is made), and the
    madrasah's time zone (WIB, WITA or WIT) for the request, so dates shown and printed are local."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = load_membership(request)
        if request.membership is None:
            return self.get_response(request)
        timezone.activate(zoneinfo.ZoneInfo(request.membership.madrasah.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PasswordChangeRequiredMiddleware:
    """A new account, or one the operator reset, must choose its own password before anything else."""

    # /akun/mulai/: a slip's start link opened on a phone where someone else is midway through theirs.
    ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz", "/akun/mulai/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password:
            allowed = {reverse("madrasah:password-change"), reverse("madrasah:logout")}
            if request.path not in allowed and not request.path.startswith(self.ALLOWED_PREFIXES):
                return redirect("madrasah:password-change")
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """Indonesian unless the person chose otherwise with the language switch (a cookie).

    The browser's Accept-Language is ignored on purpose: many phones and shared computers in a
    madrasah are set to English, yet the product is used in Indonesian.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
