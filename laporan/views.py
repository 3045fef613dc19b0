"""The Kepala's dashboard (the Waka sees it too), its meeting mode and Excel export, and the
pengawas' read-only view of the madrasah they oversee.

Views are thin: access (laporan.access) → one selector (laporan.selectors) → the presentation below
(charts and tables built from the very numbers the Excel export writes) → render.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kompetensi.programme import RowStatus
from kompetensi.scoring import for_display
from madrasah.access import membership_required
from madrasah.charts import bar_chart
from madrasah.models import Role

from . import exports, selectors
from .access import (
    DASHBOARD_READERS,
    chosen_semester,
    overseen_madrasah_for_user,
    overseen_madrasah_list,
    reads_live_pkg,
    semester_list,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_WIDTH = 560


def _raw(value) -> str:
    """A number for a data attribute: dot decimal, two places, never localized."""
    if value is None or isinstance(value, str):
        return ""
    if isinstance(value, Decimal):
        return str(for_display(value))
    return str(value)


def _count_chart(*, items: list[tuple[str, int]], title: str, chart_id: str):
    top = max([count or 0 for _label, count in items] + [1])
    return bar_chart(items=items, max_value=top, title=title, chart_id=chart_id, width=CHART_WIDTH, places=0)


def _percent_chart(*, items, title: str, chart_id: str, max_value=100, unit="%"):
    items = [(label, None if value is None else for_display(value)) for label, value in items]
    return bar_chart(items=items, max_value=max_value, title=title, unit=unit, width=CHART_WIDTH, chart_id=chart_id)


def _charts(data) -> dict:
    """One chart per recap table that has one, keyed like the table; same numbers as the table."""
    c, f = data.completion, data.follow_ups
    visible = [i for i in data.instruments if not i.hidden]
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
        ),
    }
    if visible:
        charts["instruments"] = _percent_chart(
            items=[(i.name, i.average) for i in visible],
            title=_("Average result per instrument (%)"),
            chart_id="chart-instruments",
        )
        sections = [(f"{i.name} · {title}", average) for i in visible for title, average in i.sections]
        if sections:
            charts["sections"] = _percent_chart(
                items=sections, title=_("Section averages (%)"), chart_id="chart-sections"
            )
        distribution = [(f"{i.name} · {label}", n) for i in visible for label, n in i.distribution]
        if distribution:
            charts["distribution"] = _count_chart(
                items=distribution, title=_("Predikat distribution"), chart_id="chart-distribution"
            )
    if not data.pkg.hidden and data.pkg.domains:
        charts["pkg"] = _percent_chart(
            items=[(d.name, d.average) for d in data.pkg.domains],
            title=_("PKG: average competency score per domain (1–4)"),
            chart_id="chart-pkg",
            max_value=4,
            unit="",
        )
    return charts


def _all_zero(table) -> bool:
    return not any(cell for row in table.cells for cell in row if not isinstance(cell, str))


def dashboard_context(data, *, meeting: bool = False, drill: bool = True, private: bool = True) -> dict:
    """What the dashboard templates show of `data`: the recap tables (the very ones the Excel export
    writes), each after its chart.

    `meeting`: the anonymised view projected in a staff meeting (no names, no private list, no
    drill-down to a teacher). `private`: the attention list is shown (the Kepala's and Waka's own
    view only). `drill`: links into the kompetensi lists of this madrasah.
    """
    charts = _charts(data)
    tables = [
        {
            "table": table,
            "chart": charts.get(table.key),
            "rows": [_cells(texts, cells) for texts, cells in zip(table.rows, table.cells, strict=True)],
        }
        for table in selectors.recap_tables(data)
        # A semester with no data says so ("belum ada data") instead of a page of zeros.
        if not (data.empty and _all_zero(table))
    ]
    hidden = [i for i in data.instruments if i.hidden]
    drill = drill and not meeting
    private = private and not meeting
    return {
        "data": data,
        "meeting": meeting,
        "drill": drill,
        "private": private,
        "tables": tables,
        "attention": _attention_entries(data.attention, drill=drill) if private else [],
        "hidden_instruments": hidden,
        "min_group": selectors.MIN_GROUP,
    }


def _cells(texts: list[str], cells: tuple) -> SafeString:
    """A table row's cells, each with its unlocalized value for scripts and tests. Built here rather
    than in a template loop: a recap has a hundred cells and the dashboard must stay quick."""
    markup = (
        f'<td data-value="{escape(raw)}">{escape(text)}</td>' if raw else f"<td>{escape(text)}</td>"
        for text, raw in zip(texts, [_raw(cell) for cell in cells], strict=True)
    )
    return mark_safe("".join(markup))  # noqa: S308 - every text and value above went through escape()  # nosec B308 B703


def _attention_entries(items, *, drill: bool) -> list[tuple[str, str, str]]:
    """(name, link to the teacher's page or "", reasons) per teacher of the private list."""
    return [
        (
            item.name,
            reverse("kompetensi:teacher-page", args=[item.teacher_id]) if drill else "",
            "; ".join(item.reason_labels),
        )
        for item in items
    ]


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


def _dashboard_page(request, *, meeting: bool):
    membership = request.membership
    if not membership.has_role(*DASHBOARD_READERS):
        if membership.has_role(Role.PENGAWAS):
            return redirect("laporan:pengawas-overview")
        raise PermissionDenied
    madrasah = membership.madrasah
    semesters = semester_list(madrasah=madrasah)
    semester = chosen_semester(semesters=semesters, slug=request.GET.get("semester"))
    context = {
        "madrasah": madrasah,
        "semester": semester,
        "semesters": semesters,
        "page_url": reverse("laporan:dashboard-meeting" if meeting else "laporan:dashboard"),
    }
    if semester is not None:
        # Projected in a meeting, even the Kepala's page shows the frozen PKG figures.
        live = reads_live_pkg(membership) and not meeting
        data = selectors.dashboard_data(madrasah=madrasah, semester=semester, semesters=semesters, pkg_live=live)
        context.update(dashboard_context(data, meeting=meeting))
        context["links"] = dashboard_links(semester, meeting=meeting)
    template = "laporan/dashboard_meeting.html" if meeting else "laporan/dashboard.html"
    return render(request, template, context)


@membership_required()
def dashboard(request):
    return _dashboard_page(request, meeting=False)


@membership_required()
def dashboard_meeting(request):
    return _dashboard_page(request, meeting=True)


@membership_required(*DASHBOARD_READERS)
def dashboard_export(request):
    madrasah = request.membership.madrasah
    semesters = semester_list(madrasah=madrasah)
    semester = chosen_semester(semesters=semesters, slug=request.GET.get("semester"))
    if semester is None:
        return redirect("laporan:dashboard")
    data = selectors.dashboard_data(
        madrasah=madrasah, semester=semester, semesters=semesters, pkg_live=reads_live_pkg(request.membership)
    )
    response = HttpResponse(exports.dashboard_workbook(data=data), content_type=XLSX)
    filename = f"dasbor-{semester.slug}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@membership_required(Role.PENGAWAS)
def pengawas_overview(request):
    overview = selectors.pengawas_overview(user=request.user)
    with_data = {madrasah.pk for madrasah, _data in overview}
    return render(
        request,
        "laporan/pengawas_overview.html",
        {
            "overview": [(madrasah, data, selectors.recap_tables(data)) for madrasah, data in overview],
            "without_semester": [m for m in overseen_madrasah_list(user=request.user) if m.pk not in with_data],
        },
    )


@membership_required(Role.PENGAWAS)
def pengawas_madrasah(request, madrasah_pk: int):
    madrasah = overseen_madrasah_for_user(user=request.user, pk=madrasah_pk)
    semesters = semester_list(madrasah=madrasah)
    semester = chosen_semester(semesters=semesters, slug=request.GET.get("semester"))
    context = {
        "madrasah": madrasah,
        "semester": semester,
        "semesters": semesters,
        "page_url": reverse("laporan:pengawas-madrasah", args=[madrasah.pk]),
    }
    if semester is not None:
        data = selectors.dashboard_data(madrasah=madrasah, semester=semester, semesters=semesters, pkg_live=True)
        # Read-only and without the private list: the pengawas oversees the madrasah, not its teachers.
        context.update(dashboard_context(data, drill=False, private=False))
    return render(request, "laporan/pengawas_madrasah.html", context)
