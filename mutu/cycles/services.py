"""Quality cycles (siklus PDCA): plan, activities, progress, Check, Act and the stage transitions.

docs/domain.md §11: Plan a target on a measurable indicator with baseline, owner,
team, activities, cost and funding source; Do logs activities and evidence; Check measures the
indicator from the product's own data; Act standardises what worked or opens the next cycle,
recording supporting and inhibiting factors.

Rules kept here, each refused with one `ApplicationError` at the form field it concerns, before
anything is written (every writing service is atomic):
- stages move Plan → Do → Check → Act → closed, one at a time, each behind its gate; the only way
  back is the Kepala's "reopen to the previous stage" with a reason; a closed cycle never changes;
- the target lies in the indicator's range and the indicator has the parameters it needs;
- activities take place within the cycle's period and cost ≥ 0 Rupiah;
- every change of stage, plan, activity, measurement and decision is a `CycleEvent` with its actor
  and, for stages, `{"what": "stage", "from": …, "to": …}`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kompetensi import seed_data
from kompetensi.models import AppreciationNote, Competency, FollowUp, FollowUpKind, Instrument, InstrumentKind, Section
from kompetensi.workflow.evidence import evidence_check, evidence_original_name
from madrasah.errors import ApplicationError
from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear, Madrasah, Membership, Role, Semester, Staff, User
from madrasah.versioning import version_claim

from ..models import (
    MONEY,
    STAGE_ORDER,
    Activity,
    ActivityProgress,
    ActivityStatus,
    Cycle,
    CycleEvent,
    Decision,
    Direction,
    EdmAspect,
    FactorTag,
    FundingSource,
    GoodPractice,
    GoodPracticeStatus,
    IndicatorKind,
    Measurement,
    SnpStandard,
    Stage,
)
from . import selectors

MAX_TEXT = 5000
# The largest amount the money columns hold (14 digits, 2 of them decimals).
MAX_RUPIAH = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"]) - Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")
# Changing these after Plan would make the baseline, the measurements and the chain incomparable.
LOCKED_AFTER_PLAN = (
    "period",
    "indicator",
    "instrument",
    "section_title",
    "competency",
    "subject_group",
    "predikat",
    "manual_name",
    "manual_unit",
)


def _closed_error() -> ApplicationError:
    return ApplicationError(_("This cycle is closed and can no longer be changed."))


def _text(value: str | None, *, field: str, required: str | None = None, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ApplicationError(required, field=field)
    if len(text) > max_length:
        raise ApplicationError(
            _("The text is too long (at most %(max)s characters).") % {"max": max_length}, field=field
        )
    return text


def _event(cycle: Cycle, user: User | None, action: str, *, changes: list | None = None, note: str = "") -> None:
    CycleEvent.objects.create(cycle=cycle, actor=user, action=action, changes=changes or [], note=note)


def _lock(cycle: Cycle) -> Cycle:
    """Lock the cycle's row and refresh its stage; a closed cycle refuses every change."""
    stage = Cycle.objects.select_for_update().values_list("stage", flat=True).get(pk=cycle.pk)
    cycle.stage = stage
    if stage == Stage.CLOSED:
        raise _closed_error()
    return cycle


def _date(value: dt.date) -> str:
    return date_format(value, "j F Y")


def _checked_upload(upload, *, field: str) -> str:
    """The extension the upload's CONTENT has (PDF, JPEG, PNG, ≤ 5 MB); errors at `field`."""
    try:
        _content_type, extension = evidence_check(upload)
    except ApplicationError as error:
        raise ApplicationError(error.message, field=field) from None
    return extension


def _save_with_file(obj, file_field: str, upload, extension: str | None) -> None:
    """Save `obj`, storing `upload` under a random name first; the file goes if the row does not."""
    if upload is None:
        obj.save()
        return
    getattr(obj, file_field).save(f"bukti{extension}", upload, save=False)
    obj.evidence_name = evidence_original_name(upload.name)
    try:
        obj.save()
    except Exception:
        getattr(obj, file_field).delete(save=False)
        raise


# --- Plan --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanData:
    """The plan as typed in the form; ids are checked against the madrasah here."""

    title: str
    standard: str
    edm_aspect: str
    edm_indicator: str
    owner_id: int | None
    academic_year_id: int | None
    semester_id: int | None
    indicator: str
    target: Decimal | None
    direction: str = Direction.AT_LEAST
    team_ids: tuple[int, ...] = ()
    instrument_id: int | None = None
    section_title: str = ""
    competency_id: int | None = None
    subject_group: str = ""
    predikat: str = ""
    manual_name: str = ""
    manual_unit: str = ""


