"""PKG set-up writes: the yearly appraisal period and the assessor of each teacher.

docs/domain.md §7 "The four competencies and the PKG instrument": an appointed assessor — the Kepala, the
Waka or a senior teacher; the pengawas for the Kepala — appraises each teacher once a year with the
PKG instrument of the teacher's type (subject teacher or guidance counsellor).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kompetensi.instruments.services import instrument_version_freeze
from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear, Staff, TeacherType, User

from ...models import Appraisal, AppraisalEvent, AppraisalPeriod, AppraisalStage
from ..selectors.setup import (
    appraisal_teachers,
    assessor_choices,
    kepala_staff_ids,
    pkg_version_for,
    pkkm_version_for,
)
from .closing import refuse_if_closed


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


def _no_version_message(teacher: Staff) -> str:
    if teacher.teacher_type == TeacherType.COUNSELLOR:
        return _(
            "%(name)s is a guidance counsellor (BK): this madrasah has no PKG instrument for BK teachers in this "
            "academic year yet. Create the default instruments on the instrument page (they include an example "
            "BK instrument) or add your own, then assign the assessor. The other teachers are not affected."
        ) % {"name": teacher.full_name}
    return _(
        "There is no PKG instrument for subject teachers in this academic year yet. Create the default "
        "instruments on the instrument page first."
    )


@transaction.atomic
def appraisal_assign(*, period: AppraisalPeriod, teacher: Staff, assessor: User, user: User) -> Appraisal:
    """Assign (or change) the assessor of `teacher` in `period`, creating the appraisal with the PKG
    version of the teacher's type, or the PKKM version for the Kepala (frozen from then on). The
    assessor changes only while the stage is "proses". Writes an "assigned"/"assessor_changed" event.
    Safe to retry: same assessor, no change. Refused while the year's PKG is closed (`closing`)."""
    if teacher.madrasah_id != period.madrasah_id or not teacher.is_active or teacher.teacher_type == TeacherType.NONE:
        raise ApplicationError(_("Only active teachers of this madrasah are appraised."), field="teacher")
    refuse_if_closed(period.pk)
    if assessor.memberships.filter(madrasah_id=period.madrasah_id, staff_id=teacher.pk).exists():
        raise ApplicationError(_("A teacher cannot appraise himself or herself."), field="assessor")
    if assessor.pk not in {c.user.pk for c in assessor_choices(period=period, teacher=teacher)}:
        if teacher.pk in kepala_staff_ids(period.madrasah_id):
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
    # The Kepala is appraised with his own instrument (PKKM), not with the teachers' PKG.
    if teacher.pk in kepala_staff_ids(period.madrasah_id):
        version = pkkm_version_for(period=period)
        missing = _(
            "There is no PKKM instrument for the Kepala in this academic year yet. Create the default "
            "instruments on the instrument page first."
        )
    else:
        version = pkg_version_for(period=period, teacher_type=teacher.teacher_type)
        missing = _no_version_message(teacher)
    if version is None:
        raise ApplicationError(missing, field="teacher")
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
