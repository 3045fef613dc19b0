"""Supervision team and programme of a semester: the writes (their reads are in
`selectors.programme`, the pure rules in `rules`).

The rules come from docs/domain.md §9 "Academic supervision": the Kepala names the team by decree (SK Tim
Supervisi); the Waka drafts the programme and the Kepala approves it ("disahkan"); a teacher is
supervised by a team member (same subject preferred), team members and the Waka by the Kepala, the
Kepala by the pengawas, and nobody by themself. §4 "Calendar": no classroom observation is planned in
exam weeks or the Ramadan timetable (blocked periods), nor on Sunday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madrasah.errors import ApplicationError
from madrasah.models import Membership, Role, Semester, Staff, Subject, TeacherType, User
from madrasah.notifications import Note, notices_done, notify_many, pending_notice_users
from madrasah.workflow import role_user_ids

from ...models import (
    BlockedPeriod,
    InstrumentVersion,
    ObservationState,
    Programme,
    ProgrammeRow,
    ProgrammeStatus,
    SupervisionTeam,
    TeamMember,
)
from .. import notices, rules
from ..rules import (
    SUNDAY,
    blocked_on,
    local_day,
    planned_day_has_passed,
    subject_warning,
    supervisor_check,
)
from ..selectors.programme import supervision_instruments, supervision_people


def _teacher_check(*, semester: Semester, teacher: Staff) -> None:
    if teacher.madrasah_id != semester.madrasah_id or not teacher.is_active or teacher.teacher_type == TeacherType.NONE:
        raise ApplicationError(_("Choose an active teacher of this madrasah."), field="teacher")


def _instruments_check(*, semester: Semester, instruments: Iterable[InstrumentVersion]) -> list[int]:
    ids = sorted({v.pk for v in instruments})
    if not ids:
        raise ApplicationError(_("Choose at least one instrument."), field="instruments")
    fitting = supervision_instruments(semester=semester).filter(pk__in=ids).count()
    if fitting != len(ids):
        raise ApplicationError(
            _("Choose supervision instruments of the academic year %(year)s (not PKG).")
            % {"year": semester.academic_year.name},
            field="instruments",
        )
    return ids


def _date_check(*, semester: Semester, day: dt.date, field: str) -> None:
    if not semester.start_date <= day <= semester.end_date:
        raise ApplicationError(
            _("Choose a date within the semester (%(start)s – %(end)s).")
            % {"start": date_format(semester.start_date, "j F Y"), "end": date_format(semester.end_date, "j F Y")},
            field=field,
        )


def _not_past_check(*, planned_at: dt.datetime, today: dt.date | None) -> None:
    """A supervision is planned (or moved) to today or later, never to a day already over: it would be
    late the moment it is saved. Today counts whatever the hour, as for lateness (`rules.overdue_cutoff`):
    a visit that began this morning can still be put on the programme."""
    if planned_day_has_passed(planned_at=planned_at, today=today or timezone.localdate()):
        raise ApplicationError(
            _("This date has already passed: choose today or a later day."),
            field="planned_at",
        )


def _date_warnings(*, semester: Semester, planned_at: dt.datetime) -> list[str]:
    day = local_day(planned_at)
    _date_check(semester=semester, day=day, field="planned_at")
    warnings = []
    if period := blocked_on(day, semester.blocked_periods.all()):
        warnings.append(
            _("%(date)s falls in a blocked period (%(reason)s): classroom observation is normally not planned then.")
            % {"date": date_format(day, "l, j F Y"), "reason": period.reason}
        )
    if day.weekday() == SUNDAY:
        warnings.append(_("%(date)s is a Sunday.") % {"date": date_format(day, "l, j F Y")})
    return warnings


def _when(planned_at: dt.datetime) -> str:
    local = timezone.localtime(planned_at)
    return _("%(date)s at %(time)s") % {"date": date_format(local, "l, j F Y"), "time": local.strftime("%H.%M")}


def _teacher_users(*, madrasah_id: int, teacher_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        Membership.objects.filter(madrasah_id=madrasah_id, is_active=True, staff_id__in=set(teacher_ids)).values_list(
            "staff_id", "user_id"
        )
    )


def _notify_schedule(*, programme: Programme, rows: Iterable[ProgrammeRow], kind: str, matter=None) -> int:
    """One notice per teacher with a login, listing their dates (composed when shown), about the
    programme (or `matter`: the one row moved or cancelled)."""
    dates: dict[int, list[dt.datetime]] = {}
    for row in rows:
        dates.setdefault(row.teacher_id, []).append(row.planned_at)
    users = _teacher_users(madrasah_id=programme.madrasah_id, teacher_ids=dates)
    url = reverse("kompetensi:programme-detail", args=[programme.pk])
    notes = [
        Note(users[teacher_id], kind, notices.when_params(when), matter or programme, url)
        for teacher_id, when in dates.items()
        if teacher_id in users
    ]
    notify_many(madrasah=programme.madrasah, notes=notes)
    return len(notes)


def _awaits_approval_notify(programme: Programme) -> None:
    """Tell the Kepala that a draft programme with planned supervisions awaits approval, once: not
    again while an earlier notice of it is still open."""
    if programme.is_approved:
        return
    told = pending_notice_users(programme, notices.PROGRAMME_AWAITS_APPROVAL)
    kepala = [u for u in role_user_ids(programme.madrasah_id, Role.KEPALA) if u not in told]
    semester = programme.semester
    params = {"year": semester.academic_year.name, "semester": semester.kind}
    url = reverse("kompetensi:programme-detail", args=[programme.pk])
    notify_many(
        madrasah=programme.madrasah,
        notes=[Note(u, notices.PROGRAMME_AWAITS_APPROVAL, params, programme, url) for u in kepala],
    )


@transaction.atomic
def team_save(
    *, semester: Semester, decree_number: str, decree_date: dt.date, members: list[tuple[Staff, str]]
) -> SupervisionTeam:
    """Name (or rename) the semester's Tim Supervisi: the decree and its members with their duties.
    Members left out are removed from the team; their planned supervisions stay. Safe to retry."""
    decree_number = decree_number.strip()
    if not decree_number:
        raise ApplicationError(_("Give the decree's number."), field="decree_number")
    if not members:
        raise ApplicationError(_("Choose at least one member of the team."), field="members")
    for staff, _duty in members:
        if staff.madrasah_id != semester.madrasah_id or not staff.is_active or staff.teacher_type == TeacherType.NONE:
            raise ApplicationError(_("Team members are active teachers of this madrasah."), field="members")
    team, _created = SupervisionTeam.objects.update_or_create(
        semester=semester,
        defaults={"madrasah_id": semester.madrasah_id, "decree_number": decree_number, "decree_date": decree_date},
    )
    duties = {staff.pk: duty.strip() for staff, duty in members}
    team.memberships.exclude(staff_id__in=duties).delete()
    existing = {m.staff_id: m for m in team.memberships.all()}
    changed = [m for staff_id, m in existing.items() if m.duty != duties[staff_id]]
    for member in changed:
        member.duty = duties[member.staff_id]
    TeamMember.objects.bulk_update(changed, ["duty"])
    TeamMember.objects.bulk_create(
        [TeamMember(team=team, staff_id=s, duty=d) for s, d in duties.items() if s not in existing]
    )
    return team


@transaction.atomic
def programme_create(
    *, semester: Semester, created_by: User, legal_basis: str, purpose: str, targets: str, techniques: str
) -> Programme:
    """Draft the semester's programme (one per semester). A text left as the standard one is stored
    empty and composed whenever shown, in the reader's language (`rules.programme_texts`)."""
    if Programme.objects.filter(semester=semester).exists():
        raise ApplicationError(_("This semester already has a supervision programme."))
    texts = rules.programme_stored_texts(
        semester=semester,
        texts={"legal_basis": legal_basis, "purpose": purpose, "targets": targets, "techniques": techniques},
    )
    return Programme.objects.create(madrasah_id=semester.madrasah_id, semester=semester, created_by=created_by, **texts)


