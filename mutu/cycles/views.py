"""Quality cycles (siklus PDCA): the board, planning, activities, progress, Check, Act and the moves
between stages.

Every view fetches its object through `mutu.access` (`cycle_for_user`, `activity_for_user`), calls one
service of `mutu.cycles.services` or selector of `mutu.cycles.selectors`, and renders or redirects
with a message; the rules live in the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from madrasah.access import membership_required
from madrasah.errors import ApplicationError
from madrasah.files import protected_file_response
from madrasah.models import Role
from madrasah.versioning import StaleVersion
from madrasah.workflow import run_transition

from ..access import (
    CYCLE_EDITORS,
    CYCLE_READERS,
    CYCLE_REOPENERS,
    activity_for_user,
    cycle_for_user,
    measurement_for_user,
    progress_for_user,
)
from ..models import STAGE_ORDER, Activity, Cycle, IndicatorKind, Stage
from . import indicators, rules, selectors, services
from .forms import ActForm, ActivityForm, CycleForm, ManualMeasureForm, ProgressForm, ReopenForm


def _gate_hint(stage: str) -> str:
    """What the stage needs before the next one (shown beside the button; the services enforce it)."""
    return {
        Stage.PLAN: _("Moving to Do needs the target and at least one activity."),
        Stage.DO: _("Moving to Check needs progress on at least one activity (or one activity done)."),
        Stage.CHECK: _("Moving to Act needs a measurement of the indicator."),
        Stage.ACT: _("Closing needs the decision and its reasons."),
    }.get(stage, "")


# --- the board ----------------------------------------------------------------------------------------


@membership_required(*CYCLE_READERS, Role.GURU)
def cycle_list(request):
    """Cycles by stage. Kepala, Waka and pengawas see all; a teacher sees the cycles whose team
    (TPMM) they sit on."""
    membership = request.membership
    madrasah = membership.madrasah
    choices = selectors.board_filter_choices(madrasah=madrasah)
    period = request.GET.get("period") or selectors.board_default_filter(madrasah=madrasah)
    if period not in dict(choices):
        period = "all"
    return render(
        request,
        "mutu/cycle_board.html",
        {
            "groups": selectors.cycles_for_board(madrasah=madrasah, period=period, membership=membership),
            "choices": choices,
            "period": period,
            "can_create": membership.has_role(*CYCLE_EDITORS),
        },
    )


# --- Plan ---------------------------------------------------------------------------------------------


@membership_required(*CYCLE_EDITORS)
def cycle_create(request):
    membership = request.membership
    madrasah = membership.madrasah
    if request.method == "POST":
        form = CycleForm(request.POST, madrasah=madrasah)
        if form.is_valid():
            try:
                cycle = services.cycle_create(madrasah=madrasah, user=request.user, data=form.data_object())
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The cycle has been planned and its baseline measured."))
                return redirect(cycle.get_absolute_url())
    else:
        form = CycleForm(
            madrasah=madrasah,
            initial={
                "owner": membership.staff_id,
                "period": selectors.default_period_value(madrasah=madrasah),
                "indicator": IndicatorKind.INSTRUMENT_AVERAGE,
            },
        )
    return render(request, "mutu/cycle_form.html", {"form": form, "cycle": None})


@membership_required()
def cycle_update(request, pk: int):
    cycle = cycle_for_user(request.membership, pk, write=True)
    if cycle.is_closed:
        messages.error(request, _("This cycle is closed and can no longer be changed."))
        return redirect(cycle.get_absolute_url())
    madrasah = request.membership.madrasah
    if request.method == "POST":
        form = CycleForm(request.POST, madrasah=madrasah, cycle=cycle)
        if form.is_valid():
            try:
                services.cycle_update_plan(
                    cycle=cycle, user=request.user, data=form.data_object(), version=form.expected_version
                )
            except StaleVersion as error:
                # Saved since the form was opened (another device, another person): the typed plan
                # stays in the form beside the stored one; saving again is then a choice.
                cycle.refresh_from_db()
                form.version_conflict(error, stored=CycleForm.initial_for(cycle))
                return render(request, "mutu/cycle_form.html", {"form": form, "cycle": cycle}, status=409)
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The plan has been saved."))
                return redirect(cycle.get_absolute_url())
    else:
        form = CycleForm(madrasah=madrasah, cycle=cycle)
    return render(request, "mutu/cycle_form.html", {"form": form, "cycle": cycle})


# --- the cycle's page ---------------------------------------------------------------------------------


def _stage_steps(stage: str) -> list[dict]:
    index = STAGE_ORDER.index(stage)
    return [
        {"stage": s, "label": s.label, "state": "done" if i < index else "current" if i == index else "todo"}
        for i, s in enumerate(STAGE_ORDER)
    ]


def _detail(request, cycle: Cycle, *, measure_form=None):
    """The cycle's page (also shown again with the errors of the manual measurement form)."""
    membership = request.membership
    can_edit = membership.has_role(*CYCLE_EDITORS) and not cycle.is_closed
    page = selectors.cycle_page(cycle=cycle)
    # An indicator computed from teachers' supervision results is read, as a number, only by those who
    # may read each teacher's result anyway: a teacher on the team would otherwise learn a colleague's
    # result from a small group, or by differencing two measurements (docs/security.md "Aggregates").
    scores_hidden = cycle.indicator in rules.CONFIDENTIAL_INDICATORS and not membership.has_role(*CYCLE_READERS)
    if scores_hidden:
        page.update(
            latest=None,
            latest_shown="",
            latest_raw="",
            baseline_shown="",
            baseline_raw="",
            measurements=[],
            trend={"chart": "", "rows": []},
            history=selectors.cycle_history(cycle=cycle, hide_scores=True),
        )
    following = STAGE_ORDER[STAGE_ORDER.index(cycle.stage) + 1] if not cycle.is_closed else None
    return render(
        request,
        "mutu/cycle_detail.html",
        {
            **page,
            "cycle": cycle,
            "steps": _stage_steps(cycle.stage),
            "next_stage": following,
            "next_label": Stage(following).label if following else "",
            "gate_hint": _gate_hint(cycle.stage),
            "can_edit": can_edit,
            "can_reopen": can_edit and membership.has_role(*CYCLE_REOPENERS) and cycle.stage != Stage.PLAN,
            "can_log_progress": can_edit and cycle.stage in (Stage.DO, Stage.CHECK, Stage.ACT),
            "can_measure": can_edit and cycle.stage == Stage.CHECK,
            "measure_form": measure_form or (ManualMeasureForm() if page["is_manual"] else None),
            # Whose coaching or appreciation an entry points at: for the leadership and the pengawas,
            # not for the teachers on the team.
            "show_names": membership.has_role(*CYCLE_READERS),
            "reopen_form": ReopenForm(),
            "scores_hidden": scores_hidden,
        },
    )