@dataclass
class _Plan:
    """A validated plan: model values (objects, not ids) and the team."""

    values: dict
    team: list[Staff] = field(default_factory=list)


def _period(madrasah: Madrasah, data: PlanData) -> tuple[AcademicYear, Semester | None]:
    wrong = ApplicationError(_("Choose a semester or an academic year of this madrasah."), field="period")
    if data.semester_id:
        semester = (
            Semester.objects.filter(madrasah=madrasah, pk=data.semester_id).select_related("academic_year").first()
        )
        if semester is None:
            raise wrong
        return semester.academic_year, semester
    year = AcademicYear.objects.filter(madrasah=madrasah, pk=data.academic_year_id).first()
    if year is None:
        raise wrong
    return year, None


def _target(value, spec: selectors.IndicatorSpec) -> Decimal:
    if value is None or value == "":
        raise ApplicationError(_("Enter the target value."), field="target")
    try:
        target = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(_("Enter the target as a number."), field="target") from None
    if not target.is_finite() or target < 0 or target > spec.maximum:
        raise ApplicationError(
            _("The target must be between 0 and %(max)s for this indicator.")
            % {"max": format_decimal_id(spec.maximum, 0 if spec.maximum == spec.maximum.to_integral() else 2)},
            field="target",
        )
    return target.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _pkg_labels(madrasah: Madrasah) -> list[str]:
    labels = selectors.predikat_labels(madrasah=madrasah, pkg=True)
    # Before the madrasah has its PKG instrument, the common PKG bands (docs/domain.md §8) stand in.
    return labels or [label for _lower, label in seed_data.PKG_MAPEL_INSTRUMENT["bands"]]


def _validated_plan(madrasah: Madrasah, data: PlanData) -> _Plan:
    title = _text(data.title, field="title", required=_("Give the cycle a title."), max_length=200)
    if data.standard not in SnpStandard.values:
        raise ApplicationError(_("Choose the SNP standard the cycle serves."), field="standard")
    if data.edm_aspect not in EdmAspect.values:
        raise ApplicationError(_("Choose the EDM aspect."), field="edm_aspect")
    edm_indicator = _text(
        data.edm_indicator,
        field="edm_indicator",
        required=_("Write the EDM indicator the cycle addresses."),
        max_length=300,
    )
    owner = Staff.objects.filter(madrasah=madrasah, pk=data.owner_id, is_active=True).first()
    if owner is None:
        raise ApplicationError(_("Choose the owner among the madrasah's active staff."), field="owner")
    team_ids = set(data.team_ids)
    team = list(Staff.objects.filter(madrasah=madrasah, pk__in=team_ids, is_active=True))
    if len(team) != len(team_ids):
        raise ApplicationError(_("Choose team members among the madrasah's active staff."), field="team")
    academic_year, semester = _period(madrasah, data)

    if data.indicator not in IndicatorKind.values:
        raise ApplicationError(_("Choose an indicator from the catalogue."), field="indicator")
    spec = selectors.indicator_spec(data.indicator)
    if spec.yearly and semester is not None:
        raise ApplicationError(
            _("This indicator is counted per academic year: choose the whole academic year as the period."),
            field="period",
        )
    instrument = competency = None
    section_title = subject_group = predikat = manual_name = manual_unit = ""
    if spec.needs_instrument:
        instrument = (
            Instrument.objects.filter(madrasah=madrasah, pk=data.instrument_id).exclude(kind=InstrumentKind.PKG).first()
            if data.instrument_id
            else None
        )
        if instrument is None:
            raise ApplicationError(
                _("Choose the supervision instrument the indicator is measured on."), field="instrument"
            )
    if spec.uses_section:
        section_title = _text(data.section_title, field="section_title", max_length=200)
        if section_title and not Section.objects.filter(version__instrument=instrument, title=section_title).exists():
            raise ApplicationError(_("The instrument has no section with this title."), field="section_title")
        if data.competency_id:
            competency = Competency.objects.filter(pk=data.competency_id).first()
            if competency is None:
                raise ApplicationError(_("Choose a competency of the framework."), field="competency")
    if spec.uses_subject_group and data.subject_group:
        if data.subject_group not in selectors.subject_groups():
            raise ApplicationError(_("Choose a subject group from the list."), field="subject_group")
        subject_group = data.subject_group
    if spec.needs_predikat:
        predikat = (data.predikat or "").strip()
        if not predikat:
            raise ApplicationError(_("Choose the predikat the share counts from."), field="predikat")
        labels = (
            _pkg_labels(madrasah)
            if data.indicator == IndicatorKind.PKG_PREDIKAT
            else selectors.predikat_labels(madrasah=madrasah, instrument_id=instrument.pk)
        )
        if predikat not in labels:
            raise ApplicationError(
                _("“%(predikat)s” is not a predikat of this instrument. Its predikat are: %(labels)s.")
                % {"predikat": predikat, "labels": ", ".join(labels) or "–"},
                field="predikat",
            )
    if spec.manual:
        manual_name = _text(
            data.manual_name, field="manual_name", required=_("Name the manual indicator."), max_length=200
        )
        manual_unit = _text(data.manual_unit, field="manual_unit", max_length=20)
    if data.direction not in Direction.values:
        raise ApplicationError(
            _("Choose whether the value should be at least or at most the target."), field="direction"
        )
    return _Plan(
        values={
            "title": title,
            "standard": data.standard,
            "edm_aspect": data.edm_aspect,
            "edm_indicator": edm_indicator,
            "owner": owner,
            "academic_year": academic_year,
            "semester": semester,
            "indicator": data.indicator,
            "instrument": instrument,
            "section_title": section_title,
            "competency": competency,
            "subject_group": subject_group,
            "predikat": predikat,
            "manual_name": manual_name,
            "manual_unit": manual_unit,
            "direction": data.direction,
            "target": _target(data.target, spec),
        },
        team=team,
    )


