"""Supervision team and programme of a semester: services (writes) and selectors (reads).

The rules come from docs/domain.md §9 "Academic supervision": the Kepala names the team by decree (SK Tim
Supervisi); the Waka drafts the programme and the Kepala approves it ("disahkan"); a teacher is
supervised by a team member (same subject preferred), team members and the Waka by the Kepala, the
Kepala by the pengawas, and nobody by themself. §4 "Calendar": no classroom observation is planned in
exam weeks or the Ramadan timetable (blocked periods), nor on Sunday.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from madrasah.errors import ApplicationError
from madrasah.models import Madrasah, Membership, Role, Semester, Staff, Subject, TeacherType, User
from madrasah.notifications import notify_many

from .models import (
    BlockedPeriod,
    InstrumentKind,
    InstrumentVersion,
    Observation,
    ObservationState,
    Programme,
    ProgrammeRow,
    ProgrammeStatus,
    SupervisionTeam,
    TeamMember,
)

SUNDAY = 6


class RowStatus(models.TextChoices):
    """Where a planned supervision stands; computed in SQL, never stored."""

    PLANNED = "terjadwal", gettext_lazy("Planned")
    OVERDUE = "terlambat", gettext_lazy("Overdue")
    DONE = "selesai", gettext_lazy("Done")
    CANCELLED = "dibatalkan", gettext_lazy("Cancelled")


# --- Who supervises whom ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionPeople:
    """The madrasah's people as the supervision rules see them, read in four queries."""

    kepala_users: tuple[int, ...] = ()
    kepala_staff: frozenset[int] = frozenset()
    waka_users: tuple[int, ...] = ()
    waka_staff: frozenset[int] = frozenset()
    pengawas_users: tuple[int, ...] = ()
    team_staff: frozenset[int] = frozenset()
    staff_of_user: dict[int, int] = field(default_factory=dict)
    user_of_staff: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # user id → name with titles
    subjects: dict[int, tuple[int, ...]] = field(default_factory=dict)  # staff id → subject ids, in order

    @property
    def team_users(self) -> frozenset[int]:
        return frozenset(self.user_of_staff[s] for s in self.team_staff if s in self.user_of_staff)

    def name(self, user: User) -> str:
        return self.names.get(user.pk) or user.get_full_name() or user.username


def supervision_people(*, madrasah: Madrasah, semester: Semester) -> SupervisionPeople:
    memberships = (
        Membership.objects.filter(madrasah=madrasah, is_active=True)
        .select_related("user", "staff")
        .prefetch_related("roles")
        .order_by("pk")
    )
    by_role: dict[str, list[Membership]] = {role: [] for role in Role.values}
    staff_of_user, user_of_staff, names = {}, {}, {}
    for membership in memberships:
        for role in membership.role_set:
            by_role[role].append(membership)
        user = membership.user
        if membership.staff_id:
            staff_of_user[user.pk] = membership.staff_id
            user_of_staff[membership.staff_id] = user.pk
            names[user.pk] = membership.staff.full_name
        else:
            names[user.pk] = user.get_full_name() or _("Pengawas")
    subjects: dict[int, list[int]] = {}
    for staff_id, subject_id in (
        Staff.subjects.through.objects.filter(staff__madrasah=madrasah)
        .order_by("subject__order", "subject__name")
        .values_list("staff_id", "subject_id")
    ):
        subjects.setdefault(staff_id, []).append(subject_id)
    return SupervisionPeople(
        kepala_users=tuple(m.user_id for m in by_role[Role.KEPALA]),
        kepala_staff=frozenset(m.staff_id for m in by_role[Role.KEPALA] if m.staff_id),
        waka_users=tuple(m.user_id for m in by_role[Role.WAKA]),
        waka_staff=frozenset(m.staff_id for m in by_role[Role.WAKA] if m.staff_id),
        pengawas_users=tuple(m.user_id for m in by_role[Role.PENGAWAS]),
        team_staff=frozenset(TeamMember.objects.filter(team__semester=semester).values_list("staff_id", flat=True)),
        staff_of_user=staff_of_user,
        user_of_staff=user_of_staff,
        names=names,
        subjects={k: tuple(v) for k, v in subjects.items()},
    )


