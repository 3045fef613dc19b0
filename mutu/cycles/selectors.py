"""Reads for quality cycles (siklus PDCA): periods, the indicator catalogue, measuring an indicator
from the product's own data, the board, a cycle's page and the principal's summary.

Every function takes the madrasah (or a cycle fetched through `mutu.access`) explicitly. The numbers
themselves come from the metric functions of `kompetensi.selectors`; this module only maps a cycle's
period onto their arguments.

Gap convention: `gap = value − target` for "at least" and `target − value` for "at most", so a
positive gap is always better than the target and `met` is `gap >= 0`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensi import selectors as metrics
from kompetensi.models import AppreciationNote, FollowUp, FollowUpKind, InstrumentKind, PredikatBand
from kompetensi.workflow.common import display_names, history_rows
from madrasah import compiled
from madrasah.charts import line_chart
from madrasah.formatting import format_decimal_id, raw_number, rupiah
from madrasah.models import AcademicYear, Madrasah, Membership, Semester, Subject

from ..access import CYCLE_READERS
from ..models import (
    STAGE_ORDER,
    Activity,
    ActivityProgress,
    ActivityStatus,
    Cycle,
    Direction,
    FactorTag,
    FundingSource,
    GoodPractice,
    GoodPracticeStatus,
    IndicatorKind,
    Measurement,
    Stage,
)

K = IndicatorKind
HUNDRED = Decimal(100)
# PKB hours: the same ceiling the PKB log accepts per entry (kompetensi.pkb.JP_MAX).
JP_CEILING = Decimal(1000)
# A manual indicator has no natural ceiling; this one keeps the value inside the target column.
MANUAL_CEILING = Decimal("9999999.99")


# --- the indicator catalogue (pure) ------------------------------------------------------------------


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


def shown(value: Decimal | None, unit: str = "") -> str:
    """A value for people: `82,50`, `82,50%`, `12,00 JP`; "belum ada data" when there is none."""
    if value is None:
        return str(NO_DATA)
    text = format_decimal_id(value, 2)
    if not unit:
        return text
    return f"{text}%" if unit == "%" else f"{text} {unit}"


NO_DATA = gettext_lazy("no data yet")


def predikat_labels(*, madrasah: Madrasah, instrument_id: int | None = None, pkg: bool = False) -> list[str]:
    """The band labels a share may name: those of the instrument's versions, or of the madrasah's
    PKG instruments."""
    bands = PredikatBand.objects.filter(version__instrument__madrasah=madrasah)
    if pkg:
        bands = bands.filter(version__instrument__kind=InstrumentKind.PKG)
    else:
        bands = bands.filter(version__instrument_id=instrument_id)
    labels = bands.order_by("-lower_bound").values_list("label", flat=True)
    return list(dict.fromkeys(labels))


def subject_groups() -> list[str]:
    return sorted({g for g in Subject.objects.values_list("group", flat=True) if g})


# --- periods -----------------------------------------------------------------------------------------


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

    @property
    def is_year(self) -> bool:
        return self.semester_id is None


def semester_label(semester: Semester) -> str:
    return f"{semester.academic_year.name} {semester.get_kind_display()}"


def _semester_period(semester: Semester) -> Period:
    return Period(
        label=semester_label(semester),
        start_year=semester.academic_year.start_year,
        academic_year_id=semester.academic_year_id,
        semester_id=semester.pk,
        semester_ids=(semester.pk,),
        start_date=semester.start_date,
        end_date=semester.end_date,
    )


def _year_period(*, madrasah_id: int, start_year: int) -> Period:
    """The academic year `start_year` with all its semesters. The year need not be recorded (PKB
    entries are placed by date); without it there are no semesters and no PKG."""
    year = AcademicYear.objects.filter(madrasah_id=madrasah_id, start_year=start_year).first()
    semester_ids = (
        tuple(Semester.objects.filter(academic_year=year).order_by("start_date").values_list("pk", flat=True))
        if year
        else ()
    )
    return Period(
        label=f"{start_year}/{start_year + 1}",
        start_year=start_year,
        academic_year_id=year.pk if year else None,
        semester_id=None,
        semester_ids=semester_ids,
        start_date=dt.date(start_year, 7, 1),
        end_date=dt.date(start_year + 1, 6, 30),
    )


def cycle_period(cycle: Cycle) -> Period:
    if cycle.semester_id:
        return _semester_period(cycle.semester)
    return _year_period(madrasah_id=cycle.madrasah_id, start_year=cycle.academic_year.start_year)


def previous_period(cycle: Cycle) -> Period | None:
    """The period before the cycle's: the previous semester (by start date) or the previous
    academic year. None when the madrasah has no earlier semester."""
    if cycle.semester_id:
        semester = (
            Semester.objects.filter(madrasah_id=cycle.madrasah_id, start_date__lt=cycle.semester.start_date)
            .select_related("academic_year")
            .order_by("-start_date")
            .first()
        )
        return _semester_period(semester) if semester else None
    return _year_period(madrasah_id=cycle.madrasah_id, start_year=cycle.academic_year.start_year - 1)


def next_period_rows(cycle: Cycle) -> tuple[AcademicYear, Semester | None] | None:
    """The recorded period after the cycle's, as (academic year, semester or None for a year cycle);
    None when the madrasah has not recorded it yet."""
    if cycle.semester_id:
        semester = (
            Semester.objects.filter(madrasah_id=cycle.madrasah_id, start_date__gt=cycle.semester.start_date)
            .select_related("academic_year")
            .order_by("start_date")
            .first()
        )
        return (semester.academic_year, semester) if semester else None
    year = AcademicYear.objects.filter(
        madrasah_id=cycle.madrasah_id, start_year=cycle.academic_year.start_year + 1
    ).first()
    return (year, None) if year else None


def period_choices(*, madrasah: Madrasah) -> list[tuple[str, str]]:
    """Choices for a cycle's period, newest first: each academic year as a whole ("y<id>") followed
    by its semesters ("s<id>")."""
    semesters = list(Semester.objects.filter(madrasah=madrasah).select_related("academic_year").order_by("-start_date"))
    choices = []
    for year in AcademicYear.objects.filter(madrasah=madrasah).order_by("-start_year"):
        choices.append((f"y{year.pk}", _("%(year)s (whole academic year)") % {"year": year.name}))
        for semester in sorted(
            (s for s in semesters if s.academic_year_id == year.pk), key=lambda s: s.start_date, reverse=True
        ):
            choices.append((f"s{semester.pk}", semester_label(semester)))
    return choices


def default_period_value(*, madrasah: Madrasah) -> str:
    """The active semester as a period choice ("s<id>"), else ""."""
    active = Semester.objects.filter(madrasah=madrasah, is_active=True).values_list("pk", flat=True).first()
    return f"s{active}" if active else ""


def period_value(cycle: Cycle) -> str:
    return f"s{cycle.semester_id}" if cycle.semester_id else f"y{cycle.academic_year_id}"


def period_bounds(*, academic_year: AcademicYear, semester: Semester | None) -> tuple[dt.date, dt.date]:
    if semester is not None:
        return semester.start_date, semester.end_date
    return academic_year.start_date, academic_year.end_date


# --- measuring ---------------------------------------------------------------------------------------


def _no_data():
    return metrics.Measure(value=None, n=0, total=None)


def measure_indicator(*, cycle: Cycle, period: Period, now: dt.datetime | None = None):
    """The cycle's indicator over `period`, from the product's own data (a `kompetensi.selectors.
    Measure`: value None = "belum ada data"). Semester → that semester's id; year → the ids of all
    its semesters; PKB → the academic start year; PKG → the academic year id. A manual indicator is
    never measured here."""
    now = now or timezone.now()
    madrasah = cycle.madrasah
    semester_ids = list(period.semester_ids)
    kind = cycle.indicator
    if kind == K.INSTRUMENT_AVERAGE:
        if not semester_ids:
            return _no_data()
        return metrics.metric_instrument_average(
            madrasah=madrasah,
            semester_ids=semester_ids,
            instrument_id=cycle.instrument_id,
            section_title=cycle.section_title,
            competency_id=cycle.competency_id,
            subject_group=cycle.subject_group,
        )
    if kind == K.INSTRUMENT_PREDIKAT:
        if not semester_ids:
            return _no_data()
        return metrics.metric_instrument_predikat_share(
            madrasah=madrasah,
            semester_ids=semester_ids,
            instrument_id=cycle.instrument_id,
            predikat=cycle.predikat,
            subject_group=cycle.subject_group,
        )
    if kind == K.PKG_PREDIKAT:
        if period.academic_year_id is None:
            return _no_data()
        return metrics.metric_pkg_predikat_share(
            madrasah=madrasah, academic_year_id=period.academic_year_id, predikat=cycle.predikat
        )
    if kind == K.ROWS_ON_TIME:
        if not semester_ids:
            return _no_data()
        return metrics.metric_rows_on_time(madrasah=madrasah, semester_ids=semester_ids, now=now)
    if kind == K.FOLLOW_UPS_ON_TIME:
        if not semester_ids:
            return _no_data()
        return metrics.metric_follow_ups_on_time(
            madrasah=madrasah, semester_ids=semester_ids, today=timezone.localdate(now)
        )
    if kind == K.PKB_AVERAGE_JP:
        return metrics.metric_pkb_average_jp(madrasah=madrasah, start_year=period.start_year)
    if kind == K.PKB_PNS_REACHED:
        return metrics.metric_pkb_pns_reached(madrasah=madrasah, start_year=period.start_year)
    return _no_data()


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


@dataclass(frozen=True)
class LatestMeasurement:
    value: Decimal | None
    met: bool | None
    measured_at: dt.datetime


def latest_measurements(cycle_ids: Sequence[int]) -> dict[int, LatestMeasurement]:
    """{cycle id: its latest measurement} for the cycles: one query, none without cycles. Every
    measurement of those cycles is read (a cycle is measured a handful of times) and the newest kept:
    simpler SQL than a correlated subquery per column, which costs more to compile than to run."""
    latest: dict[int, LatestMeasurement] = {}
    if not cycle_ids:
        return latest
    rows = (
        Measurement.objects.filter(cycle_id__in=list(cycle_ids))
        .order_by("cycle_id", "-measured_at", "-pk")
        .values_list("cycle_id", "value", "met", "measured_at")
    )
    for cycle_id, value, met, measured_at in rows:
        latest.setdefault(cycle_id, LatestMeasurement(value, met, measured_at))
    return latest


@dataclass(frozen=True)
class CycleLine:
    """One cycle as the board and the principal's dashboard show it."""

    pk: int
    title: str
    url: str
    stage: str
    period: str
    indicator: str
    direction: str
    target: Decimal
    target_shown: str
    unit: str
    value: Decimal | None
    value_shown: str
    value_raw: str
    met: bool | None
    measured_at: dt.datetime | None