def _quantized(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _measure_baseline(cycle: Cycle, now: dt.datetime) -> None:
    """Baseline from the PREVIOUS period (previous semester, or previous academic year). A manual
    indicator has none to measure; a missing period or no data leaves the value empty."""
    if selectors.indicator_spec(cycle.indicator).manual:
        cycle.baseline = cycle.baseline_n = cycle.baseline_total = cycle.baseline_measured_at = None
        cycle.baseline_period = ""
        return
    period = selectors.previous_period(cycle)
    if period is None:
        cycle.baseline, cycle.baseline_n, cycle.baseline_total = None, 0, None
        cycle.baseline_period = ""
    else:
        measure = selectors.measure_indicator(cycle=cycle, period=period, now=now)
        cycle.baseline = _quantized(measure.value)
        cycle.baseline_n = measure.n
        cycle.baseline_total = _quantized(measure.total)
        cycle.baseline_period = period.label
    cycle.baseline_measured_at = now


def _indicator_key(cycle: Cycle) -> tuple:
    return (
        cycle.indicator,
        cycle.instrument_id,
        cycle.section_title,
        cycle.competency_id,
        cycle.subject_group,
        cycle.predikat,
        cycle.manual_name,
        cycle.academic_year_id,
        cycle.semester_id,
    )


def _plan_display(cycle: Cycle) -> dict[str, str]:
    """Each plan field as the history shows it."""
    return {
        "title": cycle.title,
        "standard": cycle.get_standard_display(),
        "edm_aspect": cycle.get_edm_aspect_display(),
        "edm_indicator": cycle.edm_indicator,
        "owner": cycle.owner.full_name if cycle.owner_id else "",
        "period": selectors.period_text(cycle) if cycle.academic_year_id else "",
        "indicator": cycle.get_indicator_display(),
        "instrument": cycle.instrument.name if cycle.instrument_id else "",
        "section_title": cycle.section_title,
        "competency": str(cycle.competency) if cycle.competency_id else "",
        "subject_group": cycle.subject_group,
        "predikat": cycle.predikat,
        "manual_name": cycle.manual_name,
        "manual_unit": cycle.manual_unit,
        "direction": cycle.get_direction_display(),
        "target": format_decimal_id(cycle.target) if cycle.target is not None else "",
    }


def _diff(before: dict, after: dict) -> list[dict]:
    return [{"what": name, "from": before[name], "to": after[name]} for name in before if before[name] != after[name]]


def _team_names(team) -> list[str]:
    return sorted(s.full_name for s in team)


@transaction.atomic
def cycle_create(*, madrasah: Madrasah, user: User, data: PlanData, now: dt.datetime | None = None) -> Cycle:
    """Plan a new cycle (stage Plan) and measure its baseline from the previous period. Writes the
    cycle, its team and a "created" event; nothing on a refusal. A retry plans it twice."""
    plan = _validated_plan(madrasah, data)
    now = now or timezone.now()
    cycle = Cycle(madrasah=madrasah, created_by=user, stage=Stage.PLAN, **plan.values)
    _measure_baseline(cycle, now)
    cycle.save()
    cycle.team.set(plan.team)
    _event(cycle, user, "created", changes=[{"what": "stage", "from": None, "to": Stage.PLAN}])
    return cycle


@transaction.atomic
def cycle_update_plan(
    *, cycle: Cycle, user: User, data: PlanData, version: int | None = None, now: dt.datetime | None = None
) -> Cycle:
    """Change the plan of a cycle that is not closed. Once the cycle has left Plan, the indicator,
    its parameters and the period stay as they are (the baseline and measurements depend on them).
    In Plan the baseline is measured again, unless it was carried from the previous cycle and the
    indicator is unchanged. Writes a "plan_changed" event listing each change and raises the plan's
    version. `version` is the one the plan form was opened on (every form passes it; None: the
    caller holds no copy): if the plan was saved since, by anyone, and this one changes it,
    `StaleVersion` and nothing is written."""
    _lock(cycle)
    cycle.refresh_from_db()  # the plan as stored now, under the lock: what the changes are measured from
    plan = _validated_plan(cycle.madrasah, data)
    before = _plan_display(cycle)
    before_key = _indicator_key(cycle)
    before_team = _team_names(cycle.team.all())
    candidate = Cycle(**{f.attname: getattr(cycle, f.attname) for f in Cycle._meta.concrete_fields})
    for name, value in plan.values.items():
        setattr(candidate, name, value)
    after = _plan_display(candidate)
    if cycle.stage != Stage.PLAN:
        for name in LOCKED_AFTER_PLAN:
            if before[name] != after[name] or (name == "period" and _indicator_key(candidate) != before_key):
                raise ApplicationError(
                    _(
                        "The indicator, its parameters and the period are fixed once the cycle has left Plan "
                        "(the Kepala may reopen it to the previous stage)."
                    ),
                    field=name,
                )
    for name, value in plan.values.items():
        setattr(cycle, name, value)
    changes = _diff(before, after)
    after_team = _team_names(plan.team)
    if after_team != before_team:
        changes.append({"what": "team", "from": ", ".join(before_team), "to": ", ".join(after_team)})
    carried = cycle.previous_id is not None and _indicator_key(cycle) == before_key
    if changes:  # a form that changes nothing overwrites nothing, whatever its version
        version_claim(cycle, expected=cycle.version if version is None else version)
    if cycle.stage == Stage.PLAN and not carried:
        _measure_baseline(cycle, now or timezone.now())
    cycle.save()
    cycle.team.set(plan.team)
    if changes:
        _event(cycle, user, "plan_changed", changes=changes)
    return cycle


# --- stages ------------------------------------------------------------------------------------------


def _next_stage(stage: str) -> str:
    return STAGE_ORDER[STAGE_ORDER.index(stage) + 1]


def _gate(cycle: Cycle, to: str) -> None:
    """What a cycle needs before it enters `to`."""
    activities = Activity.objects.filter(cycle=cycle).exclude(status=ActivityStatus.CANCELLED)
    if to == Stage.DO:
        if cycle.target is None or not activities.exists():
            raise ApplicationError(_("Plan a target and at least one activity before moving to Do."))
    elif to == Stage.CHECK:
        if not activities.filter(Q(progress__isnull=False) | Q(status=ActivityStatus.DONE)).exists():
            raise ApplicationError(
                _("Log progress on at least one activity (or mark one done) before moving to Check.")
            )
    elif to == Stage.ACT and not Measurement.objects.filter(cycle=cycle).exists():
        raise ApplicationError(_("Measure the indicator (Measure now) before moving to Act."))


@transaction.atomic
def cycle_advance(*, cycle: Cycle, user: User, to: str | None = None, now: dt.datetime | None = None):
    """Move the cycle to the next stage behind its gate: Plan → Do needs a target and an activity;
    Do → Check an activity with progress (or done); Check → Act a measurement; Act → closed the
    decision with its reasons (see `cycle_close`). `to` is the stage the user saw as next: anything
    else (a skip, or a second click after the first moved it) is refused, so a retry is safe.
    Returns the next cycle when closing opened one, else None."""
    _lock(cycle)
    following = _next_stage(cycle.stage)
    if to and to != following:
        if to in Stage.values and STAGE_ORDER.index(to) <= STAGE_ORDER.index(cycle.stage):
            raise ApplicationError(
                _("The cycle is already in %(stage)s. It does not go back; the Kepala may reopen it instead.")
                % {"stage": Stage(cycle.stage).label}
            )
        raise ApplicationError(
            _("Stages are not skipped: from %(stage)s the cycle moves to %(next)s.")
            % {"stage": Stage(cycle.stage).label, "next": Stage(following).label}
        )
    if following == Stage.CLOSED:
        return cycle_close(cycle=cycle, user=user, now=now)
    _gate(cycle, following)
    before = cycle.stage
    Cycle.objects.filter(pk=cycle.pk).update(stage=following, updated_at=timezone.now())
    cycle.stage = following
    _event(cycle, user, "stage_changed", changes=[{"what": "stage", "from": before, "to": following}])
    return None


def _is_kepala(user: User, madrasah_id: int) -> bool:
    return Membership.objects.filter(
        user=user, madrasah_id=madrasah_id, is_active=True, roles__role=Role.KEPALA
    ).exists()


@transaction.atomic
def cycle_reopen(*, cycle: Cycle, user: User, reason: str) -> Cycle:
    """The Kepala takes a cycle back to the previous stage, with a reason (kept in the history).
    A cycle in Plan has nothing before it; a closed cycle stays closed."""
    if not _is_kepala(user, cycle.madrasah_id):
        raise ApplicationError(_("Only the Kepala reopens a cycle."))
    _lock(cycle)
    if cycle.stage == Stage.PLAN:
        raise ApplicationError(_("A cycle in Plan has no previous stage."))
    reason = _text(reason, field="reason", required=_("Write why the cycle goes back a stage."))
    before = cycle.stage
    previous = STAGE_ORDER[STAGE_ORDER.index(before) - 1]
    Cycle.objects.filter(pk=cycle.pk).update(stage=previous, updated_at=timezone.now())
    cycle.stage = previous
    _event(cycle, user, "reopened", changes=[{"what": "stage", "from": before, "to": previous}], note=reason)
    return cycle


# --- activities --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityData:
    what: str
    who: str
    start_date: dt.date | None
    end_date: dt.date | None
    funding_source: str
    planned_cost: Decimal | None = Decimal(0)
    spent: Decimal | None = Decimal(0)
    rkam_activity: str = ""
    status: str = ActivityStatus.PLANNED


def _money(value, *, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    amount = Decimal(value)
    if amount < 0:
        raise ApplicationError(_("An amount cannot be negative."), field=field)
    if amount > MAX_RUPIAH:
        raise ApplicationError(_("This amount is too large."), field=field)
    return amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _validated_activity(cycle: Cycle, data: ActivityData) -> dict:
    what = _text(data.what, field="what", required=_("Write what the activity is."), max_length=200)
    who = _text(data.who, field="who", required=_("Write who carries it out."), max_length=200)
    start, end = selectors.period_bounds(academic_year=cycle.academic_year, semester=cycle.semester)
    outside = _("The activity must take place within the cycle's period (%(start)s – %(end)s).") % {
        "start": _date(start),
        "end": _date(end),
    }
    if data.start_date is None:
        raise ApplicationError(_("Enter the start date."), field="start_date")
    if data.end_date is None:
        raise ApplicationError(_("Enter the end date."), field="end_date")
    if not start <= data.start_date <= end:
        raise ApplicationError(outside, field="start_date")
    if not start <= data.end_date <= end:
        raise ApplicationError(outside, field="end_date")
    if data.end_date < data.start_date:
        raise ApplicationError(_("The end date is before the start date."), field="end_date")
    planned_cost = _money(data.planned_cost, field="planned_cost")
    spent = _money(data.spent, field="spent")
    if data.funding_source not in FundingSource.values:
        raise ApplicationError(_("Choose the funding source."), field="funding_source")
    if data.status not in ActivityStatus.values:
        raise ApplicationError(_("Choose the status."), field="status")
    return {
        "what": what,
        "who": who,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "planned_cost": planned_cost,
        "spent": spent,
        "rkam_activity": _text(data.rkam_activity, field="rkam_activity", max_length=200),
        "funding_source": data.funding_source,
        "status": data.status,
    }


def _activity_display(activity: Activity) -> dict[str, str]:
    return {
        "what": activity.what,
        "who": activity.who,
        "start_date": _date(activity.start_date),
        "end_date": _date(activity.end_date),
        "planned_cost": selectors.rupiah(activity.planned_cost),
        "spent": selectors.rupiah(activity.spent),
        "rkam_activity": activity.rkam_activity,
        "funding_source": activity.get_funding_source_display(),
        "status": activity.get_status_display(),
    }


@transaction.atomic
def activity_create(*, cycle: Cycle, user: User, data: ActivityData) -> Activity:
    """Add an activity to a cycle that is not closed. Writes the activity and an event."""
    _lock(cycle)
    activity = Activity.objects.create(cycle=cycle, **_validated_activity(cycle, data))
    _event(cycle, user, "activity_added", note=activity.what)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, user: User, data: ActivityData) -> Activity:
    """Change an activity of a cycle that is not closed; the event lists each change."""
    cycle = _lock(activity.cycle)
    values = _validated_activity(cycle, data)
    before = _activity_display(activity)
    for name, value in values.items():
        setattr(activity, name, value)
    after = _activity_display(activity)
    activity.save()
    changes = [
        {"what": f"activity.{name}", "from": before[name], "to": after[name]}
        for name in before
        if before[name] != after[name]
    ]
    if changes:
        _event(cycle, user, "activity_changed", changes=changes, note=activity.what)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, user: User) -> None:
    """Delete an activity of a cycle that is not closed and has no progress logged (its evidence
    stays: mark it cancelled instead)."""
    cycle = _lock(activity.cycle)
    if activity.progress.exists():
        raise ApplicationError(
            _("Progress has been logged on this activity: mark it cancelled instead of deleting it.")
        )
    what = activity.what
    activity.delete()
    _event(cycle, user, "activity_deleted", note=what)


