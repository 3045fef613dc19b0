"""Reads for accounts: the access helper for managing an account, slip candidates, events, invitations."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from ..errors import Refused
from ..models import AccountEvent, Invitation, InvitationStatus, Madrasah, Membership, MembershipRole, Role, Staff, User
from . import rules
from .tokens import SLIP_LINK_VALIDITY, slip_start_token

_USER_ID = re.compile(r"[1-9][0-9]{0,17}")  # what fits a bigint; a 20-digit id is nobody's
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _held_elsewhere(user_id: int, madrasah_id: int) -> bool:
    return Membership.objects.filter(user_id=user_id, is_active=True).exclude(madrasah_id=madrasah_id).exists()


def control_refusal(*, actor: Membership, target: Membership) -> str | None:
    """Why `actor` may not reset, unlock or print a slip for the account of `target` (a membership of
    the same madrasah), or None. Follows the account's memberships, never a typed identifier."""
    user = target.user
    return rules.control_refusal(
        actor_roles=actor.role_set,
        is_self=user.pk == actor.user_id,
        target_roles=set(target.roles.values_list("role", flat=True)),
        other_madrasah=_held_elsewhere(user.pk, actor.madrasah_id),
        target_is_administrator=user.is_superuser or user.is_staff,
    )


def account_for_manager(actor: Membership, staff: Staff) -> Membership:
    """The login of `staff` (already checked to be of the actor's madrasah), for a reset or an unlock:
    404 when the person has no login here, 403 with the reason when the actor may not control it."""
    target = Membership.objects.filter(staff=staff, madrasah_id=actor.madrasah_id).select_related("user").first()
    if target is None:
        raise Http404
    refusal = control_refusal(actor=actor, target=target)
    if refusal:
        raise Refused(refusal)
    return target


def membership_by_username(*, madrasah: Madrasah, username: str) -> Membership | None:
    return Membership.objects.filter(madrasah=madrasah, user__username=username).select_related("user").first()


def slip_candidates(*, actor: Membership) -> list[dict]:
    """Accounts of the actor's madrasah that have never logged in, with whether the actor may print a
    slip for them (and why not) and whether they are ticked by default: only accounts whose slip was never
    printed, never the actor (refused) and never an account holding the Kepala role."""
    madrasah_id = actor.madrasah_id
    elsewhere = Membership.objects.filter(user_id=OuterRef("user_id"), is_active=True).exclude(madrasah_id=madrasah_id)
    memberships = (
        Membership.objects.filter(
            madrasah_id=madrasah_id, is_active=True, user__last_login__isnull=True, staff__isnull=False
        )
        .annotate(elsewhere=Exists(elsewhere))
        .select_related("user", "staff")
        .prefetch_related(Prefetch("roles", queryset=MembershipRole.objects.all()))
        .order_by("staff__name", "pk")
    )
    rows = []
    for membership in memberships:
        user = membership.user
        roles = membership.role_set
        refusal = rules.control_refusal(
            actor_roles=actor.role_set,
            is_self=user.pk == actor.user_id,
            target_roles=roles,
            other_madrasah=membership.elsewhere,
            target_is_administrator=user.is_superuser or user.is_staff,
        )
        rows.append(
            {
                "membership": membership,
                "refusal": refusal,
                # Ticked by default: accounts whose slip was never printed. A slip printed again replaces
                # a password already handed out, so those are a deliberate tick.
                "default": refusal is None and not user.has_usable_password() and Role.KEPALA not in roles,
                "fresh": not user.has_usable_password(),
            }
        )
    return rows


def events_of_madrasah(*, madrasah: Madrasah) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(madrasah=madrasah).select_related("actor", "user", "staff")


def events_of_user(*, user: User) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(user=user).select_related("actor", "madrasah", "staff")


def events_of_staff(*, staff: Staff) -> QuerySet[AccountEvent]:
    return AccountEvent.objects.filter(staff=staff).select_related("actor", "user")


def invitations_pending_for(*, user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(user=user, status=InvitationStatus.PENDING).select_related(
        "madrasah", "staff", "invited_by"
    )


def invitation_for_owner(*, user: User, pk: int) -> Invitation:
    """An invitation addressed to `user` (anyone else's: 404)."""
    invitation = Invitation.objects.filter(pk=pk, user=user).select_related("madrasah", "staff").first()
    if invitation is None:
        raise Http404
    return invitation


def invitation_of_staff(*, staff: Staff) -> Invitation | None:
    return Invitation.objects.filter(staff=staff, status=InvitationStatus.PENDING).select_related("user").first()


def pengawas_of_madrasah(*, madrasah: Madrasah) -> QuerySet[Membership]:
    """The madrasah's current pengawas (active memberships holding the role), by name."""
    return (
        Membership.objects.filter(madrasah=madrasah, is_active=True, roles__role=Role.PENGAWAS)
        .select_related("user", "staff")
        .order_by("user__first_name", "pk")
        .distinct()
    )


def pengawas_invitations(*, madrasah: Madrasah) -> QuerySet[Invitation]:
    """Invitations of this madrasah for the pengawas role that wait for their owner's answer (the only
    invitations without a person record: everyone else is invited for their record)."""
    return Invitation.objects.filter(
        madrasah=madrasah, status=InvitationStatus.PENDING, staff__isnull=True
    ).select_related("user", "invited_by")


def pengawas_for_kepala(actor: Membership, pk: int) -> Membership:
    """A current pengawas membership of the actor's madrasah (anything else: 404); the page is the Kepala's."""
    membership = pengawas_of_madrasah(madrasah=actor.madrasah).filter(pk=pk).first()
    if membership is None:
        raise Http404
    return membership


def pengawas_invitation_for_kepala(actor: Membership, pk: int) -> Invitation:
    invitation = pengawas_invitations(madrasah=actor.madrasah).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def slip_start_user(*, uidb64: str) -> User | None:
    """The account a slip's start link names, if it may still start with one: active, with an active
    membership (a person whose every membership ended has nothing to start), never an administrator's.
    None for anything else: an unknown id, garbage base64, an id too long for the database."""
    try:
        uid = urlsafe_base64_decode(uidb64[:32]).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not _USER_ID.fullmatch(uid):
        return None
    member = Membership.objects.filter(user_id=OuterRef("pk"), is_active=True)
    return User.objects.filter(Exists(member), pk=int(uid), is_active=True, is_superuser=False, is_staff=False).first()


def slips_with_start_links(*, request, slips: list[dict]) -> list[dict]:
    """Each slip (`{staff or name, user, username, password}`) with its `start` link (`slip_start_link`)
    for the printed page: composed by the view that shows the slips, no query."""
    return [{**slip, "start": slip_start_link(request=request, user=slip["user"])} for slip in slips]


def slip_start_link(*, request, user: User) -> dict | None:
    """The one-time start link printed on a slip: `url` (absolute, for the QR code) and `valid_until`
    (a local date). None for an administrator's account, which has no madrasah to start in. The address is
    `SITE_URL`, or the address the operator is using while `SITE_URL` is left at the loopback default
    (a phone scanning the slip cannot reach 127.0.0.1)."""
    if user.is_superuser or user.is_staff:
        return None
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("madrasah:slip-start", args=[uidb64, slip_start_token.make_token(user)])
    base = settings.SITE_URL
    if urlsplit(base).hostname in _LOOPBACK:
        base = f"{request.scheme}://{request.get_host()}"
    valid_until = timezone.localtime(timezone.now() + SLIP_LINK_VALIDITY)
    return {"url": f"{base}{path}", "valid_until": valid_until.date()}
