"""Instruments and frameworks: open to every member, shaped by the Waka and the Kepala."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear

from ..access import INSTRUMENT_EDITORS, framework_for_user, instrument_version_for_user, section_for_user
from . import selectors, services
from .forms import ItemFormSet, SectionForm, VersionSettingsForm
from .seed import DEFAULT_INSTRUMENTS, instruments_ensure_defaults


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
            "defaults_missing": any(spec["code"] not in present for spec in DEFAULT_INSTRUMENTS),
            "can_edit": request.membership.has_role(*INSTRUMENT_EDITORS),
            "frameworks": selectors.frameworks(),
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


@membership_required()
def instrument_detail(request, pk: int):
    version = instrument_version_for_user(request.membership, pk)
    return render(
        request,
        "kompetensi/instrument_detail.html",
        {
            "version": version,
            "sections": selectors.instrument_version_sheet(version=version),
            "bands": list(version.bands.all()),
            "can_edit": request.membership.has_role(*INSTRUMENT_EDITORS),
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
    form = VersionSettingsForm(request.POST or None, initial=VersionSettingsForm.initial_for(version))
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
