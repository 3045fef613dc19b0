"""Writes for accounts and roles: create, invite, change roles, reset, unlock, print slips, appoint a
Kepala. Every change records one `AccountEvent` (who, whom, what, when) in the same transaction.

Callers have already passed the access helper (`madrasah.accounts.selectors.account_for_manager`); the
grant rules of `rules.py` are checked here again, so no caller can skip them.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import ApplicationError
from ..hashers import FirstLoginPasswordHasher
from ..models import (
    AccountEvent,
    AccountEventKind,
    HeadAppointment,
    Invitation,
    InvitationStatus,
    Madrasah,
    Membership,
    MembershipRole,
    Role,
    Staff,
    User,
)
from ..services import lockout_release
from . import rules
from .tokens import slip_start_token

SLIP_LINK_DEAD = gettext_lazy(
    "This link has already been used or is no longer valid. Log in with the username and password on the slip, "
    "or ask the operator for a new slip."
)
# No 0/O, 1/l/I: the password is read off a printed slip and typed on a phone.
_SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password_generate(length: int = 10) -> str:
    return "".join(secrets.choice(_SLIP_ALPHABET) for _ in range(length))


def first_login_password_set(user: User) -> str:
    """Give `user` a new random first-login password (not saved yet) and return it for the slip."""
    password = temporary_password_generate()
    user.password = make_password(password, hasher=FirstLoginPasswordHasher.algorithm)
    user.must_change_password = True
    return password


def account_event_record(
    *,
    kind: str,
    actor: User | None,
    madrasah: Madrasah | None = None,
    user: User | None = None,
    staff: Staff | None = None,
    data: dict | None = None,
) -> AccountEvent:
    """One event row. Not idempotent: a retry records the action twice (callers run it in the action's
    own transaction, so a failed action leaves no event)."""
    return AccountEvent.objects.create(
        kind=kind, actor=actor, madrasah=madrasah, user=user, staff=staff, data=data or {}
    )


def _roles_replace(membership: Membership, roles: Iterable[str]) -> None:
    roles = set(roles)
    membership.roles.exclude(role__in=roles).delete()
    held = set(membership.roles.values_list("role", flat=True))
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=r) for r in sorted(roles - held)])


def _roles_event_data(held: set[str], wanted: set[str]) -> dict:
    return {"added": sorted(wanted - held), "removed": sorted(held - wanted)}


@transaction.atomic
def account_save(
    *, actor: Membership, staff: Staff, roles: list[str]
) -> tuple[Membership | None, str | None, Invitation | None]:
    """Create the login of `staff`, invite the existing account of that identifier, or change the roles.

    - The person has a login here: their roles become `roles` (within what the actor may grant).
    - No user has their identifier: a new user and membership; returns the first-login password.
    - A user with that identifier exists (anywhere in this installation): never linked here; a pending
      invitation is created that only the account's owner can accept (`invitation_accept`).
    Returns (membership or None, password or None, invitation or None). Safe to retry: a second call
    with the same roles changes nothing, and a second invitation is refused.
    """
    wanted = set(roles)
    if not wanted:
        raise ApplicationError(_("Choose at least one role."), field="roles")
    membership = Membership.objects.filter(staff=staff).select_related("user").first()
    if membership is not None:
        _roles_change(actor=actor, membership=membership, wanted=wanted)
        return membership, None, None
    refusal = rules.roles_change_refusal(actor_roles=actor.role_set, is_self=False, held=set(), wanted=wanted)
    if refusal:
        raise ApplicationError(refusal, field="roles")
    username = staff.login_identifier
    if not username:
        raise ApplicationError(_("This person has no NIP, NIGNP or PegID to use as the username."))
    user = User.objects.filter(username=username).first()
    if user is not None:
        return None, None, _invitation_create(actor=actor, user=user, staff=staff, roles=wanted)
    user = User(username=username, first_name=staff.name[:150])
    password = first_login_password_set(user)
    user.save()
    membership = Membership.objects.create(user=user, madrasah=staff.madrasah, staff=staff)
    _roles_replace(membership, wanted)
    account_event_record(
        kind=AccountEventKind.ACCOUNT_CREATED,
        actor=actor.user,
        madrasah=staff.madrasah,
        user=user,
        staff=staff,
        data=_roles_event_data(set(), wanted),
    )
    return membership, password, None


def _roles_change(*, actor: Membership, membership: Membership, wanted: set[str]) -> None:
    held = set(membership.roles.values_list("role", flat=True))
    refusal = rules.roles_change_refusal(
        actor_roles=actor.role_set, is_self=membership.user_id == actor.user_id, held=held, wanted=wanted
    )
    if refusal:
        raise ApplicationError(refusal, field="roles")
    if held == wanted:
        return
    _roles_replace(membership, wanted)
    account_event_record(
        kind=AccountEventKind.ROLES_CHANGED,
        actor=actor.user,
        madrasah=membership.madrasah,
        user=membership.user,
        staff=membership.staff,
        data=_roles_event_data(held, wanted),
    )


def _invitation_create(
    *, actor: Membership, user: User, staff: Staff | None, roles: set[str], again: bool = False
) -> Invitation:
    """`again`: the account's membership here was ended (a former pengawas): accepting reopens it."""
    madrasah = actor.madrasah
    if user.is_superuser or user.is_staff:
        raise ApplicationError(
            _("This identifier belongs to the installation administrator's account: it cannot join a madrasah.")
        )
    if not again and Membership.objects.filter(user=user, madrasah=madrasah).exists():
        raise ApplicationError(
            _("The username %(username)s is already used in this madrasah.") % {"username": user.username}
        )
    if Invitation.objects.filter(madrasah=madrasah, user=user, status=InvitationStatus.PENDING).exists():
        raise ApplicationError(_("This account has already been invited and has not answered yet."))
    invitation = Invitation.objects.create(
        madrasah=madrasah, user=user, staff=staff, roles=sorted(roles), invited_by=actor.user
    )
    account_event_record(
        kind=AccountEventKind.INVITED,
        actor=actor.user,
        madrasah=madrasah,
        user=user,
        staff=staff,
        data={"roles": sorted(roles)},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, invitation: Invitation) -> Membership:
    """The account's owner joins the madrasah with the invited roles (linked to the person record).
    Safe to retry: an answered invitation is refused."""
    claimed = Invitation.objects.filter(pk=invitation.pk, user=user, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.ACCEPTED, answered_at=timezone.now()
    )
    if not claimed:
        raise ApplicationError(_("This invitation has already been answered or withdrawn."))
    if invitation.staff_id and Membership.objects.filter(staff_id=invitation.staff_id).exists():
        raise ApplicationError(_("This person already has an account in the madrasah."))
    membership, _created = Membership.objects.get_or_create(
        user=user, madrasah_id=invitation.madrasah_id, defaults={"staff_id": invitation.staff_id}
    )
    if not membership.is_active:
        if membership.staff_id is not None or invitation.staff_id is not None:
            raise ApplicationError(_("Your account was deactivated in this madrasah: ask its operator."))
        # A former pengawas invited again by the Kepala: their own acceptance reopens the membership.
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    held = set(membership.roles.values_list("role", flat=True))
    _roles_replace(membership, held | set(invitation.roles))
    account_event_record(
        kind=AccountEventKind.INVITATION_ACCEPTED,
        actor=user,
        madrasah=invitation.madrasah,
        user=user,
        staff=invitation.staff,
        data={"roles": sorted(invitation.roles)},
    )
    return membership


