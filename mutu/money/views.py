"""Money: the funding view of a period with its RKAM export, and the entrepreneurship log.

The funding view and its workbook read the same `funding_summary`, so they show the same numbers.
Every entry of the log is fetched through `mutu.access.business_activity_for_user`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompetensi.pkb.rules import (
    academic_start_year,
    academic_year_bounds,
    academic_year_name,
    current_academic_start_year,
)
from madrasah.access import membership_required
from madrasah.charts import bar_chart
from madrasah.errors import ApplicationError

from ..access import BUSINESS_READERS, BUSINESS_WRITERS, FUNDING_READERS, business_activity_for_user
from . import exports, selectors, services
from .forms import BusinessActivityForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the funding view -----------------------------------------------------------------------------


def _chosen_period(request):
    periods = selectors.funding_periods(madrasah=request.membership.madrasah)
    return periods, selectors.funding_period_chosen(periods=periods, key=request.GET.get("periode"))


def _funding_chart(summary):
    if not summary.planned_total:
        return None
    top = max(source.planned for source in summary.sources)
    return bar_chart(
        items=[(source.label, source.planned) for source in summary.sources],
        max_value=top,
        title=_("Planned cost by funding source (Rp)"),
        chart_id="chart-funding",
        width=560,
        places=0,
    )


@membership_required(*FUNDING_READERS)
def funding(request):
    periods, period = _chosen_period(request)
    context = {"periods": periods, "period": period, "page_url": reverse("mutu:funding")}
    if period is not None:
        summary = selectors.funding_summary(madrasah=request.membership.madrasah, period=period)
        context.update(
            summary=summary,
            chart=_funding_chart(summary),
            export_url=f"{reverse('mutu:funding-export')}?periode={period.key}",
            can_log_business=request.membership.has_role(*BUSINESS_READERS),
        )
    return render(request, "mutu/funding.html", context)


@membership_required(*FUNDING_READERS)
def funding_export(request):
    _periods, period = _chosen_period(request)
    if period is None:
        return redirect("mutu:funding")
    summary = selectors.funding_summary(madrasah=request.membership.madrasah, period=period)
    response = HttpResponse(exports.funding_workbook(summary=summary), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="pendanaan-rkam-{period.key}.xlsx"'
    return response


# --- the entrepreneurship log ---------------------------------------------------------------------


def _year(request) -> int:
    """The academic start year asked for (`?tahun=2026`), else the current one."""
    value = request.GET.get("tahun", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return current_academic_start_year()


@membership_required(*BUSINESS_READERS)
def business_list(request):
    madrasah = request.membership.madrasah
    year = _year(request)
    start, end = academic_year_bounds(year)
    years = sorted({*selectors.business_years(madrasah=madrasah), current_academic_start_year(), year}, reverse=True)
    units = selectors.business_unit_totals(madrasah=madrasah, start=start, end=end)
    return render(
        request,
        "mutu/business_list.html",
        {
            "year": year,
            "year_name": academic_year_name(year),
            "years": [(y, academic_year_name(y)) for y in years],
            "entries": selectors.business_entries(madrasah=madrasah, start=start, end=end).select_related(
                "recorded_by"
            ),
            "units": units,
            "total": selectors.business_summary(madrasah=madrasah, start=start, end=end),
            "can_write": request.membership.has_role(*BUSINESS_WRITERS),
        },
    )


def _form_page(request, form, entry=None, status=200):
    return render(
        request,
        "mutu/business_form.html",
        {"form": form, "entry": entry, "units": selectors.business_units(madrasah=request.membership.madrasah)},
        status=status,
    )


def _list_url_of(entry) -> str:
    return f"{reverse('mutu:business-list')}?tahun={academic_start_year(entry.date)}"


@membership_required(*BUSINESS_WRITERS)
def business_create(request):
    if request.method == "POST":
        form = BusinessActivityForm(request.POST)
        if form.is_valid():
            try:
                entry = services.business_activity_create(
                    madrasah=request.membership.madrasah, user=request.user, data=form.data_object()
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The business activity has been recorded."))
                return redirect(_list_url_of(entry))
    else:
        form = BusinessActivityForm()
    return _form_page(request, form)


@membership_required()
def business_update(request, pk: int):
    entry = business_activity_for_user(request.membership, pk, write=True)
    if request.method == "POST":
        form = BusinessActivityForm(request.POST)
        if form.is_valid():
            try:
                services.business_activity_update(entry=entry, user=request.user, data=form.data_object())
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The business activity has been changed."))
                return redirect(_list_url_of(entry))
    else:
        form = BusinessActivityForm(
            initial={name: getattr(entry, name) for name in ("date", "unit", "description", "income", "expense")}
        )
    return _form_page(request, form, entry)


@require_POST
@membership_required()
def business_delete(request, pk: int):
    entry = business_activity_for_user(request.membership, pk, write=True)
    services.business_activity_delete(entry=entry, user=request.user)
    messages.success(request, _("The business activity has been deleted."))
    return redirect(_list_url_of(entry))