@dataclass(frozen=True)
class StageGroup:
    stage: str
    label: str
    cycles: list[CycleLine]


def _line(cycle: Cycle, latest: LatestMeasurement | None) -> CycleLine:
    unit = indicator_unit(cycle)
    value = latest.value if latest else None
    return CycleLine(
        pk=cycle.pk,
        title=cycle.title,
        url=cycle.get_absolute_url(),
        stage=cycle.stage,
        period=period_text(cycle),
        indicator=indicator_text(cycle),
        direction=cycle.direction,
        target=cycle.target,
        target_shown=target_text(cycle),
        unit=unit,
        value=value,
        value_shown=shown(value, unit) if latest else "",
        value_raw=raw_number(value),
        met=latest.met if latest else None,
        measured_at=latest.measured_at if latest else None,
    )


def _grouped(cycles: list[Cycle]) -> list[StageGroup]:
    """The cycles with their latest measurement, in the five stage groups: one query (none without cycles)."""
    latest = latest_measurements([c.pk for c in cycles])
    lines = [_line(c, latest.get(c.pk)) for c in cycles]
    return [
        StageGroup(stage=stage, label=str(stage.label), cycles=[line for line in lines if line.stage == stage])
        for stage in STAGE_ORDER
    ]


def _base(madrasah_id: int) -> QuerySet[Cycle]:
    return Cycle.objects.filter(madrasah_id=madrasah_id).select_related(
        "academic_year", "semester__academic_year", "instrument", "competency"
    )


