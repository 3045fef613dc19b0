"""Writes for the madrasah app: people, accounts, roles, periods, heartbeat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from axes.utils import reset as axes_reset
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors, staff_excel
from .errors import ApplicationError
from .models import (
    AcademicYear,
    AccountEvent,
    AccountEventKind,
    Invitation,
    InvitationStatus,
    Madrasah,
    Membership,
    MembershipRole,
    Role,
    Semester,
    SemesterKind,
    Staff,
    Subject,
    TeacherType,
    User,
    WorkerHeartbeat,
)
from .versioning import VERSION_FIELD, version_claim

StaffSubject = Staff.subjects.through


def heartbeat_record(*, worker: str) -> None:
    """Upsert this worker's heartbeat row. Safe to repeat."""
    WorkerHeartbeat.objects.update_or_create(worker=worker[:200], defaults={"seen_at": timezone.now()})


def _event_value(value):
    """A field's value as the history stores it: plain JSON data (names of subjects, ISO dates)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "all") or isinstance(value, list | tuple):
        return sorted(str(v) for v in value)
    if hasattr(value, "pk"):
        return str(value)
    return value


@transaction.atomic
def staff_save(*, form, madrasah: Madrasah, actor: User | None = None) -> Staff:
    """Save a validated `StaffForm` (fields and subjects together) in the given madrasah, recording who
    changed what in the person's history (`AccountEvent`).

    An edit carries the version it was opened on: if the record was saved since, by anyone, this raises
    `versioning.StaleVersion` and writes nothing. Not safe to retry blindly: a retry of an edit is a
    conflict by design (its version is spent)."""
    staff = form.save(commit=False)
    creating = staff.pk is None
    changes = {}
    if not creating:
        changes = {
            name: [_event_value(form.initial.get(name)), _event_value(form.cleaned_data.get(name))]
            for name in form.changed_data
            if name != VERSION_FIELD
        }
        version_claim(staff, expected=form.expected_version)
    staff.madrasah = madrasah
    staff.save()
    form.save_m2m()
    if creating or changes:
        AccountEvent.objects.create(
            kind=AccountEventKind.STAFF_CREATED if creating else AccountEventKind.STAFF_UPDATED,
            actor=actor,
            madrasah=madrasah,
            staff=staff,
            user=getattr(getattr(staff, "membership", None), "user", None) if not creating else None,
            data={"changes": changes} if changes else {},
        )
    return staff


def staff_deactivate(*, staff: Staff, actor: User | None = None) -> None:
    """Deactivate instead of delete: later records keep pointing at the person. Their login stops
    working in this madrasah (the membership is deactivated too). Recorded in their history."""
    _staff_active_set(staff=staff, active=False, actor=actor)


def staff_reactivate(*, staff: Staff, actor: User | None = None) -> None:
    _staff_active_set(staff=staff, active=True, actor=actor)


def _staff_active_set(*, staff: Staff, active: bool, actor: User | None) -> None:
    with transaction.atomic():
        Staff.objects.filter(pk=staff.pk).update(is_active=active, version=F("version") + 1)
        Membership.objects.filter(staff=staff).update(is_active=active)
        AccountEvent.objects.create(
            kind=AccountEventKind.REACTIVATED if active else AccountEventKind.DEACTIVATED,
            actor=actor,
            madrasah_id=staff.madrasah_id,
            staff=staff,
        )


def password_changed(*, user: User) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])


def lockout_release(*, username: str) -> int:
    """Unlock a username on every address it was locked from. Returns attempts removed."""
    return axes_reset(username=username)


def semester_default_dates(start_year: int, kind: str) -> tuple[dt.date, dt.date]:
    if kind == SemesterKind.GANJIL:
        return dt.date(start_year, 7, 1), dt.date(start_year, 12, 31)
    return dt.date(start_year + 1, 1, 1), dt.date(start_year + 1, 6, 30)


@transaction.atomic
def semester_create(
    *,
    madrasah: Madrasah,
    start_year: int,
    kind: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Semester:
    """Create a semester (and its academic year if new). Dates default to July–December or
    January–June and must lie within the academic year."""
    year, _created = AcademicYear.objects.get_or_create(madrasah=madrasah, start_year=start_year)
    default_start, default_end = semester_default_dates(start_year, kind)
    start_date, end_date = start_date or default_start, end_date or default_end
    if not (year.start_date <= start_date < end_date <= year.end_date):
        raise ApplicationError(
            _("Semester dates must lie within the academic year %(year)s (1 July to 30 June).") % {"year": year.name},
            field="start_date",
        )
    if Semester.objects.filter(academic_year=year, kind=kind).exists():
        raise ApplicationError(_("This semester already exists."), field="kind")
    return Semester.objects.create(
        madrasah=madrasah, academic_year=year, kind=kind, start_date=start_date, end_date=end_date
    )


@transaction.atomic
def semester_activate(*, semester: Semester) -> None:
    """Make `semester` the one active semester of its madrasah (the others are deactivated first,
    so the one-active constraint never sees two)."""
    Semester.objects.filter(madrasah_id=semester.madrasah_id, is_active=True).exclude(pk=semester.pk).update(
        is_active=False
    )
    Semester.objects.filter(pk=semester.pk).update(is_active=True)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    new_memberships: list = field(default_factory=list)  # ids of the accounts created, for their slips
    warnings: list = field(default_factory=list)  # staff_excel.Issue


def staff_import(*, madrasah: Madrasah, upload, actor: User | None = None) -> ImportResult:
    """Import the staff list of an .xlsx upload (our template or an EMIS GTK export) into `madrasah`.

    The whole file is read and checked first; any error raises one `ApplicationError` (field
    "file"; `extra["errors"]` lists every error by row and column, `extra["warnings"]` the
    warnings) and nothing is written. Otherwise one transaction creates the new people, updates
    those whose identifier is already recorded (only what changed), sets their subjects, and gives
    every active teacher of the file without a login here an account: username = NIP, NIGNP or
    PegID, an unusable password until the operator prints the first-login slips, role guru; an
    existing user of that username (a teacher at two madrasah) gains a membership instead.
    Bulk queries throughout: the query count does not grow with the rows. Safe to retry: a second
    run of the same file changes nothing.
    """
    try:
        sheet = staff_excel.sheet_read(staff_excel.upload_bytes(upload))
    except staff_excel.WorkbookError as error:
        raise ApplicationError(error.message, field="file") from None
    rows, errors, warnings = staff_excel.rows_clean(
        sheet, subjects=staff_excel.subject_lookup(selectors.subjects_for(madrasah=madrasah))
    )
    try:
        with transaction.atomic():
            existing = list(Staff.objects.filter(madrasah=madrasah))
            subjects_of: dict[int, set[int]] = {}
            for staff_id, subject_id in StaffSubject.objects.filter(staff__madrasah=madrasah).values_list(
                "staff_id", "subject_id"
            ):
                subjects_of.setdefault(staff_id, set()).add(subject_id)
            plan, match_errors, match_warnings = staff_excel.rows_match(
                sheet, rows, existing=existing, subjects_of=subjects_of
            )
            errors, warnings = staff_excel.issues_sorted(errors + match_errors), warnings + match_warnings
            if errors:
                raise ApplicationError(
                    ngettext(
                        "Nothing was imported: the file has %(count)s error. Correct it and upload the file again.",
                        "Nothing was imported: the file has %(count)s errors. Correct them and upload the file again.",
                        len(errors),
                    )
                    % {"count": len(errors)},
                    field="file",
                    extra={"errors": errors, "warnings": staff_excel.issues_sorted(warnings)},
                )
            result = _staff_import_write(madrasah=madrasah, plan=plan, warnings=warnings, actor=actor)
    except IntegrityError:
        # Someone saved a person with the same identifier between the check and the write.
        raise ApplicationError(
            _("The staff list changed while the file was being imported; nothing was saved. Upload it again."),
            field="file",
        ) from None
    result.warnings = staff_excel.issues_sorted(result.warnings)
    return result


def _staff_import_write(*, madrasah: Madrasah, plan: list, warnings: list, actor: User | None) -> ImportResult:
    result = ImportResult(warnings=warnings)
    now = timezone.now()
    new, changed, fields = [], [], set()
    history: dict[int, dict] = {}  # staff pk → {field: [old, new]}, for the people's history
    created = {id(p) for p in plan if p.staff is None}
    for planned in plan:
        if id(planned) in created:
            planned.staff = Staff(madrasah=madrasah, **planned.row.values)
            new.append(planned.staff)
        elif planned.changes:
            history[planned.staff.pk] = {
                name: [_event_value(getattr(planned.staff, name)), _event_value(value)]
                for name, value in planned.changes.items()
            }
            for name, value in planned.changes.items():
                setattr(planned.staff, name, value)
            planned.staff.updated_at = now
            fields |= set(planned.changes)
            changed.append(planned.staff)
        result.updated += bool(planned.changes or planned.subjects_changed)
    result.created = len(new)
    result.unchanged = len(plan) - result.created - result.updated
    if changed:
        Staff.objects.bulk_update(changed, sorted(fields | {"updated_at"}))
        # A form opened before the import is then a conflict, as after any other edit.
        Staff.objects.filter(pk__in=[s.pk for s in changed]).update(version=F("version") + 1)
        AccountEvent.objects.bulk_create(
            [
                AccountEvent(
                    kind=AccountEventKind.STAFF_UPDATED,
                    actor=actor,
                    madrasah=madrasah,
                    staff_id=pk,
                    data={"changes": changes, "source": "import"},
                )
                for pk, changes in history.items()
            ]
        )
    Staff.objects.bulk_create(new)
    resubjected = [p for p in plan if p.subjects_changed]
    if resubjected:
        StaffSubject.objects.filter(staff_id__in=[p.staff.pk for p in resubjected]).delete()
    links = [
        StaffSubject(staff_id=p.staff.pk, subject_id=subject_id)
        for p in plan
        if p.row.subject_ids and (p.subjects_changed or id(p) in created)
        for subject_id in p.row.subject_ids
    ]
    StaffSubject.objects.bulk_create(links)
    # A person set inactive in the file loses the login here too, as with `staff_deactivate`.
    for active in (True, False):
        ids = [p.staff.pk for p in plan if p.changes.get("is_active") is active]
        if ids:
            Membership.objects.filter(staff_id__in=ids).update(is_active=active)
    result.new_memberships = _import_accounts_create(
        madrasah=madrasah, plan=plan, warnings=result.warnings, actor=actor
    )
    result.accounts_created = len(result.new_memberships)
    return result


def _import_accounts_create(*, madrasah: Madrasah, plan: list, warnings: list, actor: User | None) -> list[int]:
    """Accounts for the active teachers of the file that have no login in this madrasah (the rules
    of `accounts.services.account_save`, in bulk): a new user each, or an invitation where a user of
    that username already exists anywhere in the installation. Returns the new memberships' ids."""
    taken = dict(Membership.objects.filter(madrasah=madrasah).values_list("user__username", "staff_id"))
    with_login = set(taken.values())
    wanted: dict[str, Staff] = {}
    for planned in plan:
        staff, username = planned.staff, planned.staff.login_identifier
        if staff.pk in with_login or not staff.is_active or staff.teacher_type == TeacherType.NONE or not username:
            continue
        if username in taken or username in wanted:
            warnings.append(
                staff_excel.Issue(
                    planned.row.number,
                    None,
                    _("No account was created: the username %(username)s is already used in this madrasah.")
                    % {"username": username},
                )
            )
            continue
        wanted[username] = staff
    existing = {u.username: u for u in User.objects.filter(username__in=list(wanted))}
    already_invited = set(
        Invitation.objects.filter(
            madrasah=madrasah, user__in=existing.values(), status=InvitationStatus.PENDING
        ).values_list("user__username", flat=True)
    )
    rows = {planned.staff.pk: planned.row.number for planned in plan if planned.staff.pk}
    new_users, invitations = [], []
    for username, staff in wanted.items():
        if username in existing:
            user = existing[username]
            if not (user.is_superuser or user.is_staff or username in already_invited):
                invitations.append(
                    Invitation(madrasah=madrasah, user=user, staff=staff, roles=[Role.GURU], invited_by=actor)
                )
            warnings.append(
                staff_excel.Issue(
                    rows.get(staff.pk),
                    None,
                    _(
                        "No account was created: the username %(username)s already has an account in this "
                        "installation. Its owner has been invited and joins after accepting."
                    )
                    % {"username": username},
                )
            )
            continue
        user = User(username=username, first_name=staff.name[:150], must_change_password=True)
        user.set_unusable_password()  # the first-login slip gives the password
        new_users.append((user, staff))
    User.objects.bulk_create([user for user, _staff in new_users])
    memberships = [Membership(user=user, madrasah=madrasah, staff=staff) for user, staff in new_users]
    Membership.objects.bulk_create(memberships)
    MembershipRole.objects.bulk_create([MembershipRole(membership=m, role=Role.GURU) for m in memberships])
    Invitation.objects.bulk_create(invitations)
    AccountEvent.objects.bulk_create(
        [
            AccountEvent(
                kind=AccountEventKind.ACCOUNT_CREATED,
                actor=actor,
                madrasah=madrasah,
                user=m.user,
                staff=m.staff,
                data={"added": [Role.GURU], "removed": []},
            )
            for m in memberships
        ]
        + [
            AccountEvent(
                kind=AccountEventKind.INVITED,
                actor=actor,
                madrasah=madrasah,
                user=i.user,
                staff=i.staff,
                data={"roles": [Role.GURU]},
            )
            for i in invitations
        ]
    )
    return [m.pk for m in memberships]


