"""The growth page's charts: the shared server-side SVG charts (madrasah.charts), each shown with a
table of the same numbers. No client-side chart library, no images."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kompetensi.instruments.rules import for_display
from madrasah.charts import bar_chart, line_chart

CHART_WIDTH = 480  # drawn for a phone first: the SVG scales to the column, text stays readable


def growth_charts(page: dict) -> dict:
    """{"competencies", "pkg_trend", "supervision": SVG} for what `page` holds (none when empty)."""
    charts = {}
    standing = page["standing"]
    if standing:
        charts["competencies"] = bar_chart(
            items=[(f"{c['number']}. {c['name']}", for_display(c["percentage"])) for c in standing.competencies],
            title=_("Competencies, PKG %(year)s (%%)") % {"year": standing.year},
            unit="%",
            width=CHART_WIDTH,
            chart_id="growth-competencies",
        )
    trend = page["pkg_trend"]
    if len(trend) > 1:
        domain_names = [d.name for d in trend[-1].domain_list]
        series = [(_("Nilai PKG"), [(y.year, for_display(y.nilai)) for y in trend])]
        for name in domain_names:
            points = [(y.year, for_display(y.domains[name].nilai) if name in y.domains else None) for y in trend]
            series.append((name, points))
        charts["pkg_trend"] = line_chart(
            series=series, title=_("PKG over the years"), width=CHART_WIDTH, chart_id="growth-pkg-trend"
        )
    if page["supervision_semesters"]:
        cells = page["supervision_cells"]
        series = [
            (
                str(label),
                [
                    (
                        semester,
                        for_display(cells[(semester, kind)].percentage) if (semester, kind) in cells else None,
                    )
                    for semester in page["supervision_semesters"]
                ],
            )
            for kind, label in page["supervision_kinds"]
        ]
        charts["supervision"] = line_chart(
            series=series,
            title=_("Supervision results per semester (%)"),
            width=CHART_WIDTH,
            chart_id="growth-supervision",
        )
    return charts
