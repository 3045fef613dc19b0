"""The teacher registry in and out of Excel: template, export, and the import with its report."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from .. import services, staff_excel
from ..access import STAFF_WRITERS, membership_required
from ..errors import ApplicationError
from ..forms import StaffImportForm

# A file full of mistakes would give thousands of lines: the first ones are enough to start fixing.
ERRORS_SHOWN = 300


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=staff_excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@membership_required(*STAFF_WRITERS)
def staff_template(request):
    return _xlsx_response(staff_excel.staff_template(), "templat-data-pegawai.xlsx")


@require_safe
@membership_required(*STAFF_WRITERS)
def staff_export(request):
    madrasah = request.membership.madrasah
    filename = f"data-pegawai-{madrasah.nsm}-{timezone.localdate():%Y-%m-%d}.xlsx"
    return _xlsx_response(staff_excel.staff_export(madrasah=madrasah), filename)


@membership_required(*STAFF_WRITERS)
def staff_import(request):
    """GET: the upload form. POST: check the whole file; errors → the form again with every error
    and nothing saved; no errors → saved, and the report (created, updated, accounts, warnings)."""
    form = StaffImportForm(request.POST, request.FILES) if request.method == "POST" else StaffImportForm()
    context = {"form": form, "errors": [], "warnings": []}
    if request.method == "POST" and form.is_valid():
        try:
            result = services.staff_import(
                madrasah=request.membership.madrasah, upload=form.cleaned_data["file"], actor=request.user
            )
        except ApplicationError as error:
            error.add_to_form(form)
            context["errors"] = error.extra.get("errors", [])
            context["warnings"] = error.extra.get("warnings", [])
        else:
            return render(request, "madrasah/staff/import_result.html", {"result": result})
    context["errors_hidden"] = max(len(context["errors"]) - ERRORS_SHOWN, 0)
    context["errors"] = context["errors"][:ERRORS_SHOWN]
    return render(request, "madrasah/staff/import.html", context)
