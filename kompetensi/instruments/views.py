"""Instruments and frameworks: open to every member, shaped by the Waka and the Kepala."""

from __future__ import annotations

import base64
import secrets

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from madrasah.access import membership_required
from madrasah.errors import ApplicationError
from madrasah.formatting import format_decimal_id
from madrasah.models import AcademicYear

from ..access import INSTRUMENT_EDITORS, framework_for_user, instrument_version_for_user, section_for_user
from . import selectors, services, workbook
from .examples import EXAMPLE_LABELS, EXAMPLES, examples_for
from .forms import InstrumentImportForm, ItemFormSet, SectionForm, VersionSettingsForm
from .rules import for_display
from .scoring import example_result, has_official_rule, options_of, rule_sentence_of, shown_score
from .seed import DEFAULT_EXAMPLES, DEFAULT_INSTRUMENTS, instruments_ensure_defaults
from .workbook.preview import preview_of


def _chosen_year(request) -> AcademicYear | None:
    madrasah = request.membership.madrasah
    year = request.GET.get("tahun") or request.POST.get("tahun")
    if year and year.isdigit():
        return get_object_or_404(AcademicYear, madrasah=madrasah, start_year=int(year))
    return selectors.academic_year_current(madrasah=madrasah)


@membership_required()
def instrument_list(request):
    madrasah = request.membership.madrasah
    year = _chosen_year(request)
    versions = list(selectors.instrument_versions(madrasah=madrasah, academic_year=year)) if year else []
    present = {v.instrument.code for v in versions}
    return render(
        request,
        "kompetensi/instrument_list.html",
        {
            "year": year,
            "years": selectors.academic_years(madrasah=madrasah),
            "versions": versions,
            "defaults_missing": any(
                code not in present
                for code in [*(spec["code"] for spec in DEFAULT_INSTRUMENTS), *(e.code for e in DEFAULT_EXAMPLES)]
            ),
            "can_edit": request.membership.has_role(*INSTRUMENT_EDITORS),
            "frameworks": selectors.frameworks(),
            "examples": [(example, EXAMPLE_LABELS[example.key]) for example in examples_for(year.start_year)]
            if year
            else [],
        },
    )


@require_POST
@membership_required(*INSTRUMENT_EDITORS)
def instrument_defaults(request):
    year = _chosen_year(request)
    if year is None:
        messages.error(request, _("Create a semester first: instruments belong to an academic year."))
        return redirect("kompetensi:instrument-list")
    created = instruments_ensure_defaults(madrasah=request.membership.madrasah, academic_year=year)
    messages.success(
        request,
        _("%(count)s instruments prepared for %(year)s.") % {"count": len(created), "year": year.name},
    )
    return redirect(f"{reverse('kompetensi:instrument-list')}?tahun={year.start_year}")


def _scoring_example(version) -> dict:
    """The version's rule at work on a small sheet of its scale: the numbers are `score_instrument`'s."""
    sheet, result = example_result(
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        bands=selectors.bands_of(version),
        **options_of(version),
    )
    return {
        "sections": [
            {
                "title": section.title,
                "weight": section.weight,
                "points": ", ".join(str(p) for p in section.points),
                "percentage": format_decimal_id(for_display(result.sections[n].percentage)),
            }
            for n, section in enumerate(sheet)
        ],
        "total": format_decimal_id(for_display(result.percentage)),
        "read": shown_score(result.percentage, result.band_rounding),
        "rounded": result.band_value != result.percentage,
        "predikat": result.predikat or "",
    }


