"""PKG set-up: the yearly appraisal period and the assessor of each teacher.

docs/domain.md §7 "The four competencies and the PKG instrument": an appointed assessor — the Kepala, the
Waka or a senior teacher; the pengawas for the Kepala — appraises each teacher once a year with the
PKG instrument of the teacher's type (subject teacher or guidance counsellor).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear, Membership, Role, Staff, TeacherType, User

from ..models import (
    Appraisal,
    AppraisalEvent,
    AppraisalPeriod,
    AppraisalStage,
    InstrumentKind,
    InstrumentVersion,
)
from ..services import instrument_version_freeze
from .closing import refuse_if_closed


def _kepala_staff_ids(madrasah_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            madrasah_id=madrasah_id, is_active=True, roles__role=Role.KEPALA, staff__isnull=False
        ).values_list("staff_id", flat=True)
    )


def appraisal_teachers(*, madrasah_id: int):
    """Every active teacher (subject or BK) of the madrasah: who is appraised each year."""
    return Staff.objects.filter(madrasah_id=madrasah_id).active().teachers().order_by("name")


@transaction.atomic
def appraisal_period_create(
    *, madrasah_id: int, academic_year: AcademicYear, start_date: dt.date, end_date: dt.date, user: User
) -> AppraisalPeriod:
    """The PKG period of `academic_year` (one per madrasah and year), between dates inside that year
    (July–June). Writes one row; a retry after success is refused as a duplicate."""
    if academic_year.madrasah_id != madrasah_id:
        raise ApplicationError(_("Choose an academic year of this madrasah."), field="academic_year")
    if end_date < start_date:
        raise ApplicationError(_("The end date must not be before the start date."), field="end_date")
    if not (academic_year.start_date <= start_date and end_date <= academic_year.end_date):
        raise ApplicationError(
            _("The dates must lie within the academic year %(year)s (%(start)s – %(end)s).")
            % {
                "year": academic_year.name,
                "start": academic_year.start_date.strftime("%d-%m-%Y"),
                "end": academic_year.end_date.strftime("%d-%m-%Y"),
            },
            field="start_date",
        )
    if AppraisalPeriod.objects.filter(madrasah_id=madrasah_id, academic_year=academic_year).exists():
        raise ApplicationError(_("This academic year already has a PKG period."), field="academic_year")
    try:
        with transaction.atomic():
            return AppraisalPeriod.objects.create(
                madrasah_id=madrasah_id,
                academic_year=academic_year,
                start_date=start_date,
                end_date=end_date,
                created_by=user,
            )
    except IntegrityError:  # two Kepala clicks at once: the constraint decides
        raise ApplicationError(_("This academic year already has a PKG period."), field="academic_year") from None


def pkg_version_for(*, period: AppraisalPeriod, teacher_type: str) -> InstrumentVersion | None:
    """The PKG instrument version of the period's year whose framework is for `teacher_type`."""
    return (
        InstrumentVersion.objects.filter(
            instrument__madrasah_id=period.madrasah_id,
            instrument__kind=InstrumentKind.PKG,
            academic_year_id=period.academic_year_id,
            framework__teacher_type=teacher_type,
        )
        .select_related("framework")
        .order_by("-framework__version", "pk")
        .first()
    )


def _no_version_message(teacher: Staff) -> str:
    if teacher.teacher_type == TeacherType.COUNSELLOR:
        return _(
            "%(name)s is a guidance counsellor (BK): there is no PKG instrument for BK teachers this year yet, "
            "so no assessor can be assigned. The other teachers are not affected."
        ) % {"name": teacher.full_name}
    return _(
        "There is no PKG instrument for subject teachers in this academic year yet. Create the default "
        "instruments on the instrument page first."
    )


@dataclass(frozen=True)
class Candidate:
    user: User
    name: str
    staff_id: int | None
    pengawas: bool
    teacher: bool  # Kepala, Waka or an active teacher with a login: may appraise teachers


def assessor_candidates(*, madrasah_id: int) -> list[Candidate]:
    """Every login of the madrasah that may appraise someone, named as printed (one query)."""
    memberships = (
        Membership.objects.filter(madrasah_id=madrasah_id, is_active=True)
        .select_related("user", "staff")
        .prefetch_related("roles")
    )
    candidates = []
    for m in memberships:
        roles = m.role_set
        staff = m.staff
        teacher = bool(
            roles & {Role.KEPALA, Role.WAKA, Role.GURU}
            and staff is not None
            and staff.is_active
            and staff.teacher_type != TeacherType.NONE
        )
        pengawas = Role.PENGAWAS in roles
        if teacher or pengawas:
            name = staff.full_name if staff else (m.user.get_full_name() or m.user.username)
            candidates.append(Candidate(m.user, name, m.staff_id, pengawas, teacher))
    return sorted(candidates, key=lambda c: c.name)


def assessor_choices(
    *, period: AppraisalPeriod, teacher: Staff, candidates: list[Candidate] | None = None
) -> list[Candidate]:
    """Who may appraise `teacher`: for the Kepala, a pengawas of the madrasah only; for anyone else the
    Kepala, the Waka or a senior teacher (any active teacher with a login). Never the teacher."""
    if candidates is None:
        candidates = assessor_candidates(madrasah_id=period.madrasah_id)
    if teacher.pk in _kepala_staff_ids(period.madrasah_id):
        return [c for c in candidates if c.pengawas and c.staff_id != teacher.pk]
    return [c for c in candidates if c.teacher and c.staff_id != teacher.pk]


