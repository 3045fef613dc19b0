"""Pure rules of quality cycles (siklus PDCA): the indicator catalogue, the gap convention, periods
as values, the stage order, and how a cycle, a value and a history line read. Nothing here queries:
a cycle is described from its own fields and the relations its caller loaded.

Gap convention: `gap = value − target` for "at least" and `target − value` for "at most", so a
positive gap is always better than the target and `met` is `gap >= 0`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear, Semester, period_name
from madrasah.texts import shorten

from ..models import STAGE_ORDER, Activity, Cycle, Direction, FactorTag, IndicatorKind, Stage

K = IndicatorKind
HUNDRED = Decimal(100)
# PKB hours: the same ceiling the PKB log accepts per entry (kompetensi.pkb.JP_MAX).
JP_CEILING = Decimal(1000)
# A manual indicator has no natural ceiling; this one keeps the value inside the target column.
MANUAL_CEILING = Decimal("9999999.99")
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


# --- the indicator catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    """What an indicator kind needs and allows: its unit, its range, its parameters, its period."""

    unit: str
    maximum: Decimal
    needs_instrument: bool = False
    needs_predikat: bool = False
    uses_section: bool = False
    uses_subject_group: bool = False
    # PKG is yearly and PKB counts per academic year: a semester cycle would measure the same year
    # for its baseline and its Check.
    yearly: bool = False
    manual: bool = False


CATALOGUE: dict[str, IndicatorSpec] = {
    K.INSTRUMENT_AVERAGE: IndicatorSpec(
        unit="", maximum=HUNDRED, needs_instrument=True, uses_section=True, uses_subject_group=True
    ),
    K.INSTRUMENT_PREDIKAT: IndicatorSpec(
        unit="%", maximum=HUNDRED, needs_instrument=True, needs_predikat=True, uses_subject_group=True
    ),
    K.PKG_PREDIKAT: IndicatorSpec(unit="%", maximum=HUNDRED, needs_predikat=True, yearly=True),
    K.ROWS_ON_TIME: IndicatorSpec(unit="%", maximum=HUNDRED),
    K.FOLLOW_UPS_ON_TIME: IndicatorSpec(unit="%", maximum=HUNDRED),
    K.PKB_AVERAGE_JP: IndicatorSpec(unit="JP", maximum=JP_CEILING, yearly=True),
    K.PKB_PNS_REACHED: IndicatorSpec(unit="%", maximum=HUNDRED, yearly=True),
    K.MANUAL: IndicatorSpec(unit="", maximum=MANUAL_CEILING, manual=True),
}

# Indicators computed from teachers' supervision results (PKG shares read a frozen snapshot instead).
CONFIDENTIAL_INDICATORS = frozenset({K.INSTRUMENT_AVERAGE, K.INSTRUMENT_PREDIKAT})


def indicator_spec(kind: str) -> IndicatorSpec:
    return CATALOGUE[kind]


def indicator_unit(cycle: Cycle) -> str:
    spec = CATALOGUE.get(cycle.indicator)
    if spec is None:
        return ""
    return cycle.manual_unit if spec.manual else spec.unit


def gap_and_met(*, value: Decimal | None, target: Decimal, direction: str) -> tuple[Decimal | None, bool | None]:
    """(gap, met): positive gap = better than the target, whichever the direction; (None, None)
    when there is no value ("belum ada data" is not a miss)."""
    if value is None:
        return None, None
    gap = value - target if direction == Direction.AT_LEAST else target - value
    return gap, gap >= 0


def quantized(value: Decimal | None) -> Decimal | None:
    """A measured number as stored: four decimals, half up."""
    return None if value is None else Decimal(value).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


NO_DATA = gettext_lazy("no data yet")


def shown(value: Decimal | None, unit: str = "") -> str:
    """A value for people: `82,50`, `82,50%`, `12,00 JP`; "belum ada data" when there is none."""
    if value is None:
        return str(NO_DATA)
    text = format_decimal_id(value, 2)
    if not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


# --- periods and stages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A semester, or a whole academic year, as the metric functions need it."""

    label: str
    start_year: int
    academic_year_id: int | None
    semester_id: int | None
    semester_ids: tuple[int, ...]
    start_date: dt.date
    end_date: dt.date
    semester_kind: str = ""  # SemesterKind of a semester; "" for a whole year

    @property
    def is_year(self) -> bool:
        return self.semester_id is None


def semester_label(semester: Semester) -> str:
    return period_name(semester.academic_year.start_year, semester.kind)


