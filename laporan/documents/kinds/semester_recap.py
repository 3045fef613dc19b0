"""`semester`: the recap of a semester for all teachers (docs/domain.md §12: all teachers,
averages, distribution, follow-ups), landscape, also as .xlsx.

Its numbers are the dashboard's: the recap tables come from `laporan.dashboard.rules.recap_tables` over
`dashboard_data` (the same objects, the same `cell_text`), the per-teacher table reads the same
"latest final result per instrument" (`latest_final_observations`). A semester without data says so
("belum ada data") instead of printing pages of zeros, like the dashboard.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from kompetensi.instruments.scoring import shown_score
from kompetensi.models import FollowUp, FollowUpKind, FollowUpStatus, InstrumentVersion
from kompetensi.supervision.selectors.results import latest_final_observations
from madrasah.identifiers import IDENTIFIER_HEADING, identifier_cell_text
from madrasah.models import Madrasah, Staff, TeacherType
from madrasah.texts import shorten
from madrasah.workbooks import workbook_bytes

from ...dashboard.rules import Table, dashboard_workbook, recap_charts, recap_tables, write_table
from ...dashboard.selectors import DashboardData, dashboard_data
from ..rules import DocumentKind, PeriodKind, document
from ._shared import rule_lines

CHART_WIDTH = 520  # beside its table
WIDE_CHART_WIDTH = 1000  # under its table, for long labels
# Charts with long labels (instrument names) go under their table, full width.
WIDE = frozenset({"instruments", "sections", "distribution", "pkg"})
DESCRIPTION_CHARS = 160


def _is_number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


# The screen draws a white halo under value labels (`paint-order`), which WeasyPrint does not know:
# it would paint the halo over the text. On paper the labels go without it.
HALO = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'


def for_paper(svg: str) -> SafeString:
    return mark_safe(svg.replace(HALO, ""))  # noqa: S308 - removes attributes from markup already escaped  # nosec B308 B703


def charts(data: DashboardData) -> dict:
    """The dashboard's charts of the same numbers (`laporan.dashboard.rules.recap_charts`: one chart
    code, so counts tick in whole numbers and PKG runs on 1–4 on paper as on the screen), sized for
    the page and without the screen's halo."""
    found = recap_charts(data, width=CHART_WIDTH, widths=dict.fromkeys(WIDE, WIDE_CHART_WIDTH))
    return {key: for_paper(svg) for key, svg in found.items()}


def _table_rows(table: Table) -> list[list[tuple[str, bool]]]:
    return [
        [(text, _is_number(value)) for text, value in zip(texts, values, strict=True)]
        for texts, values in zip(table.rows, table.cells, strict=True)
    ]


def teacher_rows(*, data: DashboardData) -> list[dict]:
    """Every active teacher (and anyone with a result), by name: their latest final result per
    instrument of the recap and their follow-ups of the semester. Three queries."""
    madrasah, semester = data.madrasah, data.semester
    results: dict[int, dict[int, tuple]] = {}
    for teacher_id, instrument_id, percentage, predikat, rounding in (
        latest_final_observations(madrasah_id=madrasah.pk, semester_ids=[semester.pk])
        .order_by()
        .values_list(
            "teacher_id",
            "instrument_version__instrument_id",
            "percentage",
            "predikat",
            "instrument_version__band_rounding",
        )
    ):
        results.setdefault(teacher_id, {})[instrument_id] = (percentage, predikat, shown_score(percentage, rounding))
    is_open, closed = Q(status=FollowUpStatus.OPEN), Q(status=FollowUpStatus.CLOSED)
    follow_ups = {
        row["teacher_id"]: row
        for row in FollowUp.objects.filter(madrasah=madrasah, observation__row__programme__semester=semester)
        .order_by()
        .values("teacher_id")
        .annotate(open=Count("pk", filter=is_open), closed=Count("pk", filter=closed))
    }
    teachers = (
        Staff.objects.filter(madrasah=madrasah)
        .filter(Q(is_active=True) & ~Q(teacher_type=TeacherType.NONE) | Q(pk__in=list(results)))
        .order_by("name", "pk")
        .only("pk", "name", "front_title", "back_title", "nip", "nignp", "peg_id")
    )
    rows = []
    for number, teacher in enumerate(teachers, start=1):
        mine = results.get(teacher.pk, {})
        counts = follow_ups.get(teacher.pk, {})
        rows.append(
            {
                "number": number,
                "name": teacher.full_name,
                "identifier": teacher.identifier,
                "results": [
                    {
                        "value": mine[i.instrument_id][0],
                        "text": mine[i.instrument_id][2] or "–",
                        "predikat": mine[i.instrument_id][1],
                    }
                    if i.instrument_id in mine
                    else None
                    for i in data.instruments
                ],
                "open": counts.get("open", 0),
                "closed": counts.get("closed", 0),
            }
        )
    return rows


