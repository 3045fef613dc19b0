"""Reads for a teacher's growth page ("Perkembangan Saya"): recognition, PKG standing and its trend,
supervision results per instrument across semesters, open follow-ups and a next step.

Light by design (≤ 10 queries for the whole home whatever the history length; the request
itself — session, membership, navbar — already takes about seven): each section is ONE query over
joined rows (`values()` with LEFT JOINs and correlated subqueries), grouped into plain data here.
So the page costs three queries for one semester of history or twenty.

Numbers are never made up: the PKG figures are the stored `CompetencyResult` rows and `nilai` of the
latest APPROVED appraisal (what `kompetensi.appraisal.selectors.results.competency_standing` reads),
the supervision percentages are the stored `Observation.percentage` (the scoring function's output),
both rounded only by `for_display`. No approved appraisal → `standing` is None ("belum dinilai").
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kompetensi.instruments.rules import HUNDRED, PKG_COMPETENCY_MAX, for_display
from kompetensi.instruments.scoring import NO_ROUNDING, shown_score
from madrasah.formatting import format_decimal_id
from madrasah.models import Membership, Role, SemesterKind, Staff

from ..models import (
    Appraisal,
    AppraisalStage,
    AppreciationNote,
    FollowUpKind,
    FollowUpStatus,
    InstrumentKind,
    Observation,
    ObservationScore,
    ObservationState,
)
from .charts import growth_charts

APPRECIATIONS_SHOWN = 5
NEXT_STEPS_SHOWN = 3
# Who sees a teacher's PKG standing besides the teacher: the appraisal is private to the teacher, the
# assessor and the Kepala (kompetensi.access.appraisal_for_user).
PKG_READERS = (Role.KEPALA,)
# Who opens any active teacher's growth page of their madrasah (the pengawas reads only).


def shown(value: Decimal | None) -> str:
    """A stored number as the page writes it: `for_display` (two decimals, half up), Indonesian style."""
    return format_decimal_id(for_display(value))


def _year_name(start_year: int) -> str:
    return f"{start_year}/{start_year + 1}"


# --- PKG ------------------------------------------------------------------------------------------------


@dataclass
class DomainStanding:
    name: str
    order: int
    total: int = 0
    count: int = 0

    @property
    def maximum(self) -> int:
        return PKG_COMPETENCY_MAX * self.count

    @property
    def nilai(self) -> Decimal:
        # The same rule as kompetensi.appraisal.selectors.results._domains: points ÷ (4 × competencies) × 100.
        return Decimal(self.total) / Decimal(self.maximum) * HUNDRED

    @property
    def nilai_shown(self) -> str:
        return shown(self.nilai)


@dataclass
class AppraisalYear:
    pk: int
    year: str
    start_year: int
    stage: str
    stage_label: str
    total: int | None
    nilai: Decimal | None
    predikat: str
    competencies: list[dict] = field(default_factory=list)
    domains: dict[str, DomainStanding] = field(default_factory=OrderedDict)

    @property
    def approved(self) -> bool:
        return self.stage == AppraisalStage.APPROVED

    @property
    def nilai_shown(self) -> str:
        return shown(self.nilai)

    @property
    def domain_list(self) -> list[DomainStanding]:
        return sorted(self.domains.values(), key=lambda d: d.order)


def pkg_years(*, teacher: Staff) -> list[AppraisalYear]:
    """Every appraisal of the teacher, newest year first; approved ones carry their stored competency
    results (and domain sums). One query: appraisals LEFT JOIN their results. The Kepala's PKKM is not
    a teacher's competency year and is left out."""
    rows = (
        Appraisal.objects.filter(
            teacher=teacher, madrasah_id=teacher.madrasah_id, instrument_version__instrument__kind=InstrumentKind.PKG
        )
        .values(
            "pk",
            "stage",
            "total",
            "nilai",
            "predikat",
            "period__academic_year__start_year",
            "competency_results__percentage",
            "competency_results__score",
            "competency_results__competency__number",
            "competency_results__competency__name",
            "competency_results__competency__domain__name",
            "competency_results__competency__domain__order",
        )
        .order_by("-period__academic_year__start_year", "competency_results__competency__number")
    )
    years: dict[int, AppraisalYear] = OrderedDict()
    for row in rows:
        year = years.get(row["pk"])
        if year is None:
            start = row["period__academic_year__start_year"]
            year = years[row["pk"]] = AppraisalYear(
                pk=row["pk"],
                year=_year_name(start),
                start_year=start,
                stage=row["stage"],
                stage_label=AppraisalStage(row["stage"]).label,
                total=row["total"],
                nilai=row["nilai"],
                predikat=row["predikat"],
            )
        # Results are also stored on submission: only an approved appraisal's count as standing.
        if not year.approved or row["competency_results__score"] is None:
            continue
        domain_name = row["competency_results__competency__domain__name"]
        year.competencies.append(
            {
                "number": row["competency_results__competency__number"],
                "name": row["competency_results__competency__name"],
                "domain": domain_name,
                "percentage": row["competency_results__percentage"],
                "percentage_shown": shown(row["competency_results__percentage"]),
                "score": row["competency_results__score"],
            }
        )
        domain = year.domains.setdefault(
            domain_name, DomainStanding(domain_name, row["competency_results__competency__domain__order"])
        )
        domain.total += row["competency_results__score"]
        domain.count += 1
    return list(years.values())


