"""Supervision team and programme of a semester: every member reads them (teachers are told their
schedule, never a score); the Kepala names the team and approves; the Waka and the Kepala plan."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from madrasah import selectors as madrasah_selectors
from madrasah.access import membership_required
from madrasah.errors import ApplicationError
from madrasah.models import Role, Semester
from madrasah.timetable import selectors as timetable_selectors

from ...access import PROGRAMME_APPROVERS, PROGRAMME_EDITORS, programme_for_user, programme_row_for_user, team_for_user
from .. import rules
from ..forms import (
    BlockedPeriodForm,
    BulkForm,
    CancelForm,
    ProgrammeForm,
    RescheduleForm,
    RowFilterForm,
    RowForm,
    TeamForm,
)
from ..selectors import programme as selectors
from ..services import planner
from ..services import programme as services

TEMPLATES = "kompetensi/programme/"


def _chosen_semester(request) -> Semester | None:
    """`?semester=2025-2026-ganjil`, else the active semester (None when the madrasah has none)."""
    madrasah = request.membership.madrasah
    if slug := request.GET.get("semester"):
        semester = selectors.semester_by_slug(madrasah=madrasah, slug=slug)
        if semester is None:
            raise Http404
        return semester
    return madrasah_selectors.active_semester(madrasah=madrasah)


def _semester_url(name: str, semester: Semester) -> str:
    return f"{reverse(name)}?{urlencode({'semester': semester.slug})}"


def _no_semester(request):
    return render(request, TEMPLATES + "no_semester.html")


def _count_items(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    return [(value, label, counts[value]) for value, label in rules.RowStatus.choices]


def _report(request, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


# --- Team --------------------------------------------------------------------------------------------


@membership_required()
def team_detail(request):
    semester = _chosen_semester(request)
    if semester is None:
        return _no_semester(request)
    team = team_for_user(request.membership, semester)
    return render(
        request,
        TEMPLATES + "team_detail.html",
        {
            "semester": semester,
            "semesters": madrasah_selectors.semester_list(madrasah=request.membership.madrasah),
            "team": team,
            "members": list(team.memberships.all()) if team else [],
            "programme": selectors.programme_of_semester(semester=semester),
            "can_edit": request.membership.has_role(Role.KEPALA),
        },
    )


@membership_required()
def team_edit(request):
    semester = _chosen_semester(request)
    if semester is None:
        return _no_semester(request)
    team = team_for_user(request.membership, semester, write=True)
    candidates = list(selectors.team_candidates(madrasah=request.membership.madrasah))
    proposal = None
    if team is None and request.method != "POST":
        proposal = selectors.team_proposal(semester=semester, candidates=candidates, today=timezone.localdate())
    form = TeamForm(request.POST or None, candidates=candidates, team=team, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(
                semester=semester,
                decree_number=form.cleaned_data["decree_number"],
                decree_date=form.cleaned_data["decree_date"],
                members=form.members(),
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The supervision team has been saved."))
            return redirect(_semester_url("kompetensi:team-detail", semester))
    return render(
        request, TEMPLATES + "team_form.html", {"semester": semester, "team": team, "form": form, "proposal": proposal}
    )


# --- Programme ---------------------------------------------------------------------------------------


@membership_required()
def programme_semester(request):
    """The programme of the chosen semester, or what to do when it has none yet."""
    semester = _chosen_semester(request)
    if semester is None:
        return _no_semester(request)
    if programme := selectors.programme_of_semester(semester=semester):
        return redirect("kompetensi:programme-detail", programme.pk)
    return render(
        request,
        TEMPLATES + "programme_missing.html",
        {
            "semester": semester,
            "semesters": madrasah_selectors.semester_list(madrasah=request.membership.madrasah),
            "can_edit": request.membership.has_role(*PROGRAMME_EDITORS),
        },
    )


def _semester_without_programme(request):
    """(the chosen semester, None), or (None, where to go) when there is none or it has its programme."""
    semester = _chosen_semester(request)
    if semester is None:
        return None, _no_semester(request)
    if existing := selectors.programme_of_semester(semester=semester):
        messages.info(request, _("This semester already has a supervision programme."))
        return None, redirect("kompetensi:programme-detail", existing.pk)
    return semester, None


@membership_required(*PROGRAMME_EDITORS)
def programme_create(request):
    semester, elsewhere = _semester_without_programme(request)
    if elsewhere:
        return elsewhere
    form = ProgrammeForm(request.POST or None, initial=rules.programme_defaults(semester=semester))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(semester=semester, created_by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The programme has been drafted. Now plan the supervisions."))
            return redirect("kompetensi:programme-detail", programme.pk)
    return render(request, TEMPLATES + "programme_form.html", {"semester": semester, "form": form, "programme": None})


@require_POST
@membership_required(*PROGRAMME_EDITORS)
def programme_create_quick(request):
    """ "Draft the programme" in one click: the standard texts, checked by the full form, then straight
    to planning the first supervision. The texts stay editable on the programme's page until approval."""
    semester, elsewhere = _semester_without_programme(request)
    if elsewhere:
        return elsewhere
    form = ProgrammeForm(rules.programme_defaults(semester=semester))
    if not form.is_valid():  # the standard texts always fit their form: only a changed form lands here
        return redirect(_semester_url("kompetensi:programme-create", semester))
    try:
        programme = services.programme_create(semester=semester, created_by=request.user, **form.cleaned_data)
    except ApplicationError as error:  # a double click: the other request created it
        messages.error(request, error.message)
        return redirect(_semester_url("kompetensi:programme-semester", semester))
    messages.success(
        request,
        _(
            "The programme has been drafted from the standard texts; you can change them on its page until it is "
            "approved. Now plan the first supervision."
        ),
    )
    return redirect("kompetensi:programme-row-create", programme.pk)