def staff_delete(*, staff: Staff) -> None:
    """Delete a person who has no records yet (a typo, a double entry), with their login here.

    Once any record points at the person (supervision, appraisal, development), the database
    refuses (PROTECT/RESTRICT) and this raises ApplicationError: deactivate them instead.
    """
    try:
        with transaction.atomic():
            membership = Membership.objects.filter(staff=staff).select_related("user").first()
            staff.delete()
            if membership is not None:
                user = membership.user
                membership.delete()
                if not user.memberships.exists() and not user.is_superuser:
                    user.delete()
    except (ProtectedError, RestrictedError):
        raise ApplicationError(
            _("%(name)s already has records and cannot be deleted: deactivate them instead.")
            % {"name": staff.full_name}
        ) from None


# Local subjects come after the national ones (madrasah.reference orders those from 1).
LOCAL_SUBJECT_ORDER = 100
LOCAL_SUBJECT_GROUP = "Muatan Lokal"


def local_subject_add(*, madrasah: Madrasah, name: str, code: str = "") -> Subject:
    """Add a local subject (muatan lokal) of `madrasah`, offered only there beside the national ones.
    Refused when its name or code is already a subject this madrasah offers (national or its own): a
    subject must be found again by its name in forms and imports. One row; a retry is refused as a
    duplicate."""
    offered = selectors.subjects_for(madrasah=madrasah)
    if offered.filter(name__iexact=name).exists():
        raise ApplicationError(_("The subject %(name)s already exists.") % {"name": name}, field="name")
    if code and offered.filter(code=code).exists():
        raise ApplicationError(
            _("The code %(code)s is already used by another subject.") % {"code": code}, field="code"
        )
    try:
        with transaction.atomic():
            return Subject.objects.create(
                madrasah=madrasah, name=name, code=code, group=LOCAL_SUBJECT_GROUP, order=LOCAL_SUBJECT_ORDER
            )
    except IntegrityError:  # added at the same moment from another device
        raise ApplicationError(_("The subject %(name)s already exists.") % {"name": name}, field="name") from None