def result_rules(*, data: DashboardData) -> list[str]:
    """The scoring rule of the versions the teachers' results were scored with (`rule_lines`): one query."""
    latest = latest_final_observations(madrasah_id=data.madrasah.pk, semester_ids=[data.semester.pk])
    versions = (
        InstrumentVersion.objects.filter(pk__in=latest.values("instrument_version_id"))
        .select_related("instrument")
        .order_by("instrument__kind", "instrument__name")
    )
    return rule_lines(versions)


def follow_up_rows(*, data: DashboardData, today: dt.date) -> list[dict]:
    """The semester's follow-ups (the dashboard counts them), by deadline: one query."""
    rows = (
        FollowUp.objects.filter(madrasah=data.madrasah, observation__row__programme__semester=data.semester)
        .annotate(closed_on=TruncDate("closed_at"))
        .values(
            "kind",
            "description",
            "deadline",
            "status",
            "closed_on",
            "teacher__name",
            "teacher__front_title",
            "teacher__back_title",
            "observation__instrument_version__instrument__name",
        )
        .order_by("deadline", "teacher__name", "pk")
    )
    shown = []
    for row in rows:
        name = f"{row['teacher__front_title']} {row['teacher__name']}".strip()
        if row["teacher__back_title"]:
            name = f"{name}, {row['teacher__back_title']}"
        if row["status"] == FollowUpStatus.CLOSED:
            late = row["closed_on"] is not None and row["closed_on"] > row["deadline"]
            state = _("Closed late") if late else _("Closed on time")
        else:
            state = _("Past the deadline") if row["deadline"] < today else _("Open")
        description = shorten(row["description"], DESCRIPTION_CHARS)
        shown.append(
            {
                "teacher": name,
                "instrument": row["observation__instrument_version__instrument__name"],
                "kind": FollowUpKind(row["kind"]).label if row["kind"] in FollowUpKind.values else row["kind"],
                "description": description,
                "deadline": row["deadline"],
                "state": state,
            }
        )
    return shown


def semester_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    now = timezone.now()
    data = dashboard_data(madrasah=madrasah, semester=period.semester, now=now)
    found = charts(data)
    tables = [
        {"table": table, "rows": _table_rows(table), "chart": found.get(table.key), "wide": table.key in WIDE}
        for table in recap_tables(data)
        if table.has_data or not data.empty
    ]
    return {
        "data": data,
        "empty": data.empty,
        "tables": tables,
        "instruments": data.instruments,
        "teachers": teacher_rows(data=data),
        "rules": result_rules(data=data),
        "follow_ups": follow_up_rows(data=data, today=timezone.localdate(now)),
        "hidden_instruments": [i for i in data.instruments if i.hidden],
        "hidden_pkg_groups": data.pkg.hidden_groups,
    }


def semester_xlsx(*, context: dict, **_kwargs) -> bytes:
    """The dashboard's workbook of the same data, with a sheet of the teachers' results."""
    workbook = load_workbook(BytesIO(dashboard_workbook(data=context["data"])))
    sheet = workbook.create_sheet(_("Teachers")[:31])
    header = ["No", _("Name"), IDENTIFIER_HEADING]
    for instrument in context["instruments"]:
        header += [instrument.name, f"{instrument.name} · {_('Predikat')}"]
    header += [_("Open follow-ups"), _("Closed follow-ups")]
    rows = []
    for row in context["teachers"]:
        values = [row["number"], row["name"], identifier_cell_text(row["identifier"])]
        for result in row["results"]:
            values += [result["value"], result["predikat"]] if result else [None, None]
        rows.append([*values, row["open"], row["closed"]])
    write_table(sheet, header=header, rows=rows, first_row=1)
    return workbook_bytes(workbook)


SEMESTER_RECAP = document(
    DocumentKind(
        code="semester",
        label=gettext_lazy("Semester recap"),
        period=PeriodKind.SEMESTER,
        template="laporan/pdf/semester_recap.html",
        context=semester_context,
        landscape=True,
        xlsx=semester_xlsx,
    )
)
