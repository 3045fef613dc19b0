"""The aggregation layer of supervision results: the building blocks of the dashboard and of the
quality-cycle indicators. Every function takes the madrasah explicitly.

A teacher's *result* on an instrument is their LATEST FINALISED observation of it in the period
(README, "Aggregation"); the dashboard (laporan.dashboard.selectors) and the PDCA indicators (mutu) read the
same functions below. Every number is aggregated in SQL, each function costs a fixed number of
queries whatever the number of teachers, values stay Decimal and are never rounded here
(`for_display` is for showing a number only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from madrasah import compiled
from madrasah.models import Madrasah

from ...instruments.rules import HUNDRED, Measure, mean
from ...instruments.selectors import band_bound, band_read, item_floor
from ...models import FollowUpStatus, Item, ObservationScore, ObservationState, ProgrammeRow
from ..rules import overdue_cutoff
from .latest import latest_final_observations, narrowed

DECIMAL = DecimalField(max_digits=20, decimal_places=10)
COUNTED = Q(not_applicable=False, points__isnull=False)  # a score that enters the percentage
VERSION = "observation__instrument_version__"  # from an ObservationScore
SCALE_MAX = f"{VERSION}scale_max"
OBSERVED = [s for s in ObservationState.values if s != ObservationState.DRAFT]  # past draft: "done"


class ExactNumber(Func):
    """A value for division that does not truncate: numeric on PostgreSQL; on SQLite (which has no
    decimal type and divides integers as integers) a real number."""

    function = "CAST"
    template = "%(function)s(%(expressions)s AS numeric)"
    output_field = DECIMAL

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="%(function)s(%(expressions)s AS real)", **extra_context)


def _result_totals() -> dict:
    """Sum and count of the results (stored percentage, the scoring function's output)."""
    return {"total": Sum("percentage", output_field=DECIMAL), "n": Count("pk")}


def mean_points_over(items: Q) -> Subquery:
    """An observation's mean points over some of its items, for an Observation query: scored items
    only (an item marked not applicable, or not scored, holds no points), None when there is none.
    Less `item_floor`, times 100 ÷ (scale max − floor), it is the scoring function's section
    percentage (unweighted). `items`: a condition on Item, inside a subquery of the score's (so the
    observation's query is OuterRef(OuterRef(…)) there); Q() for every item.

    The scores are found item by item (`item_id IN (the items)` with the observation, one index
    lookup each) rather than by joining every score of the observation to its item: the dashboard
    runs this once per observation and section."""
    scores = ObservationScore.objects.filter(observation_id=OuterRef("pk"))
    if items:
        scores = scores.filter(item_id__in=Item.objects.filter(items).values("pk"))
    return Subquery(
        scores.order_by().annotate(mean=Func(F("points"), function="AVG", output_field=DECIMAL)).values("mean"),
        output_field=DECIMAL,
    )


@dataclass(frozen=True)
class ResultGroup:
    """Results of one instrument version and predikat in one semester (with `sections`: also the sums
    of the section percentages of those same observations, per section title)."""

    semester_id: int
    instrument_id: int
    instrument_code: str
    instrument_name: str
    instrument_kind: str
    version_id: int
    predikat: str
    n: int
    total: Decimal
    sections: tuple[tuple[str, int, Decimal, int], ...] = ()  # (title, order, Σ percentages, observations)


RESULT_FIELDS = (
    "row__programme__semester_id",
    "instrument_version__instrument_id",
    "instrument_version__instrument__code",
    "instrument_version__instrument__name",
    "instrument_version__instrument__kind",
    "instrument_version_id",
    "predikat",
)
SECTION_FIELDS = ("instrument_version__sections__title", "instrument_version__sections__order")


def instrument_results(
    *, madrasah_id: int, semester_ids: Sequence[int], per_semester: bool = False, sections_for: int | None = None
) -> list[ResultGroup]:
    """Each teacher's latest final result per instrument in the semesters (`latest_final_observations`,
    per semester with `per_semester`), grouped by semester, instrument version and stored predikat:
    one query, a few rows. With `sections_for` (one of the semesters), the section percentages of
    that semester's observations are summed per section in the same query. The SQL is compiled once
    per connection (`madrasah.compiled`): the dashboard runs it on every request and it costs more to
    compile than to run."""
    semester_ids = tuple(sorted(semester_ids))
    sections = sections_for is not None
    fields = [*RESULT_FIELDS, *(SECTION_FIELDS if sections else ())]

    def build() -> QuerySet:
        latest = latest_final_observations(
            madrasah_id=madrasah_id, semester_ids=semester_ids, per_semester=per_semester
        )
        aggregates = _result_totals()
        if sections:
            # One row per observation and section of its version (a left join): counts stay per observation.
            # The section means are read for that semester only (none is asked of the others' rows).
            mean = mean_points_over(Q(section_id=OuterRef(OuterRef("instrument_version__sections__id"))))
            latest = latest.alias(section=Case(When(row__programme__semester_id=sections_for, then=mean)))
            aggregates.update(
                scale_max=Max("instrument_version__scale_max"),
                floor=Max(item_floor()),
                section_points=Sum("section"),
                section_n=Count("section"),
            )
        return latest.order_by().values(*fields).annotate(**aggregates)

    key = ("instrument_results", madrasah_id, semester_ids, per_semester, sections_for)
    groups: dict[tuple, dict] = {}
    for r in compiled.evaluate(key, build) if semester_ids else []:
        group_key = tuple(r[f] for f in RESULT_FIELDS)
        group = groups.setdefault(group_key, {"n": r["n"], "total": r["total"] or Decimal(0), "sections": []})
        if sections and r["row__programme__semester_id"] == sections_for and r["instrument_version__sections__title"]:
            # Σ (mean points − floor) × 100 ÷ (max − floor) = Σ section percentages (one version).
            counted = Decimal(r["section_points"] or 0) - r["section_n"] * r["floor"]
            percentages = counted * HUNDRED / Decimal(r["scale_max"] - r["floor"])
            group["sections"].append(
                (
                    r["instrument_version__sections__title"],
                    r["instrument_version__sections__order"],
                    percentages,
                    r["section_n"],
                )
            )
    return [ResultGroup(*k, n=g["n"], total=g["total"], sections=tuple(g["sections"])) for k, g in groups.items()]


def instrument_averages(groups: Sequence[ResultGroup]) -> dict[int, Measure]:
    """{instrument id: the mean over teachers of their result} from `instrument_results` groups, no
    query: the same `Measure.average` of the SQL sums as `metric_instrument_average`, so the dashboard
    and a quality cycle measuring the instrument read one number."""
    sums: dict[int, list] = {}
    for g in groups:
        entry = sums.setdefault(g.instrument_id, [Decimal(0), 0])
        entry[0] += g.total
        entry[1] += g.n
    return {instrument_id: Measure.average(total, n) for instrument_id, (total, n) in sums.items()}


def section_averages(groups: Sequence[ResultGroup]) -> dict[int, list[tuple[str, Decimal | None]]]:
    """{instrument id: [(section title, mean over observations of the section percentage)]} in
    instrument order, sections matched by title across versions — from `instrument_results`, no query."""
    sums: dict[tuple[int, str], list] = {}
    for g in groups:
        for title, order, total, n in g.sections:
            entry = sums.setdefault((g.instrument_id, title), [order, Decimal(0), 0])
            entry[0] = min(entry[0], order)
            entry[1] += total
            entry[2] += n
    result: dict[int, list] = {}
    for (instrument_id, title), (_order, total, n) in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[1][0])):
        result.setdefault(instrument_id, []).append((title, mean(total, n)))
    return result


