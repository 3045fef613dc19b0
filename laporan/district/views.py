"""The district pages: the pengawas compares the madrasah they oversee; the district reader and the
installation administrator page through every madrasah of the installation. Plain tables sorted by
links (`?sort=`), no script: they open on a phone over mobile data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kompetensi.instruments.rules import MIN_GROUP
from madrasah.access import district_reader_required, membership_required
from madrasah.models import Role

from . import rules, selectors

LABELS = {
    "name": _("Madrasah"),
    "completion": _("Supervision programme done"),
    "score": _("Average supervision result"),
    "pkg": _("Average Nilai PKG (approved)"),
    "overdue": _("Overdue follow-ups"),
    "appraisals": _("PKG appraisals approved"),
    "documents": _("Documents issued"),
}


def _headings(sort: rules.Sorting, columns) -> list[dict]:
    """Each column's heading: its label and the `?sort=` value its link carries."""
    return [
        {
            "key": c,
            "label": LABELS[c],
            "param": sort.link_for(c),
            "active": c == sort.column,
            "descending": sort.descending,
        }
        for c in columns
    ]


@membership_required(Role.PENGAWAS)
def district_comparison(request):
    columns = selectors.COMPARISON_COLUMNS
    sort = rules.sorting(request.GET.get("sort"), columns=columns, default="name")
    context = {
        "rows": selectors.comparison_for(user=request.user, sort=sort),
        "min_group": MIN_GROUP,
        "sort": sort,
        "headings": _headings(sort, columns),
    }
    return render(request, "laporan/district/comparison.html", context)


@district_reader_required
def district_overview(request):
    columns = selectors.OVERVIEW_COLUMNS
    sort = rules.sorting(request.GET.get("sort"), columns=columns, default="name")
    # `get_page` answers any `?page=` (text, 0, 20 digits) with the first or the last page.
    page = Paginator(selectors.district_overview(sort=sort), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(m, rules.completion(m.done, m.planned)) for m in page],
        "sort": sort,
        "headings": _headings(sort, columns),
    }
    return render(request, "laporan/district/overview.html", context)
