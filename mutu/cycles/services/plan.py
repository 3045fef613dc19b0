"""Plan of a quality cycle (siklus PDCA): the target on a measurable indicator, its parameters,
period, owner and team, and the baseline measured from the previous period.

docs/domain.md §11: Plan a target on a measurable indicator with baseline, owner, team, activities,
cost and funding source. Each refusal is one `ApplicationError` at the form field it concerns, before
anything is written; once the cycle has left Plan the indicator, its parameters and the period stay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensi.instruments.seed_data import PKG_MAPEL_INSTRUMENT
from kompetensi.models import APPRAISAL_KINDS, Competency, Instrument, Section
from madrasah.errors import ApplicationError
from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear, Madrasah, Semester, Staff, User
from madrasah.versioning import version_claim
from madrasah.workflow import clean_text, record_event

from ...models import Cycle, CycleEvent, Direction, EdmAspect, IndicatorKind, SnpStandard, Stage
from .. import indicators, rules
from ..rules import LOCKED_AFTER_PLAN, TWO_PLACES, quantized
from .common import diff, lock_open_cycle


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


def _target(value, spec: rules.IndicatorSpec) -> Decimal:
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
    labels = indicators.predikat_labels(madrasah=madrasah, pkg=True)
    # Before the madrasah has its PKG instrument, the common PKG bands (docs/domain.md §8) stand in.
    return labels or [label for _lower, label in PKG_MAPEL_INSTRUMENT["bands"]]


def _validated_plan(madrasah: Madrasah, data: PlanData) -> _Plan:
    title = clean_text(data.title, field="title", required_message=_("Give the cycle a title."), max_length=200)
    if data.standard not in SnpStandard.values:
        raise ApplicationError(_("Choose the SNP standard the cycle serves."), field="standard")
    if data.edm_aspect not in EdmAspect.values:
        raise ApplicationError(_("Choose the EDM aspect."), field="edm_aspect")
    edm_indicator = clean_text(
        data.edm_indicator,
        field="edm_indicator",
        required_message=_("Write the EDM indicator the cycle addresses."),
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
    spec = rules.indicator_spec(data.indicator)
    if spec.yearly and semester is not None:
        raise ApplicationError(
            _("This indicator is counted per academic year: choose the whole academic year as the period."),
            field="period",
        )
    instrument = competency = None
    section_title = subject_group = predikat = manual_name = manual_unit = ""
    if spec.needs_instrument:
        instrument = (
            Instrument.objects.filter(madrasah=madrasah, pk=data.instrument_id)
            .exclude(kind__in=APPRAISAL_KINDS)
            .first()
            if data.instrument_id
            else None
        )
        if instrument is None:
            raise ApplicationError(
                _("Choose the supervision instrument the indicator is measured on."), field="instrument"
            )
    if spec.uses_section:
        section_title = clean_text(data.section_title, field="section_title", max_length=200)
        if section_title and not Section.objects.filter(version__instrument=instrument, title=section_title).exists():
            raise ApplicationError(_("The instrument has no section with this title."), field="section_title")
        if data.competency_id:
            competency = Competency.objects.filter(pk=data.competency_id).first()
            if competency is None:
                raise ApplicationError(_("Choose a competency of the framework."), field="competency")
    if spec.uses_subject_group and data.subject_group:
        if data.subject_group not in indicators.subject_groups():
            raise ApplicationError(_("Choose a subject group from the list."), field="subject_group")
        subject_group = data.subject_group
    if spec.needs_predikat:
        predikat = (data.predikat or "").strip()
        if not predikat:
            raise ApplicationError(_("Choose the predikat the share counts from."), field="predikat")
        labels = (
            _pkg_labels(madrasah)
            if data.indicator == IndicatorKind.PKG_PREDIKAT
            else indicators.predikat_labels(madrasah=madrasah, instrument_id=instrument.pk)
        )
        if predikat not in labels:
            raise ApplicationError(
                _("“%(predikat)s” is not a predikat of this instrument. Its predikat are: %(labels)s.")
                % {"predikat": predikat, "labels": ", ".join(labels) or "–"},
                field="predikat",
            )
    if spec.manual:
        manual_name = clean_text(
            data.manual_name, field="manual_name", required_message=_("Name the manual indicator."), max_length=200
        )
        manual_unit = clean_text(data.manual_unit, field="manual_unit", max_length=20)
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


def _measure_baseline(cycle: Cycle, now: dt.datetime) -> None:
    """Baseline from the PREVIOUS period (previous semester, or previous academic year). A manual
    indicator has none to measure; a missing period or no data leaves the value empty."""
    if rules.indicator_spec(cycle.indicator).manual:
        cycle.baseline = cycle.baseline_n = cycle.baseline_total = cycle.baseline_measured_at = None
        cycle.baseline_start_year, cycle.baseline_semester = None, ""
        return
    period = indicators.previous_period(cycle)
    if period is None:
        cycle.baseline, cycle.baseline_n, cycle.baseline_total = None, 0, None
        cycle.baseline_start_year, cycle.baseline_semester = None, ""
    else:
        measure = indicators.measure_indicator(cycle=cycle, period=period, now=now)
        cycle.baseline = quantized(measure.value)
        cycle.baseline_n = measure.n
        cycle.baseline_total = quantized(measure.total)
        cycle.baseline_start_year, cycle.baseline_semester = period.start_year, period.semester_kind
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
        "period": rules.period_text(cycle) if cycle.academic_year_id else "",
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
    record_event(
        CycleEvent, cycle, actor=user, action="created", changes=[{"what": "stage", "from": None, "to": Stage.PLAN}]
    )
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
    lock_open_cycle(cycle)
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
    changes = diff(before, after)
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
        record_event(CycleEvent, cycle, actor=user, action="plan_changed", changes=changes)
    return cycle