# An item as the per-item recaps group ObservationScore rows: id, text, section, instrument, and order.
ITEM_FIELDS = (
    "item_id",
    "item__text",
    "item__order",
    "item__section__title",
    "item__section__order",
    "observation__instrument_version__instrument__name",
)


@dataclass(frozen=True)
class ItemAverage:
    instrument_name: str
    section_title: str
    item_text: str
    average: Decimal  # the item's percentage (`item_floor`) over the observations that scored it


def strongest_items(
    *, madrasah_id: int, semester_ids: Sequence[int], instrument_ids: Iterable[int], limit: int
) -> list[ItemAverage]:
    """The `limit` items of those instruments with the highest average over each teacher's latest
    final result in the semesters; ties in instrument, section and item order. One query, compiled
    once per connection and arguments (`madrasah.compiled`)."""
    semester_ids, instrument_ids = tuple(sorted(semester_ids)), tuple(sorted(instrument_ids))

    def build() -> QuerySet:
        latest = latest_final_observations(madrasah_id=madrasah_id, semester_ids=semester_ids)
        floor = Max(item_floor(VERSION))
        return (
            ObservationScore.objects.filter(
                narrowed(madrasah_id, semester_ids, "observation__"),
                points__isnull=False,  # scored (an item marked not applicable holds no points)
                observation__in=latest,
                observation__instrument_version__instrument_id__in=instrument_ids,
            )
            .order_by()
            .values(*ITEM_FIELDS)
            .annotate(average=(Avg("points", output_field=DECIMAL) - floor) * HUNDRED / (Max(SCALE_MAX) - floor))
            .order_by(
                "-average",
                "observation__instrument_version__instrument__name",
                "item__section__order",
                "item__order",
                "item_id",
            )[:limit]
        )

    if not (semester_ids and instrument_ids):
        return []
    rows = compiled.evaluate(("strongest_items", madrasah_id, semester_ids, instrument_ids, limit), build)
    return [
        ItemAverage(
            instrument_name=r["observation__instrument_version__instrument__name"],
            section_title=r["item__section__title"],
            item_text=r["item__text"],
            average=r["average"],
        )
        for r in rows
    ]


