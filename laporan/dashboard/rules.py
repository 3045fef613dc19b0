"""What the dashboard shows of its numbers, without touching the database: who reads it, the recap
tables (the very ones the Excel export writes and the PDFs print), the charts and links of the page,
and the Excel workbook.

- the Kepala and the Waka read their own madrasah's dashboard (everyone else of the madrasah: 403);
- a pengawas reads the madrasah they oversee, read-only; another madrasah: 404 (its existence is
  not revealed);
- an unknown `?semester=` slug: 404;
- PKG figures live for the Kepala and the pengawas, frozen at the year's closing for everyone else
  (the Waka, the meeting mode, documents).

Excel cells: decimals are written rounded with `for_display` and shown with two decimals, so a cell
reads exactly as the screen does (the screen formats the same rounded value with `format_decimal_id`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kompetensi.instruments.rules import MIN_GROUP, PKG_COMPETENCY_MAX, for_display, same_bands
from kompetensi.supervision.rules import RowStatus
from madrasah.charts import bar_chart
from madrasah.formatting import format_decimal_id, raw_number
from madrasah.models import Role, Semester
from madrasah.workbooks import workbook_bytes, workbook_text

if TYPE_CHECKING:
    from .selectors import DashboardData

DASHBOARD_READERS = (Role.KEPALA, Role.WAKA)
# Live PKG figures: the Kepala, who approves every appraisal, and the pengawas. Anyone else reads
# the figures frozen when the Kepala closed the year's PKG (kompetensi.appraisal.selectors.figures).
LIVE_PKG_READERS = (Role.KEPALA, Role.PENGAWAS)
CHART_WIDTH = 560  # drawn at about its own size in a half-width card of a laptop screen
LABEL_SHARE = 0.45  # "Pelaksanaan · Kegiatan Pendahuluan" whole


def reads_live_pkg(membership) -> bool:
    return membership.has_role(*LIVE_PKG_READERS)


def chosen_semester(*, semesters: list[Semester], slug: str | None) -> Semester | None:
    """`?semester=2025-2026-ganjil` among `semesters` (404 when unknown), else the active one."""
    if slug:
        for semester in semesters:
            if semester.slug == slug:
                return semester
        raise Http404
    return next((s for s in semesters if s.is_active), None)


# --- tables shared by the screen, the Excel export and the PDFs --------------------------------------


@dataclass(frozen=True)
class Table:
    """A recap table: `cells` hold the values (Decimal, int, str or None); `rows` the same as shown."""

    key: str
    title: str
    header: tuple[str, ...]
    cells: tuple[tuple, ...]
    # Each row is a record (a quality cycle): a row is data even when it holds no number.
    records: bool = False

    @property
    def rows(self) -> list[list[str]]:
        return [[cell_text(c) for c in row] for row in self.cells]

    @property
    def has_data(self) -> bool:
        """Something to show: a record, or a count or value that is not zero. A semester without
        results hides only the tables without data ("belum ada data" never hides data)."""
        if self.records:
            return bool(self.cells)
        return any(cell for row in self.cells for cell in row if not isinstance(cell, str))


def cell_text(value) -> str:
    """How a cell reads on screen: decimals rounded for display, Indonesian separators."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return format_decimal_id(for_display(value))
    if isinstance(value, int):
        return format_decimal_id(value, places=0)
    return str(value)