def supervisor_choices(*, people: SupervisionPeople) -> list[tuple[int, str]]:
    """Everyone who may be chosen as a supervisor: team members, the Waka, the Kepala, the pengawas
    (for the Kepala's own supervision). Which of them fits a given teacher is the service's check."""
    hints = {}
    for user_id in people.team_users:
        hints[user_id] = _("team")
    for user_id in people.waka_users:
        hints[user_id] = "Waka"
    for user_id in people.kepala_users:
        hints[user_id] = "Kepala"
    for user_id in people.pengawas_users:
        hints.setdefault(user_id, _("pengawas"))
    return sorted(
        ((user_id, f"{people.names.get(user_id, '')} ({hint})") for user_id, hint in hints.items()),
        key=lambda choice: choice[1].lower(),
    )


def supervisor_default(*, people: SupervisionPeople, user_id: int) -> int | None:
    """The person planning, when they may supervise (the Kepala, a Waka or a team member): most rows of
    a programme are their own. Whether they fit a given teacher stays the service's check."""
    if user_id in people.team_users or user_id in people.waka_users or user_id in people.kepala_users:
        return user_id
    return None


def _supervisor_check(*, people: SupervisionPeople, teacher: Staff, supervisor_id: int) -> None:
    if people.staff_of_user.get(supervisor_id) == teacher.pk:
        raise ApplicationError(_("Nobody supervises themself: choose another supervisor."), field="supervisor")
    if teacher.pk in people.kepala_staff:
        if supervisor_id not in people.pengawas_users:
            raise ApplicationError(
                _("The Kepala is supervised by the pengawas: choose the pengawas."), field="supervisor"
            )
    elif teacher.pk in people.team_staff or teacher.pk in people.waka_staff:
        if supervisor_id not in people.kepala_users:
            raise ApplicationError(
                _("Members of the supervision team and the Waka are supervised by the Kepala."), field="supervisor"
            )
    elif supervisor_id not in people.team_users | set(people.waka_users) | set(people.kepala_users):
        raise ApplicationError(
            _("Choose a member of the supervision team, the Waka or the Kepala as supervisor."), field="supervisor"
        )


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


def _day(when: dt.datetime) -> dt.date:
    return timezone.localtime(when).date()


def _date_check(*, semester: Semester, day: dt.date, field: str) -> None:
    if not semester.start_date <= day <= semester.end_date:
        raise ApplicationError(
            _("Choose a date within the semester (%(start)s – %(end)s).")
            % {"start": date_format(semester.start_date, "j F Y"), "end": date_format(semester.end_date, "j F Y")},
            field=field,
        )


def _blocked(day: dt.date, periods: Iterable[BlockedPeriod]) -> BlockedPeriod | None:
    return next((p for p in periods if p.start_date <= day <= p.end_date), None)


def _date_warnings(*, semester: Semester, planned_at: dt.datetime) -> list[str]:
    day = _day(planned_at)
    _date_check(semester=semester, day=day, field="planned_at")
    warnings = []
    if period := _blocked(day, semester.blocked_periods.all()):
        warnings.append(
            _("%(date)s falls in a blocked period (%(reason)s): classroom observation is normally not planned then.")
            % {"date": date_format(day, "l, j F Y"), "reason": period.reason}
        )
    if day.weekday() == SUNDAY:
        warnings.append(_("%(date)s is a Sunday.") % {"date": date_format(day, "l, j F Y")})
    return warnings


def _subject_warning(*, people: SupervisionPeople, supervisor_id: int, subject: Subject | None) -> str | None:
    staff_id = people.staff_of_user.get(supervisor_id)
    if subject is None or staff_id is None or subject.pk in people.subjects.get(staff_id, ()):
        return None
    return _("%(supervisor)s does not teach %(subject)s: a supervisor of the same subject is preferred.") % {
        "supervisor": people.names.get(supervisor_id, ""),
        "subject": subject.name,
    }


# --- Notices to teachers (no scores) -----------------------------------------------------------------


def _when(planned_at: dt.datetime) -> str:
    local = timezone.localtime(planned_at)
    return _("%(date)s at %(time)s") % {"date": date_format(local, "l, j F Y"), "time": local.strftime("%H.%M")}