# --- supervision ------------------------------------------------------------------------------------


@dataclass
class SupervisionResult:
    pk: int
    semester_key: tuple[int, int]
    semester: str
    kind: str
    kind_label: str
    instrument: str
    state: str
    state_label: str
    percentage: Decimal | None
    predikat: str
    strengths: str
    is_latest: bool
    lowest_items: list[str]
    band_rounding: str = NO_ROUNDING

    @property
    def is_final(self) -> bool:
        return self.state == ObservationState.FINAL

    @property
    def percentage_shown(self) -> str:
        """As its predikat was read (a whole number when the version reads it from one)."""
        return shown_score(self.percentage, self.band_rounding)


@dataclass
class OpenFollowUp:
    pk: int
    kind_label: str
    description: str
    deadline: dt.date
    instrument: str
    is_overdue: bool


def _latest_of_kind() -> QuerySet:
    """The newest non-draft observation of the same teacher, semester and instrument kind."""
    return (
        Observation.objects.filter(
            teacher_id=OuterRef("teacher_id"),
            row__programme__semester_id=OuterRef("row__programme__semester_id"),
            instrument_version__instrument__kind=OuterRef("instrument_version__instrument__kind"),
        )
        .exclude(state=ObservationState.DRAFT)
        .order_by(F("submitted_at").desc(nulls_last=True), "-pk")
        .values("pk")[:1]
    )


def _below_threshold() -> QuerySet:
    """The observation's items scored below its version's follow-up threshold, lowest first (the rule
    of `observation.follow_up_proposals`)."""
    return ObservationScore.objects.filter(
        observation_id=OuterRef("pk"),
        points__isnull=False,
        points__lt=OuterRef("instrument_version__follow_up_below"),
    ).order_by("points", "item__section__order", "item__order", "item_id")


def supervision_history(
    *, teacher: Staff, today: dt.date | None = None
) -> tuple[list[SupervisionResult], list[OpenFollowUp]]:
    """The teacher's submitted (or later) observations, newest semester first, each flagged whether it
    is the latest of its instrument kind in its semester, with its two lowest items below the
    threshold; and the open follow-ups of those observations (overdue: deadline before today). Drafts
    never show. One query: observations LEFT JOIN their open follow-ups."""
    today = today or timezone.localdate()
    below = _below_threshold()
    rows = (
        Observation.objects.filter(teacher=teacher, madrasah_id=teacher.madrasah_id)
        .exclude(state=ObservationState.DRAFT)
        .annotate(
            open_follow_up=FilteredRelation("follow_ups", condition=Q(follow_ups__status=FollowUpStatus.OPEN)),
            latest_pk=Subquery(_latest_of_kind()),
            lowest_1=Subquery(below.values("item__text")[:1]),
            lowest_2=Subquery(below.values("item__text")[1:2]),
        )
        .values(
            "pk",
            "state",
            "percentage",
            "predikat",
            "strengths",
            "latest_pk",
            "lowest_1",
            "lowest_2",
            "instrument_version__instrument__kind",
            "instrument_version__instrument__name",
            "instrument_version__band_rounding",
            "row__programme__semester__kind",
            "row__programme__semester__start_date",
            "row__programme__semester__academic_year__start_year",
            "open_follow_up__pk",
            "open_follow_up__kind",
            "open_follow_up__description",
            "open_follow_up__deadline",
        )
        .order_by("-row__programme__semester__start_date", F("submitted_at").desc(nulls_last=True), "-pk")
    )
    results: dict[int, SupervisionResult] = OrderedDict()
    follow_ups: list[OpenFollowUp] = []
    for row in rows:
        if row["pk"] not in results:
            kind = row["instrument_version__instrument__kind"]
            start_year = row["row__programme__semester__academic_year__start_year"]
            semester_kind = row["row__programme__semester__kind"]
            results[row["pk"]] = SupervisionResult(
                pk=row["pk"],
                semester_key=(start_year, 0 if semester_kind == SemesterKind.GANJIL else 1),
                semester=f"{_year_name(start_year)} {SemesterKind(semester_kind).label}",
                kind=kind,
                kind_label=InstrumentKind(kind).label,
                instrument=row["instrument_version__instrument__name"],
                state=row["state"],
                state_label=ObservationState(row["state"]).label,
                percentage=row["percentage"],
                predikat=row["predikat"],
                strengths=row["strengths"].strip(),
                is_latest=row["latest_pk"] == row["pk"],
                lowest_items=[text for text in (row["lowest_1"], row["lowest_2"]) if text],
                band_rounding=row["instrument_version__band_rounding"],
            )
        if row["open_follow_up__pk"] is not None:
            follow_ups.append(
                OpenFollowUp(
                    pk=row["open_follow_up__pk"],
                    kind_label=FollowUpKind(row["open_follow_up__kind"]).label,
                    description=row["open_follow_up__description"],
                    deadline=row["open_follow_up__deadline"],
                    instrument=row["instrument_version__instrument__name"],
                    is_overdue=row["open_follow_up__deadline"] < today,
                )
            )
    follow_ups.sort(key=lambda f: (f.deadline, f.pk))
    return list(results.values()), follow_ups