def programme_update(*, programme: Programme, legal_basis: str, purpose: str, targets: str, techniques: str) -> None:
    """Change the texts of a draft; an approved programme's texts are what the Kepala signed."""
    if programme.is_approved:
        raise ApplicationError(_("The programme is approved: its texts can no longer change."))
    texts = rules.programme_stored_texts(
        semester=programme.semester,
        texts={"legal_basis": legal_basis, "purpose": purpose, "targets": targets, "techniques": techniques},
    )
    for name, text in texts.items():
        setattr(programme, name, text)
    programme.save(update_fields=["legal_basis", "purpose", "targets", "techniques", "updated_at"])


@transaction.atomic
def programme_approve(*, programme: Programme, approved_by: User) -> int:
    """Approve ("sahkan") a draft that has a team and at least one planned supervision, and notify
    each scheduled teacher of their dates. Returns how many were notified. A second approval (a
    double click, two tabs) is refused by the conditional update, so no teacher is notified twice."""
    if programme.is_approved:
        raise ApplicationError(_("The programme is already approved."))
    if not SupervisionTeam.objects.filter(semester_id=programme.semester_id).exists():
        raise ApplicationError(_("Name the supervision team first: the programme is approved with its team."))
    rows = list(programme.rows.filter(cancelled_at__isnull=True).only("teacher_id", "planned_at"))
    if not rows:
        raise ApplicationError(_("Plan at least one supervision before approving the programme."))
    now = timezone.now()
    approved = Programme.objects.filter(pk=programme.pk, status=ProgrammeStatus.DRAFT).update(
        status=ProgrammeStatus.APPROVED, approved_by=approved_by, approved_at=now, updated_at=now
    )
    if not approved:
        raise ApplicationError(_("The programme is already approved."))
    programme.refresh_from_db()
    notices_done(programme, notices.PROGRAMME_AWAITS_APPROVAL)
    return _notify_schedule(programme=programme, rows=rows, kind=notices.SCHEDULE)