def _teacher_users(*, madrasah_id: int, teacher_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        Membership.objects.filter(madrasah_id=madrasah_id, is_active=True, staff_id__in=set(teacher_ids)).values_list(
            "staff_id", "user_id"
        )
    )


def _notify_schedule(*, programme: Programme, rows: Iterable[ProgrammeRow], template: str) -> int:
    """One notice per teacher with a login, listing their dates. Texts are stored, so they are written
    in the madrasah's language (Indonesian), whatever the language of the person acting."""
    dates: dict[int, list[dt.datetime]] = {}
    for row in rows:
        dates.setdefault(row.teacher_id, []).append(row.planned_at)
    users = _teacher_users(madrasah_id=programme.madrasah_id, teacher_ids=dates)
    url = reverse("kompetensi:programme-detail", args=[programme.pk])
    with translation.override(settings.LANGUAGE_CODE):
        notes = [
            (users[teacher_id], _(template) % {"when": "; ".join(_when(d) for d in sorted(when))}, url)
            for teacher_id, when in dates.items()
            if teacher_id in users
        ]
    notify_many(madrasah=programme.madrasah, notes=notes)
    return len(notes)


# Marked for translation here, translated in the madrasah's language when the notice is written.
SCHEDULE_NOTICE = gettext_noop("Your academic supervision schedule: %(when)s")
RESCHEDULE_NOTICE = gettext_noop("Your academic supervision has been moved: %(when)s")
CANCEL_NOTICE = gettext_noop("Your academic supervision of %(when)s has been cancelled.")


# --- Team --------------------------------------------------------------------------------------------


def semester_by_slug(*, madrasah: Madrasah, slug: str) -> Semester | None:
    """`2025-2026-ganjil` → that semester of the madrasah, or None."""
    start, _sep, rest = slug.partition("-")
    end, _sep, kind = rest.partition("-")
    if not (start.isdigit() and end.isdigit() and int(end) == int(start) + 1):
        return None
    return (
        Semester.objects.filter(madrasah=madrasah, academic_year__start_year=int(start), kind=kind)
        .select_related("academic_year")
        .first()
    )


def team_candidates(*, madrasah: Madrasah) -> QuerySet[Staff]:
    """Who may be named to the team: any active teacher of the madrasah."""
    return (
        Staff.objects.filter(madrasah=madrasah).active().teachers().prefetch_related("subjects").order_by("name", "pk")
    )


@dataclass(frozen=True)
class TeamProposal:
    """What the decree page offers while a semester has no team yet."""

    decree_number: str
    decree_date: dt.date
    duties: dict[int, str]  # staff id → duty
    from_semester: Semester | None = None  # the semester whose decree is proposed again


def _usual_duties(*, kepala_staff: list[int], waka_staff: list[int]) -> dict[int, str]:
    """The Kepala chairs the team and the Waka Kurikulum is its secretary; without a Kepala among the
    teachers the Waka chairs (docs/domain.md §9: the team is the Waka plus senior teachers)."""
    duties = dict.fromkeys(kepala_staff, "Ketua")
    free = iter(["Sekretaris"] if duties else ["Ketua", "Sekretaris"])
    for staff_id in waka_staff:
        if staff_id not in duties:
            duties[staff_id] = next(free, "Anggota")
    return duties


def team_proposal(*, semester: Semester, candidates: Iterable[Staff], today: dt.date) -> TeamProposal:
    """The team a Kepala usually names: the decree of another semester of the same year when there is one
    (one SK then covers the year), else the Kepala and the Waka Kurikulum, dated `today` (the madrasah's
    day). Only active teachers (`candidates`) are proposed. Two queries."""
    candidate_ids = {staff.pk for staff in candidates}
    earlier = (
        SupervisionTeam.objects.filter(semester__academic_year_id=semester.academic_year_id)
        .exclude(semester=semester)
        .select_related("semester__academic_year")
        .prefetch_related(Prefetch("memberships", queryset=TeamMember.objects.order_by("pk")))
        .order_by("-semester__start_date")
        .first()
    )
    if earlier is not None:
        duties = {m.staff_id: m.duty for m in earlier.memberships.all() if m.staff_id in candidate_ids}
        if duties:
            return TeamProposal(earlier.decree_number, earlier.decree_date, duties, from_semester=earlier.semester)
    held = (
        Membership.objects.filter(
            madrasah_id=semester.madrasah_id,
            is_active=True,
            staff_id__in=candidate_ids,
            roles__role__in=[Role.KEPALA, Role.WAKA],
        )
        .order_by("staff__name", "staff_id")
        .values_list("staff_id", "roles__role")
    )
    kepala_staff = [staff_id for staff_id, role in held if role == Role.KEPALA]
    waka_staff = [staff_id for staff_id, role in held if role == Role.WAKA]
    return TeamProposal("", today, _usual_duties(kepala_staff=kepala_staff, waka_staff=waka_staff))


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