# --- Do: progress ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressData:
    note: str
    upload: object | None = None
    coaching_id: int | None = None
    appreciation_id: int | None = None
    good_practice_id: int | None = None
    status: str = ""


@transaction.atomic
def activity_progress_record(*, activity: Activity, user: User, data: ProgressData) -> ActivityProgress:
    """Log progress on an activity (from Do on, until closed): a note, optional evidence judged by
    its content, and optionally a coaching follow-up, an appreciation note or a PUBLISHED good
    practice of the same madrasah; optionally the activity's new status. Writes the entry (and its
    file) and an event; nothing on a refusal. A retry logs it twice."""
    cycle = _lock(activity.cycle)
    if cycle.stage == Stage.PLAN:
        raise ApplicationError(_("Progress is logged once the cycle is in Do."))
    note = _text(data.note, field="note", required=_("Write what has been done."))
    madrasah_id = cycle.madrasah_id
    coaching = appreciation = good_practice = None
    if data.coaching_id:
        coaching = FollowUp.objects.filter(
            pk=data.coaching_id, madrasah_id=madrasah_id, kind=FollowUpKind.COACHING
        ).first()
        if coaching is None:
            raise ApplicationError(_("Choose a coaching session of this madrasah."), field="coaching")
    if data.appreciation_id:
        appreciation = AppreciationNote.objects.filter(pk=data.appreciation_id, madrasah_id=madrasah_id).first()
        if appreciation is None:
            raise ApplicationError(_("Choose an appreciation note of this madrasah."), field="appreciation")
    if data.good_practice_id:
        good_practice = GoodPractice.objects.filter(
            pk=data.good_practice_id, madrasah_id=madrasah_id, status=GoodPracticeStatus.PUBLISHED
        ).first()
        if good_practice is None:
            raise ApplicationError(_("Choose a published good practice of this madrasah."), field="good_practice")
    if data.status and data.status not in ActivityStatus.values:
        raise ApplicationError(_("Choose the status."), field="status")
    extension = _checked_upload(data.upload, field="evidence") if data.upload else None
    entry = ActivityProgress(
        activity=activity,
        author=user,
        note=note,
        coaching=coaching,
        appreciation=appreciation,
        good_practice=good_practice,
    )
    _save_with_file(entry, "evidence", data.upload, extension)
    changes = []
    if data.status and data.status != activity.status:
        before = activity.get_status_display()
        activity.status = data.status
        activity.save(update_fields=["status"])
        changes.append({"what": "activity.status", "from": before, "to": activity.get_status_display()})
    _event(cycle, user, "progress_logged", changes=changes, note=activity.what)
    return entry