@transaction.atomic
def invitation_decline(*, user: User, invitation: Invitation) -> None:
    claimed = Invitation.objects.filter(pk=invitation.pk, user=user, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.DECLINED, answered_at=timezone.now()
    )
    if not claimed:
        raise ApplicationError(_("This invitation has already been answered or withdrawn."))
    account_event_record(
        kind=AccountEventKind.INVITATION_DECLINED,
        actor=user,
        madrasah=invitation.madrasah,
        user=user,
        staff=invitation.staff,
    )


@transaction.atomic
def invitation_withdraw(*, actor: Membership, invitation: Invitation) -> None:
    claimed = Invitation.objects.filter(
        pk=invitation.pk, madrasah_id=actor.madrasah_id, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.WITHDRAWN, answered_at=timezone.now())
    if not claimed:
        raise ApplicationError(_("This invitation has already been answered or withdrawn."))
    account_event_record(
        kind=AccountEventKind.INVITATION_WITHDRAWN,
        actor=actor.user,
        madrasah=invitation.madrasah,
        user=invitation.user,
        staff=invitation.staff,
    )


@transaction.atomic
def password_reset(*, actor: User, membership: Membership | None = None, user: User | None = None) -> str:
    """A new first-login password for the account (lockouts of its username lifted), recorded as an
    event. The caller's access helper decided the actor may (`selectors.account_for_manager` or the
    installation administrator's page). Returns the password, shown once on a slip, stored nowhere."""
    user = user or membership.user
    password = first_login_password_set(user)
    user.save(update_fields=["password", "must_change_password"])
    lockout_release(username=user.username)
    account_event_record(
        kind=AccountEventKind.PASSWORD_RESET,
        actor=actor,
        madrasah=membership.madrasah if membership else None,
        user=user,
        staff=membership.staff if membership else None,
    )
    return password


