"""Academic years, semesters and the madrasah's own profile (letterhead data)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import PERIOD_MANAGERS, membership_required, semester_for_user
from ..errors import ApplicationError
from ..files import protected_file_response
from ..forms import MadrasahForm, NumberingForm, SemesterForm
from ..setup.services import madrasah_profile_save


@membership_required()
def semester_list(request):
    madrasah = request.membership.madrasah
    can_manage = request.membership.has_role(*PERIOD_MANAGERS)
    form = SemesterForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                semester = services.semester_create(madrasah=madrasah, **form.cleaned_data)
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Semester %(semester)s has been created.") % {"semester": semester})
                return redirect("madrasah:semester-list")
    semesters = list(selectors.semester_list(madrasah=madrasah))
    today = timezone.localdate()
    active = next((semester for semester in semesters if semester.is_active), None)
    return render(
        request,
        "madrasah/semester_list.html",
        {
            "semesters": semesters,
            "form": form,
            "can_manage": can_manage,
            "today": today,
            "active_elsewhere": active if active and not active.contains(today) else None,
        },
    )


@require_POST
@membership_required()
def semester_activate(request, pk: int):
    semester = semester_for_user(request.membership, pk, write=True)
    services.semester_activate(semester=semester)
    messages.success(request, _("Semester %(semester)s is now active.") % {"semester": semester})
    today = timezone.localdate()
    if not semester.contains(today):
        # Allowed (a report on a past semester, preparing the next one), but home pages, schedules and
        # reports follow the active semester: say so while it can still be undone.
        messages.warning(
            request,
            _(
                "Today (%(today)s) is not within semester %(semester)s. Pages and reports now show that "
                "semester; make the current semester active again when you are done."
            )
            % {"today": date_format(today, "j F Y"), "semester": semester},
        )
    return redirect("madrasah:semester-list")


@membership_required(*PERIOD_MANAGERS)
def madrasah_profile(request):
    madrasah = request.membership.madrasah
    form = MadrasahForm(request.POST or None, request.FILES or None, instance=madrasah)
    numbering_form = NumberingForm(request.POST or None, instance=madrasah)
    if request.method == "POST" and form.is_valid() and numbering_form.is_valid():
        try:
            madrasah_profile_save(form=form, numbering_form=numbering_form)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The madrasah profile has been saved."))
            return redirect("madrasah:madrasah-profile")
    return render(
        request,
        "madrasah/madrasah_profile.html",
        {"form": form, "numbering_form": numbering_form, "has_logo": bool(madrasah.emblem)},
    )


@membership_required()
def madrasah_logo(request):
    """The letterhead logo of the member's own madrasah (printed on its letters, so any member sees it)."""
    return protected_file_response(request.membership.madrasah.emblem, filename="logo", inline=True)