# --- Check -------------------------------------------------------------------------------------------


def _store_measurement(
    cycle: Cycle, user: User, *, value, n: int, total, period_label: str, now: dt.datetime, note="", upload=None
) -> Measurement:
    # `met` from the unrounded value (docs/domain.md §8: never round before comparing); stored rounded.
    gap, met = selectors.gap_and_met(value=value, target=cycle.target, direction=cycle.direction)
    measurement = Measurement(
        cycle=cycle,
        measured_at=now,
        measured_by=user,
        period_label=period_label,
        value=_quantized(value),
        n=n or 0,
        total=_quantized(total),
        target=cycle.target,
        met=met,
        gap=_quantized(gap),
        note=note,
    )
    extension = _checked_upload(upload, field="evidence") if upload else None
    _save_with_file(measurement, "evidence", upload, extension)
    unit = selectors.indicator_unit(cycle)
    _event(
        cycle,
        user,
        "measured",
        changes=[{"what": "measurement", "from": None, "to": selectors.shown(measurement.value, unit)}],
        note=period_label,
    )
    return measurement


def _check_stage(cycle: Cycle) -> None:
    if cycle.stage != Stage.CHECK:
        raise ApplicationError(_("The indicator is measured in the Check stage."))


@transaction.atomic
def cycle_measure(*, cycle: Cycle, user: User, now: dt.datetime | None = None) -> Measurement:
    """Measure now ("Ukur sekarang"): the indicator over the cycle's own period, from the product's
    data, stored with its n, sum, the target, whether it is met and the gap (positive = better than
    the target). No data gives a measurement without value ("belum ada data"), never 0. Writes the
    measurement and an event; a retry measures again (a new row, as measuring twice does)."""
    _lock(cycle)
    _check_stage(cycle)
    if selectors.indicator_spec(cycle.indicator).manual:
        raise ApplicationError(_("A manual indicator is entered with its evidence, not measured."))
    now = now or timezone.now()
    period = selectors.cycle_period(cycle)
    measure = selectors.measure_indicator(cycle=cycle, period=period, now=now)
    return _store_measurement(
        cycle, user, value=measure.value, n=measure.n, total=measure.total, period_label=period.label, now=now
    )


