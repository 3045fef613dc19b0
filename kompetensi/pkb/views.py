"""PKB: the teacher's log of professional development, the Waka's verification queue, the yearly
recap, and in-house activities recorded once with their attendance list.

Every view fetches its object through `kompetensi.access` and calls one service or selector of
this package; the rules live in `rules`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.files import protected_file_response
from madrasah.models import AccessKind, Role

from ..access import PKB_READERS, PKB_VERIFIERS, in_house_for_user, pkb_activity_for_user
from ..models import PkbKind, PkbStatus
from . import rules, selectors, services
from .forms import InHouseForm, PkbActivityForm, ReturnForm


def _year(request) -> int:
    """The academic start year asked for (`?year=2025`), else the current one."""
    value = request.GET.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return rules.current_academic_start_year()


def _year_choices(selected: int) -> list[tuple[int, str]]:
    current = rules.current_academic_start_year()
    years = sorted({*range(current - 4, current + 1), selected}, reverse=True)
    return [(year, rules.academic_year_name(year)) for year in years]


# --- the teacher's log --------------------------------------------------------------------------------


@membership_required(Role.GURU)
def pkb_mine(request):
    teacher = request.membership.staff
    if teacher is None:
        raise PermissionDenied
    year = _year(request)
    return render(
        request,
        "kompetensi/pkb/mine.html",
        {
            "teacher": teacher,
            "totals": selectors.pkb_totals(teacher=teacher, year=year),
            "activities": selectors.pkb_activities_of_teacher(teacher=teacher),
            "years": [(y, rules.academic_year_name(y)) for y in selectors.pkb_years_of_teacher(teacher=teacher)],
        },
    )


@membership_required(Role.GURU)
def pkb_create(request):
    teacher = request.membership.staff
    if teacher is None:
        raise PermissionDenied
    if request.method == "POST":
        form = PkbActivityForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                activity = services.pkb_activity_create(
                    teacher=teacher, user=request.user, data=form.data_object(), upload=form.cleaned_data["evidence"]
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Your entry has been sent to the Waka for verification."))
                return redirect(activity.get_absolute_url())
    else:
        form = PkbActivityForm()
    return render(request, "kompetensi/pkb/form.html", {"form": form, "activity": None})


@membership_required()
def pkb_detail(request, pk: int):
    activity = pkb_activity_for_user(request.membership, pk)
    membership = request.membership
    access_log_record(
        viewer=membership,
        teacher_id=activity.teacher_id,
        kind=AccessKind.RECORD,
        what=f"PKB: {activity.title}",
        path=request.get_full_path(),
    )
    is_teacher = membership.staff_id == activity.teacher_id
    waiting = activity.status == PkbStatus.SUBMITTED
    return render(
        request,
        "kompetensi/pkb/detail.html",
        {
            "activity": activity,
            "can_edit": is_teacher and activity.status in rules.EDITABLE and not activity.in_house_id,
            "can_verify": waiting and not is_teacher and membership.has_role(*PKB_VERIFIERS),
            "return_form": ReturnForm(),
        },
    )


@membership_required()
def pkb_update(request, pk: int):
    activity = pkb_activity_for_user(request.membership, pk, action="edit")
    if activity.in_house_id or activity.status not in rules.EDITABLE:
        messages.error(request, _("A verified entry can no longer be changed."))
        return redirect(activity.get_absolute_url())
    if request.method == "POST":
        form = PkbActivityForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.pkb_activity_update(
                    activity=activity, user=request.user, data=form.data_object(), upload=form.cleaned_data["evidence"]
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("Your entry has been changed and sent again for verification."))
                return redirect(activity.get_absolute_url())
    else:
        form = PkbActivityForm(
            initial={
                name: getattr(activity, name)
                for name in ("kind", "title", "organiser", "start_date", "end_date", "jp", "minutes_per_jp")
            }
        )
    return render(request, "kompetensi/pkb/form.html", {"form": form, "activity": activity})


@membership_required()
def pkb_evidence(request, pk: int):
    activity = pkb_activity_for_user(request.membership, pk)
    if activity.evidence:
        access_log_record(
            viewer=request.membership,
            teacher_id=activity.teacher_id,
            kind=AccessKind.DOCUMENT,
            what=f"PKB: {activity.title}",
            path=request.get_full_path(),
        )
    return protected_file_response(activity.evidence, filename=activity.evidence_name or None, inline=True)


# --- verification -------------------------------------------------------------------------------------


@membership_required(*PKB_VERIFIERS)
def pkb_queue(request):
    return render(
        request,
        "kompetensi/pkb/queue.html",
        {"activities": selectors.pkb_queue(madrasah=request.membership.madrasah, user=request.user)},
    )


@require_POST
@membership_required()
def pkb_verify(request, pk: int):
    activity = pkb_activity_for_user(request.membership, pk, action="verify")
    try:
        services.pkb_activity_verify(activity=activity, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(activity.get_absolute_url())
    messages.success(
        request,
        _("Verified: %(title)s (%(teacher)s).")
        % {
            "title": activity.title,
            "teacher": activity.teacher.full_name,
        },
    )
    return redirect("kompetensi:pkb-queue")


@require_POST
@membership_required()
def pkb_return(request, pk: int):
    activity = pkb_activity_for_user(request.membership, pk, action="verify")
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.pkb_activity_return(activity=activity, user=request.user, note=form.cleaned_data["note"])
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The entry has been returned to the teacher with your note."))
            return redirect("kompetensi:pkb-queue")
    return render(
        request,
        "kompetensi/pkb/detail.html",
        {"activity": activity, "can_edit": False, "can_verify": True, "return_form": form},
        status=400,
    )


@membership_required(*PKB_READERS)
def pkb_recap(request):
    year = _year(request)
    return render(
        request,
        "kompetensi/pkb/recap.html",
        {
            "year": year,
            "year_name": rules.academic_year_name(year),
            "years": _year_choices(year),
            "kinds": PkbKind.choices,
            "rows": selectors.pkb_recap_rows(madrasah=request.membership.madrasah, year=year),
            "minimum": rules.PNS_MINIMUM_JP,
            "cap": rules.PPPK_CAP_JP,
        },
    )


# --- in-house activities ------------------------------------------------------------------------------


@membership_required(*PKB_READERS)
def in_house_list(request):
    return render(
        request,
        "kompetensi/pkb/in_house_list.html",
        {
            "activities": selectors.in_house_list(madrasah=request.membership.madrasah),
            "can_create": request.membership.has_role(*PKB_VERIFIERS),
        },
    )


@membership_required(*PKB_VERIFIERS)
def in_house_create(request):
    madrasah = request.membership.madrasah
    candidates = selectors.in_house_candidates(madrasah=madrasah)
    if request.method == "POST":
        form = InHouseForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                activity = services.in_house_create(
                    madrasah=madrasah,
                    user=request.user,
                    data=form.data_object(),
                    attendees=form.cleaned_data["attendees"],
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The activity has been recorded; every attendee has been credited."))
                return redirect("kompetensi:in-house-detail", activity.pk)
    else:
        form = InHouseForm(candidates=candidates)
    return render(request, "kompetensi/pkb/in_house_form.html", {"form": form, "activity": None})


@membership_required()
def in_house_detail(request, pk: int):
    activity = in_house_for_user(request.membership, pk)
    return render(
        request,
        "kompetensi/pkb/in_house_detail.html",
        {
            "activity": activity,
            "madrasah": activity.madrasah,
            "attendees": selectors.in_house_attendance(activity=activity),
            "can_edit": request.membership.has_role(*PKB_VERIFIERS),
        },
    )


@membership_required()
def in_house_update(request, pk: int):
    activity = in_house_for_user(request.membership, pk, write=True)
    candidates = selectors.in_house_candidates(madrasah=request.membership.madrasah, activity=activity)
    if request.method == "POST":
        form = InHouseForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                changes = services.in_house_update(
                    activity=activity,
                    user=request.user,
                    data=form.data_object(),
                    attendees=form.cleaned_data["attendees"],
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(
                    request,
                    _("The activity has been changed. Credits added: %(added)s; credits removed: %(removed)s.")
                    % changes,
                )
                return redirect("kompetensi:in-house-detail", activity.pk)
    else:
        initial = {name: getattr(activity, name) for name in rules.CREDIT_FIELDS}
        initial |= {
            "speaker": activity.speaker,
            "place": activity.place,
            "summary": activity.summary,
            "attendees": selectors.in_house_attendee_ids(activity=activity),
        }
        form = InHouseForm(candidates=candidates, initial=initial)
    return render(request, "kompetensi/pkb/in_house_form.html", {"form": form, "activity": activity})
