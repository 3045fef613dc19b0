"""The "Report schedule" page: what the madrasah's schedule builds by itself and when, what it asked
for lately; the Kepala changes it, the Waka and the pengawas read it (`rules`).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.access import membership_required
from madrasah.errors import ApplicationError

from ..documents.rules import PeriodKind, load_all
from ..documents.selectors import MONTH_KEY, period_choices, period_of_month
from .forms import ReportScheduleForm
from .rules import SCHEDULE_READERS, SCHEDULE_WRITERS
from .selectors import dispatches_recent, report_schedule_for_user, schedule_upcoming
from .services import report_schedule_save


@membership_required(*SCHEDULE_READERS)
def schedule(request):
    membership = request.membership
    current = report_schedule_for_user(membership, write=request.method == "POST")
    if request.method == "POST":
        form = ReportScheduleForm(request.POST)
        if form.is_valid():
            try:
                report_schedule_save(membership=membership, data=form.data_object(), user=request.user)
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The report schedule has been saved."))
                return redirect("laporan:schedule")
    else:
        form = ReportScheduleForm.of(current)
    kinds = load_all()

    def label(code: str) -> str:
        return kinds[code].label if code in kinds else code

    upcoming = schedule_upcoming(madrasah=membership.madrasah, schedule=current, today=timezone.localdate())
    dispatches = list(dispatches_recent(madrasah=membership.madrasah))
    periods = _period_labels(membership.madrasah) if dispatches else {}
    for dispatch in dispatches:
        dispatch.kind_label = label(dispatch.kind)
        dispatch.period_label = periods.get(dispatch.period) or _month_label(dispatch.period)
    context = {
        "schedule": current,
        "form": form,
        "may_edit": membership.has_role(*SCHEDULE_WRITERS),
        "upcoming": [(label(item.kind), item) for item in upcoming],
        "dispatches": dispatches,
    }
    return render(request, "laporan/reports/schedule.html", context)


def _period_labels(madrasah) -> dict[str, str]:
    """Semester and academic-year labels by key (two queries)."""
    return {
        period.key: period.label
        for period_kind in (PeriodKind.SEMESTER, PeriodKind.YEAR)
        for period in period_choices(madrasah=madrasah, period_kind=period_kind)
    }


def _month_label(key: str) -> str:
    match = MONTH_KEY.match(key)
    if not match or not 1 <= int(match[2]) <= 12:
        return key
    return period_of_month(int(match[1]), int(match[2])).label