# --- Programme ---------------------------------------------------------------------------------------


def programme_defaults(*, semester: Semester) -> dict[str, str]:
    """Texts a new programme starts from; the Waka adapts them. Regulations cited generically and by
    their correct titles (docs/domain.md §3: PMA 58/2017 on the Kepala's duty to supervise teachers)."""
    year = semester.academic_year.name
    return {
        "legal_basis": "\n".join(
            [
                "1. Undang-Undang Nomor 20 Tahun 2003 tentang Sistem Pendidikan Nasional.",
                "2. Undang-Undang Nomor 14 Tahun 2005 tentang Guru dan Dosen.",
                "3. Peraturan Pemerintah Nomor 57 Tahun 2021 tentang Standar Nasional Pendidikan "
                "sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 4 Tahun 2022.",
                "4. Peraturan Menteri Pendidikan Nasional Nomor 13 Tahun 2007 tentang Standar Kepala "
                "Sekolah/Madrasah (kompetensi supervisi).",
                "5. Peraturan Menteri Agama Nomor 58 Tahun 2017 tentang Kepala Madrasah beserta perubahannya.",
                "6. Peraturan Menteri Pendidikan, Kebudayaan, Riset, dan Teknologi tentang Standar Proses "
                "yang berlaku.",
                "7. Keputusan Menteri Agama tentang Pedoman Implementasi Kurikulum pada Madrasah yang berlaku.",
                f"8. Rencana Kerja dan Anggaran Madrasah (RKAM) Tahun Pelajaran {year}.",
            ]
        ),
        "purpose": "\n".join(
            [
                "Supervisi akademik bertujuan membina guru agar mampu merencanakan, melaksanakan, dan menilai "
                "pembelajaran dengan baik, sehingga mutu pembelajaran di madrasah meningkat. Secara khusus:",
                "1. mengetahui kesiapan administrasi pembelajaran guru (CP, TP/ATP, prota, promes, modul ajar, "
                "asesmen);",
                "2. mengamati pelaksanaan pembelajaran di kelas (kegiatan pendahuluan, inti, dan penutup);",
                "3. memberikan umpan balik dan pembinaan berdasarkan hasil pengamatan;",
                "4. menyusun rencana tindak lanjut (RTL) untuk pengembangan keprofesian guru.",
            ]
        ),
        "targets": "\n".join(
            [
                f"1. Seluruh guru madrasah disupervisi sekurang-kurangnya satu kali pada semester {semester}.",
                "2. Administrasi pembelajaran setiap guru lengkap dan sesuai Kurikulum Merdeka.",
                "3. Pembelajaran di kelas berpusat pada peserta didik dan mencapai tujuan pembelajaran.",
                "4. Setiap hasil supervisi disampaikan kepada guru dan ditindaklanjuti sesuai RTL.",
            ]
        ),
        "techniques": "\n".join(
            [
                "1. Kunjungan kelas (observasi pembelajaran) sesuai jadwal.",
                "2. Supervisi individual: percakapan pra-observasi, observasi, dan percakapan pasca-observasi "
                "(umpan balik dan refleksi).",
                "3. Supervisi kelompok: rapat guru, diskusi kelompok MGMP, dan in-house training.",
                "4. Telaah dokumen administrasi pembelajaran.",
            ]
        ),
    }