@transaction.atomic
def cycle_measure_manual(
    *, cycle: Cycle, user: User, value, note: str = "", upload=None, now: dt.datetime | None = None
) -> Measurement:
    """Check of a manual indicator: a value in its range with evidence (a file, a note, or both)."""
    _lock(cycle)
    _check_stage(cycle)
    spec = selectors.indicator_spec(cycle.indicator)
    if not spec.manual:
        raise ApplicationError(_("This indicator is measured from the madrasah's own data: use Measure now."))
    if value is None or value == "":
        raise ApplicationError(_("Enter the measured value."), field="value")
    try:
        value = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(_("Enter the measured value as a number."), field="value") from None
    if not value.is_finite() or value < 0 or value > spec.maximum:
        raise ApplicationError(
            _("The value must be between 0 and %(max)s.") % {"max": format_decimal_id(spec.maximum)}, field="value"
        )
    note = _text(note, field="note")
    if not note and not upload:
        raise ApplicationError(_("Give the evidence of the value: a file, a note, or both."), field="note")
    period = selectors.cycle_period(cycle)
    return _store_measurement(
        cycle,
        user,
        value=value,
        n=0,
        total=None,
        period_label=period.label,
        now=now or timezone.now(),
        note=note,
        upload=upload,
    )


# --- Act and closing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActData:
    decision: str
    decision_reason: str
    supporting_factors: str = ""
    supporting_tags: tuple[str, ...] = ()
    inhibiting_factors: str = ""
    inhibiting_tags: tuple[str, ...] = ()


