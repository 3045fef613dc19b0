"""The timetable pages: the overview (the operator, the Kepala and the Waka read it), and the settings
and the import, which the operator (or the Kepala) changes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import selectors as madrasah_selectors
from ..access import (
    TIMETABLE_EDITORS,
    TIMETABLE_READERS,
    membership_required,
    ramadan_period_for_user,
    teacher_code_for_user,
)
from ..errors import ApplicationError
from ..models import BellSet, Staff
from ..staff_excel import XLSX_CONTENT_TYPE
from . import selectors, services
from .forms import BellTimesForm, ClassesForm, RamadanForm, SchoolWeekForm, TimetableImportForm
from .rules import bell_text
from .workbook import timetable_template as template_bytes

TEMPLATES = "madrasah/timetable/"
ERRORS_SHOWN = 300


def _semester(request):
    return madrasah_selectors.active_semester(madrasah=request.membership.madrasah)


@require_safe
@membership_required(*TIMETABLE_READERS)
def timetable_home(request):
    madrasah = request.membership.madrasah
    semester = _semester(request)
    context = {
        "semester": semester,
        "school_days": selectors.bell_days(madrasah=madrasah),
        "ramadan_days": selectors.bell_days(madrasah=madrasah, bell_set=BellSet.RAMADAN),
        "ramadan_periods": selectors.ramadan_periods(madrasah=madrasah),
        "codes": selectors.teacher_codes(madrasah=madrasah),
        "can_edit": request.membership.has_role(*TIMETABLE_EDITORS),
        "ramadan_form": RamadanForm(),
    }
    if semester is not None:
        context["classes"] = selectors.classes(academic_year=semester.academic_year)
        context["grid"] = selectors.timetable_grid(semester=semester)
        context["lesson_count"] = selectors.lesson_count(semester=semester)
    return render(request, TEMPLATES + "home.html", context)


@membership_required(*TIMETABLE_EDITORS)
def school_week(request):
    madrasah = request.membership.madrasah
    form = SchoolWeekForm(request.POST or None, initial={"days": list(selectors.school_days(madrasah=madrasah))})
    if request.method == "POST" and form.is_valid():
        try:
            services.school_week_save(madrasah=madrasah, days=form.cleaned_data["days"])
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The school week has been saved."))
            return redirect("madrasah:timetable-home")
    status = 400 if request.method == "POST" else 200
    return render(request, TEMPLATES + "week.html", {"form": form}, status=status)


@membership_required(*TIMETABLE_EDITORS)
def bell_times(request, bell_set: str):
    madrasah = request.membership.madrasah
    days = selectors.bell_days(madrasah=madrasah, bell_set=bell_set)
    initial = {f"day_{day['weekday']}": bell_text(day["periods"]) for day in days}
    form = BellTimesForm(request.POST or None, days=days, initial=initial)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.bell_times_save(madrasah=madrasah, bell_set=bell_set, texts=form.texts())
        except ApplicationError as error:
            error.add_to_form(form)
            errors = error.extra.get("errors", [])
        else:
            messages.success(
                request, _("The bell times have been saved: %(count)s lesson periods a week.") % {"count": count}
            )
            return redirect("madrasah:timetable-home")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "errors": errors, "ramadan": bell_set == BellSet.RAMADAN}
    return render(request, TEMPLATES + "bells.html", context, status=status)


@require_POST
@membership_required(*TIMETABLE_EDITORS)
def ramadan_create(request):
    form = RamadanForm(request.POST)
    if form.is_valid():
        try:
            services.ramadan_period_add(madrasah=request.membership.madrasah, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The Ramadan timetable's days have been saved."))
    else:
        messages.error(request, _("Give the first and the last day of the Ramadan timetable."))
    return redirect("madrasah:timetable-home")


@require_POST
@membership_required()
def ramadan_delete(request, pk: int):
    period = ramadan_period_for_user(request.membership, pk)
    services.ramadan_period_delete(period=period)
    messages.success(request, _("The Ramadan timetable's days have been removed."))
    return redirect("madrasah:timetable-home")


@membership_required(*TIMETABLE_EDITORS)
def classes(request):
    semester = _semester(request)
    if semester is None:
        messages.error(request, _("Activate a semester first: classes belong to its academic year."))
        return redirect("madrasah:timetable-home")
    year = semester.academic_year
    current = selectors.classes(academic_year=year)
    form = ClassesForm(request.POST or None, initial={"names": "\n".join(c.name for c in current)})
    if request.method == "POST" and form.is_valid():
        try:
            added, removed = services.classes_save(academic_year=year, text=form.cleaned_data["names"])
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("The class list has been saved: %(added)s added, %(removed)s removed.")
                % {"added": added, "removed": removed},
            )
            return redirect("madrasah:timetable-home")
    status = 400 if request.method == "POST" else 200
    return render(request, TEMPLATES + "classes.html", {"form": form, "year": year, "classes": current}, status=status)


@membership_required(*TIMETABLE_EDITORS)
def timetable_import(request):
    """GET: the upload form. POST: check the whole file; unknown teacher codes → the form again asking
    whom each means; errors → every error by row and nothing saved; else the semester's timetable is
    replaced and the page says what was imported."""
    madrasah = request.membership.madrasah
    semester = _semester(request)
    if semester is None:
        messages.error(request, _("Activate a semester first: the timetable belongs to it."))
        return redirect("madrasah:timetable-home")
    teachers = Staff.objects.filter(madrasah=madrasah, is_active=True).teachers().order_by("name")
    form = (
        TimetableImportForm(request.POST, request.FILES, teachers=teachers)
        if request.method == "POST"
        else TimetableImportForm(teachers=teachers)
    )
    context = {"semester": semester, "errors": [], "codes": selectors.teacher_codes(madrasah=madrasah)}
    if request.method == "POST" and form.is_valid():
        try:
            result = services.timetable_import(
                madrasah=madrasah, semester=semester, upload=form.cleaned_data["file"], mapping=form.mapping()
            )
        except ApplicationError as error:
            unmapped = error.extra.get("unmapped", [])
            if unmapped:  # asked on a fresh form keeping the choices made so far; the file is chosen again
                codes = list(dict.fromkeys([*form.codes, *unmapped]))
                chosen = {f"staff_{n}": request.POST.get(f"staff_{n}") for n in range(len(form.codes))}
                form = TimetableImportForm(teachers=teachers, codes=codes, initial=chosen)
                context["notice"] = error.message
            else:
                error.add_to_form(form)
            context["errors"] = error.extra.get("errors", [])
            context["unmapped"] = unmapped
        else:
            messages.success(
                request,
                _(
                    "The timetable of %(semester)s has been imported: %(lessons)s lessons and %(counselling)s "
                    "counselling periods of %(teachers)s teachers."
                )
                % {
                    "semester": semester,
                    "lessons": result.lessons,
                    "counselling": result.counselling,
                    "teachers": result.teachers,
                },
            )
            return redirect("madrasah:timetable-home")
    context["errors_hidden"] = max(len(context["errors"]) - ERRORS_SHOWN, 0)
    context["errors"] = context["errors"][:ERRORS_SHOWN]
    context["form"] = form
    status = 400 if request.method == "POST" else 200
    return render(request, TEMPLATES + "import.html", context, status=status)


@require_safe
@membership_required(*TIMETABLE_EDITORS)
def timetable_template(request):
    response = HttpResponse(template_bytes(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="templat-jadwal-pelajaran.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@membership_required()
def teacher_code_delete(request, pk: int):
    code = teacher_code_for_user(request.membership, pk)
    services.teacher_code_delete(code=code)
    messages.success(request, _("The code %(code)s has been forgotten.") % {"code": code.code})
    return redirect("madrasah:timetable-home")