def recap_tables(data: DashboardData) -> list[Table]:
    """The recap tables of the dashboard, in page order (the private attention list is never one)."""
    c = data.completion
    tables = [
        Table(
            "programme",
            _("Supervision programme"),
            (_("Planned"), _("Done"), _("Overdue"), _("Cancelled")),
            ((c.planned, c.done, c.overdue, c.cancelled),),
        )
    ]
    if not data.empty:
        tables.append(
            Table(
                "instruments",
                _("Supervision results per instrument"),
                (_("Instrument"), _("Teachers"), _("Average"), _("Previous semester"), _("Change"), _("Predikat")),
                # Fewer than 3 teachers: the count only — an average of one or two is a person's score.
                tuple(
                    (i.name, i.teachers, None, None, None, None)
                    if i.hidden
                    else (i.name, i.teachers, i.average, i.previous_average, i.change, i.predikat_of_average)
                    for i in data.instruments
                ),
            )
        )
        visible = [i for i in data.instruments if not i.hidden]
        tables.append(
            Table(
                "sections",
                _("Section averages"),
                (_("Instrument"), _("Section"), _("Average")),
                tuple((i.name, title, average) for i in visible for title, average in i.sections),
            )
        )
        tables.append(
            Table(
                "distribution",
                _("Predikat distribution"),
                (_("Instrument"), _("Predikat"), _("Teachers")),
                tuple((i.name, label, n) for i in visible for label, n in i.distribution),
            )
        )
    f = data.follow_ups
    tables.append(
        Table(
            "follow_ups",
            _("Follow-ups"),
            (_("Open"), _("Past the deadline"), _("Closed on time"), _("Closed late"), _("Clarifications requested")),
            ((f.open, f.overdue, f.closed_on_time, f.closed_late, data.clarifications),),
        )
    )
    if not data.pkg.hidden:
        tables.append(
            Table(
                "pkg",
                _("PKG per domain"),
                (_("Domain"), _("Teachers"), _("Average competency score (1–4)")),
                tuple((d.name, d.teachers, d.average) for d in data.pkg.domains)
                + ((_("Nilai PKG (average)"), data.pkg.teachers, data.pkg.average_nilai),),
            )
        )
    p = data.pkb
    tables.append(
        Table(
            "pkb",
            _("Professional development (PKB)"),
            (_("Verified JP"), _("Teachers"), _("Average JP per teacher"), _("PNS with at least 20 JP"), _("PNS")),
            ((p.total_jp, p.teachers, p.average_jp, p.pns_reached, p.pns),),
        )
    )
    cycles = [(group, line) for group in data.pdca for line in group.cycles]
    if cycles:
        # Target against the latest measured value, as the cycle page shows them (with their unit).
        met = {True: _("Met"), False: _("Not met"), None: "–"}
        tables.append(
            Table(
                "pdca",
                _("Quality cycles (PDCA)"),
                (_("Cycle"), _("Stage"), _("Target"), _("Latest measured value"), _("Target met")),
                tuple(
                    (
                        line.title,
                        group.label,
                        line.target_shown,
                        line.value_shown or _("not measured yet"),
                        met[line.met] if line.value_shown else "–",
                    )
                    for group, line in cycles
                ),
                records=True,
            )
        )
    return tables


# --- the page -----------------------------------------------------------------------------------------


def _count_chart(*, items: list[tuple[str, int]], title: str, chart_id: str, width: int = CHART_WIDTH):
    # Whole-number ticks (madrasah.charts.integer_ticks): a count of teachers has no fractions.
    top = max([count or 0 for _label, count in items] + [1])
    return bar_chart(
        items=items,
        max_value=top,
        title=title,
        chart_id=chart_id,
        width=width,
        places=0,
        show_title=False,
        label_share=LABEL_SHARE,
    )


def _percent_chart(*, items, title: str, chart_id: str, max_value=100, min_value=0, unit="%", width: int = CHART_WIDTH):
    items = [(label, None if value is None else for_display(value)) for label, value in items]
    return bar_chart(
        items=items,
        max_value=max_value,
        min_value=min_value,
        title=title,
        unit=unit,
        width=width,
        chart_id=chart_id,
        show_title=False,
        label_share=LABEL_SHARE,
    )