def cycle_summary(*, madrasah: Madrasah, semester: Semester) -> list[StageGroup]:
    """For the principal's dashboard: the cycles whose period covers `semester` (that semester, or
    its whole academic year), in the five stage groups Plan … Closed (empty groups included), each
    with target, direction, latest measured value and whether it met the target. Two queries, one without cycles."""
    year_id = semester.academic_year_id

    def build() -> QuerySet[Cycle]:
        covering = Q(semester_id=semester.pk) | Q(semester__isnull=True, academic_year_id=year_id)
        return _base(madrasah.pk).filter(covering).order_by("title", "pk")

    # Compiled once per connection (madrasah.compiled): the dashboard asks on every request.
    return _grouped(compiled.evaluate(("cycle_summary", madrasah.pk, semester.pk, year_id), build))


def board_filter_choices(*, madrasah: Madrasah) -> list[tuple[str, str]]:
    return [("all", _("All periods")), *period_choices(madrasah=madrasah)]


def board_default_filter(*, madrasah: Madrasah) -> str:
    """The academic year of the active semester (else the latest year), else everything."""
    year = metrics.academic_year_current(madrasah=madrasah)
    return f"y{year.pk}" if year else "all"


def cycles_for_board(*, madrasah: Madrasah, period: str = "all", membership: Membership | None = None):
    """The board: cycles in the five stage groups. `period`: "all", "y<id>" (cycles of that academic
    year, whole-year or semester) or "s<id>" (cycles whose period covers that semester). A member who
    does not read every cycle (a teacher) sees only the cycles whose team they sit on."""
    queryset = _base(madrasah.pk)
    if period.startswith("y") and period[1:].isdigit():
        queryset = queryset.filter(academic_year_id=int(period[1:]))
    elif period.startswith("s") and period[1:].isdigit():
        semester = Semester.objects.filter(madrasah=madrasah, pk=int(period[1:])).first()
        if semester is None:
            queryset = queryset.none()
        else:
            queryset = queryset.filter(
                Q(semester=semester) | Q(semester__isnull=True, academic_year_id=semester.academic_year_id)
            )
    if membership is not None and not membership.has_role(*CYCLE_READERS):
        queryset = queryset.filter(team=membership.staff_id) if membership.staff_id else queryset.none()
    return _grouped(list(queryset.order_by("-academic_year__start_year", "title", "pk")))


