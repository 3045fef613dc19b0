"""Writes of the setup: the installation administrator from the setup code, then one madrasah step by
step (`Madrasah.setup_step` says which step is next; "" once done, so a madrasah made elsewhere is never
in the wizard). Each step validates through the product's own forms and services and writes in one
transaction; a step already done is refused, so a retry (a double submit) writes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from itertools import count

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import services as madrasah_services
from ..accounts.services import account_event_record, first_login_password_set, kepala_appoint
from ..errors import ApplicationError
from ..models import (
    AccountEventKind,
    Madrasah,
    Membership,
    MembershipRole,
    Role,
    Semester,
    SemesterKind,
    SetupStep,
    Staff,
    TeacherType,
    User,
)
from .signals import academic_year_prepared

STEPS = list(SetupStep.values)


def _next_step(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else ""


def _step_claim(madrasah: Madrasah, step: str) -> Madrasah:
    """Lock the madrasah's row and check that `step` is the one due; refused otherwise."""
    locked = Madrasah.objects.select_for_update().get(pk=madrasah.pk)
    if locked.setup_step != step:
        raise ApplicationError(_("This step of the setup is already done."))
    return locked


def _step_done(madrasah: Madrasah, step: str) -> None:
    madrasah.setup_step = _next_step(step)
    Madrasah.objects.filter(pk=madrasah.pk).update(setup_step=madrasah.setup_step)


def administrator_exists() -> bool:
    return User.objects.filter(is_superuser=True).exists()


@transaction.atomic
def setup_administrator_create(*, username: str, password: str) -> User:
    """Create the installation administrator (a superuser in no madrasah, who sees no scores). The caller
    has redeemed the code (`setup_code.setup_code_redeem`, single use). Refused when an administrator
    exists already, so a second attempt writes nothing."""
    if administrator_exists():
        raise ApplicationError(_("This installation already has its administrator. Log in with that account."))
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("This username is taken."), field="username")
    user = User.objects.create_superuser(username=username, password=password)
    account_event_record(kind=AccountEventKind.ACCOUNT_CREATED, actor=user, user=user, data={"administrator": True})
    return user


@transaction.atomic
def setup_madrasah_create(*, form, numbering_form) -> Madrasah:
    """Step a: the madrasah from a valid `MadrasahForm` (logo included) and its document numbering from a
    valid `NumberingForm` on the same page; the wizard continues with the Kepala. Not idempotent: NSM and
    NPSN are unique, so a repeat is refused by the form."""
    madrasah = form.save(commit=False)
    for name in numbering_form.Meta.fields:
        setattr(madrasah, name, numbering_form.cleaned_data[name])
    madrasah.numbering_start_year = timezone.localdate().year
    madrasah.setup_step = SetupStep.KEPALA
    madrasah.save()
    return madrasah


@transaction.atomic
def madrasah_profile_save(*, form, numbering_form=None) -> Madrasah:
    """The profile page: the madrasah's data and letterhead (`MadrasahForm`) and, when given, its
    numbering (`NumberingForm`) on the same row. Safe to repeat."""
    madrasah = form.save()
    if numbering_form is not None:
        numbering_save(madrasah=madrasah, form=numbering_form)
    return madrasah


def numbering_save(*, madrasah: Madrasah, form) -> None:
    """Save the numbering codes; the starting number counts for the current calendar year's agenda book
    (laporan.documents.services.numbering reads it when the year's sequence begins)."""
    if "numbering_start" in form.changed_data or madrasah.numbering_start_year is None:
        form.instance.numbering_start_year = timezone.localdate().year
    form.instance.pk = madrasah.pk
    form.save()


@transaction.atomic
def setup_numbering_save(*, madrasah: Madrasah, form) -> None:
    """Step b of a setup begun before the numbering joined step a: unit code, classification code and the
    next free number of this year's agenda book."""
    locked = _step_claim(madrasah, SetupStep.NUMBERING)
    numbering_save(madrasah=locked, form=form)
    _step_done(locked, SetupStep.NUMBERING)