def recap_charts(data, *, width: int = CHART_WIDTH, widths: dict[str, int] | None = None) -> dict:
    """One chart per recap table that has one, keyed like the table; same numbers as the table. Each
    bar is labelled with the instrument's short name (`InstrumentSummary.short_name`), so that no two
    bars read alike; the card's heading is the chart's title. The dashboard and the semester recap
    (PDF) both draw these: counts on whole-number ticks, PKG on its 1–4 scale. `widths`: a width per
    table key other than `width` (the PDF draws the charts with long labels under their table)."""
    widths = widths or {}
    c, f = data.completion, data.follow_ups
    visible = [i for i in data.instruments if not i.hidden]

    def sized(key: str) -> int:
        return widths.get(key, width)

    charts = {
        "programme": _count_chart(
            items=[
                (_("Planned"), c.planned),
                (_("Done"), c.done),
                (_("Overdue"), c.overdue),
                (_("Cancelled"), c.cancelled),
            ],
            title=_("Supervision programme"),
            chart_id="chart-programme",
            width=sized("programme"),
        ),
        "follow_ups": _count_chart(
            items=[
                (_("Open"), f.open),
                (_("Past the deadline"), f.overdue),
                (_("Closed on time"), f.closed_on_time),
                (_("Closed late"), f.closed_late),
                (_("Clarifications requested"), data.clarifications),
            ],
            title=_("Follow-ups"),
            chart_id="chart-follow-ups",
            width=sized("follow_ups"),
        ),
    }
    if visible:
        charts["instruments"] = _percent_chart(
            items=[(i.short_name or i.name, i.average) for i in visible],
            title=_("Average result per instrument (%)"),
            chart_id="chart-instruments",
            width=sized("instruments"),
        )
        sections = [(f"{i.short_name or i.name} · {title}", average) for i in visible for title, average in i.sections]
        if sections:
            charts["sections"] = _percent_chart(
                items=sections, title=_("Section averages (%)"), chart_id="chart-sections", width=sized("sections")
            )
        distribution = [(f"{i.short_name or i.name} · {label}", n) for i in visible for label, n in i.distribution]
        if distribution:
            charts["distribution"] = _count_chart(
                items=distribution,
                title=_("Predikat distribution"),
                chart_id="chart-distribution",
                width=sized("distribution"),
            )
    if not data.pkg.hidden and data.pkg.domains:
        # Competency scores run from 1 to 4: the axis starts at 1, as the scale does (docs/domain.md §8).
        charts["pkg"] = _percent_chart(
            items=[(d.name, d.average) for d in data.pkg.domains],
            title=_("PKG: average competency score per domain (1–4)"),
            chart_id="chart-pkg",
            width=sized("pkg"),
            max_value=PKG_COMPETENCY_MAX,
            min_value=1,
            unit="",
        )
    return charts


def mixed_bands(instruments) -> bool:
    """Whether instruments shown side by side read their predikat from different bands (a version
    used before the madrasah chose one vocabulary): their predikat cannot be compared as such."""
    shown = [i.bands for i in instruments if not i.hidden and i.bands]
    return any(not same_bands(shown[0], other) for other in shown[1:])


def completion_percent(completion) -> int | None:
    """Done out of every supervision of the programme (still planned, done or overdue; cancelled ones
    left out), in whole percent, rounded down so that 99.6 never reads "100"."""
    planned = completion.planned + completion.done + completion.overdue
    return None if not planned else completion.done * 100 // planned


# Tables whose predikat depend on the bands of each instrument's version.
BANDED_TABLES = ("instruments", "distribution")


def dashboard_context(data, *, meeting: bool = False, drill: bool = True, private: bool = True) -> dict:
    """What the dashboard templates show of `data`: the glance at the top (strengths, completion, how
    many teachers need attention — their names behind a click, never on a projected screen), then
    the recap tables (the very ones the Excel export writes), each after its chart.

    `meeting`: the anonymised view projected in a staff meeting (no names, no private list, no
    drill-down to a teacher). `private`: the attention list is shown (the Kepala's and Waka's own
    view only). `drill`: links into the kompetensi lists of this madrasah.
    """
    charts = recap_charts(data)
    bands_differ = mixed_bands(data.instruments)
    tables = [
        {
            "table": table,
            "chart": charts.get(table.key),
            "rows": [_cells(texts, cells) for texts, cells in zip(table.rows, table.cells, strict=True)],
            "bands_note": bands_differ and table.key in BANDED_TABLES,
        }
        for table in recap_tables(data)
        # A semester with no data says so ("belum ada data") instead of a page of zeros.
        if table.has_data or not data.empty
    ]
    hidden = [i for i in data.instruments if i.hidden] + [
        SimpleNamespace(name=_("PKG per domain: %(framework)s") % {"framework": name})
        for name in data.pkg.hidden_groups
    ]
    drill = drill and not meeting
    private = private and not meeting
    short = {i.name: i.short_name or i.name for i in data.instruments}
    return {
        "data": data,
        "meeting": meeting,
        "drill": drill,
        "private": private,
        "tables": tables,
        "attention": _attention_entries(data.attention, drill=drill) if private else [],
        "attention_count": len(data.attention),
        "completion_percent": completion_percent(data.completion),
        "strengths": [(s, short.get(s.instrument, s.instrument)) for s in data.strengths],
        "hidden_instruments": hidden,
        "min_group": MIN_GROUP,
    }