@transaction.atomic
def account_unlock(*, actor: User, user: User, madrasah: Madrasah | None = None) -> int:
    removed = lockout_release(username=user.username)
    account_event_record(kind=AccountEventKind.UNLOCKED, actor=actor, madrasah=madrasah, user=user)
    return removed


@transaction.atomic
def first_login_slips_issue(*, actor: Membership, memberships: list[Membership]) -> list[dict]:
    """New first-login passwords for the chosen accounts (each already allowed by
    `selectors.slip_candidates`). Passwords are never stored in clear: printing again issues new ones
    and earlier slips stop working. Returns one slip per account, ordered by name."""
    slips, users = [], []
    for membership in sorted(memberships, key=lambda m: (m.staff.name, m.pk)):
        password = first_login_password_set(membership.user)
        users.append(membership.user)
        slips.append(
            {
                "staff": membership.staff,
                "user": membership.user,
                "username": membership.user.username,
                "password": password,
            }
        )
    User.objects.bulk_update(users, ["password", "must_change_password"], batch_size=500)
    AccountEvent.objects.bulk_create(
        [
            AccountEvent(
                kind=AccountEventKind.SLIP_PRINTED,
                actor=actor.user,
                madrasah=actor.madrasah,
                user=m.user,
                staff=m.staff,
            )
            for m in memberships
        ]
    )
    return slips