@membership_required()
def programme_update(request, pk: int):
    programme = programme_for_user(request.membership, pk, write=True)
    if programme.is_approved:
        messages.error(request, _("The programme is approved: its texts can no longer change."))
        return redirect("kompetensi:programme-detail", programme.pk)
    initial = rules.programme_texts(programme)
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect("kompetensi:programme-detail", programme.pk)
    return render(
        request,
        TEMPLATES + "programme_form.html",
        {"semester": programme.semester, "form": form, "programme": programme},
    )


@membership_required()
def programme_detail(request, pk: int):
    programme = programme_for_user(request.membership, pk)
    membership = request.membership
    semester = programme.semester
    people = selectors.supervision_people(madrasah=membership.madrasah, semester=semester)
    supervisors = rules.supervisor_choices(people=people)
    all_rows = selectors.programme_rows(programme=programme)
    filter_form = RowFilterForm(request.GET or None, supervisors=supervisors)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    rows = selectors.programme_rows_filter(
        all_rows, status=filters.get("status", ""), supervisor_id=filters.get("supervisor")
    )
    context = {
        "programme": programme,
        "semester": semester,
        "rows": selectors.rows_for_display(rows, people=people),
        "count_items": _count_items(selectors.programme_row_counts(all_rows)),
        "filter_form": filter_form,
        "filtered": bool(filters.get("status") or filters.get("supervisor")),
        "can_edit": membership.has_role(*PROGRAMME_EDITORS),
        "can_approve": membership.has_role(*PROGRAMME_APPROVERS) and not programme.is_approved,
        "show_supervisor": True,
    }
    if request.htmx:
        return render(request, TEMPLATES + "_rows.html", context)
    team = team_for_user(membership, semester)
    context.update(
        texts=rules.programme_texts(programme),
        team=team,
        team_size=len(team.memberships.all()) if team else 0,
        periods=selectors.blocked_periods(semester=semester),
        block_form=BlockedPeriodForm(),
        semesters=madrasah_selectors.semester_list(madrasah=membership.madrasah),
        approver_name=people.name(programme.approved_by) if programme.approved_by_id else "",
    )
    return render(request, TEMPLATES + "programme_detail.html", context)