def period_value(cycle: Cycle) -> str:
    return f"s{cycle.semester_id}" if cycle.semester_id else f"y{cycle.academic_year_id}"


def period_bounds(*, academic_year: AcademicYear, semester: Semester | None) -> tuple[dt.date, dt.date]:
    if semester is not None:
        return semester.start_date, semester.end_date
    return academic_year.start_date, academic_year.end_date


def next_stage(stage: str) -> str:
    return STAGE_ORDER[STAGE_ORDER.index(stage) + 1]


def previous_stage(stage: str) -> str:
    return STAGE_ORDER[STAGE_ORDER.index(stage) - 1]


# --- describing a cycle ------------------------------------------------------------------------------


def indicator_text(cycle: Cycle) -> str:
    """The indicator in words, with its parameters: "Average score of a supervision instrument:
    Instrumen Perencanaan (section Bagian A, group PAI)"."""
    if cycle.indicator == K.MANUAL:
        return cycle.manual_name or cycle.get_indicator_display()
    parts = []
    if cycle.instrument_id:
        parts.append(cycle.instrument.name)
    if cycle.section_title:
        parts.append(_("section %(section)s") % {"section": cycle.section_title})
    if cycle.competency_id:
        parts.append(_("competency %(number)s") % {"number": cycle.competency.number})
    if cycle.subject_group:
        parts.append(_("group %(group)s") % {"group": cycle.subject_group})
    if cycle.predikat:
        parts.append(_("predikat %(predikat)s or above") % {"predikat": cycle.predikat})
    label = cycle.get_indicator_display()
    return f"{label}: {', '.join(parts)}" if parts else label


def target_text(cycle: Cycle) -> str:
    """The target as shown: `≥ 80,00`, `≤ 10,00%`."""
    sign = "≥" if cycle.direction == Direction.AT_LEAST else "≤"
    return f"{sign} {shown(cycle.target, indicator_unit(cycle))}"


def period_text(cycle: Cycle) -> str:
    if cycle.semester_id:
        return semester_label(cycle.semester)
    return _("%(year)s (whole academic year)") % {"year": cycle.academic_year.name}


def chart_label(cycle: Cycle) -> str:
    return semester_label(cycle.semester) if cycle.semester_id else cycle.academic_year.name


def factor_labels(tags: list[str]) -> list[str]:
    labels = dict(FactorTag.choices)
    return [str(labels[t]) for t in tags if t in labels]


# --- history lines -----------------------------------------------------------------------------------

ACTION_LABELS = {
    "created": gettext_lazy("Cycle planned"),
    "continued_from": gettext_lazy("Opened as the continuation of the previous cycle"),
    "plan_changed": gettext_lazy("Plan changed"),
    "stage_changed": gettext_lazy("Stage changed"),
    "reopened": gettext_lazy("Reopened to the previous stage"),
    "activity_added": gettext_lazy("Activity added"),
    "activity_changed": gettext_lazy("Activity changed"),
    "activity_deleted": gettext_lazy("Activity deleted"),
    "progress_logged": gettext_lazy("Progress logged"),
    "measured": gettext_lazy("Indicator measured"),
    "act_recorded": gettext_lazy("Act recorded"),
    "continued": gettext_lazy("Continued in a next cycle"),
    "closed": gettext_lazy("Closed"),
}
SCORE_CHANGES = frozenset({"measurement", "baseline"})


def _stage_name(value) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return str(value or "–")


def _short(value) -> str:
    return "–" if value in (None, "", []) else shorten(value, 80)


def _change_label(what: str) -> str:
    """The label of a changed field: `target` → "Target", `activity.planned_cost` → "Rencana biaya
    (Rp)", `period` → "Periode"."""
    special = {"period": _("Period"), "measurement": _("Value")}
    if what in special:
        return special[what]
    model, name = (Activity, what.split(".", 1)[1]) if what.startswith("activity.") else (Cycle, what)
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field renamed since the event was written
        label = name
    return label[:1].upper() + label[1:]


def cycle_change_line(change: dict, people: dict) -> str:
    what = change.get("what")
    if what == "stage":
        return f"{_('Stage')}: {_stage_name(change.get('from'))} → {_stage_name(change.get('to'))}"
    return f"{_change_label(str(what or ''))}: {_short(change.get('from'))} → {_short(change.get('to'))}"


def cycle_change_line_without_scores(change: dict, people: dict) -> str:
    if change.get("what") in SCORE_CHANGES:
        return _change_label(str(change["what"]))
    return cycle_change_line(change, people)