@membership_required()
def instrument_detail(request, pk: int):
    version = instrument_version_for_user(request.membership, pk)
    official = has_official_rule(version.instrument.kind)
    return render(
        request,
        "kompetensi/instrument_detail.html",
        {
            "version": version,
            "sections": selectors.instrument_version_sheet(version=version),
            "bands": list(version.bands.all()),
            "can_edit": request.membership.has_role(*INSTRUMENT_EDITORS),
            # An example of this instrument offered for this year (examples/): it may replace the version
            # while no record uses it.
            "examples": [
                (example, EXAMPLE_LABELS[example.key])
                for example in examples_for(version.academic_year.start_year)
                if example.code == version.instrument.code and not version.is_frozen
            ],
            "rule": None if official else rule_sentence_of(version),
            "example": None if official else _scoring_example(version),
        },
    )


def _refuse_frozen_page(request, version):
    if version.is_frozen:
        messages.error(request, _("This version is already used by records and cannot change."))
        return redirect(version)
    return None


@membership_required()
def instrument_settings(request, pk: int):
    version = instrument_version_for_user(request.membership, pk, write=True)
    if refused := _refuse_frozen_page(request, version):
        return refused
    form = VersionSettingsForm(request.POST or None, initial=VersionSettingsForm.initial_for(version), version=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_version_settings_update(version=version, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The instrument has been saved."))
            return redirect(version)
    return render(request, "kompetensi/instrument_settings.html", {"version": version, "form": form})


def _section_page(request, version, section=None):
    if refused := _refuse_frozen_page(request, version):
        return refused
    indicators = selectors.indicator_choices(version=version)
    initial_items = [{"text": i.text, "indicator": i.indicator_id} for i in section.items.all()] if section else []
    form = SectionForm(
        request.POST or None, initial={"title": section.title, "weight": section.weight} if section else None
    )
    formset = ItemFormSet(
        request.POST or None, initial=initial_items, prefix="items", form_kwargs={"indicators": indicators}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.section_save(version=version, section=section, items=formset.items(), **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The section has been saved."))
            return redirect(version)
    return render(
        request,
        "kompetensi/section_form.html",
        {"version": version, "section": section, "form": form, "formset": formset},
    )


@membership_required()
def section_create(request, pk: int):
    return _section_page(request, instrument_version_for_user(request.membership, pk, write=True))


@membership_required()
def section_update(request, pk: int, section_pk: int):
    section = section_for_user(request.membership, pk, section_pk, write=True)
    return _section_page(request, section.version, section)


@require_POST
@membership_required()
def section_delete(request, pk: int, section_pk: int):
    section = section_for_user(request.membership, pk, section_pk, write=True)
    try:
        services.section_delete(section=section)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The section has been deleted."))
    return redirect(section.version)


@require_POST
@membership_required()
def instrument_copy(request, pk: int):
    version = instrument_version_for_user(request.membership, pk, write=True)
    try:
        copy = services.instrument_version_copy_to_next_year(version=version)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(version)
    messages.success(request, _("An editable copy for %(year)s has been made.") % {"year": copy.academic_year.name})
    return redirect(copy)


@membership_required()
def framework_detail(request, pk: int):
    framework = framework_for_user(request.membership, pk)
    return render(
        request,
        "kompetensi/framework_detail.html",
        {"framework": framework, "domains": selectors.framework_tree(framework=framework)},
    )


# --- instrument workbooks: export, template, import with a preview ---------------------------------

# The uploaded workbook waits in the session between the upload and the confirmation (a few kB; at
# most MAX_FILE_BYTES): the confirmation reads and checks it again, never anything the browser sends.
IMPORT_SESSION_KEY = "instrument_import"
# A file full of mistakes would give hundreds of lines: the first ones are enough to start fixing.
ISSUES_SHOWN = 300


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=workbook.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@membership_required()
def instrument_export(request, pk: int):
    version = instrument_version_for_user(request.membership, pk)
    spec = selectors.instrument_version_spec(version=version)
    filename = f"instrumen-{version.instrument.code}-{version.academic_year.start_year}.xlsx"
    return _xlsx_response(workbook.spec_workbook(spec), filename)


@require_safe
@membership_required()
def instrument_template(request):
    return _xlsx_response(workbook.template_workbook(), "templat-instrumen.xlsx")


def _pending_store(request, *, data: bytes, year: AcademicYear, source: str) -> None:
    request.session[IMPORT_SESSION_KEY] = {
        "token": secrets.token_urlsafe(16),
        "madrasah": request.membership.madrasah_id,
        "year": year.pk,
        "source": source,
        "data": base64.b64encode(data).decode("ascii"),
    }


def _pending(request) -> tuple[dict, AcademicYear, bytes] | None:
    """The workbook waiting for confirmation in this session, if it is for the current madrasah."""
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("madrasah") != request.membership.madrasah_id:
        return None
    year = AcademicYear.objects.filter(madrasah=request.membership.madrasah, pk=pending.get("year")).first()
    if year is None:
        return None
    return pending, year, base64.b64decode(pending["data"])


@membership_required(*INSTRUMENT_EDITORS)
def instrument_import(request):
    """GET: the upload form. POST: the file is kept in the session and the preview shows what it holds."""
    madrasah = request.membership.madrasah
    years = selectors.academic_years(madrasah=madrasah)
    current = selectors.academic_year_current(madrasah=madrasah)
    form = InstrumentImportForm(
        request.POST or None, request.FILES or None, years=years, initial={"academic_year": current}
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = workbook.upload_bytes(form.cleaned_data["file"])
        except workbook.WorkbookError as error:
            form.add_error("file", error.message)
        else:
            _pending_store(
                request, data=data, year=form.cleaned_data["academic_year"], source=form.cleaned_data["file"].name
            )
            return redirect("kompetensi:instrument-import-preview")
    status = 400 if request.method == "POST" else 200
    return render(request, "kompetensi/instrument_import.html", {"form": form}, status=status)


@require_POST
@membership_required(*INSTRUMENT_EDITORS)
def instrument_import_example(request, example: str):
    """An example workbook (examples/) put through the same preview as an upload."""
    found = EXAMPLES.get(example)
    year = _chosen_year(request)
    if found is None or year is None or year.start_year < found.first_year:
        raise Http404
    _pending_store(request, data=found.data(), year=year, source=found.filename)
    return redirect("kompetensi:instrument-import-preview")


@membership_required(*INSTRUMENT_EDITORS)
def instrument_import_preview(request):
    """GET: the instrument as the supervisor will see it, or every issue of the workbook (nothing is
    saved). POST: confirm — the kept workbook is checked again and saved as a new version."""
    pending = _pending(request)
    if pending is None:
        messages.error(request, _("No workbook is waiting: upload it again."))
        return redirect("kompetensi:instrument-import")
    stored, year, data = pending
    madrasah = request.membership.madrasah
    if request.method == "POST":
        if request.POST.get("token") != stored["token"]:
            messages.error(request, _("Another workbook was uploaded since this preview: check it before saving."))
            return redirect("kompetensi:instrument-import-preview")
        try:
            version = services.instrument_import(
                madrasah=madrasah, academic_year=year, data=data, replace=request.POST.get("replace") == "1"
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("kompetensi:instrument-import-preview")
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, _("The instrument has been imported for %(year)s.") % {"year": year.name})
        return redirect(version)
    try:
        plan = services.instrument_import_plan(madrasah=madrasah, academic_year=year, data=data)
    except ApplicationError as error:
        del request.session[IMPORT_SESSION_KEY]
        messages.error(request, error.message)
        return redirect("kompetensi:instrument-import")
    context = {"plan": plan, "year": year, "token": stored["token"], "source": stored["source"]}
    if plan.spec is not None:
        context["preview"] = preview_of(plan.spec)
    context["issues"] = plan.issues[:ISSUES_SHOWN]
    context["issues_hidden"] = max(len(plan.issues) - ISSUES_SHOWN, 0)
    return render(request, "kompetensi/instrument_import_preview.html", context)