@transaction.atomic
def programme_create(
    *, semester: Semester, created_by: User, legal_basis: str, purpose: str, targets: str, techniques: str
) -> Programme:
    """Draft the semester's programme (one per semester)."""
    if Programme.objects.filter(semester=semester).exists():
        raise ApplicationError(_("This semester already has a supervision programme."))
    return Programme.objects.create(
        madrasah_id=semester.madrasah_id,
        semester=semester,
        created_by=created_by,
        legal_basis=legal_basis,
        purpose=purpose,
        targets=targets,
        techniques=techniques,
    )


def programme_update(*, programme: Programme, legal_basis: str, purpose: str, targets: str, techniques: str) -> None:
    """Change the texts of a draft; an approved programme's texts are what the Kepala signed."""
    if programme.is_approved:
        raise ApplicationError(_("The programme is approved: its texts can no longer change."))
    programme.legal_basis, programme.purpose = legal_basis, purpose
    programme.targets, programme.techniques = targets, techniques
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
    return _notify_schedule(programme=programme, rows=rows, template=SCHEDULE_NOTICE)


# --- Rows --------------------------------------------------------------------------------------------


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
) -> tuple[ProgrammeRow, list[str]]:
    """Plan one supervision. Refused: a teacher outside the madrasah, instruments of another year or
    PKG, a supervisor the rules exclude, a date outside the semester. Returned as warnings (the row is
    saved): a blocked period, a Sunday, a supervisor of another subject. On an approved programme the
    teacher is notified."""
    semester = programme.semester
    _teacher_check(semester=semester, teacher=teacher)
    instrument_ids = _instruments_check(semester=semester, instruments=instruments)
    people = supervision_people(madrasah=programme.madrasah, semester=semester)
    _supervisor_check(people=people, teacher=teacher, supervisor_id=supervisor.pk)
    warnings = _date_warnings(semester=semester, planned_at=planned_at)
    if warning := _subject_warning(people=people, supervisor_id=supervisor.pk, subject=subject):
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
        _notify_schedule(programme=programme, rows=[row], template=SCHEDULE_NOTICE)
    return row, warnings


def _has_taken_place(row: ProgrammeRow) -> bool:
    return row.observations.exclude(state=ObservationState.DRAFT).exists()


@transaction.atomic
def programme_row_reschedule(*, row: ProgrammeRow, planned_at: dt.datetime) -> list[str]:
    """Move a supervision, with the date checks of a new one; returns the warnings. On an approved
    programme the teacher is notified."""
    if row.is_cancelled:
        raise ApplicationError(_("This supervision is cancelled and cannot be rescheduled."))
    if _has_taken_place(row):
        raise ApplicationError(_("This supervision has already taken place."))
    warnings = _date_warnings(semester=row.programme.semester, planned_at=planned_at)
    row.planned_at = planned_at
    row.save(update_fields=["planned_at", "updated_at"])
    if row.programme.is_approved:
        _notify_schedule(programme=row.programme, rows=[row], template=RESCHEDULE_NOTICE)
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
        _notify_schedule(programme=row.programme, rows=[row], template=CANCEL_NOTICE)


@dataclass
class BulkResult:
    created: int = 0
    warnings: list[str] = field(default_factory=list)


def _school_slots(
    *, start: dt.date, end: dt.date, times: list[dt.time], periods: list[BlockedPeriod], taken: set[dt.datetime]
) -> Iterator[dt.datetime]:
    """Monday–Saturday from `start` to `end`, each day's `times`, skipping blocked periods and taken slots."""
    day = start
    while day <= end:
        if day.weekday() != SUNDAY and _blocked(day, periods) is None:
            for time in times:
                at = timezone.make_aware(dt.datetime.combine(day, time))
                if at not in taken:
                    yield at
        day += dt.timedelta(days=1)