# --- recognition ----------------------------------------------------------------------------------------


def appreciation_notes(*, teacher: Staff, limit: int = APPRECIATIONS_SHOWN) -> list[AppreciationNote]:
    """The newest notes of appreciation, each with `author_name` (the author's staff name in this
    madrasah). One query."""
    author_name = Membership.objects.filter(user_id=OuterRef("author_id"), madrasah_id=OuterRef("madrasah_id"))
    return list(
        AppreciationNote.objects.filter(teacher=teacher, madrasah_id=teacher.madrasah_id)
        .annotate(author_name=Subquery(author_name.values("staff__name")[:1]))
        .order_by("-created_at", "-pk")[:limit]
    )


# --- the page -------------------------------------------------------------------------------------------


def _chart_semesters(results: list[SupervisionResult]) -> tuple[list[str], list[str], dict]:
    """(semesters oldest first, instrument kinds in InstrumentKind order, {(semester, kind): result})
    for the latest result of each kind in each semester."""
    latest = [r for r in results if r.is_latest]
    semesters = [s for _key, s in sorted({(r.semester_key, r.semester) for r in latest})]
    kinds = [k for k in InstrumentKind.values if any(r.kind == k for r in latest)]
    return semesters, kinds, {(r.semester, r.kind): r for r in latest}


def _next_steps(standing: AppraisalYear | None, results: list[SupervisionResult]) -> list[dict]:
    """At most three short steps from the lowest items: the lowest items below the threshold in the
    newest semester's latest results, then the lowest PKG competency under 4."""
    steps: list[dict] = []
    newest = max((r.semester_key for r in results if r.is_latest), default=None)
    for result in results:
        if result.is_latest and result.semester_key == newest:
            steps += [{"source": result.kind_label, "text": text} for text in result.lowest_items]
    if standing:
        weakest = sorted(
            (c for c in standing.competencies if c["score"] < PKG_COMPETENCY_MAX),
            key=lambda c: (c["percentage"], c["number"]),
        )
        steps += [{"source": "PKG", "text": f"{c['number']}. {c['name']}"} for c in weakest[:1]]
    return steps[:NEXT_STEPS_SHOWN]


def growth_sections(*, teacher: Staff, viewer: Membership, today: dt.date | None = None) -> dict:
    """Everything the growth page shows about `teacher` to `viewer` (already allowed to see it: the
    teacher, or the Kepala, Waka or pengawas of the madrasah). The PKG part only for the teacher and
    the Kepala. Three queries (two when the viewer may not see PKG)."""
    is_self = viewer.staff_id == teacher.pk
    sees_pkg = is_self or viewer.has_role(*PKG_READERS)
    years = pkg_years(teacher=teacher) if sees_pkg else []
    approved = [y for y in years if y.approved]
    standing = approved[0] if approved else None
    results, follow_ups = supervision_history(teacher=teacher, today=today)
    semesters, kinds, by_cell = _chart_semesters(results)
    notes = appreciation_notes(teacher=teacher)
    strengths = next(
        ({"source": r.kind_label, "semester": r.semester, "text": r.strengths} for r in results if r.strengths), None
    )
    best = sorted(standing.competencies, key=lambda c: (-c["percentage"], c["number"]))[:2] if standing else []
    return {
        "teacher": teacher,
        "is_self": is_self,
        "sees_pkg": sees_pkg,
        "appreciations": notes,
        "strengths": strengths,
        "best_competencies": [c for c in best if c["score"] == PKG_COMPETENCY_MAX],
        "standing": standing,
        "pkg_trend": list(reversed(approved)),  # oldest first, for the chart and its table
        "appraisals": years,
        "supervisions": results,
        "supervision_semesters": semesters,
        "supervision_kinds": [(k, InstrumentKind(k).label) for k in kinds],
        "supervision_cells": by_cell,
        "supervision_table": [
            {"semester": s, "cells": [by_cell.get((s, k)) for k in kinds]} for s in reversed(semesters)
        ],
        "follow_ups": follow_ups,
        # Read from the history above, no query of its own: what only the teacher can move on.
        "awaiting_acknowledgement": [r for r in results if r.state == ObservationState.SUBMITTED] if is_self else [],
        "next_steps": _next_steps(standing, results),
    }


def growth_page(*, staff: Staff | None, viewer_membership: Membership | None) -> dict:
    """The context of `kompetensi/growth/_page.html`: `page`, the growth page of `staff` as
    `viewer_membership` sees it (`growth_sections`) with its charts, or None without a teacher or a
    viewer. The viewer has been let in already (the teacher, or the Kepala, Waka or pengawas of the
    madrasah)."""
    if staff is None or viewer_membership is None:
        return {"page": None}
    page = growth_sections(teacher=staff, viewer=viewer_membership)
    page["charts"] = growth_charts(page)
    return {"page": page}