@require_POST
@membership_required()
def programme_approve(request, pk: int):
    programme = programme_for_user(request.membership, pk, approve=True)
    try:
        notified = services.programme_approve(programme=programme, approved_by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "The programme is approved; %(count)s teacher has been notified of the schedule.",
                "The programme is approved; %(count)s teachers have been notified of the schedule.",
                notified,
            )
            % {"count": notified},
        )
    return redirect("kompetensi:programme-detail", programme.pk)


# --- Rows --------------------------------------------------------------------------------------------


def _row_url(row) -> str:
    return f"{reverse('kompetensi:programme-detail', args=[row.programme_id])}#row-{row.pk}"


@membership_required()
def programme_row_create(request, pk: int):
    programme = programme_for_user(request.membership, pk, write=True)
    madrasah = request.membership.madrasah
    people = selectors.supervision_people(madrasah=madrasah, semester=programme.semester)
    instruments = selectors.supervision_instruments(semester=programme.semester)
    form = RowForm(
        request.POST or None,
        teachers=selectors.team_candidates(madrasah=madrasah),
        subjects=madrasah_selectors.subjects_for(madrasah=madrasah),
        supervisors=rules.supervisor_choices(people=people),
        instruments=instruments,
        initial={
            "instruments": [v.pk for v in instruments if v.instrument.kind != "penilaian"],
            "supervisor": rules.supervisor_default(people=people, user_id=request.user.pk),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row, warnings = services.programme_row_create(
                programme=programme,
                teacher=data["teacher"],
                supervisor=data["supervisor"],
                instruments=data["instruments"],
                planned_at=data["planned_at"],
                class_name=data["class_name"],
                subject=data["subject"],
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The supervision has been planned."))
            _report(request, warnings)
            return redirect(_row_url(row))
    return render(
        request,
        TEMPLATES + "row_form.html",
        {
            "programme": programme,
            "form": form,
            "class_names": selectors.class_names_offered(
                madrasah_id=madrasah.pk, academic_year_id=programme.semester.academic_year_id
            ),
        },
    )


@membership_required()
def programme_bulk_create(request, pk: int):
    programme = programme_for_user(request.membership, pk, write=True)
    semester = programme.semester
    instruments = selectors.supervision_instruments(semester=semester)
    start = min(max(timezone.localdate(), semester.start_date), semester.end_date)
    lessons = timetable_selectors.lesson_count(semester=semester)
    form = BulkForm(
        request.POST or None,
        instruments=instruments,
        timetable=bool(lessons),
        initial={"instruments": [v.pk for v in instruments if v.instrument.kind != "penilaian"], "start_date": start},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = planner.programme_rows_bulk_create(programme=programme, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s supervision has been planned.",
                    "%(count)s supervisions have been planned.",
                    result.created,
                )
                % {"count": result.created},
            )
            _report(request, result.warnings)
            return redirect("kompetensi:programme-detail", programme.pk)
    return render(
        request,
        TEMPLATES + "bulk_form.html",
        {
            "programme": programme,
            "form": form,
            "waiting": selectors.teachers_without_row(programme=programme).count(),
            "periods": selectors.blocked_periods(semester=semester),
            "lessons": lessons,
        },
    )


@membership_required()
def programme_row_reschedule(request, pk: int):
    row = programme_row_for_user(request.membership, pk, write=True)
    form = RescheduleForm(request.POST or None, initial={"planned_at": timezone.localtime(row.planned_at)})
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.programme_row_reschedule(row=row, planned_at=form.cleaned_data["planned_at"])
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The supervision has been rescheduled."))
            _report(request, warnings)
            return redirect(_row_url(row))
    return render(request, TEMPLATES + "row_reschedule.html", {"row": row, "form": form})


@membership_required()
def programme_row_cancel(request, pk: int):
    row = programme_row_for_user(request.membership, pk, write=True)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_row_cancel(row=row, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The supervision has been cancelled."))
            return redirect(_row_url(row))
    return render(request, TEMPLATES + "row_cancel.html", {"row": row, "form": form})


# --- Blocked periods ---------------------------------------------------------------------------------


@membership_required()
def blocked_period_create(request, pk: int):
    programme = programme_for_user(request.membership, pk, write=True)
    form = BlockedPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.blocked_period_create(semester=programme.semester, **form.cleaned_data)
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The period has been blocked for classroom observation."))
            _report(request, warnings)
            return redirect(f"{reverse('kompetensi:programme-detail', args=[programme.pk])}#blocked")
    return render(request, TEMPLATES + "blocked_period_form.html", {"programme": programme, "form": form})


@require_POST
@membership_required()
def blocked_period_delete(request, pk: int, period_pk: int):
    programme = programme_for_user(request.membership, pk, write=True)
    period = get_object_or_404(selectors.blocked_periods(semester=programme.semester), pk=period_pk)
    services.blocked_period_delete(period=period)
    messages.success(request, _("The blocked period has been removed."))
    return redirect(f"{reverse('kompetensi:programme-detail', args=[programme.pk])}#blocked")


# --- A supervisor's own list -------------------------------------------------------------------------


@membership_required()
def my_supervisions(request):
    """The supervisions the logged-in person carries out in the chosen semester: today's first (the
    madrasah's day), then the rest of this week; the other weeks on request (`?more=1`, loaded in
    place by htmx), so a phone gets a light page that opens on today. A status filter lists its rows
    week by week."""
    semester = _chosen_semester(request)
    if semester is None:
        return _no_semester(request)
    programme = selectors.programme_of_semester(semester=semester)
    context = {
        "semester": semester,
        "programme": programme,
        "rows": [],
        "can_edit": request.membership.has_role(*PROGRAMME_EDITORS),
        "show_supervisor": False,
    }
    if programme is None:
        return render(request, TEMPLATES + "my_supervisions.html", _with_semesters(request, context))
    rows = selectors.supervisions_of_user(user=request.user, programme=programme)
    status = request.GET.get("status", "")
    if status:
        context.update(rows=selectors.rows_for_display(selectors.programme_rows_filter(rows, status=status)))
        context.update(filtered=True, count_items=_count_items(selectors.programme_row_counts(rows)))
        return render(request, TEMPLATES + "my_supervisions.html", _with_semesters(request, context))
    today = timezone.localdate()
    by_agenda = selectors.rows_by_agenda(rows, today=today)
    if request.htmx and request.GET.get("more"):
        context["rows"] = selectors.rows_for_display(by_agenda.filter(agenda=rules.Agenda.OTHER))
        return render(request, TEMPLATES + "_rows.html", context)
    near = selectors.rows_for_display(by_agenda.exclude(agenda=rules.Agenda.OTHER))
    others = (
        selectors.rows_for_display(by_agenda.filter(agenda=rules.Agenda.OTHER)) if request.GET.get("more") else None
    )
    context.update(
        today=today,
        today_rows=[row for row in near if row.agenda == rules.Agenda.TODAY],
        week_rows=[row for row in near if row.agenda == rules.Agenda.THIS_WEEK],
        others=others,
        others_count=len(others) if others is not None else by_agenda.filter(agenda=rules.Agenda.OTHER).count(),
        rows=near + (others or []),
        count_items=_count_items(selectors.programme_row_counts(rows)),
    )
    return render(request, TEMPLATES + "my_supervisions.html", _with_semesters(request, context))


def _with_semesters(request, context: dict) -> dict:
    return {**context, "semesters": madrasah_selectors.semester_list(madrasah=request.membership.madrasah)}