def _bulk_supervisor(*, people: SupervisionPeople, teacher_id: int, load: Counter) -> int | None:
    """The Kepala for the team and the Waka; the pengawas for the Kepala; else the least-loaded team
    member sharing a subject with the teacher; else the Waka; else the Kepala."""
    if teacher_id in people.kepala_staff:
        return people.pengawas_users[0] if people.pengawas_users else None
    if teacher_id in people.team_staff or teacher_id in people.waka_staff:
        return people.kepala_users[0] if people.kepala_users else None
    subjects = set(people.subjects.get(teacher_id, ()))
    sharing = [
        people.user_of_staff[s]
        for s in people.team_staff
        if s != teacher_id and s in people.user_of_staff and subjects & set(people.subjects.get(s, ()))
    ]
    if sharing:
        return min(sharing, key=lambda user_id: (load[user_id], people.names.get(user_id, "")))
    fallback = [u for u in (*people.waka_users, *people.kepala_users) if people.staff_of_user.get(u) != teacher_id]
    return fallback[0] if fallback else None


@transaction.atomic
def programme_rows_bulk_create(
    *,
    programme: Programme,
    instruments: Iterable[InstrumentVersion],
    start_date: dt.date,
    first_time: dt.time,
    slot_minutes: int,
    slots_per_day: int,
) -> BulkResult:
    """Plan one supervision for every active teacher who has none in this programme yet, spread over
    school days from `start_date` (`slots_per_day` slots `slot_minutes` apart from `first_time`),
    with supervisors chosen by the rules. All or nothing; running it again creates nothing new."""
    semester = programme.semester
    _date_check(semester=semester, day=start_date, field="start_date")
    if slots_per_day < 1 or slot_minutes < 1:
        raise ApplicationError(_("Give at least one slot a day."), field="slots_per_day")
    first = dt.datetime.combine(start_date, first_time)
    times = [(first + dt.timedelta(minutes=slot_minutes * n)).time() for n in range(slots_per_day)]
    if (first + dt.timedelta(minutes=slot_minutes * (slots_per_day - 1))).date() != start_date:
        raise ApplicationError(_("The last slot must start on the same day."), field="slots_per_day")
    instrument_ids = _instruments_check(semester=semester, instruments=instruments)
    people = supervision_people(madrasah=programme.madrasah, semester=semester)
    teachers = list(teachers_without_row(programme=programme).order_by("name", "pk"))
    existing = list(programme.rows.filter(cancelled_at__isnull=True).values_list("supervisor_id", "planned_at"))
    load = Counter(supervisor_id for supervisor_id, _at in existing)
    slots = _school_slots(
        start=start_date,
        end=semester.end_date,
        times=times,
        periods=list(semester.blocked_periods.all()),
        taken={at for _s, at in existing},
    )
    result, rows, mismatched, unplaced = BulkResult(), [], 0, 0
    for teacher in teachers:
        supervisor_id = _bulk_supervisor(people=people, teacher_id=teacher.pk, load=load)
        if supervisor_id is None:
            result.warnings.append(
                _("%(name)s was skipped: there is no pengawas (or Kepala) to supervise them. Plan it by hand.")
                % {"name": teacher.full_name}
            )
            continue
        at = next(slots, None)
        if at is None:
            unplaced += 1
            continue
        subject_id = next(iter(people.subjects.get(teacher.pk, ())), None)
        supervisor_staff = people.staff_of_user.get(supervisor_id)
        if subject_id and supervisor_staff and subject_id not in people.subjects.get(supervisor_staff, ()):
            mismatched += 1
        load[supervisor_id] += 1
        rows.append(
            ProgrammeRow(
                programme=programme, teacher=teacher, supervisor_id=supervisor_id, planned_at=at, subject_id=subject_id
            )
        )
    created = ProgrammeRow.objects.bulk_create(rows)
    through = ProgrammeRow.instruments.through
    through.objects.bulk_create(
        [through(programmerow_id=row.pk, instrumentversion_id=v) for row in created for v in instrument_ids]
    )
    result.created = len(created)
    if unplaced:
        result.warnings.append(
            ngettext(
                "%(count)s teacher could not be placed before the semester ends.",
                "%(count)s teachers could not be placed before the semester ends.",
                unplaced,
            )
            % {"count": unplaced}
        )
    if mismatched:
        result.warnings.append(
            ngettext(
                "%(count)s supervision has a supervisor of another subject (no team member shares it).",
                "%(count)s supervisions have a supervisor of another subject (no team member shares it).",
                mismatched,
            )
            % {"count": mismatched}
        )
    if programme.is_approved and created:
        _notify_schedule(programme=programme, rows=created, template=SCHEDULE_NOTICE)
    return result


