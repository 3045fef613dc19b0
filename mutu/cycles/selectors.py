"""Reads for quality cycles (siklus PDCA): the periods to choose from, the board, the principal's
summary, a cycle's page (chain, trend, activities, measurements, history) and what a progress entry
may point at.

Every function takes the madrasah (or a cycle fetched through `mutu.access`) explicitly. What an
indicator is and how a value reads are `rules`; measuring it is `indicators`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from kompetensi.instruments.selectors import academic_year_current
from kompetensi.models import AppreciationNote, FollowUp, FollowUpKind
from madrasah import compiled
from madrasah.charts import line_chart
from madrasah.formatting import raw_number, rupiah
from madrasah.models import AcademicYear, Madrasah, Membership, Semester
from madrasah.workflow import display_names, history_rows

from ..access import CYCLE_READERS
from ..models import (
    STAGE_ORDER,
    Activity,
    ActivityProgress,
    Cycle,
    Measurement,
    Stage,
)
from ..money.rules import funding_totals
from .rules import (
    ACTION_LABELS,
    CATALOGUE,
    HUNDRED,
    IndicatorSpec,
    K,
    Period,
    chart_label,
    cycle_change_line,
    cycle_change_line_without_scores,
    factor_labels,
    indicator_spec,
    indicator_text,
    indicator_unit,
    period_text,
    semester_label,
    shown,
    target_text,
)

# --- periods to choose from --------------------------------------------------------------------------


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


# --- the board and the principal's summary -----------------------------------------------------------


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
    year = academic_year_current(madrasah=madrasah)
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


def cycle_history(*, cycle: Cycle, hide_scores: bool = False) -> list[dict]:
    """The events as lines: when, who, what, and each change ("Tahap: Plan → Do"). `hide_scores`: the
    measured and baseline values are named without their numbers."""
    events = list(cycle.events.order_by("at", "pk"))
    line = cycle_change_line_without_scores if hide_scores else cycle_change_line
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


def cycles_due(*, madrasah_id: int, today: dt.date) -> QuerySet[Cycle]:
    """Open cycles whose stage is due (docs/domain.md §11): one in Plan once its period has begun
    (the plan should be carried out), one in Do, Check or Act once its period has ended (measure,
    decide, close). A cycle's period is its semester, or its academic year (July to June) without one."""
    year_begun = today.year if today.month >= 7 else today.year - 1  # the academic year today falls in
    begun = Q(semester__isnull=False, semester__start_date__lte=today) | Q(
        semester__isnull=True, academic_year__start_year__lte=year_begun
    )
    ended = Q(semester__isnull=False, semester__end_date__lt=today) | Q(
        semester__isnull=True, academic_year__start_year__lt=year_begun
    )
    return Cycle.objects.filter(madrasah_id=madrasah_id).filter(
        (Q(stage=Stage.PLAN) & begun) | (Q(stage__in=[Stage.DO, Stage.CHECK, Stage.ACT]) & ended)
    )