# --- programme rows and follow-ups --------------------------------------------------------------------


@dataclass(frozen=True)
class RowCounts:
    """Programme rows by status (supervision.rules.RowStatus: cancelled first, then done when an
    observation went past draft, then overdue once its planned local day has ended), rows observed on time
    (observed on or before the planned day, local time) and observations waiting on a clarification."""

    planned: int = 0
    done: int = 0
    overdue: int = 0
    cancelled: int = 0
    observed_on_time: int = 0
    clarifications: int = 0

    @property
    def on_time(self) -> Measure:
        """Share of the rows due or already observed (not cancelled) that were observed on time."""
        return Measure.share(self.observed_on_time, self.done + self.overdue)


@dataclass(frozen=True)
class FollowUpCounts:
    open: int = 0
    overdue: int = 0  # open past the deadline
    closed_on_time: int = 0  # closed on or before the deadline (local day)
    closed_late: int = 0

    @property
    def on_time(self) -> Measure:
        """Share of the follow-ups past their deadline or closed that were closed by the deadline."""
        return Measure.share(self.closed_on_time, self.overdue + self.closed_on_time + self.closed_late)


def _supervision_query(*, madrasah: Madrasah, semester_ids: Sequence[int], cutoff: dt.datetime, aggregates: dict):
    """The semesters' programme rows ⟕ observations ⟕ follow-ups, aggregated apart for rows cancelled
    or not and due or not (due: planned before `cutoff`, the start of today's local day,
    `rules.overdue_cutoff`): four rows at most. A row or an observation can appear several times in
    that join (hence DISTINCT), a follow-up exactly once."""
    return (
        ProgrammeRow.objects.filter(programme__madrasah=madrasah, programme__semester_id__in=semester_ids)
        .values(
            cancelled=ExpressionWrapper(Q(cancelled_at__isnull=False), output_field=BooleanField()),
            due=ExpressionWrapper(Q(planned_at__lt=cutoff), output_field=BooleanField()),
        )
        .annotate(**aggregates)
        .order_by()
    )


def _supervision(*, madrasah: Madrasah, semester_ids: Sequence[int], now: dt.datetime, aggregates: dict) -> list[dict]:
    cutoff = overdue_cutoff(now)
    return list(_supervision_query(madrasah=madrasah, semester_ids=semester_ids, cutoff=cutoff, aggregates=aggregates))


def _row_aggregates() -> dict:
    observed = Q(observations__state__in=OBSERVED)
    on_time = Q(observations__observed_on__lte=TruncDate("planned_at"))  # the planned local day
    return {
        "rows": Count("pk", distinct=True),
        "done": Count("pk", distinct=True, filter=observed),
        "on_time": Count("pk", distinct=True, filter=observed & on_time),
        "clarifications": Count(
            "observations", distinct=True, filter=Q(observations__state=ObservationState.CLARIFICATION)
        ),
    }


def _row_counts(groups: list[dict]) -> RowCounts:
    live = [g for g in groups if not g["cancelled"]]  # a cancelled row is neither done nor overdue
    overdue = sum(g["rows"] - g["done"] for g in live if g["due"])
    done = sum(g["done"] for g in live)
    return RowCounts(
        planned=sum(g["rows"] for g in live) - done - overdue,
        done=done,
        overdue=overdue,
        cancelled=sum(g["rows"] for g in groups if g["cancelled"]),
        observed_on_time=sum(g["on_time"] for g in live),
        clarifications=sum(g["clarifications"] for g in groups),
    )


def _follow_up_aggregates(today: dt.date) -> dict:
    f = "observations__follow_ups"
    is_open, closed = Q(**{f"{f}__status": FollowUpStatus.OPEN}), Q(**{f"{f}__status": FollowUpStatus.CLOSED})
    closed_on = f"{f}__closed_at__date"  # the local (Asia/Jakarta) day
    return {
        "fu_open": Count(f, filter=is_open),
        "fu_overdue": Count(f, filter=is_open & Q(**{f"{f}__deadline__lt": today})),
        "fu_on_time": Count(f, filter=closed & Q(**{f"{closed_on}__lte": F(f"{f}__deadline")})),
        "fu_late": Count(f, filter=closed & Q(**{f"{closed_on}__gt": F(f"{f}__deadline")})),
    }


def _follow_up_counts(groups: list[dict]) -> FollowUpCounts:
    return FollowUpCounts(
        open=sum(g["fu_open"] for g in groups),
        overdue=sum(g["fu_overdue"] for g in groups),
        closed_on_time=sum(g["fu_on_time"] for g in groups),
        closed_late=sum(g["fu_late"] for g in groups),
    )