@transaction.atomic
def programme_row_create(
    *,
    programme: Programme,
    teacher: Staff,
    supervisor: User,
    instruments: Iterable[InstrumentVersion],
    planned_at: dt.datetime,
    class_name: str = "",
    subject: Subject | None = None,
    today: dt.date | None = None,
) -> tuple[ProgrammeRow, list[str]]:
    """Plan one supervision. Refused: a teacher outside the madrasah, instruments of another year or
    PKG, a supervisor the rules exclude, a day before `today` (the madrasah's day by default), a date
    outside the semester. Returned as warnings (the row is saved): a blocked period, a Sunday, a
    supervisor of another subject. On an approved programme the teacher is notified."""
    semester = programme.semester
    _not_past_check(planned_at=planned_at, today=today)
    _teacher_check(semester=semester, teacher=teacher)
    instrument_ids = _instruments_check(semester=semester, instruments=instruments)
    people = supervision_people(madrasah=programme.madrasah, semester=semester)
    supervisor_check(people=people, teacher=teacher, supervisor_id=supervisor.pk)
    warnings = _date_warnings(semester=semester, planned_at=planned_at)
    if warning := subject_warning(people=people, supervisor_id=supervisor.pk, subject=subject):
        warnings.append(warning)
    row = ProgrammeRow.objects.create(
        programme=programme,
        teacher=teacher,
        supervisor=supervisor,
        planned_at=planned_at,
        class_name=class_name.strip(),
        subject=subject,
    )
    row.instruments.set(instrument_ids)
    if programme.is_approved:
        _notify_schedule(programme=programme, rows=[row], kind=notices.SCHEDULE)
    else:
        _awaits_approval_notify(programme)
    return row, warnings


def _has_taken_place(row: ProgrammeRow) -> bool:
    return row.observations.exclude(state=ObservationState.DRAFT).exists()


@transaction.atomic
def programme_row_reschedule(*, row: ProgrammeRow, planned_at: dt.datetime, today: dt.date | None = None) -> list[str]:
    """Move a supervision, with the date checks of a new one (never to a day before `today`); returns
    the warnings. On an approved programme the teacher is notified."""
    if row.is_cancelled:
        raise ApplicationError(_("This supervision is cancelled and cannot be rescheduled."))
    if _has_taken_place(row):
        raise ApplicationError(_("This supervision has already taken place."))
    _not_past_check(planned_at=planned_at, today=today)
    warnings = _date_warnings(semester=row.programme.semester, planned_at=planned_at)
    row.planned_at = planned_at
    row.save(update_fields=["planned_at", "updated_at"])
    if row.programme.is_approved:
        _notify_schedule(programme=row.programme, rows=[row], kind=notices.RESCHEDULE, matter=row)
    return warnings


@transaction.atomic
def programme_row_cancel(*, row: ProgrammeRow, reason: str) -> None:
    """Cancel a supervision with its reason; it stays listed, struck through. A supervision with an
    observation (even a draft) is not cancelled: the record would lose its plan."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Give the reason for cancelling."), field="reason")
    if row.is_cancelled:
        raise ApplicationError(_("This supervision is already cancelled."))
    if row.observations.exists():
        raise ApplicationError(_("This supervision already has an observation and cannot be cancelled."))
    row.cancelled_at, row.cancel_reason = timezone.now(), reason
    row.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    if row.programme.is_approved:
        _notify_schedule(programme=row.programme, rows=[row], kind=notices.CANCEL, matter=row)


def blocked_period_create(*, semester: Semester, start_date: dt.date, end_date: dt.date, reason: str) -> list[str]:
    """Block days of the semester for classroom observation; returns a warning when planned
    supervisions fall in them (they are not moved automatically)."""
    if end_date < start_date:
        raise ApplicationError(_("The end must not be before the start."), field="end_date")
    _date_check(semester=semester, day=start_date, field="start_date")
    _date_check(semester=semester, day=end_date, field="end_date")
    if not reason.strip():
        raise ApplicationError(_("Give the reason, e.g. Penilaian Tengah Semester."), field="reason")
    BlockedPeriod.objects.create(semester=semester, start_date=start_date, end_date=end_date, reason=reason.strip())
    start = timezone.make_aware(dt.datetime.combine(start_date, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(end_date + dt.timedelta(days=1), dt.time.min))
    clashes = ProgrammeRow.objects.filter(
        programme__semester=semester, cancelled_at__isnull=True, planned_at__gte=start, planned_at__lt=end
    ).count()
    if not clashes:
        return []
    return [
        ngettext(
            "%(count)s planned supervision falls in this period: reschedule it.",
            "%(count)s planned supervisions fall in this period: reschedule them.",
            clashes,
        )
        % {"count": clashes}
    ]


def blocked_period_delete(*, period: BlockedPeriod) -> None:
    period.delete()