def _cells(texts: list[str], cells: tuple) -> SafeString:
    """A table row's cells, each with its unlocalized value for scripts and tests. Built here rather
    than in a template loop: a recap has a hundred cells and the dashboard must stay quick."""
    markup = (
        f'<td data-value="{escape(raw)}">{escape(text)}</td>' if raw else f"<td>{escape(text)}</td>"
        for text, raw in zip(texts, [raw_number(cell) for cell in cells], strict=True)
    )
    return mark_safe("".join(markup))  # noqa: S308 - every text and value above went through escape()  # nosec B308 B703


def _attention_entries(items, *, drill: bool) -> list[tuple[str, str, str]]:
    """(name, link to the teacher's page or "", reasons) per teacher of the private list."""
    # One reverse for the list: the dashboard must stay quick with dozens of names.
    page = reverse("kompetensi:teacher-page", args=[0]).removesuffix("0/") if drill else ""
    return [(item.name, f"{page}{item.teacher_id}/" if drill else "", "; ".join(item.reason_labels)) for item in items]


def _with_semester(name: str, semester, args=()) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode({'semester': semester.slug})}" if semester else url


def dashboard_links(semester, *, meeting: bool) -> dict[str, str]:
    """Period-bound links of the dashboard, and drill-downs into the kompetensi lists."""
    links = {
        "dashboard": _with_semester("laporan:dashboard", semester),
        "meeting": _with_semester("laporan:dashboard-meeting", semester),
        "export": _with_semester("laporan:dashboard-export", semester),
        "programme": _with_semester("kompetensi:programme-semester", semester),
        "follow_ups_overdue": f"{reverse('kompetensi:follow-up-list')}?status=overdue",
        "cycles": reverse("mutu:cycle-list"),
    }
    # The programme came with the semester (access.semester_list): no query here.
    programme = getattr(semester, "supervision_programme", None)
    if not meeting and programme is not None:
        detail = reverse("kompetensi:programme-detail", args=[programme.pk])
        links["rows_overdue"] = f"{detail}?status={RowStatus.OVERDUE}"
        links["rows_planned"] = f"{detail}?status={RowStatus.PLANNED}"
    return links


# --- the Excel export ---------------------------------------------------------------------------------


SHEET_NAME_INVALID = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = SHEET_NAME_INVALID.sub(" ", workbook_text(str(title)))[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _write(cell, value) -> None:
    if isinstance(value, Decimal):
        cell.value = float(for_display(value))
        cell.number_format = "0.00"
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = "0"
    elif value is None:
        cell.value = None
    else:
        cell.value = workbook_text(str(value))


def write_table(sheet, *, header: list, rows: list[list], first_row: int) -> None:
    """`header` in bold on `first_row` and `rows` under it, numbers as numbers (`_write`)."""
    for column, text in enumerate(header, start=1):
        sheet.cell(row=first_row, column=column, value=workbook_text(text)).font = Font(bold=True)
    for row_index, row in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(row, start=1):
            _write(sheet.cell(row=row_index, column=column), value)


def dashboard_workbook(*, data: DashboardData) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    heading = f"{data.madrasah.name} — {data.semester}"
    for table in recap_tables(data):
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.cell(row=1, column=1, value=workbook_text(heading)).font = Font(bold=True)
        sheet.cell(row=2, column=1, value=workbook_text(table.title))
        write_table(sheet, header=table.header, rows=table.cells, first_row=4)
        for column in range(1, len(table.header) + 1):
            sheet.column_dimensions[sheet.cell(row=4, column=column).column_letter].width = 22
    return workbook_bytes(workbook)