def _act_display(cycle: Cycle) -> dict[str, str]:
    return {
        "decision": cycle.get_decision_display() if cycle.decision else "",
        "decision_reason": cycle.decision_reason,
        "supporting_factors": cycle.supporting_factors,
        "supporting_tags": ", ".join(selectors.factor_labels(cycle.supporting_tags)),
        "inhibiting_factors": cycle.inhibiting_factors,
        "inhibiting_tags": ", ".join(selectors.factor_labels(cycle.inhibiting_tags)),
    }


@transaction.atomic
def cycle_act_record(*, cycle: Cycle, user: User, data: ActData) -> Cycle:
    """Record the Act (in the Act stage): the decision — standardise, continue or stop — with its
    reasons, and the supporting and inhibiting factors (text and tags). Closing is `cycle_close`."""
    _lock(cycle)
    if cycle.stage != Stage.ACT:
        raise ApplicationError(_("The decision is recorded in the Act stage."))
    if data.decision not in Decision.values:
        raise ApplicationError(_("Choose the decision: standardise, continue or stop."), field="decision")
    reason = _text(data.decision_reason, field="decision_reason", required=_("Write the reasons for the decision."))
    for name in ("supporting_tags", "inhibiting_tags"):
        if not set(getattr(data, name)) <= set(FactorTag.values):
            raise ApplicationError(_("Choose factors from the list."), field=name)
    before = _act_display(cycle)
    cycle.decision = data.decision
    cycle.decision_reason = reason
    cycle.supporting_factors = _text(data.supporting_factors, field="supporting_factors")
    cycle.supporting_tags = [t for t in FactorTag.values if t in data.supporting_tags]
    cycle.inhibiting_factors = _text(data.inhibiting_factors, field="inhibiting_factors")
    cycle.inhibiting_tags = [t for t in FactorTag.values if t in data.inhibiting_tags]
    after = _act_display(cycle)
    cycle.save(
        update_fields=[
            "decision",
            "decision_reason",
            "supporting_factors",
            "supporting_tags",
            "inhibiting_factors",
            "inhibiting_tags",
            "updated_at",
        ]
    )
    changes = _diff(before, after)
    if changes:
        _event(cycle, user, "act_recorded", changes=changes)
    return cycle


