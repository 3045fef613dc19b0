"""The year's PKG aggregates (README, "Aggregation": PKG), live or frozen.

PKG results are confidential (docs/domain.md §3 "People and roles" and §7 "The four competencies and
the PKG instrument"), and a live aggregate leaks them to anyone who reads it twice: the mean before
and after one more approval gives that teacher's Nilai PKG (n × new mean − (n − 1) × old mean), and a
domain mean gives their domain score the same way. Hiding groups of fewer than 3 does not stop that.
So:

- *live* figures (`pkg_live_figures`) are for the Kepala, who approves every appraisal, and the
  pengawas, who oversees the madrasah;
- everyone else — the Waka, the meeting mode, documents, quality-cycle measurements — reads the
  *frozen* figures (`pkg_frozen_figures`), taken when the Kepala first closes the year's PKG
  (`services.closing.appraisal_period_close`) and never changed by a reopen or a late appraisal;
- either is shown only for at least `MIN_GROUP` teachers (`PkgFigures.hidden`).

Each function costs a fixed number of queries whatever the number of teachers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum

from kompetensi.instruments.rules import MIN_GROUP, Measure, mean
from kompetensi.instruments.selectors import band_bound as _band_bound
from madrasah import compiled
from madrasah.models import Madrasah

from ...models import (
    Appraisal,
    AppraisalStage,
    CompetencyResult,
    InstrumentKind,
    PkgSnapshot,
    PkgSnapshotBand,
    PkgSnapshotDomain,
    PredikatBand,
)


@dataclass(frozen=True)
class DomainFigures:
    domain_id: int
    name: str
    teachers: int
    score_total: int  # Σ competency scores (1–4) of the domain
    scores: int
    framework_id: int | None = None
    framework: str = ""  # its framework's name (subject teachers, guru BK): a domain name repeats across them

    @property
    def average(self) -> Decimal | None:
        return mean(self.score_total, self.scores)


@dataclass(frozen=True)
class BandFigures:
    label: str
    teachers: int  # carrying this predikat
    at_or_above: int  # Nilai PKG at or above this band's lower bound in their own version's bands


@dataclass(frozen=True)
class PkgFigures:
    teachers: int
    nilai_total: Decimal | None
    domains: list[DomainFigures] = field(default_factory=list)
    frozen_at: dt.datetime | None = None  # None: live
    # Domains of a framework with fewer than MIN_GROUP teachers (the madrasah's one or two guru BK):
    # counted in the totals, never shown per domain. Kept so that the frozen figures know them too.
    small_domains: list[DomainFigures] = field(default_factory=list)

    @property
    def hidden_groups(self) -> list[str]:
        """The frameworks whose domain table is not shown because too few teachers use them."""
        return list(dict.fromkeys(d.framework for d in self.small_domains))

    @property
    def average_nilai(self) -> Decimal | None:
        return mean(self.nilai_total, self.teachers)

    @property
    def hidden(self) -> bool:
        return self.teachers < MIN_GROUP


def approved_appraisals(*, madrasah: Madrasah, academic_year_id: int) -> QuerySet[Appraisal]:
    """The year's PKG appraisals approved by the Kepala: the only ones that count. The Kepala's own
    PKKM is not a teacher's PKG and stays out of the teachers' figures."""
    return Appraisal.objects.filter(
        madrasah=madrasah,
        period__academic_year_id=academic_year_id,
        stage=AppraisalStage.APPROVED,
        instrument_version__instrument__kind=InstrumentKind.PKG,
    )


def _counted(*, madrasah: Madrasah, academic_year_id: int) -> QuerySet[Appraisal]:
    # Approval stores the result, so an approved appraisal always has its Nilai; the filter keeps the
    # count and the sum over the same rows should a row be repaired by hand.
    return approved_appraisals(madrasah=madrasah, academic_year_id=academic_year_id).filter(nilai__isnull=False)


def _live_domains(approved: QuerySet[Appraisal]) -> list[DomainFigures]:
    # Every teacher of one framework has the same competencies per domain, so the mean of all
    # competency scores of a domain is also the mean over teachers of their domain mean. Each framework
    # (subject teachers, guru BK) has its own domains: they are never pooled.
    return [
        DomainFigures(
            domain_id=row["competency__domain_id"],
            name=row["competency__domain__name"],
            teachers=row["teachers"],
            score_total=row["total"],
            scores=row["n"],
            framework_id=row["competency__domain__framework_id"],
            framework=row["competency__domain__framework__name"],
        )
        for row in CompetencyResult.objects.filter(appraisal__in=approved)
        .order_by()
        .values(
            "competency__domain_id",
            "competency__domain__name",
            "competency__domain__order",
            "competency__domain__framework_id",
            "competency__domain__framework__name",
        )
        .annotate(teachers=Count("appraisal__teacher_id", distinct=True), total=Sum("score"), n=Count("pk"))
        .order_by("competency__domain__framework_id", "competency__domain__order", "competency__domain_id")
    ]


def _split(found: list[DomainFigures]) -> dict:
    return {
        "domains": [d for d in found if d.teachers >= MIN_GROUP],
        "small_domains": [d for d in found if d.teachers < MIN_GROUP],
    }


def pkg_live_figures(*, madrasah: Madrasah, academic_year_id: int, domains: bool = True) -> PkgFigures:
    """The approved appraisals of the year as they stand now (the Kepala's and the pengawas' view).
    Domains only when `domains` and the group is not hidden. One query, two with domains."""

    def build() -> QuerySet:
        # Grouped by the one madrasah rather than aggregated, so that it compiles once per connection
        # (`madrasah.compiled`): no approved appraisal, no row.
        return (
            _counted(madrasah=madrasah, academic_year_id=academic_year_id)
            .order_by()
            .values("madrasah_id")
            .annotate(teachers=Count("pk"), total=Sum("nilai"))
        )

    totals = compiled.evaluate(("pkg_live_totals", madrasah.pk, academic_year_id), build)
    teachers, total = (totals[0]["teachers"], totals[0]["total"]) if totals else (0, None)
    found = []
    if domains and teachers >= MIN_GROUP:
        found = _live_domains(_counted(madrasah=madrasah, academic_year_id=academic_year_id))
    return PkgFigures(teachers=teachers, nilai_total=total, **_split(found))


def pkg_live_bands(*, madrasah: Madrasah, academic_year_id: int) -> list[BandFigures]:
    """Per band label of the approved appraisals' versions (highest band first): how many carry it and
    how many reach its lower bound in their own version's bands. Two queries."""
    approved = _counted(madrasah=madrasah, academic_year_id=academic_year_id)
    labels = list(
        PredikatBand.objects.filter(version__appraisals__in=approved)
        .order_by()
        .values("label")
        .annotate(top=Max("lower_bound"))
        .order_by("-top", "label")
        .values_list("label", flat=True)
    )
    if not labels:
        return []
    bounds = {f"b{i}": _band_bound(version="instrument_version_id", predikat=label) for i, label in enumerate(labels)}
    counts = approved.annotate(**bounds).aggregate(
        **{f"t{i}": Count("pk", filter=Q(predikat=label)) for i, label in enumerate(labels)},
        **{f"a{i}": Count("pk", filter=Q(nilai__gte=F(f"b{i}"))) for i in range(len(labels))},
    )
    return [
        BandFigures(label=label, teachers=counts[f"t{i}"], at_or_above=counts[f"a{i}"])
        for i, label in enumerate(labels)
    ]


