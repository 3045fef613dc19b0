"""PKG results: the scoring page's progress and result, the evidence the assessor may link, and the
competency standing an approved appraisal becomes.

Every number comes from `kompetensi.score_pkg` (the one scoring function) applied to the
stored indicator scores, so the scoring page, the stored `CompetencyResult` rows and the standing on
the teacher's page always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Sum

from kompetensi.instruments.rules import HUNDRED, PKG_COMPETENCY_MAX, PkgResult, predikat, score_pkg, score_pkkm
from kompetensi.instruments.rules import CompetencyResult as CompetencyScore
from kompetensi.instruments.selectors import bands_of
from madrasah.models import Staff

from ...models import (
    Appraisal,
    AppraisalScore,
    AppraisalStage,
    CompetencyResult,
    InstrumentKind,
    Item,
    Observation,
    ObservationState,
    Section,
)


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    scored: int
    count: int
    result: CompetencyScore | None  # only when every indicator of the competency is scored

    @property
    def complete(self) -> bool:
        return self.scored == self.count


@dataclass(frozen=True)
class AppraisalResult:
    sections: tuple[SectionProgress, ...]
    scored: int
    count: int
    pkg: PkgResult | None  # only when every indicator is scored
    pkkm: bool = False  # the Kepala's PKKM (indicators 1–4, Nilai from points), not a teacher's PKG

    @property
    def complete(self) -> bool:
        return self.count > 0 and self.scored == self.count

    def for_section(self, section_id: int) -> SectionProgress | None:
        return next((s for s in self.sections if s.section.pk == section_id), None)


def appraisal_result(*, appraisal: Appraisal, points: dict[int, int | None] | None = None) -> AppraisalResult:
    """score_pkg (score_pkkm on the Kepala's PKKM) on the stored scores (or on `points`, {item id:
    points or None}, when given). A competency shows its percentage and 1–4 once all its indicators
    are scored; the total, Nilai and predikat once all indicators of the instrument are."""
    version = appraisal.instrument_version
    if points is None:
        points = dict(appraisal.scores.values_list("item_id", "points"))
    sections = list(version.sections.prefetch_related("items").order_by("order", "pk"))
    complete_inputs, progress = [], []
    for section in sections:
        values = [points.get(item.pk) for item in section.items.all()]
        scored = [v for v in values if v is not None]
        if values and len(scored) == len(values):
            complete_inputs.append((section.pk, scored))
        progress.append((section, len(scored), len(values)))
    pkkm = version.instrument.kind == InstrumentKind.PKKM
    partial = None
    if complete_inputs and pkkm:
        partial = score_pkkm(components=complete_inputs, bands=bands_of(version))
    elif complete_inputs:
        partial = score_pkg(competencies=complete_inputs, bands=bands_of(version))
    by_key = {c.key: c for c in partial.competencies} if partial else {}
    shown = tuple(SectionProgress(s, scored, count, by_key.get(s.pk)) for s, scored, count in progress)
    scored_total = sum(s.scored for s in shown)
    count_total = sum(s.count for s in shown)
    all_done = count_total > 0 and scored_total == count_total
    return AppraisalResult(shown, scored_total, count_total, partial if all_done else None, pkkm)


def appraisal_is_locked(appraisal: Appraisal) -> bool:
    """True once the Kepala has approved: scores, evidence and the self-evaluation may no longer
    change until he reopens it. Reads the stage from the database (not the possibly stale object),
    so a service calling it inside its transaction sees an approval that happened meanwhile."""
    return Appraisal.objects.filter(pk=appraisal.pk, stage=AppraisalStage.APPROVED).exists()


def appraisal_unscored_count(appraisal: Appraisal) -> int:
    """How many indicators of the appraisal's instrument have no score yet (one query)."""
    scored = AppraisalScore.objects.filter(appraisal_id=appraisal.pk, item=OuterRef("pk"), points__isnull=False)
    return Item.objects.filter(section__version_id=appraisal.instrument_version_id).exclude(Exists(scored)).count()


def supervision_records_for(*, appraisal: Appraisal):
    """The teacher's supervision observations of the period's academic year that have left the draft
    state: what the assessor may link as evidence."""
    return (
        Observation.objects.filter(
            madrasah_id=appraisal.madrasah_id,
            teacher_id=appraisal.teacher_id,
            row__programme__semester__academic_year_id=appraisal.period.academic_year_id,
        )
        .exclude(state=ObservationState.DRAFT)
        .select_related("instrument_version__instrument", "row__programme__semester")
        .order_by("row__planned_at", "pk")
    )


# --- standing (approved results only) ---------------------------------------------------------------


def _latest_approved(teacher: Staff) -> Appraisal | None:
    return (
        Appraisal.objects.filter(
            teacher=teacher, stage=AppraisalStage.APPROVED, instrument_version__instrument__kind=InstrumentKind.PKG
        )
        .select_related("period__academic_year", "instrument_version")
        .order_by("-period__academic_year__start_year")
        .first()
    )


def competency_standing(*, teacher: Staff) -> dict:
    """The teacher's competency standing: the LATEST APPROVED appraisal's stored results. Drafts,
    submitted and signed appraisals never count. {"appraisal": None} means "belum dinilai"."""
    appraisal = _latest_approved(teacher)
    if appraisal is None:
        return {"appraisal": None, "competencies": [], "domains": []}
    rows = list(
        CompetencyResult.objects.filter(appraisal=appraisal)
        .select_related("competency__domain")
        .order_by("competency__domain__order", "competency__number")
    )
    return {
        "appraisal": appraisal,
        "year": appraisal.period.academic_year.name,
        "total": appraisal.total,
        "nilai": appraisal.nilai,
        "predikat": appraisal.predikat,
        "competencies": [
            {
                "number": r.competency.number,
                "name": r.competency.name,
                "domain": r.competency.domain.name,
                "percentage": r.percentage,
                "score": r.score,
            }
            for r in rows
        ],
        "domains": _domains(appraisal),
    }


def _domains(appraisal: Appraisal) -> list[dict]:
    bands = bands_of(appraisal.instrument_version)
    sums = (
        CompetencyResult.objects.filter(appraisal=appraisal)
        .values("competency__domain__name", "competency__domain__order")
        .annotate(points=Sum("score"), count=Count("id"))
        .order_by("competency__domain__order")
    )
    domains = []
    for row in sums:
        nilai = Decimal(row["points"]) / Decimal(PKG_COMPETENCY_MAX * row["count"]) * HUNDRED
        domains.append(
            {
                "name": row["competency__domain__name"],
                "total": row["points"],
                "maximum": PKG_COMPETENCY_MAX * row["count"],
                "nilai": nilai,
                "predikat": predikat(nilai, bands) or "",
            }
        )
    return domains