def username_from_name(name: str) -> str:
    """ "Siti Rahma" → "sitirahma" (then "sitirahma2", …): for staff with no NIP, NIGNP or PegID, the
    letters of the first two words, lower case, without accents; free in this installation."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    base = "".join(re.sub(r"[^a-z]", "", word) for word in folded.split()[:2])[:30] or "staf"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    return next(candidate for n in count(1) if (candidate := base if n == 1 else f"{base}{n}") not in taken)


def account_create(*, administrator: User, staff: Staff, roles: set[str], username_from_name_allowed=False) -> User:
    """A new login for `staff` with `roles`, made by the installation administrator. An account that
    already has this identifier is never linked: its owner is found with the account search, or
    invited by the madrasah. The first-login password is issued when the slip is printed. Staff with
    no identifier get a username made from the name where allowed (the operator, who is not a teacher)."""
    username = staff.login_identifier
    if not username and username_from_name_allowed:
        username = username_from_name(staff.name)
    if not username:
        raise ApplicationError(_("This person has no NIP, NIGNP or PegID to use as the username."))
    if User.objects.filter(username=username).exists():
        raise ApplicationError(
            _(
                "An account with the username %(username)s already exists in this installation; it is never "
                "linked from here. Find it with the installation administrator's account search, or let the "
                "madrasah invite it once the setup is done (its owner accepts)."
            )
            % {"username": username}
        )
    user = User(username=username, first_name=staff.name[:150])
    first_login_password_set(user)
    user.save()
    membership = Membership.objects.create(user=user, madrasah=staff.madrasah, staff=staff)
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=role) for role in sorted(roles)])
    account_event_record(
        kind=AccountEventKind.ACCOUNT_CREATED,
        actor=administrator,
        madrasah=staff.madrasah,
        user=user,
        staff=staff,
        data={"added": sorted(roles), "removed": []},
    )
    return user


@transaction.atomic
def setup_kepala_create(
    *, administrator: User, madrasah: Madrasah, form, acting: bool, decree_number: str, decree_date: dt.date
) -> Staff:
    """Step c: the Kepala's record (a teacher), login and appointment by decree (from the decree's date).
    An identifier that already has an account anywhere is refused and nothing is written."""
    locked = _step_claim(madrasah, SetupStep.KEPALA)
    form.instance.teacher_type = TeacherType.SUBJECT
    staff = madrasah_services.staff_save(form=form, madrasah=locked, actor=administrator)
    account_create(administrator=administrator, staff=staff, roles={Role.GURU})
    kepala_appoint(
        administrator=administrator,
        madrasah=locked,
        staff=staff,
        acting=acting,
        decree_number=decree_number,
        decree_date=decree_date,
        starts_on=decree_date,
    )
    _step_done(locked, SetupStep.KEPALA)
    return staff


@transaction.atomic
def setup_operator_create(*, administrator: User, madrasah: Madrasah, form) -> Staff:
    """Step d: the operator's record (not a teacher: never counted, scheduled or reported as one) and
    login with the operator role."""
    locked = _step_claim(madrasah, SetupStep.OPERATOR)
    form.instance.teacher_type = TeacherType.NONE
    staff = madrasah_services.staff_save(form=form, madrasah=locked, actor=administrator)
    account_create(administrator=administrator, staff=staff, roles={Role.OPERATOR}, username_from_name_allowed=True)
    _step_done(locked, SetupStep.OPERATOR)
    return staff


@transaction.atomic
def setup_semesters_create(
    *,
    madrasah: Madrasah,
    start_year: int,
    ganjil_start: dt.date,
    ganjil_end: dt.date,
    genap_start: dt.date,
    genap_end: dt.date,
    today: dt.date | None = None,
) -> Semester:
    """Step e: the academic year and its two semesters; the one containing today becomes active (the
    odd one when neither does), and the standard instruments of that academic year are prepared by
    kompetensi through `academic_year_prepared` (it makes only the missing ones). Returns the active
    semester."""
    locked = _step_claim(madrasah, SetupStep.SEMESTERS)
    if genap_start <= ganjil_end:
        raise ApplicationError(_("The even semester must start after the odd one ends."), field="genap_start")
    today = today or timezone.localdate()
    ganjil = madrasah_services.semester_create(
        madrasah=locked, start_year=start_year, kind=SemesterKind.GANJIL, start_date=ganjil_start, end_date=ganjil_end
    )
    genap = madrasah_services.semester_create(
        madrasah=locked, start_year=start_year, kind=SemesterKind.GENAP, start_date=genap_start, end_date=genap_end
    )
    active = genap if genap.contains(today) else ganjil
    madrasah_services.semester_activate(semester=active)
    academic_year_prepared.send(sender=Madrasah, madrasah=locked, academic_year=active.academic_year)
    _step_done(locked, SetupStep.SEMESTERS)
    return active


@transaction.atomic
def setup_slips_issue(*, administrator: User, madrasah: Madrasah) -> list[dict]:
    """Last step: first-login slips of the Kepala and the operator made by the setup (passwords are
    never stored in clear, so they are issued now and shown once); the setup is then done. An account
    already used is left alone."""
    locked = _step_claim(madrasah, SetupStep.SLIPS)
    memberships = (
        Membership.objects.filter(
            madrasah=locked, roles__role__in=[Role.KEPALA, Role.OPERATOR], user__last_login__isnull=True
        )
        .select_related("user", "staff")
        .distinct()
        .order_by("pk")
    )
    slips = []
    for membership in memberships:
        password = first_login_password_set(membership.user)
        membership.user.save(update_fields=["password", "must_change_password"])
        account_event_record(
            kind=AccountEventKind.SLIP_PRINTED,
            actor=administrator,
            madrasah=locked,
            user=membership.user,
            staff=membership.staff,
        )
        slips.append(
            {
                "staff": membership.staff,
                "user": membership.user,
                "username": membership.user.username,
                "password": password,
            }
        )
    _step_done(locked, SetupStep.SLIPS)
    return slips


@transaction.atomic
def setup_semesters_and_slips(*, administrator: User, madrasah: Madrasah, **semesters) -> tuple[Semester, list[dict]]:
    """The semesters' page ends the setup: the semesters (`setup_semesters_create`), then the slips of the
    Kepala and the operator (`setup_slips_issue`), in one transaction."""
    active = setup_semesters_create(madrasah=madrasah, **semesters)
    return active, setup_slips_issue(administrator=administrator, madrasah=madrasah)