def _next_period_missing(cycle: Cycle) -> ApplicationError:
    if cycle.semester_id:
        return ApplicationError(
            _(
                "The next semester is not recorded yet, so the next cycle cannot be opened. Ask the operator to "
                "add it (Data → Semesters), then close this cycle again."
            )
        )
    return ApplicationError(
        _(
            "The academic year %(year)s is not recorded yet, so the next cycle cannot be opened. Ask the "
            "operator to add it (Data → Semesters), then close this cycle again."
        )
        % {"year": f"{cycle.academic_year.start_year + 1}/{cycle.academic_year.start_year + 2}"}
    )


@transaction.atomic
def cycle_close(*, cycle: Cycle, user: User, now: dt.datetime | None = None) -> Cycle | None:
    """Close a cycle in Act whose decision and reasons are recorded. "Continue" also opens the next
    cycle, linked to this one, in Plan, for the next semester or academic year, with the same
    indicator, parameters, direction, target, owner and team, and the latest measured value as its
    baseline; when that period is not recorded yet nothing is written. Returns the next cycle (or
    None). A retry is refused (the cycle is closed)."""
    _lock(cycle)
    if cycle.stage != Stage.ACT:
        raise ApplicationError(_("A cycle is closed from the Act stage, after the decision."))
    if not cycle.decision or not cycle.decision_reason.strip():
        raise ApplicationError(_("Record the Act decision and its reasons before closing the cycle."))
    now = now or timezone.now()
    following = None
    if cycle.decision == Decision.CONTINUE:
        rows = selectors.next_period_rows(cycle)
        if rows is None:
            raise _next_period_missing(cycle)
        following = _open_next(cycle, user, academic_year=rows[0], semester=rows[1], now=now)
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.CLOSED, closed_at=now, updated_at=now)
    cycle.stage, cycle.closed_at = Stage.CLOSED, now
    if following is not None:
        _event(cycle, user, "continued", note=f"{following.title} ({selectors.period_text(following)})")
    _event(cycle, user, "closed", changes=[{"what": "stage", "from": Stage.ACT, "to": Stage.CLOSED}])
    return following


def _open_next(cycle: Cycle, user: User, *, academic_year: AcademicYear, semester: Semester | None, now) -> Cycle:
    copied = {
        name: getattr(cycle, name)
        for name in (
            "madrasah_id",
            "title",
            "standard",
            "edm_aspect",
            "edm_indicator",
            "owner_id",
            "indicator",
            "instrument_id",
            "section_title",
            "competency_id",
            "subject_group",
            "predikat",
            "manual_name",
            "manual_unit",
            "direction",
            "target",
        )
    }
    source = selectors.latest_measured_value(cycle=cycle) or selectors.latest_measurement(cycle=cycle)
    following = Cycle.objects.create(
        **copied,
        academic_year=academic_year,
        semester=semester,
        stage=Stage.PLAN,
        previous=cycle,
        created_by=user,
        baseline=source.value if source else None,
        baseline_n=source.n if source else None,
        baseline_total=source.total if source else None,
        baseline_period=source.period_label if source else "",
        baseline_measured_at=source.measured_at if source else None,
    )
    following.team.set(cycle.team.all())
    _event(
        following,
        user,
        "continued_from",
        changes=[{"what": "stage", "from": None, "to": Stage.PLAN}],
        note=f"{cycle.title} ({selectors.period_text(cycle)})",
    )
    return following
