"""Personal data (UU PDP): "Data saya" — the member's own data as a ZIP and who opened it — and the
Kepala's file retention setting.

"Data saya" takes no id: a member only ever reaches their own data. Downloading it is recorded in the
access log (the one case where a member's own access is recorded).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from madrasah.access import membership_required
from madrasah.access_log import access_log_list, access_log_record
from madrasah.errors import ApplicationError
from madrasah.models import AccessKind

from ..models import RETENTION_MAX_MONTHS, RETENTION_MIN_MONTHS
from .forms import RetentionForm
from .rules import RETENTION_WRITERS
from .selectors import (
    personal_data_collect,
    personal_data_filename,
    personal_data_zip,
    purged_files_recent,
    retention_setting_of,
)
from .services import retention_setting_save

MY_ACCESS_LOG_PAGE_SIZE = 25


@membership_required()
def my_data(request):
    membership = request.membership
    entries = None
    if membership.staff_id is not None:
        entries = Paginator(
            access_log_list(madrasah=membership.madrasah, teacher_id=membership.staff_id), MY_ACCESS_LOG_PAGE_SIZE
        ).get_page(request.GET.get("halaman"))
    return render(request, "laporan/my_data.html", {"page": entries})


@membership_required()
def my_data_download(request):
    membership = request.membership
    data = personal_data_collect(membership=membership)
    archive = personal_data_zip(membership=membership, data=data)
    if membership.staff_id is not None:
        access_log_record(
            viewer=membership,
            teacher_id=membership.staff_id,
            kind=AccessKind.EXPORT,
            what=_("All my data (ZIP)"),
            path=request.get_full_path(),
        )
    response = FileResponse(
        archive, as_attachment=True, filename=personal_data_filename(membership), content_type="application/zip"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@membership_required(*RETENTION_WRITERS)
def retention(request):
    membership = request.membership
    current = retention_setting_of(madrasah=membership.madrasah)
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                retention_setting_save(membership=membership, **form.cleaned_data)
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The retention setting has been saved."))
                return redirect("laporan:retention")
    else:
        form = RetentionForm(
            initial={"evidence_months": current.evidence_months, "document_months": current.document_months}
        )
    context = {
        "form": form,
        "setting": current,
        "purged": purged_files_recent(madrasah=membership.madrasah),
        "min_months": RETENTION_MIN_MONTHS,
        "max_months": RETENTION_MAX_MONTHS,
    }
    return render(request, "laporan/retention.html", context)