def row_counts(*, madrasah: Madrasah, semester_ids: Sequence[int], now: dt.datetime) -> RowCounts:
    """The semesters' programme rows: one query."""
    return _row_counts(
        _supervision(madrasah=madrasah, semester_ids=semester_ids, now=now, aggregates=_row_aggregates())
    )


def follow_up_counts(*, madrasah: Madrasah, semester_ids: Sequence[int], today: dt.date) -> FollowUpCounts:
    """Follow-ups of the semesters' observations: one query."""
    return _follow_up_counts(
        _supervision(
            madrasah=madrasah,
            semester_ids=semester_ids,
            now=timezone.now(),
            aggregates=_follow_up_aggregates(today),
        )
    )


def supervision_counts(
    *, madrasah: Madrasah, semester_ids: Sequence[int], now: dt.datetime
) -> tuple[RowCounts, FollowUpCounts]:
    """`row_counts` and `follow_up_counts` (deadlines against now's local day) in one query, compiled
    once per connection (madrasah.compiled: the dashboard asks on every request), now and today bound
    late."""
    if not semester_ids:
        return _row_counts([]), _follow_up_counts([])

    def build():
        return _supervision_query(
            madrasah=madrasah,
            semester_ids=semester_ids,
            cutoff=compiled.late_moment(),
            aggregates={**_row_aggregates(), **_follow_up_aggregates(compiled.late_day())},
        )

    groups = compiled.evaluate(
        ("supervision_counts", madrasah.pk, tuple(semester_ids)),
        build,
        late={compiled.late_moment(): overdue_cutoff(now), compiled.late_day(): timezone.localdate(now)},
    )
    return _row_counts(groups), _follow_up_counts(groups)


# --- the quality-cycle indicators (mutu) ------------------------------------------------------------


def metric_instrument_average(
    *,
    madrasah: Madrasah,
    semester_ids: list[int],
    instrument_id: int,
    section_title: str = "",
    competency_id: int | None = None,
    subject_group: str = "",
) -> Measure:
    """Mean over teachers of their latest finalised result on the instrument in the semesters (the
    dashboard's average). With `section_title`: of the section percentage (sections matched by title
    across versions); with `competency_id`: of the percentage over the items informing that
    competency (by their indicator or their section); with `subject_group`: only observations of rows
    whose subject is of that group. One query."""
    latest = latest_final_observations(
        madrasah_id=madrasah.pk, semester_ids=semester_ids, subject_group=subject_group
    ).filter(instrument_version__instrument_id=instrument_id)
    if not section_title and competency_id is None:
        totals = latest.aggregate(**_result_totals())
        return Measure.average(totals["total"], totals["n"])
    items = Q(section__title=section_title) if section_title else Q()
    if competency_id is not None:
        items &= Q(indicator__competency_id=competency_id) | Q(section__competency_id=competency_id)
    floor = item_floor()
    percentage = (mean_points_over(items) - floor) * HUNDRED / (F("instrument_version__scale_max") - floor)
    part = ExpressionWrapper(percentage, output_field=DECIMAL)
    totals = latest.annotate(part=part).aggregate(total=Sum("part", output_field=DECIMAL), n=Count("part"))
    return Measure.average(totals["total"], totals["n"])


def metric_instrument_predikat_share(
    *, madrasah: Madrasah, semester_ids: list[int], instrument_id: int, predikat: str, subject_group: str = ""
) -> Measure:
    """Share (0–100) of teachers whose latest finalised result on the instrument is at or above the
    band `predikat` of that observation's instrument version (percentage as read ≥ its lower bound). One query."""
    latest = latest_final_observations(
        madrasah_id=madrasah.pk, semester_ids=semester_ids, subject_group=subject_group
    ).filter(instrument_version__instrument_id=instrument_id)
    totals = latest.annotate(bound=band_bound(version="instrument_version_id", predikat=predikat), read=band_read())
    totals = totals.aggregate(n=Count("pk"), hits=Count("pk", filter=Q(read__gte=F("bound"))))
    return Measure.share(totals["hits"], totals["n"])


def metric_rows_on_time(*, madrasah: Madrasah, semester_ids: list[int], now: dt.datetime) -> Measure:
    """Share of the programme rows due (their local day ended before `now`'s) or already observed (not
    cancelled) that were observed on or before their planned day. One query."""
    return row_counts(madrasah=madrasah, semester_ids=semester_ids, now=now).on_time


def metric_follow_ups_on_time(*, madrasah: Madrasah, semester_ids: list[int], today: dt.date) -> Measure:
    """Share of the follow-ups past their deadline (before `today`) or closed that were closed on or
    before the deadline (local day). One query."""
    return follow_up_counts(madrasah=madrasah, semester_ids=semester_ids, today=today).on_time
