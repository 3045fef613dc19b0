"""Reads for the money pages: the funding view of a period (what quality-cycle activities cost and
where the money comes from), and the entrepreneurship log with its yearly totals per unit.

docs/domain.md §11: BOS money flows through the madrasah's state budget (DIPA), so the
Kepala wants to see how much improvement work depends on DIPA-BOS; the madrasah's business unit is one
of the non-BOS sources, fed by the entrepreneurship log.

Rules of the funding view, shown on the page and kept identical in the Excel export:
- a period is an academic year (July–June) or one of its semesters;
- a year counts every activity of the year's cycles; a semester counts the activities of cycles
  planned for that semester, plus those of whole-year cycles that start within the semester;
- cancelled activities are left out of the planned totals; what was already spent on them still
  counts as spent;
- the share depending on BOS is DIPA-BOS planned ÷ all planned, in percent (None when nothing is
  planned: "belum ada data").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404

from madrasah.models import AcademicYear, Madrasah, Semester

from ..models import MONEY, Activity, ActivityStatus, BusinessActivity, FundingSource

NOT_CANCELLED = ~Q(status=ActivityStatus.CANCELLED)
NO_RKAM = ""


def _zero() -> Value:
    return Value(Decimal(0), output_field=DecimalField(**MONEY))


def _sum(name: str, condition: Q | None = None) -> Coalesce:
    """SUM in SQL, 0 rather than NULL when no row matches."""
    return Coalesce(Sum(name, filter=condition), _zero(), output_field=DecimalField(**MONEY))


CENT = Decimal("0.01")


def _rp(value) -> Decimal:
    """An amount with exactly two decimals, whichever database summed it (SQLite and PostgreSQL
    return different scales for SUM and for the 0 of COALESCE)."""
    return Decimal(value or 0).quantize(CENT)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` of `whole` in percent, two decimals (half up); None when `whole` is 0."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- periods --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """An academic year, or one of its semesters."""

    academic_year: AcademicYear
    semester: Semester | None = None

    @property
    def key(self) -> str:
        """URL form: `2026` for the year 2026/2027, the semester's slug (`2026-2027-ganjil`) else."""
        return self.semester.slug if self.semester else str(self.academic_year.start_year)

    @property
    def label(self) -> str:
        return str(self.semester) if self.semester else self.academic_year.name

    @property
    def start_date(self) -> dt.date:
        return self.semester.start_date if self.semester else self.academic_year.start_date

    @property
    def end_date(self) -> dt.date:
        return self.semester.end_date if self.semester else self.academic_year.end_date


def funding_periods(*, madrasah: Madrasah) -> list[Period]:
    """The madrasah's academic years, newest first, each followed by its semesters (two queries)."""
    years = AcademicYear.objects.filter(madrasah=madrasah).order_by("-start_year")
    semesters = Semester.objects.filter(madrasah=madrasah).select_related("academic_year").order_by("start_date")
    by_year: dict[int, list[Semester]] = {}
    for semester in semesters:
        by_year.setdefault(semester.academic_year_id, []).append(semester)
    periods = []
    for year in years:
        periods.append(Period(academic_year=year))
        periods.extend(Period(academic_year=year, semester=s) for s in by_year.get(year.pk, []))
    return periods


def funding_period_chosen(*, periods: list[Period], key: str | None) -> Period | None:
    """`?periode=2026` or `?periode=2026-2027-ganjil` among `periods` (unknown: 404); without one,
    the whole academic year of the active semester, else the newest year."""
    if key:
        for period in periods:
            if period.key == key:
                return period
        raise Http404
    active = next((p for p in periods if p.semester and p.semester.is_active), None)
    if active is not None:
        return Period(academic_year=active.academic_year)
    return periods[0] if periods else None


# --- the funding view -----------------------------------------------------------------------------


def funding_activities(*, madrasah: Madrasah, period: Period) -> QuerySet[Activity]:
    """The cycle activities a period counts (the rule in the module docstring)."""
    activities = Activity.objects.filter(cycle__madrasah=madrasah)
    if period.semester is None:
        return activities.filter(cycle__academic_year=period.academic_year)
    semester = period.semester
    return activities.filter(
        Q(cycle__semester=semester)
        | Q(
            cycle__semester__isnull=True,
            cycle__academic_year_id=semester.academic_year_id,
            start_date__gte=semester.start_date,
            start_date__lte=semester.end_date,
        )
    )


@dataclass(frozen=True)
class SourceTotal:
    source: str
    label: str
    planned: Decimal
    spent: Decimal


@dataclass(frozen=True)
class RkamGroup:
    """The activities funded by one RKAM activity (`name` "" for those that cite none)."""

    name: str
    planned: Decimal
    spent: Decimal
    activities: list[Activity] = field(default_factory=list)


@dataclass(frozen=True)
class BusinessSummary:
    income: Decimal
    expense: Decimal
    entries: int

    @property
    def net(self) -> Decimal:
        return self.income - self.expense


@dataclass(frozen=True)
class FundingSummary:
    madrasah: Madrasah
    period: Period
    sources: list[SourceTotal]
    planned_total: Decimal
    spent_total: Decimal
    activity_count: int
    cancelled_count: int
    # DIPA-BOS planned ÷ all planned × 100, two decimals; None: nothing planned ("belum ada data").
    bos_share: Decimal | None
    rkam_groups: list[RkamGroup]
    business: BusinessSummary

    @property
    def empty(self) -> bool:
        return self.activity_count == 0

    def source(self, value: str) -> SourceTotal:
        return next(s for s in self.sources if s.source == value)

    @property
    def business_source(self) -> SourceTotal:
        """What cycle activities plan and spend from the business unit (fed by the log)."""
        return self.source(FundingSource.BUSINESS)


