"""`analisis`: analysis of the semester's supervision results and the follow-up plan (analisis hasil
supervisi dan RTL). Per instrument, every teacher's result with the section percentages and how many
items fall below the instrument's follow-up threshold; the averages of the dashboard; the items most
often scored low (the natural agenda for follow-up, docs/domain.md §9) and the strengths; then the rencana
tindak lanjut recorded as FollowUps. Landscape: a row per teacher.

A result is the dashboard's: each teacher's LATEST FINAL observation per instrument
(`kompetensi.supervision.selectors.results.latest_final_observations`); averages, section averages and strengths are
`dashboard_data`'s own (hidden for fewer than 3 teachers, as on the dashboard).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, ExpressionWrapper, F, Max, Prefetch, Q, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kompetensi.instruments.rules import HUNDRED
from kompetensi.instruments.scoring import rule_sentence_of, shown_score
from kompetensi.models import FollowUp, FollowUpStatus, Item, ObservationScore, Section
from kompetensi.supervision.selectors.results import (
    COUNTED,
    DECIMAL,
    ITEM_FIELDS,
    SCALE_MAX,
    VERSION,
    ExactNumber,
    item_floor,
    latest_final_observations,
)
from madrasah.identifiers import StaffIdentifier
from madrasah.models import Madrasah, Semester

from ...dashboard.selectors import DashboardData, InstrumentSummary, dashboard_data
from ..rules import DocumentKind, PeriodKind, document
from ._shared import section_results

LOW_ITEMS_SHOWN = 15


@dataclass(frozen=True)
class TeacherResult:
    name: str
    identifier: StaffIdentifier
    sections: list[Decimal | None]
    score: Decimal | None
    shown: str  # the score as its predikat was read (`shown_score`)
    predikat: str
    low_items: int


@dataclass
class InstrumentAnalysis:
    summary: InstrumentSummary
    threshold: Decimal
    sections: list[str] = field(default_factory=list)
    rows: list[TeacherResult] = field(default_factory=list)
    rule: str = ""  # the scoring rule of the version, in one sentence

    @property
    def section_averages(self) -> list[Decimal | None]:
        found = dict(self.summary.sections)
        return [found.get(title) for title in self.sections]


@dataclass(frozen=True)
class LowItem:
    instrument: str
    section: str
    item: str
    below: int
    teachers: int
    average: Decimal


@dataclass(frozen=True)
class FollowUpRow:
    teacher: str
    instrument: str
    items: str
    kind: str
    description: str
    responsible: str
    deadline: dt.date
    state: str


def instrument_analyses(*, data: DashboardData) -> list[InstrumentAnalysis]:
    """The dashboard's instruments, each with its teachers' latest final results: four queries."""
    latest = (
        latest_final_observations(madrasah_id=data.madrasah.pk, semester_ids=[data.semester.pk])
        .select_related("teacher", "instrument_version")
        .annotate(
            low_items=Count(
                "scores",
                filter=Q(scores__not_applicable=False, scores__points__lt=F("instrument_version__follow_up_below")),
            )
        )
        .order_by("teacher__name", "teacher_id")
    )
    observations = list(latest)
    per_section = section_results([o.pk for o in observations])
    titles: dict[int, list[str]] = {}
    for section in Section.objects.filter(version_id__in={o.instrument_version_id for o in observations}).order_by(
        "version_id", "order", "pk"
    ):
        titles.setdefault(section.version_id, []).append(section.title)
    analyses = {s.instrument_id: InstrumentAnalysis(summary=s, threshold=Decimal(0)) for s in data.instruments}
    for observation in observations:
        analysis = analyses.get(observation.instrument_version.instrument_id)
        if analysis is None:
            continue
        if not analysis.sections:
            analysis.sections = titles.get(observation.instrument_version_id, [])
            analysis.threshold = observation.instrument_version.follow_up_below
            analysis.rule = rule_sentence_of(observation.instrument_version)
        found = {r.title: r.percentage for r in per_section.get(observation.pk, [])}
        analysis.rows.append(
            TeacherResult(
                name=observation.teacher.full_name,
                identifier=observation.teacher.identifier,
                sections=[found.get(title) for title in analysis.sections],
                score=observation.percentage,
                shown=shown_score(observation.percentage, observation.instrument_version.band_rounding),
                predikat=observation.predikat,
                low_items=observation.low_items,
            )
        )
    return list(analyses.values())


def low_items(*, data: DashboardData, limit: int = LOW_ITEMS_SHOWN) -> list[LowItem]:
    """Items scored below their instrument's follow-up threshold by the most teachers (latest final
    results), with their mean as a percentage (points ÷ scale max × 100, from the scale min when the
    version normalises item points): one query."""
    latest = latest_final_observations(madrasah_id=data.madrasah.pk, semester_ids=[data.semester.pk])
    rows = (
        ObservationScore.objects.filter(COUNTED, observation__in=latest)
        .order_by()
        .values(*ITEM_FIELDS)
        .annotate(
            below=Count("pk", filter=Q(points__lt=F("observation__instrument_version__follow_up_below"))),
            teachers=Count("observation__teacher_id", distinct=True),
            average=ExpressionWrapper(
                (ExactNumber(Sum("points")) - Count("pk") * Max(item_floor(VERSION)))
                * Value(HUNDRED, output_field=DECIMAL)
                / (Count("pk") * (Max(SCALE_MAX) - Max(item_floor(VERSION)))),
                output_field=DECIMAL,
            ),
        )
        .filter(below__gt=0)
        .order_by(
            "-below",
            "average",
            "observation__instrument_version__instrument__name",
            "item__section__order",
            "item__order",
            "item_id",
        )[:limit]
    )
    return [
        LowItem(
            instrument=r["observation__instrument_version__instrument__name"],
            section=r["item__section__title"],
            item=r["item__text"],
            below=r["below"],
            teachers=r["teachers"],
            average=Decimal(r["average"]),
        )
        for r in rows
    ]


def follow_up_plan(*, madrasah: Madrasah, semester: Semester, today: dt.date) -> list[FollowUpRow]:
    """The semester's follow-ups (RTL) by teacher and deadline, with the items they address: two queries."""
    items = Item.objects.order_by("section__order", "order", "pk")
    follow_ups = (
        FollowUp.objects.filter(madrasah=madrasah, observation__row__programme__semester=semester)
        .annotate(closed_on=TruncDate("closed_at"))
        .select_related("teacher", "observation__instrument_version__instrument")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("teacher__name", "deadline", "pk")
    )
    rows = []
    for f in follow_ups:
        if f.status == FollowUpStatus.CLOSED:
            state = _("Closed late") if f.closed_on and f.closed_on > f.deadline else _("Closed on time")
        else:
            state = _("Past the deadline") if f.deadline < today else _("Open")
        rows.append(
            FollowUpRow(
                teacher=f.teacher.full_name,
                instrument=f.observation.instrument_version.instrument.name,
                items="; ".join(item.text for item in f.items.all()),
                kind=f.get_kind_display(),
                description=f.description.strip(),
                responsible=f.responsible,
                deadline=f.deadline,
                state=state,
            )
        )
    return rows


def analysis_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    now = timezone.now()
    semester = period.semester
    data = dashboard_data(madrasah=madrasah, semester=semester, now=now)
    plan = follow_up_plan(madrasah=madrasah, semester=semester, today=timezone.localdate(now))
    return {
        "data": data,
        "instruments": instrument_analyses(data=data) if not data.empty else [],
        "low_items": low_items(data=data) if not data.empty else [],
        "strengths": data.strengths,
        "follow_ups": plan,
        "empty": data.empty and not plan,
    }


ANALYSIS = document(
    DocumentKind(
        code="analisis",
        label=gettext_lazy("Analysis of supervision results and follow-up plan"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/analysis.html",
        context=analysis_context,
        landscape=True,
        numbered=False,
    )
)
