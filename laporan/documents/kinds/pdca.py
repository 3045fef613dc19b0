"""`pdca`: the quality-cycle report of an academic year (laporan siklus mutu PDCA) — every cycle of the
year with its Plan (standard, EDM indicator, indicator, baseline and target, owner and team), Do (the
activities with cost and funding source), Check (the measurements against the target) and Act (the
decision and the supporting and inhibiting factors), and the year's funding by source: how much the
improvement work depends on BOS (docs/domain.md §11 "Quality management: SNP, SPMI and PDCA"). Landscape.

The figures are the Mutu pages' own: `mutu.cycles.selectors` (the board's latest measurement per cycle, a
cycle's activities, measurements and factor labels, its texts for indicator, target and period) and
`mutu.money.selectors.funding_summary` (the funding page's totals and BOS share).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from kompetensi.instruments.rules import HUNDRED
from madrasah.formatting import rupiah
from madrasah.models import AcademicYear, Madrasah, Staff
from mutu.cycles.rules import factor_labels, indicator_text, indicator_unit, period_text, shown, target_text
from mutu.cycles.selectors import CycleLine, activities_of_cycles, cycles_for_board, measurements_of_cycles
from mutu.models import Cycle
from mutu.money.rules import funding_totals
from mutu.money.selectors import FundingSummary, Period, funding_summary

from ..rules import DocumentKind, PeriodKind, document


@dataclass(frozen=True)
class CycleReport:
    cycle: Cycle
    line: CycleLine | None  # the board's row: latest value and whether it met the target
    period: str
    indicator: str
    target: str
    baseline: str
    team: list[Staff]
    activities: list
    funding: list[dict]
    measurements: list[dict]
    supporting_tags: list[str]
    inhibiting_tags: list[str]


def cycles_of_year(*, madrasah: Madrasah, academic_year: AcademicYear) -> list[Cycle]:
    """The year's cycles (whole-year and semester ones) by title, with what their texts need: two queries."""
    return list(
        Cycle.objects.filter(madrasah=madrasah, academic_year=academic_year)
        .select_related("academic_year", "semester__academic_year", "instrument", "competency", "owner")
        .prefetch_related(Prefetch("team", queryset=Staff.objects.order_by("name", "pk")))
        .order_by("title", "pk")
    )


def cycle_reports(*, madrasah: Madrasah, academic_year: AcademicYear) -> list[CycleReport]:
    lines = {
        line.pk: line
        for group in cycles_for_board(madrasah=madrasah, period=f"y{academic_year.pk}")
        for line in group.cycles
    }
    year_cycles = cycles_of_year(madrasah=madrasah, academic_year=academic_year)
    activities_of = activities_of_cycles(cycles=year_cycles)
    measurements_of = measurements_of_cycles(cycles=year_cycles)
    reports = []
    for cycle in year_cycles:
        unit = indicator_unit(cycle)
        activities = activities_of[cycle.pk]
        reports.append(
            CycleReport(
                cycle=cycle,
                line=lines.get(cycle.pk),
                period=period_text(cycle),
                indicator=indicator_text(cycle),
                target=target_text(cycle),
                baseline=shown(cycle.baseline, unit) if cycle.baseline is not None else "–",
                team=list(cycle.team.all()),
                activities=activities,
                funding=funding_totals(activities),
                measurements=measurements_of[cycle.pk],
                supporting_tags=factor_labels(cycle.supporting_tags),
                inhibiting_tags=factor_labels(cycle.inhibiting_tags),
            )
        )
    return reports


@dataclass(frozen=True)
class SourceRow:
    label: str
    planned: str
    spent: str
    share: Decimal | None  # of all planned, in percent


def funding_rows(summary: FundingSummary) -> list[SourceRow]:
    """The funding page's totals per source as printed (`Rp 1.500.000`), sources with money only."""
    total = summary.planned_total
    return [
        SourceRow(
            label=str(source.label),
            planned=rupiah(source.planned),
            spent=rupiah(source.spent),
            share=source.planned * HUNDRED / total if total else None,
        )
        for source in summary.sources
        if source.planned or source.spent
    ]


def pdca_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    year = period.academic_year
    reports = cycle_reports(madrasah=madrasah, academic_year=year)
    if not reports:
        return {"cycles": [], "empty": True}
    funding = funding_summary(madrasah=madrasah, period=Period(academic_year=year))
    return {
        "cycles": reports,
        "funding": funding,
        "funding_rows": funding_rows(funding),
        "planned_total": rupiah(funding.planned_total),
        "spent_total": rupiah(funding.spent_total),
        "business_income": rupiah(funding.business.income),
        "business_net": rupiah(funding.business.net),
        "empty": False,
    }


PDCA = document(
    DocumentKind(
        code="pdca",
        label=gettext_lazy("Quality cycle (PDCA) report"),
        period=PeriodKind.YEAR,
        template="laporan/pdf/pdca.html",
        context=pdca_context,
        landscape=True,
        numbered=False,
    )
)