# --- a cycle's page ----------------------------------------------------------------------------------


def cycle_chain(*, cycle: Cycle, limit: int = 30) -> list[Cycle]:
    """The linked cycles in order: the previous ones, this one, and the ones continuing it."""
    related = ("academic_year", "semester__academic_year", "madrasah")
    before: list[Cycle] = []
    current = cycle
    while current.previous_id and len(before) < limit:
        current = Cycle.objects.select_related(*related).get(pk=current.previous_id)
        before.insert(0, current)
    after: list[Cycle] = []
    current = cycle
    while len(after) < limit:
        following = Cycle.objects.select_related(*related).filter(previous=current).first()
        if following is None:
            break
        after.append(following)
        current = following
    return [*before, cycle, *after]


def _chart_top(values: list[Decimal], spec: IndicatorSpec) -> Decimal:
    if spec.maximum == HUNDRED:
        return HUNDRED
    top = max([v for v in values if v is not None] or [Decimal(1)])
    step = Decimal(10) ** max(len(str(int(top))) - 1, 0)
    return ((top * Decimal("1.2")) / step).to_integral_value(rounding="ROUND_CEILING") * step


def cycle_trend(*, cycle: Cycle, chain: list[Cycle]) -> dict:
    """The indicator over time across the chain: the first cycle's baseline, then each cycle's latest
    measured value, against each cycle's target. A chart (shared SVG) and the same numbers as rows."""
    measurements: dict[int, Measurement] = {}
    for measurement in Measurement.objects.filter(cycle__in=[c.pk for c in chain]).order_by("measured_at", "pk"):
        measurements[measurement.cycle_id] = measurement  # the last one wins
    unit = indicator_unit(cycle)
    rows = []
    first = chain[0]
    if first.baseline_measured_at and first.baseline_period:
        rows.append(
            {
                "period": first.baseline_period,
                "cycle": None,
                "kind": _("baseline"),
                "value": first.baseline,
                "value_shown": shown(first.baseline, unit),
                "value_raw": raw_number(first.baseline),
                "target": None,
                "target_shown": "",
                "met": None,
            }
        )
    for member in chain:
        measurement = measurements.get(member.pk)
        value = measurement.value if measurement else None
        rows.append(
            {
                "period": chart_label(member),
                "cycle": member,
                "kind": _("measured") if measurement else _("not measured yet"),
                "value": value,
                "value_shown": shown(value, unit) if measurement else "–",
                "value_raw": raw_number(value),
                "target": member.target,
                "target_shown": target_text(member),
                "met": measurement.met if measurement else None,
            }
        )
    spec = CATALOGUE.get(cycle.indicator, CATALOGUE[K.MANUAL])
    top = _chart_top([r["value"] for r in rows] + [r["target"] for r in rows], spec)
    chart = line_chart(
        series=[
            (_("Measured value"), [(r["period"], r["value"]) for r in rows]),
            (_("Target"), [(r["period"], r["target"]) for r in rows]),
        ],
        max_value=top,
        title=_("The indicator over time"),
        width=640,
        chart_id=f"cycle-trend-{cycle.pk}",
    )
    return {"rows": rows, "chart": chart}


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