@transaction.atomic
def slip_start_password_set(*, user: User, token: str, password: str) -> None:
    """The person chooses their own password through their slip's start link: saved with the default
    hasher, "must change it" cleared, one event (in the madrasah of their first active membership). The
    token is checked again on the locked row, so a link works once even when sent twice at the same
    moment; a retry is refused (the new password has killed the link)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not slip_start_token.check_token(locked, token):
        raise ApplicationError(SLIP_LINK_DEAD)
    locked.set_password(password)
    locked.must_change_password = False
    locked.save(update_fields=["password", "must_change_password"])
    user.password, user.must_change_password = locked.password, False
    membership = locked.memberships.filter(is_active=True).select_related("madrasah", "staff").order_by("pk").first()
    account_event_record(
        kind=AccountEventKind.SLIP_LINK_USED,
        actor=locked,
        madrasah=membership.madrasah if membership else None,
        user=locked,
        staff=membership.staff if membership else None,
    )


@transaction.atomic
def kepala_appoint(
    *,
    administrator: User,
    madrasah: Madrasah,
    staff: Staff,
    acting: bool,
    decree_number: str,
    decree_date: dt.date,
    starts_on: dt.date,
) -> HeadAppointment:
    """Make `staff` the Kepala (or Plt. Kepala) of `madrasah` by decree. The current appointment ends the
    day before; the previous Kepala loses the kepala role but keeps everything they signed and their
    history. The person needs a login in this madrasah. Refused for anyone but the installation
    administrator. Not idempotent: a second call with the same person is refused."""
    if not (administrator.is_superuser and not administrator.memberships.filter(is_active=True).exists()):
        raise ApplicationError(_("Only the installation administrator appoints the Kepala."))
    if staff.madrasah_id != madrasah.pk or not staff.is_active:
        raise ApplicationError(_("Choose an active person of this madrasah."), field="staff")
    membership = Membership.objects.filter(staff=staff, madrasah=madrasah, is_active=True).first()
    if membership is None:
        raise ApplicationError(
            _("%(name)s has no login in this madrasah yet: create the account first.") % {"name": staff.full_name},
            field="staff",
        )
    current = HeadAppointment.objects.select_for_update().filter(madrasah=madrasah, ended_on__isnull=True).first()
    if current is not None:
        if current.staff_id == staff.pk and current.acting == acting:
            raise ApplicationError(_("%(name)s already holds this appointment.") % {"name": staff.full_name})
        if starts_on <= current.starts_on:
            raise ApplicationError(_("The new appointment must start after the current one."), field="starts_on")
        current.ended_on = starts_on - dt.timedelta(days=1)
        current.save(update_fields=["ended_on"])
        account_event_record(
            kind=AccountEventKind.KEPALA_ENDED,
            actor=administrator,
            madrasah=madrasah,
            staff=current.staff,
            user=getattr(getattr(current.staff, "membership", None), "user", None),
            data={"ended_on": current.ended_on.isoformat()},
        )
    for previous in Membership.objects.filter(madrasah=madrasah, roles__role=Role.KEPALA).exclude(pk=membership.pk):
        previous.roles.filter(role=Role.KEPALA).delete()
    held = set(membership.roles.values_list("role", flat=True))
    _roles_replace(membership, held | {Role.KEPALA})
    appointment = HeadAppointment.objects.create(
        madrasah=madrasah,
        staff=staff,
        acting=acting,
        decree_number=decree_number,
        decree_date=decree_date,
        starts_on=starts_on,
        appointed_by=administrator,
    )
    account_event_record(
        kind=AccountEventKind.KEPALA_APPOINTED,
        actor=administrator,
        madrasah=madrasah,
        user=membership.user,
        staff=staff,
        data={
            "acting": acting,
            "decree_number": decree_number,
            "decree_date": decree_date.isoformat(),
            "starts_on": starts_on.isoformat(),
        },
    )
    return appointment


def account_contact_update(*, user: User, email: str, whatsapp: str) -> None:
    """Save the contacts a person gives for themselves on "Akun saya" (both optional): the email that
    notices go to, and the WhatsApp number (already normalised to 628…) reminder links open a chat with.
    One UPDATE; a retry is safe."""
    User.objects.filter(pk=user.pk).update(email=email, whatsapp=whatsapp)
    user.email, user.whatsapp = email, whatsapp


@transaction.atomic
def pengawas_add(
    *, actor: Membership, nip: str, name: str, email: str = ""
) -> tuple[Membership | None, str | None, Invitation | None]:
    """Add the pengawas of the actor's madrasah (the Kepala's grant) by NIP.

    - An account with that NIP exists in this installation: never linked; a pending invitation with the
      pengawas role and no person record, which only its owner accepts on "Akun saya".
    - Otherwise a new account (the NIP as username, `name` with titles as its name, `email` if given) with
      a membership without a person record and the pengawas role; returns its first-login password.
    - A NIP of a person recorded in this madrasah is refused: a teacher does not oversee their own madrasah.
    Returns (membership or None, password or None, invitation or None). Records one event. Not idempotent
    in effect: a second call finds the account and is refused (already here, or already invited).
    """
    refusal = rules.roles_change_refusal(
        actor_roles=actor.role_set, is_self=False, held=set(), wanted={Role.PENGAWAS}, person_of_madrasah=False
    )
    if refusal:
        raise ApplicationError(refusal)
    madrasah = actor.madrasah
    if Staff.objects.filter(madrasah=madrasah, nip=nip).exists():
        raise ApplicationError(
            _(
                "This NIP belongs to a teacher or staff member of this madrasah: a pengawas oversees the madrasah "
                "from outside. Check the NIP."
            ),
            field="nip",
        )
    user = User.objects.filter(username=nip).first()
    if user is not None:
        ended = Membership.objects.filter(user=user, madrasah=madrasah, staff=None, is_active=False).exists()
        return None, None, _invitation_create(actor=actor, user=user, staff=None, roles={Role.PENGAWAS}, again=ended)
    user = User(username=nip, first_name=name[:150], email=email)
    password = first_login_password_set(user)
    user.save()
    membership = Membership.objects.create(user=user, madrasah=madrasah, staff=None)
    _roles_replace(membership, {Role.PENGAWAS})
    account_event_record(
        kind=AccountEventKind.ACCOUNT_CREATED,
        actor=actor.user,
        madrasah=madrasah,
        user=user,
        data=_roles_event_data(set(), {Role.PENGAWAS}),
    )
    return membership, password, None


@transaction.atomic
def pengawas_end(*, actor: Membership, membership: Membership) -> None:
    """End a pengawas' access to the actor's madrasah (the Kepala's grant). A pengawas without a person
    record here loses the membership (deactivated: what they signed and their history stay); a person of
    this madrasah who also held the pengawas role only loses that role. Records one event. Safe to retry:
    a pengawas already ended is refused."""
    refusal = rules.roles_change_refusal(
        actor_roles=actor.role_set,
        is_self=membership.user_id == actor.user_id,
        held={Role.PENGAWAS},
        wanted=set(),
    )
    if refusal:
        raise ApplicationError(refusal)
    if membership.staff_id is not None:
        held = set(membership.roles.values_list("role", flat=True))
        _roles_change(actor=actor, membership=membership, wanted=held - {Role.PENGAWAS})
        return
    ended = Membership.objects.filter(pk=membership.pk, madrasah_id=actor.madrasah_id, is_active=True).update(
        is_active=False
    )
    if not ended:
        raise ApplicationError(_("This pengawas' access has already ended."))
    account_event_record(
        kind=AccountEventKind.DEACTIVATED,
        actor=actor.user,
        madrasah=membership.madrasah,
        user=membership.user,
        data={"roles": [Role.PENGAWAS]},
    )