def pkg_frozen_figures(*, madrasah: Madrasah, academic_year_id: int, domains: bool = True) -> PkgFigures | None:
    """The figures frozen when the Kepala first closed the year's PKG, or None while it has never been
    closed. Domains only when `domains` and the group is not hidden. One query, two with domains."""
    snapshot = (
        PkgSnapshot.objects.filter(period__madrasah=madrasah, period__academic_year_id=academic_year_id)
        .only("pk", "taken_at", "teachers", "nilai_total")
        .first()
    )
    if snapshot is None:
        return None
    found = []
    if domains and snapshot.teachers >= MIN_GROUP:
        found = [
            DomainFigures(
                domain_id=row.domain_id,
                name=row.domain.name,
                teachers=row.teachers,
                score_total=row.score_total,
                scores=row.scores,
                framework_id=row.domain.framework_id,
                framework=row.domain.framework.name,
            )
            for row in PkgSnapshotDomain.objects.filter(snapshot=snapshot)
            .select_related("domain__framework")
            .order_by("domain__framework_id", "domain__order", "domain_id")
        ]
    return PkgFigures(
        teachers=snapshot.teachers, nilai_total=snapshot.nilai_total, frozen_at=snapshot.taken_at, **_split(found)
    )


def pkg_frozen_at(*, period_id: int) -> dt.datetime | None:
    """When the period's figures were frozen (its first close), or None. One query."""
    return PkgSnapshot.objects.filter(period_id=period_id).values_list("taken_at", flat=True).first()


def metric_pkg_predikat_share(*, madrasah: Madrasah, academic_year_id: int, predikat: str) -> Measure:
    """Share (0–100) of the teachers with an approved PKG in the year whose Nilai PKG is at or above the
    band `predikat` of their appraisal's instrument version, from the figures frozen when the Kepala
    closed the year's PKG: a measurement is read by the whole cycle team, and live shares measured
    twice would reveal the teacher approved in between. Not closed yet, or fewer than `MIN_GROUP`
    teachers: no data. One query."""
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