def _stage_name(value) -> str:
    try:
        return str(Stage(value).label)
    except ValueError:
        return str(value or "–")


def _short(value) -> str:
    text = "–" if value in (None, "", []) else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


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


def _cycle_change_line(change: dict, people: dict) -> str:
    what = change.get("what")
    if what == "stage":
        return f"{_('Stage')}: {_stage_name(change.get('from'))} → {_stage_name(change.get('to'))}"
    return f"{_change_label(str(what or ''))}: {_short(change.get('from'))} → {_short(change.get('to'))}"


SCORE_CHANGES = frozenset({"measurement", "baseline"})


def _cycle_change_line_without_scores(change: dict, people: dict) -> str:
    if change.get("what") in SCORE_CHANGES:
        return _change_label(str(change["what"]))
    return _cycle_change_line(change, people)


def cycle_history(*, cycle: Cycle, hide_scores: bool = False) -> list[dict]:
    """The events as lines: when, who, what, and each change ("Tahap: Plan → Do"). `hide_scores`: the
    measured and baseline values are named without their numbers."""
    events = list(cycle.events.order_by("at", "pk"))
    line = _cycle_change_line_without_scores if hide_scores else _cycle_change_line
    return history_rows(events, madrasah_id=cycle.madrasah_id, labels=ACTION_LABELS, change_line=line)


def activities_of_cycle(*, cycle: Cycle) -> list[Activity]:
    """The activities with their progress entries (and what each points at), in date order."""
    return activities_of_cycles(cycles=[cycle])[cycle.pk]


def activities_of_cycles(*, cycles: list[Cycle]) -> dict[int, list[Activity]]:
    """`activities_of_cycle` for several cycles of one madrasah at once: the same three queries
    whatever their number (cycle id → activities)."""
    by_cycle: dict[int, list[Activity]] = {c.pk: [] for c in cycles}
    if not cycles:
        return by_cycle
    progress = ActivityProgress.objects.select_related(
        "coaching__teacher", "appreciation__teacher", "good_practice"
    ).order_by("created_at", "pk")
    activities = list(
        Activity.objects.filter(cycle__in=cycles)
        .order_by("start_date", "pk")
        .prefetch_related(Prefetch("progress", queryset=progress))
    )
    authors = display_names(cycles[0].madrasah_id, {p.author_id for a in activities for p in a.progress.all()})
    for activity in activities:
        activity.planned_shown = rupiah(activity.planned_cost)
        activity.spent_shown = rupiah(activity.spent)
        for entry in activity.progress.all():
            entry.author_name = authors.get(entry.author_id, "")
        by_cycle[activity.cycle_id].append(activity)
    return by_cycle


def funding_totals(activities: list[Activity]) -> list[dict]:
    """Planned and spent Rupiah per funding source (of activities not cancelled), largest first, with
    each source's share of the planned total: how much the cycle depends on BOS."""
    totals: dict[str, dict] = {}
    for activity in activities:
        if activity.status == ActivityStatus.CANCELLED:
            continue
        entry = totals.setdefault(
            activity.funding_source,
            {
                "source": activity.funding_source,
                "label": FundingSource(activity.funding_source).label,
                "planned": Decimal(0),
                "spent": Decimal(0),
            },
        )
        entry["planned"] += activity.planned_cost
        entry["spent"] += activity.spent
    planned_total = sum((e["planned"] for e in totals.values()), Decimal(0))
    rows = sorted(totals.values(), key=lambda e: e["planned"], reverse=True)
    for row in rows:
        row["share"] = (row["planned"] * HUNDRED / planned_total) if planned_total else None
        row["planned_shown"] = rupiah(row["planned"])
        row["spent_shown"] = rupiah(row["spent"])
        row["share_shown"] = shown(row["share"], "%") if row["share"] is not None else "–"
    return rows


def factor_labels(tags: list[str]) -> list[str]:
    labels = dict(FactorTag.choices)
    return [str(labels[t]) for t in tags if t in labels]


