"""The aggregation layer of PKG and PKB results (the dashboard's numbers and the quality-cycle
indicators). Every function takes the madrasah explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from madrasah.models import EmploymentStatus, Madrasah

from .instruments.rules import MIN_GROUP, Measure
from .models import Appraisal, AppraisalStage, PkgSnapshot, PkgSnapshotBand
from .pkb import PNS_MINIMUM_JP, pkb_teacher_totals

# isort: off
from .instruments.rules import mean  # noqa: F401  # shim: removed at merge
from .instruments.selectors import academic_year_current  # noqa: F401  # shim: removed at merge
from .instruments.selectors import band_bound as _band_bound  # noqa: F401  # shim: removed at merge
from .instruments.selectors import instrument_version_sheet  # noqa: F401  # shim: removed at merge
from .instruments.selectors import instrument_version_sheets  # noqa: F401  # shim: removed at merge
from .instruments.selectors import version_bands  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import COUNTED  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import DECIMAL  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import ITEM_FIELDS  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import OBSERVED  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import SCALE_MAX  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import ExactNumber  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import FollowUpCounts  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import instrument_results  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import latest_final_observations  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_follow_ups_on_time  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_instrument_average  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_instrument_predikat_share  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import metric_rows_on_time  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import section_averages  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import strongest_items  # noqa: F401  # shim: removed at merge
from .supervision.selectors.results import supervision_counts  # noqa: F401  # shim: removed at merge
# isort: on

# --- PKG and PKB ------------------------------------------------------------------------------------


def approved_appraisals(*, madrasah: Madrasah, academic_year_id: int) -> QuerySet[Appraisal]:
    """The year's PKG appraisals approved by the Kepala: the only ones that count."""
    return Appraisal.objects.filter(
        madrasah=madrasah, period__academic_year_id=academic_year_id, stage=AppraisalStage.APPROVED
    )


@dataclass(frozen=True)
class PkbCounts:
    total_jp: int = 0
    teachers: int = 0  # active teachers
    pns: int = 0
    pns_reached: int = 0

    @property
    def average_jp(self) -> Measure:
        return Measure.average(self.total_jp, self.teachers)

    @property
    def pns_reached_share(self) -> Measure:
        return Measure.share(self.pns_reached, self.pns)


def pkb_counts(*, madrasah: Madrasah, start_year: int) -> PkbCounts:
    """Verified JP of academic year `start_year` over the active teachers (kompetensi.pkb, as its recap),
    and the civil servants reaching the yearly minimum: one query."""
    pns = Q(employment_status__in=EmploymentStatus.civil_servant())
    totals = pkb_teacher_totals(madrasah=madrasah, year=start_year).aggregate(
        total=Sum("jp_total"),
        teachers=Count("pk"),
        pns=Count("pk", filter=pns),
        pns_reached=Count("pk", filter=pns & Q(jp_total__gte=PNS_MINIMUM_JP)),
    )
    return PkbCounts(
        total_jp=totals["total"] or 0,
        teachers=totals["teachers"],
        pns=totals["pns"],
        pns_reached=totals["pns_reached"],
    )


# --- the quality-cycle indicators (mutu) ------------------------------------------------------------


def metric_pkg_predikat_share(*, madrasah: Madrasah, academic_year_id: int, predikat: str) -> Measure:
    """Share (0–100) of the teachers with an approved PKG in the year whose Nilai PKG is at or above the
    band `predikat` of their appraisal's instrument version, from the figures frozen when the Kepala
    closed the year's PKG (`kompetensi.appraisal.figures`): a measurement is read by the whole cycle
    team, and live shares measured twice would reveal the teacher approved in between. Not closed
    yet, or fewer than `MIN_GROUP` teachers: no data. One query."""
    snapshot = (
        PkgSnapshot.objects.filter(period__madrasah=madrasah, period__academic_year_id=academic_year_id)
        .annotate(
            hits=Subquery(
                PkgSnapshotBand.objects.filter(snapshot=OuterRef("pk"), label=predikat).values("at_or_above")[:1]
            )
        )
        .values("teachers", "hits")
        .first()
    )
    if snapshot is None or snapshot["teachers"] < MIN_GROUP:
        return Measure(None, 0, None)
    return Measure.share(snapshot["hits"] or 0, snapshot["teachers"])


def metric_pkb_average_jp(*, madrasah: Madrasah, start_year: int) -> Measure:
    """Mean verified PKB JP per active teacher in academic year `start_year`. One query."""
    return pkb_counts(madrasah=madrasah, start_year=start_year).average_jp


def metric_pkb_pns_reached(*, madrasah: Madrasah, start_year: int) -> Measure:
    """Share of active civil-servant teachers with at least the yearly minimum of verified JP. One query."""
    return pkb_counts(madrasah=madrasah, start_year=start_year).pns_reached_share
