"""PKG set-up reads: who is appraised, by whom they may be, and the period page's rows.

docs/domain.md §7 "The four competencies and the PKG instrument": an appointed assessor — the Kepala, the
Waka or a senior teacher; the pengawas for the Kepala — appraises each teacher once a year with the
PKG instrument of the teacher's type (subject teacher or guidance counsellor).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from madrasah.models import Membership, Role, Semester, Staff, TeacherType, User

from ...models import Appraisal, AppraisalPeriod, AppraisalStage, InstrumentKind, InstrumentVersion


def kepala_staff_ids(madrasah_id: int) -> set[int]:
    """The staff records of the madrasah's Kepala (appraised by the pengawas only)."""
    return set(
        Membership.objects.filter(
            madrasah_id=madrasah_id, is_active=True, roles__role=Role.KEPALA, staff__isnull=False
        ).values_list("staff_id", flat=True)
    )


def appraisal_teachers(*, madrasah_id: int):
    """Every active teacher (subject or BK) of the madrasah: who is appraised each year."""
    return Staff.objects.filter(madrasah_id=madrasah_id).active().teachers().order_by("name")


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


def pkkm_version_for(*, period: AppraisalPeriod) -> InstrumentVersion | None:
    """The Kepala's PKKM instrument version of the period's year (docs/domain.md §13)."""
    return (
        InstrumentVersion.objects.filter(
            instrument__madrasah_id=period.madrasah_id,
            instrument__kind=InstrumentKind.PKKM,
            academic_year_id=period.academic_year_id,
        )
        .select_related("framework")
        .order_by("pk")
        .first()
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
    if teacher.pk in kepala_staff_ids(period.madrasah_id):
        return [c for c in candidates if c.pengawas and c.staff_id != teacher.pk]
    return [c for c in candidates if c.teacher and c.staff_id != teacher.pk]


def user_display_name(*, user: User, madrasah_id: int) -> str:
    """The name a login is shown with in this madrasah (the staff name with titles, if any)."""
    membership = Membership.objects.filter(user=user, madrasah_id=madrasah_id).select_related("staff").first()
    if membership is not None and membership.staff_id:
        return membership.staff.full_name
    return user.get_full_name() or user.username


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


def may_list_periods(membership: Membership) -> bool:
    """The Kepala and the Waka read every period; anyone else only once assessing someone."""
    return (
        membership.has_role(Role.KEPALA, Role.WAKA)
        or Appraisal.objects.filter(madrasah_id=membership.madrasah_id, assessor_id=membership.user_id).exists()
    )


def appraisal_periods_for(*, membership: Membership) -> QuerySet[AppraisalPeriod]:
    """The periods the member reads: all for the Kepala and the Waka, else those he assesses in."""
    periods = AppraisalPeriod.objects.filter(madrasah_id=membership.madrasah_id).select_related("academic_year")
    if not membership.has_role(Role.KEPALA, Role.WAKA):
        periods = periods.filter(appraisals__assessor_id=membership.user_id).distinct()
    return periods


def appraisals_assessed_by(*, membership: Membership) -> QuerySet[Appraisal]:
    """The appraisals the member assesses, newest year first."""
    return (
        Appraisal.objects.filter(madrasah_id=membership.madrasah_id, assessor_id=membership.user_id)
        .select_related("teacher", "period__academic_year")
        .order_by("-period__academic_year__start_year", "teacher__name")
    )


def assessor_choices_per_row(*, period: AppraisalPeriod, rows: list[dict], candidates: list[Candidate]) -> None:
    """Give each row still open to an assessor change its `choices` (`assessor_choices` for many rows:
    the Kepala's staff ids read once)."""
    kepala_ids = kepala_staff_ids(period.madrasah_id)
    for row in rows:
        appraisal = row["appraisal"]
        if appraisal is None or appraisal.stage == AppraisalStage.IN_PROGRESS:
            teacher = row["teacher"]
            row["choices"] = (
                [c for c in candidates if c.pengawas and c.staff_id != teacher.pk]
                if teacher.pk in kepala_ids
                else [c for c in candidates if c.teacher and c.staff_id != teacher.pk]
            )


def period_initial(*, madrasah_id: int) -> dict:
    """A new period's form starts on the active semester's academic year, whole (none: empty)."""
    active = Semester.objects.filter(madrasah_id=madrasah_id, is_active=True).select_related("academic_year").first()
    if active is None:
        return {}
    year = active.academic_year
    return {"academic_year": year.pk, "start_date": year.start_date, "end_date": year.end_date}