# --- Blocked periods ---------------------------------------------------------------------------------


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


# --- Reads -------------------------------------------------------------------------------------------


def supervision_instruments(*, semester: Semester) -> QuerySet[InstrumentVersion]:
    """Instrument versions a row may use: the semester's academic year, supervision kinds (not PKG)."""
    return (
        InstrumentVersion.objects.filter(
            instrument__madrasah_id=semester.madrasah_id, academic_year_id=semester.academic_year_id
        )
        .exclude(instrument__kind=InstrumentKind.PKG)
        .select_related("instrument")
        .order_by("instrument__kind", "instrument__name")
    )


def programme_rows(*, programme: Programme, now: dt.datetime | None = None) -> QuerySet[ProgrammeRow]:
    """Rows with their status (`row_status`) and week (`week`, a Monday) computed in SQL: done when an
    observation went past draft; overdue when past and not done."""
    now = now or timezone.now()
    done = Exists(Observation.objects.filter(row=OuterRef("pk")).exclude(state=ObservationState.DRAFT))
    return (
        programme.rows.annotate(
            row_status=Case(
                When(cancelled_at__isnull=False, then=Value(RowStatus.CANCELLED.value)),
                When(done, then=Value(RowStatus.DONE.value)),
                When(planned_at__lt=now, then=Value(RowStatus.OVERDUE.value)),
                default=Value(RowStatus.PLANNED.value),
                output_field=models.CharField(),
            ),
            week=TruncWeek("planned_at"),
        )
        .select_related("teacher", "subject", "supervisor")
        .prefetch_related(
            Prefetch("instruments", queryset=InstrumentVersion.objects.select_related("instrument")),
            # For the observation buttons of each row: which instrument is started, and its state.
            Prefetch(
                "observations", queryset=Observation.objects.only("pk", "row_id", "instrument_version_id", "state")
            ),
        )
        .order_by("planned_at", "pk")
    )


def programme_rows_filter(
    rows: QuerySet[ProgrammeRow], *, status: str = "", supervisor_id: int | None = None
) -> QuerySet[ProgrammeRow]:
    if status in RowStatus.values:
        rows = rows.filter(row_status=status)
    if supervisor_id:
        rows = rows.filter(supervisor_id=supervisor_id)
    return rows


def programme_row_counts(rows: QuerySet[ProgrammeRow]) -> dict[str, int]:
    """How many rows of each status, in one query: `{"terjadwal": 3, ...}` with every status present."""
    counts = rows.aggregate(**{s: Count("pk", filter=Q(row_status=s)) for s in RowStatus.values})
    return {s: counts[s] or 0 for s in RowStatus.values}


def rows_for_display(rows: Iterable[ProgrammeRow], *, people: SupervisionPeople | None = None) -> list[ProgrammeRow]:
    """Attach `status_label` and, given the people read once, `supervisor_name` (with titles)."""
    rows = list(rows)
    labels = dict(RowStatus.choices)
    for row in rows:
        row.status_label = labels.get(row.row_status, "")
        if people is not None:
            row.supervisor_name = people.name(row.supervisor)
    return rows


def supervisions_of_user(*, user: User, programme: Programme, now: dt.datetime | None = None):
    """The supervisions `user` carries out in the programme: the Waka's weekly list."""
    return programme_rows(programme=programme, now=now).filter(supervisor=user)


def programme_row_can_observe(row: ProgrammeRow) -> bool:
    """Whether an observation may start on this row: the programme is approved and the row is not
    cancelled (used by the observation pages)."""
    return row.programme.is_approved and not row.is_cancelled


def programme_of_semester(*, semester: Semester) -> Programme | None:
    return Programme.objects.filter(semester=semester).first()


def blocked_periods(*, semester: Semester) -> QuerySet[BlockedPeriod]:
    return semester.blocked_periods.order_by("start_date", "pk")


def teachers_without_row(*, programme: Programme) -> QuerySet[Staff]:
    """Active teachers with no supervision in the programme yet: what a bulk run would plan."""
    return (
        Staff.objects.filter(madrasah_id=programme.madrasah_id)
        .active()
        .teachers()
        .exclude(supervision_rows__programme=programme)
    )
