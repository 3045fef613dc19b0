"""Closing and reopening the year's PKG: the Kepala's two POST actions on the period page.

Each view fetches the period through `kompetensi.access.appraisal_period_for_user` (`write`: the
Kepala; others 403, another madrasah's period 404), calls one service of
`kompetensi.appraisal.closing` and redirects back to the period with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.errors import ApplicationError

from ..access import appraisal_period_for_user
from ..appraisal import closing


def _run(request, pk: int, service, success: str):
    period = appraisal_period_for_user(request.membership, pk, write=True)
    try:
        service(period=period, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("kompetensi:appraisal-period-detail", period.pk)


@require_POST
@membership_required()
def period_close(request, pk: int):
    return _run(
        request,
        pk,
        closing.appraisal_period_close,
        _("The year's PKG is closed. Its figures are frozen: this is what the Waka, meetings and documents show."),
    )


@require_POST
@membership_required()
def period_reopen(request, pk: int):
    return _run(
        request,
        pk,
        closing.appraisal_period_reopen,
        _("The year's PKG is open again. The figures frozen at the first closing stay as they are."),
    )


urlpatterns = [
    path("pkg/periode/<int:pk>/tutup/", period_close, name="appraisal-period-close"),
    path("pkg/periode/<int:pk>/buka-kembali/", period_reopen, name="appraisal-period-reopen"),
]