@membership_required()
def cycle_detail(request, pk: int):
    return _detail(request, cycle_for_user(request.membership, pk))


# --- moving between stages ----------------------------------------------------------------------------


@require_POST
@membership_required()
def cycle_advance(request, pk: int):
    cycle = cycle_for_user(request.membership, pk, write=True)
    try:
        following = services.cycle_advance(cycle=cycle, user=request.user, to=request.POST.get("to") or None)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(cycle.get_absolute_url())
    if following is not None:
        messages.success(request, _("The cycle is closed; its next cycle has been opened in Plan."))
        return redirect(following.get_absolute_url())
    if cycle.is_closed:
        messages.success(request, _("The cycle is closed."))
    else:
        messages.success(request, _("The cycle has moved to %(stage)s.") % {"stage": Stage(cycle.stage).label})
    return redirect(cycle.get_absolute_url())


@require_POST
@membership_required()
def cycle_reopen(request, pk: int):
    cycle = cycle_for_user(request.membership, pk, reopen=True)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why the cycle goes back a stage."))
        return redirect(cycle.get_absolute_url())
    try:
        services.cycle_reopen(cycle=cycle, user=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The cycle is back in %(stage)s.") % {"stage": Stage(cycle.stage).label})
    return redirect(cycle.get_absolute_url())


# --- Check --------------------------------------------------------------------------------------------


@require_POST
@membership_required()
def cycle_measure(request, pk: int):
    """Measure now ("Ukur sekarang", from the product's data), or enter a manual indicator's value
    with its evidence."""
    cycle = cycle_for_user(request.membership, pk, write=True)
    if rules.indicator_spec(cycle.indicator).manual:
        form = ManualMeasureForm(request.POST, request.FILES)
        if not form.is_valid():
            return _detail(request, cycle, measure_form=form)
        try:
            measurement = services.cycle_measure_manual(
                cycle=cycle,
                user=request.user,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                upload=form.cleaned_data["evidence"] or None,
            )
        except ApplicationError as error:
            if error.field:
                error.add_to_form(form)
                return _detail(request, cycle, measure_form=form)
            messages.error(request, error.message)
            return redirect(cycle.get_absolute_url())
    else:
        try:
            measurement = services.cycle_measure(cycle=cycle, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(cycle.get_absolute_url())
    unit = rules.indicator_unit(cycle)
    if measurement.value is None:
        messages.warning(request, _("Measured: no data yet in %(period)s.") % {"period": measurement.period_label})
    else:
        text = (
            _("Measured: %(value)s. The target is met.")
            if measurement.met
            else _("Measured: %(value)s. The target is not met yet.")
        )
        messages.success(request, text % {"value": rules.shown(measurement.value, unit)})
    return redirect(cycle.get_absolute_url() + "#check")


@membership_required()
def measurement_evidence(request, pk: int):
    measurement = measurement_for_user(request.membership, pk)
    return protected_file_response(measurement.evidence, filename=measurement.evidence_name or None, inline=True)


# --- Act ----------------------------------------------------------------------------------------------


@membership_required()
def cycle_act(request, pk: int):
    """The decision (standardise / continue / stop) with reasons and factors; "save and close" also
    closes the cycle (and, for "continue", opens the next one)."""
    cycle = cycle_for_user(request.membership, pk, write=True)
    if cycle.stage != Stage.ACT:
        messages.error(
            request,
            _("This cycle is closed and can no longer be changed.")
            if cycle.is_closed
            else _("The decision is recorded in the Act stage."),
        )
        return redirect(cycle.get_absolute_url())
    if request.method == "POST":
        form = ActForm(request.POST)
        if form.is_valid():
            try:
                services.cycle_act_record(cycle=cycle, user=request.user, data=form.data_object())
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                if "close" not in request.POST:
                    messages.success(request, _("The decision has been saved."))
                    return redirect(cycle.get_absolute_url())
                try:
                    following = services.cycle_close(cycle=cycle, user=request.user)
                except ApplicationError as error:
                    messages.error(request, error.message)
                    return redirect(cycle.get_absolute_url())
                if following is not None:
                    messages.success(request, _("The cycle is closed; its next cycle has been opened in Plan."))
                    return redirect(following.get_absolute_url())
                messages.success(request, _("The cycle is closed."))
                return redirect(cycle.get_absolute_url())
    else:
        form = ActForm(initial=ActForm.initial_for(cycle))
    return render(
        request,
        "mutu/cycle_act.html",
        {
            "form": form,
            "cycle": cycle,
            "latest": selectors.measurements_of_cycle(cycle=cycle)[-1:],
            "target_text": rules.target_text(cycle),
            "indicator_text": rules.indicator_text(cycle),
        },
    )


# --- activities ---------------------------------------------------------------------------------------


def _activity_form(request, cycle: Cycle, activity: Activity | None):
    """Add (`activity` None) or change an activity of an open cycle."""
    if cycle.is_closed:
        messages.error(request, _("This cycle is closed and can no longer be changed."))
        return redirect(cycle.get_absolute_url())
    if request.method == "POST":
        form = ActivityForm(request.POST, cycle=cycle)
        if form.is_valid():
            try:
                if activity is None:
                    services.activity_create(cycle=cycle, user=request.user, data=form.data_object())
                else:
                    services.activity_update(activity=activity, user=request.user, data=form.data_object())
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                if activity is None:
                    messages.success(request, _("The activity has been added."))
                else:
                    messages.success(request, _("The activity has been saved."))
                return redirect(cycle.get_absolute_url() + "#activities")
    elif activity is None:
        form = ActivityForm(cycle=cycle)
    else:
        form = ActivityForm(cycle=cycle, initial=ActivityForm.initial_for(activity))
    return render(request, "mutu/activity_form.html", {"form": form, "cycle": cycle, "activity": activity})


@membership_required()
def activity_create(request, pk: int):
    return _activity_form(request, cycle_for_user(request.membership, pk, write=True), None)


@membership_required()
def activity_update(request, pk: int):
    activity = activity_for_user(request.membership, pk, write=True)
    return _activity_form(request, activity.cycle, activity)


@require_POST
@membership_required()
def activity_delete(request, pk: int):
    activity = activity_for_user(request.membership, pk, write=True)
    return run_transition(
        request,
        services.activity_delete,
        _("The activity has been deleted."),
        redirect_to=activity.cycle.get_absolute_url() + "#activities",
        activity=activity,
    )


# --- Do: progress -------------------------------------------------------------------------------------


@membership_required()
def activity_progress(request, pk: int):
    """The progress form of one activity (GET: the form, as an htmx partial inside the cycle's page
    or as its own page; POST: log it)."""
    activity = activity_for_user(request.membership, pk, write=True)
    cycle = activity.cycle
    if cycle.is_closed:
        messages.error(request, _("This cycle is closed and can no longer be changed."))
        return redirect(cycle.get_absolute_url())
    kwargs = {"activity": activity, "madrasah": cycle.madrasah, "period": indicators.cycle_period(cycle)}
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                services.activity_progress_record(activity=activity, user=request.user, data=form.data_object())
            except ApplicationError as error:
                if not error.field:
                    messages.error(request, error.message)
                    return redirect(cycle.get_absolute_url() + "#activities")
                error.add_to_form(form)
            else:
                messages.success(request, _("The progress has been logged."))
                return redirect(cycle.get_absolute_url() + f"#activity-{activity.pk}")
    else:
        form = ProgressForm(**kwargs)
    template = "mutu/_progress_form.html" if request.htmx else "mutu/progress_form.html"
    return render(request, template, {"form": form, "cycle": cycle, "activity": activity})


@membership_required()
def progress_evidence(request, pk: int):
    entry = progress_for_user(request.membership, pk)
    return protected_file_response(entry.evidence, filename=entry.evidence_name or None, inline=True)