@transaction.atomic
def local_subject_delete(*, subject: Subject) -> None:
    """Delete a local subject nobody is recorded teaching and no supervision was planned for."""
    if subject.staff.exists():
        raise ApplicationError(
            _("%(name)s is recorded for some teachers: remove it from their records first.") % {"name": subject.name}
        )
    try:
        subject.delete()
    except (ProtectedError, RestrictedError):
        raise ApplicationError(
            _("%(name)s is used in a supervision programme or the timetable and stays.") % {"name": subject.name}
        ) from None


def madrasah_deactivate(*, madrasah: Madrasah, actor: User | None) -> bool:
    """Take `madrasah` off this installation (it moved to another district's installation, merged or
    closed): its members are turned away, the scheduled reports and the beat's tasks skip it, a
    report still queued ends as failed when the worker reaches it. Nothing is deleted; reactivating
    restores it all. `actor`: the installation administrator (None: the server's shell). Returns
    whether it changed anything; safe to repeat."""
    return _madrasah_active_set(madrasah=madrasah, active=False, actor=actor)


def madrasah_reactivate(*, madrasah: Madrasah, actor: User | None) -> bool:
    """Undo `madrasah_deactivate`: its members, memberships and schedule work as before."""
    return _madrasah_active_set(madrasah=madrasah, active=True, actor=actor)


def _madrasah_active_set(*, madrasah: Madrasah, active: bool, actor: User | None) -> bool:
    if actor is not None and not (actor.is_superuser and not actor.memberships.filter(is_active=True).exists()):
        raise ApplicationError(_("Only the installation administrator deactivates or reactivates a madrasah."))
    with transaction.atomic():
        changed = Madrasah.objects.filter(pk=madrasah.pk, is_active=not active).update(
            is_active=active,
            deactivated_at=None if active else timezone.now(),
            deactivated_by=None if active else actor,
        )
        if changed:
            AccountEvent.objects.create(
                kind=AccountEventKind.MADRASAH_REACTIVATED if active else AccountEventKind.MADRASAH_DEACTIVATED,
                actor=actor,
                madrasah=madrasah,
            )
    madrasah.refresh_from_db(fields=["is_active", "deactivated_at", "deactivated_by"])
    return bool(changed)