def measurements_of_cycle(*, cycle: Cycle) -> list[dict]:
    return measurements_of_cycles(cycles=[cycle])[cycle.pk]


def measurements_of_cycles(*, cycles: list[Cycle]) -> dict[int, list[dict]]:
    """Each cycle's measurements as shown (value, target and signed gap with the indicator's unit),
    oldest first, for several cycles of one madrasah at once: two queries (cycle id → rows)."""
    by_cycle: dict[int, list[dict]] = {c.pk: [] for c in cycles}
    if not cycles:
        return by_cycle
    units = {c.pk: indicator_unit(c) for c in cycles}
    measurements = list(Measurement.objects.filter(cycle__in=cycles).order_by("measured_at", "pk"))
    people = display_names(cycles[0].madrasah_id, {m.measured_by_id for m in measurements})
    for m in measurements:
        unit = units[m.cycle_id]
        by_cycle[m.cycle_id].append(
            {
                "measurement": m,
                "by": people.get(m.measured_by_id, ""),
                "value_shown": shown(m.value, unit),
                "value_raw": raw_number(m.value),
                "target_shown": shown(m.target, unit),
                "gap_shown": ("+" if m.gap is not None and m.gap > 0 else "") + shown(m.gap, unit)
                if m.gap is not None
                else "–",
                "gap_raw": raw_number(m.gap),
            }
        )
    return by_cycle


def latest_measurement(*, cycle: Cycle) -> Measurement | None:
    return cycle.measurements.order_by("-measured_at", "-pk").first()


def latest_measured_value(*, cycle: Cycle) -> Measurement | None:
    """The latest measurement that found data (what a continuing cycle takes as its baseline)."""
    return cycle.measurements.filter(value__isnull=False).order_by("-measured_at", "-pk").first()


def cycle_page(*, cycle: Cycle) -> dict:
    """Everything a cycle's page shows: the indicator, target, baseline and latest value (for people
    and, `*_raw`, for machines), the chain with the trend, activities with their progress and cost by
    funding source, measurements, the Act and the history."""
    unit = indicator_unit(cycle)
    chain = cycle_chain(cycle=cycle)
    activities = activities_of_cycle(cycle=cycle)
    latest = latest_measurement(cycle=cycle)
    return {
        "period_text": period_text(cycle),
        "indicator_text": indicator_text(cycle),
        "is_manual": indicator_spec(cycle.indicator).manual,
        "target_text": target_text(cycle),
        "target_raw": raw_number(cycle.target),
        "baseline_shown": shown(cycle.baseline, unit),
        "baseline_raw": raw_number(cycle.baseline),
        "latest": latest,
        "latest_shown": shown(latest.value, unit) if latest else "",
        "latest_raw": raw_number(latest.value) if latest else "",
        "chain": chain,
        "trend": cycle_trend(cycle=cycle, chain=chain),
        "activities": activities,
        "funding": funding_totals(activities),
        "measurements": measurements_of_cycle(cycle=cycle),
        "history": cycle_history(cycle=cycle),
        "team": list(cycle.team.order_by("name")),
        "supporting_tags": factor_labels(cycle.supporting_tags),
        "inhibiting_tags": factor_labels(cycle.inhibiting_tags),
    }


# --- what a progress entry may point at --------------------------------------------------------------


def coaching_choices(*, madrasah: Madrasah, period: Period) -> QuerySet[FollowUp]:
    """Coaching follow-ups of the madrasah due within the period, newest first."""
    return (
        FollowUp.objects.filter(
            madrasah=madrasah, kind=FollowUpKind.COACHING, deadline__range=(period.start_date, period.end_date)
        )
        .select_related("teacher")
        .order_by("-deadline", "-pk")
    )


def appreciation_choices(*, madrasah: Madrasah, period: Period) -> QuerySet[AppreciationNote]:
    """Appreciation notes of the madrasah written within the period, newest first."""
    return (
        AppreciationNote.objects.filter(madrasah=madrasah, created_at__date__range=(period.start_date, period.end_date))
        .select_related("teacher")
        .order_by("-created_at", "-pk")
    )


def good_practice_choices(*, madrasah: Madrasah) -> QuerySet[GoodPractice]:
    """Published good practice of the madrasah, newest first."""
    return GoodPractice.objects.filter(madrasah=madrasah, status=GoodPracticeStatus.PUBLISHED).order_by(
        "-published_at", "-pk"
    )
