"""The dashboard inside the madrasah app's homes (`{% load dashboard_tags %}{% dashboard request %}`),
so that madrasah templates show it without Python imports going madrasah → laporan.
"""

from __future__ import annotations

from decimal import Decimal

from django import template

from kompetensi.scoring import for_display
from madrasah.formatting import format_decimal_id

from .. import selectors
from ..access import DASHBOARD_READERS, chosen_semester, reads_live_pkg, semester_list

register = template.Library()


@register.filter
def id_decimal(value) -> str:
    """`82,50`: rounded for display only, Indonesian separators."""
    if value is None:
        return ""
    return format_decimal_id(for_display(value if isinstance(value, Decimal) else Decimal(value)))


@register.inclusion_tag("laporan/_home.html", takes_context=True)
def dashboard(context, request):
    """The active semester's dashboard of the member's madrasah (Kepala and Waka only)."""
    from ..views import dashboard_context, dashboard_links

    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_role(*DASHBOARD_READERS):
        return {"show": False}
    semesters = semester_list(madrasah=membership.madrasah)
    semester = chosen_semester(semesters=semesters, slug=None)
    result = {"show": True, "semester": semester, "request": request}
    if semester is not None:
        data = selectors.dashboard_data(
            madrasah=membership.madrasah, semester=semester, semesters=semesters, pkg_live=reads_live_pkg(membership)
        )
        result.update(dashboard_context(data))
        result["links"] = dashboard_links(semester, meeting=False)
    return result


@register.filter
def raw_number(value) -> str:
    """For data attributes: a dot decimal, rounded for display, whatever the active language."""
    if value is None:
        return ""
    return str(for_display(value if isinstance(value, Decimal) else Decimal(value)))
