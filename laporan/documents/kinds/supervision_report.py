"""`laporan-supervisi`: the semester's academic supervision report (laporan supervisi akademik) in
four chapters — I introduction, II implementation, III results and discussion, IV closing
(conclusions and follow-up) — made by the Waka, acknowledged by the Kepala, numbered (it goes to the
pengawas).

Every figure is the dashboard's: the tables are `laporan.dashboard.rules.recap_tables` over
`dashboard_data` (the same objects, written by the same `cell_text`), and the sentences of chapter IV
quote those same numbers. Nothing is counted here that the dashboard counts differently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DateField, Max, Min
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kompetensi.instruments.rules import HUNDRED
from kompetensi.models import Observation, ObservationState
from kompetensi.supervision.rules import programme_texts
from madrasah.models import Madrasah, Semester

from ...dashboard.rules import recap_tables
from ...dashboard.selectors import DashboardData, InstrumentSummary, dashboard_data
from ..rules import DocumentKind, PeriodKind, document
from ._schedule import programme_with_people
from ._shared import PrintedTable, printed_table
from .programme import lines, team_of_semester

# The supervision tables of the recap, in its order (PKG and PKB have their own documents).
SUPERVISION_TABLES = ("programme", "instruments", "sections", "distribution", "follow_ups")


@dataclass(frozen=True)
class ObservedSpan:
    first: dt.date | None
    last: dt.date | None


@dataclass(frozen=True)
class InstrumentFinding:
    summary: InstrumentSummary
    lowest_section: tuple[str, Decimal] | None
    highest_section: tuple[str, Decimal] | None


def observed_span(*, madrasah: Madrasah, semester: Semester) -> ObservedSpan:
    """First and last day a supervision of the semester was observed (past the draft; the day observed,
    else the planned day): one query."""
    day = Coalesce("observed_on", TruncDate("row__planned_at"), output_field=DateField())
    found = (
        Observation.objects.filter(madrasah=madrasah, row__programme__semester=semester)
        .exclude(state=ObservationState.DRAFT)
        .aggregate(first=Min(day), last=Max(day))
    )
    return ObservedSpan(first=found["first"], last=found["last"])


def _share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * HUNDRED / Decimal(whole) if whole else None


def findings(data: DashboardData) -> list[InstrumentFinding]:
    found = []
    for summary in data.instruments:
        sections = [(title, value) for title, value in summary.sections if value is not None]
        found.append(
            InstrumentFinding(
                summary=summary,
                lowest_section=min(sections, key=lambda s: s[1]) if sections else None,
                highest_section=max(sections, key=lambda s: s[1]) if sections else None,
            )
        )
    return found


def supervision_tables(data: DashboardData) -> list[PrintedTable]:
    return [printed_table(table) for table in recap_tables(data) if table.key in SUPERVISION_TABLES]


def supervision_report_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    semester = period.semester
    data = dashboard_data(madrasah=madrasah, semester=semester, now=timezone.now())
    programme = programme_with_people(semester=semester)
    texts = programme_texts(programme) if programme else None
    c = data.completion
    carried_out_of = c.planned + c.done + c.overdue
    f = data.follow_ups
    return {
        "data": data,
        "semester": semester,
        "programme": programme,
        "legal_basis": lines(texts["legal_basis"]) if texts else [],
        "techniques": texts["techniques"] if texts else "",
        "team": team_of_semester(semester=semester),
        "observed": observed_span(madrasah=madrasah, semester=semester),
        "tables": supervision_tables(data),
        "findings": findings(data),
        "completion_share": _share(c.done, carried_out_of),
        "carried_out_of": carried_out_of,
        "follow_ups_total": f.open + f.closed_on_time + f.closed_late,
        "follow_ups_closed": f.closed_on_time + f.closed_late,
        "empty": data.empty and c.total == 0,
    }


SUPERVISION_REPORT = document(
    DocumentKind(
        code="laporan-supervisi",
        label=gettext_lazy("Academic supervision report"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/supervision_report.html",
        context=supervision_report_context,
    )
)