def _source_totals(activities: QuerySet[Activity]) -> dict:
    """One query: planned (cancelled left out) and spent per funding source, and the totals."""
    aggregates = {
        "planned_total": _sum("planned_cost", NOT_CANCELLED),
        "spent_total": _sum("spent"),
        "activity_count": Count("pk"),
        "cancelled_count": Count("pk", filter=~NOT_CANCELLED),
    }
    for source in FundingSource.values:
        aggregates[f"planned_{source}"] = _sum("planned_cost", NOT_CANCELLED & Q(funding_source=source))
        aggregates[f"spent_{source}"] = _sum("spent", Q(funding_source=source))
    return activities.aggregate(**aggregates)


def _rkam_groups(activities: QuerySet[Activity]) -> list[RkamGroup]:
    """Two queries: the subtotals per RKAM activity (in SQL) and the activities themselves. Activities
    citing no RKAM activity come last."""
    order = (Case(When(rkam_activity=NO_RKAM, then=Value(1)), default=Value(0), output_field=IntegerField()),)
    groups = {
        row["rkam_activity"]: RkamGroup(name=row["rkam_activity"], planned=_rp(row["planned"]), spent=_rp(row["spent"]))
        for row in activities.order_by()
        .values("rkam_activity")
        .annotate(planned=_sum("planned_cost", NOT_CANCELLED), spent=_sum("spent"))
        .order_by(*order, "rkam_activity")
    }
    for activity in activities.select_related("cycle").order_by(*order, "rkam_activity", "start_date", "pk"):
        # setdefault: an activity written between the two queries still shows (with no subtotal yet).
        group = groups.setdefault(
            activity.rkam_activity, RkamGroup(name=activity.rkam_activity, planned=Decimal(0), spent=Decimal(0))
        )
        group.activities.append(activity)
    return list(groups.values())


def business_summary(*, madrasah: Madrasah, start: dt.date, end: dt.date) -> BusinessSummary:
    """Income and expense of the entrepreneurship log between two dates (inclusive), one query."""
    row = BusinessActivity.objects.filter(madrasah=madrasah, date__gte=start, date__lte=end).aggregate(
        income=_sum("income"), expense=_sum("expense"), entries=Count("pk")
    )
    return BusinessSummary(income=_rp(row["income"]), expense=_rp(row["expense"]), entries=row["entries"])


def funding_summary(*, madrasah: Madrasah, period: Period) -> FundingSummary:
    """Everything the funding page and its Excel export show for `period` (four queries)."""
    activities = funding_activities(madrasah=madrasah, period=period)
    totals = {key: value if key.endswith("_count") else _rp(value) for key, value in _source_totals(activities).items()}
    sources = [
        SourceTotal(source=value, label=label, planned=totals[f"planned_{value}"], spent=totals[f"spent_{value}"])
        for value, label in FundingSource.choices
    ]
    return FundingSummary(
        madrasah=madrasah,
        period=period,
        sources=sources,
        planned_total=totals["planned_total"],
        spent_total=totals["spent_total"],
        activity_count=totals["activity_count"],
        cancelled_count=totals["cancelled_count"],
        bos_share=_percent(totals[f"planned_{FundingSource.DIPA_BOS}"], totals["planned_total"]),
        rkam_groups=_rkam_groups(activities),
        business=business_summary(madrasah=madrasah, start=period.start_date, end=period.end_date),
    )


# --- the entrepreneurship log ---------------------------------------------------------------------


def _academic_start_year():
    """The academic start year (July → June) of an entry's date, in SQL."""
    return Case(
        When(date__month__gte=7, then=ExtractYear("date")),
        default=ExtractYear("date") - 1,
        output_field=IntegerField(),
    )


def business_years(*, madrasah: Madrasah) -> list[int]:
    """Academic start years that have entries, newest first (one query)."""
    return list(
        BusinessActivity.objects.filter(madrasah=madrasah)
        .annotate(year=_academic_start_year())
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def business_entries(*, madrasah: Madrasah, start: dt.date, end: dt.date) -> QuerySet[BusinessActivity]:
    return BusinessActivity.objects.filter(madrasah=madrasah, date__gte=start, date__lte=end).order_by("-date", "-pk")


@dataclass(frozen=True)
class UnitTotal:
    unit: str
    income: Decimal
    expense: Decimal
    entries: int

    @property
    def net(self) -> Decimal:
        return self.income - self.expense


def business_unit_totals(*, madrasah: Madrasah, start: dt.date, end: dt.date) -> list[UnitTotal]:
    """Income, expense and number of entries per business unit between two dates, one query."""
    rows = (
        BusinessActivity.objects.filter(madrasah=madrasah, date__gte=start, date__lte=end)
        .order_by()
        .values("unit")
        .annotate(income=_sum("income"), expense=_sum("expense"), entries=Count("pk"))
        .order_by("unit")
    )
    return [
        UnitTotal(unit=row["unit"], income=_rp(row["income"]), expense=_rp(row["expense"]), entries=row["entries"])
        for row in rows
    ]


def business_units(*, madrasah: Madrasah) -> list[str]:
    """Unit names already used, to offer while typing (so one unit keeps one spelling)."""
    return list(
        BusinessActivity.objects.filter(madrasah=madrasah).order_by("unit").values_list("unit", flat=True).distinct()
    )