def user_display_name(*, user: User, madrasah_id: int) -> str:
    """The name a login is shown with in this madrasah (the staff name with titles, if any)."""
    membership = Membership.objects.filter(user=user, madrasah_id=madrasah_id).select_related("staff").first()
    if membership is not None and membership.staff_id:
        return membership.staff.full_name
    return user.get_full_name() or user.username


@transaction.atomic
def appraisal_assign(*, period: AppraisalPeriod, teacher: Staff, assessor: User, user: User) -> Appraisal:
    """Assign (or change) the assessor of `teacher` in `period`, creating the appraisal with the PKG
    version of the teacher's type (frozen from then on). The assessor changes only while the stage is
    "proses". Writes an "assigned"/"assessor_changed" event. Safe to retry: same assessor, no change.
    Refused while the year's PKG is closed (`closing`)."""
    if teacher.madrasah_id != period.madrasah_id or not teacher.is_active or teacher.teacher_type == TeacherType.NONE:
        raise ApplicationError(_("Only active teachers of this madrasah are appraised."), field="teacher")
    refuse_if_closed(period.pk)
    if assessor.memberships.filter(madrasah_id=period.madrasah_id, staff_id=teacher.pk).exists():
        raise ApplicationError(_("A teacher cannot appraise himself or herself."), field="assessor")
    if assessor.pk not in {c.user.pk for c in assessor_choices(period=period, teacher=teacher)}:
        if teacher.pk in _kepala_staff_ids(period.madrasah_id):
            raise ApplicationError(_("The Kepala is appraised by the pengawas only."), field="assessor")
        raise ApplicationError(
            _("The assessor must be the Kepala, the Waka or a senior teacher of this madrasah with a login."),
            field="assessor",
        )
    existing = Appraisal.objects.select_for_update().filter(period=period, teacher=teacher).first()
    if existing is not None:
        if existing.assessor_id == assessor.pk:
            return existing
        if existing.stage != AppraisalStage.IN_PROGRESS:
            raise ApplicationError(
                _("The assessor can be changed only while the appraisal is in progress."), field="assessor"
            )
        change = {"what": "assessor", "from": existing.assessor_id, "to": assessor.pk}
        existing.assessor = assessor
        existing.save(update_fields=["assessor", "updated_at"])
        AppraisalEvent.objects.create(appraisal=existing, actor=user, action="assessor_changed", changes=[change])
        return existing
    version = pkg_version_for(period=period, teacher_type=teacher.teacher_type)
    if version is None:
        raise ApplicationError(_no_version_message(teacher), field="teacher")
    appraisal = Appraisal.objects.create(
        madrasah_id=period.madrasah_id,
        period=period,
        teacher=teacher,
        assessor=assessor,
        instrument_version=version,
    )
    instrument_version_freeze(version=version)
    AppraisalEvent.objects.create(
        appraisal=appraisal,
        actor=user,
        action="assigned",
        changes=[{"what": "assessor", "from": None, "to": assessor.pk}],
    )
    return appraisal


@dataclass
class BulkAssignResult:
    assigned: list[Appraisal]
    problems: list[str]


def appraisal_assign_unassigned(*, period: AppraisalPeriod, assessor: User, user: User) -> BulkAssignResult:
    """Give `assessor` every teacher of the period without an assessor yet. Teachers the assessor may
    not appraise (himself; the Kepala unless the assessor is a pengawas; a BK teacher without an
    instrument) are skipped with a message; each assignment is its own transaction."""
    assigned_ids = set(period.appraisals.values_list("teacher_id", flat=True))
    result = BulkAssignResult([], [])
    for teacher in appraisal_teachers(madrasah_id=period.madrasah_id).exclude(pk__in=assigned_ids):
        try:
            result.assigned.append(appraisal_assign(period=period, teacher=teacher, assessor=assessor, user=user))
        except ApplicationError as error:
            result.problems.append(f"{teacher.full_name}: {error.message}")
    return result


def appraisal_period_overview(*, period: AppraisalPeriod, membership: Membership) -> list[dict]:
    """Every active teacher with assessor, stage and — for the Kepala, or the row's own assessor —
    Nilai PKG and predikat. PKG results are confidential: the Waka reads the stages of all teachers
    but not their scores; a senior-teacher assessor sees only the teachers assigned to him."""
    appraisals = {a.teacher_id: a for a in period.appraisals.select_related("assessor")}
    names = {c.user.pk: c.name for c in assessor_candidates(madrasah_id=period.madrasah_id)}
    is_kepala = membership.has_role(Role.KEPALA)
    reads_all = is_kepala or membership.has_role(Role.WAKA)
    rows = []
    for teacher in appraisal_teachers(madrasah_id=period.madrasah_id):
        appraisal = appraisals.get(teacher.pk)
        own = appraisal is not None and appraisal.assessor_id == membership.user_id
        if not reads_all and not own:
            continue
        rows.append(
            {
                "teacher": teacher,
                "appraisal": appraisal,
                "assessor_name": (names.get(appraisal.assessor_id) or str(appraisal.assessor)) if appraisal else "",
                "show_scores": appraisal is not None and (is_kepala or own),
                "can_open": appraisal is not None and (is_kepala or own),
            }
        )
    return rows
