"""After scoring: the workflow of a result (submit, acknowledge, clarify, finalise, reopen), the
semester recap with bulk finalising, follow-ups (RTL) and evidence files.

Every view fetches its object through one `kompetensi.access` helper, calls one service of
`supervision.services` (the transitions through `madrasah.workflow.run_transition`) and redirects back
with a message; the services hold the rules.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from madrasah import ids
from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.files import protected_file_response
from madrasah.models import AccessKind, Role, Semester
from madrasah.notifications import whatsapp_number_of, whatsapp_share_url
from madrasah.workflow import run_transition

from ...access import (
    FOLLOW_UP_MANAGERS,
    SUPERVISION_READERS,
    evidence_for_user,
    follow_up_for_user,
    observation_for_user,
)
from ...models import FollowUpStatus, Observation, ObservationState
from ..forms import EvidenceForm, FollowUpForm, ProgressForm
from ..selectors import followups as follow_up_selectors
from ..selectors.observations import follow_up_proposals, item_numbers, observation_recap_rows
from ..services import followups as follow_up_services
from ..services import transitions
from ..services.evidence import observation_evidence_add

# --- the workflow of a result -------------------------------------------------------------------------


@require_POST
@membership_required()
def observation_submit(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="edit")
    return run_transition(
        request,
        transitions.observation_submit,
        _("The result has been submitted to the teacher."),
        redirect_to=observation.get_absolute_url(),
        observation=observation,
    )


@require_POST
@membership_required()
def observation_acknowledge(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="respond")
    return run_transition(
        request,
        transitions.observation_acknowledge,
        _("Thank you: you have confirmed receiving this result."),
        redirect_to=observation.get_absolute_url(),
        observation=observation,
        response=request.POST.get("response", ""),
    )


@require_POST
@membership_required()
def observation_clarify(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="respond")
    return run_transition(
        request,
        transitions.observation_request_clarification,
        _("Your request for clarification has been sent to the Kepala and the supervisor."),
        redirect_to=observation.get_absolute_url(),
        observation=observation,
        text=request.POST.get("text", ""),
    )


@require_POST
@membership_required()
def observation_finalise(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="finalise")
    return run_transition(
        request,
        transitions.observation_finalise,
        _("The result is final."),
        redirect_to=observation.get_absolute_url(),
        observation=observation,
        confirm_clarification=bool(request.POST.get("confirm")),
    )


@require_POST
@membership_required()
def observation_reopen(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="finalise")
    return run_transition(
        request,
        transitions.observation_reopen,
        _("The result is a draft again; the supervisor has been told."),
        redirect_to=observation.get_absolute_url(),
        observation=observation,
        reason=request.POST.get("reason", ""),
    )


def _chosen_semester(request) -> Semester | None:
    madrasah = request.membership.madrasah
    chosen = request.GET.get("semester") or request.POST.get("semester")
    semesters = Semester.objects.filter(madrasah=madrasah).select_related("academic_year")
    if chosen and chosen.isdigit():
        return get_object_or_404(semesters, pk=int(chosen))
    return semesters.filter(is_active=True).first() or semesters.first()


@membership_required(*SUPERVISION_READERS)
def observation_recap(request):
    """All results of a semester; the Kepala ticks and finalises several at once."""
    madrasah = request.membership.madrasah
    semester = _chosen_semester(request)
    can_finalise = request.membership.has_role(Role.KEPALA)
    rows = observation_recap_rows(madrasah=madrasah, semester=semester, can_finalise=can_finalise) if semester else []
    return render(
        request,
        "kompetensi/workflow/recap.html",
        {
            "semester": semester,
            "semesters": Semester.objects.filter(madrasah=madrasah).select_related("academic_year"),
            "rows": rows,
            "can_finalise": can_finalise,
            "any_finalisable": any(r["finalisable"] for r in rows),
        },
    )


@require_POST
@membership_required(Role.KEPALA)
def observation_finalise_bulk(request):
    pks = ids.ids_from(request.POST.getlist("observation"))
    confirmed = set(ids.ids_from(request.POST.getlist("confirm")))
    semester = request.POST.get("semester", "")
    target = reverse("kompetensi:observation-recap") + (f"?semester={semester}" if semester.isdigit() else "")
    if not pks:
        messages.warning(request, _("Tick the results to finalise first."))
        return redirect(target)
    result = transitions.observations_finalise(
        madrasah=request.membership.madrasah, user=request.user, pks=pks, confirmed=confirmed
    )
    if result.finalised:
        count = len(result.finalised)
        messages.success(
            request, ngettext("%(count)s result finalised.", "%(count)s results finalised.", count) % {"count": count}
        )
    for observation, reason in result.refused:
        instrument = observation.instrument_version.instrument.name
        messages.error(request, f"{observation.teacher.full_name} ({instrument}): {reason}")
    return redirect(target)


# --- evidence -----------------------------------------------------------------------------------------


@require_POST
@membership_required()
def observation_evidence_upload(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="evidence")
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return redirect(observation.get_absolute_url())
    return run_transition(
        request,
        observation_evidence_add,
        _("The evidence has been uploaded."),
        redirect_to=observation.get_absolute_url(),
        observation=observation,
        upload=form.cleaned_data["file"],
    )


@membership_required()
def evidence_download(request, pk: int):
    evidence = evidence_for_user(request.membership, pk)
    owner = evidence.observation or evidence.follow_up
    access_log_record(
        viewer=request.membership,
        teacher_id=owner.teacher_id,
        kind=AccessKind.DOCUMENT,
        what=evidence.original_name,
        path=request.get_full_path(),
    )
    return protected_file_response(evidence.file, filename=evidence.original_name, inline=True)


# --- follow-ups ---------------------------------------------------------------------------------------


@membership_required()
def follow_up_create(request, pk: int):
    """Plan a follow-up from a result: items below the threshold come ticked."""
    observation = observation_for_user(request.membership, pk, action="follow_up")
    if observation.state == ObservationState.DRAFT:
        messages.error(request, _("Follow-ups are planned once the result has been submitted."))
        return redirect(observation.get_absolute_url())
    if request.method == "POST":
        form = FollowUpForm(request.POST, observation=observation)
        if form.is_valid():
            try:
                follow_up = follow_up_services.follow_up_create(
                    observation=observation, user=request.user, **form.cleaned_data
                )
            except ApplicationError as error:
                error.add_to_form(form)
            else:
                messages.success(request, _("The follow-up has been planned; the teacher has been told."))
                return redirect(follow_up.get_absolute_url())
    else:
        _log_opening(request, observation, _("Follow-up plan: %(instrument)s"))  # the form shows the scores
        chosen = ids.ids_from(request.GET.getlist("item"))
        proposals = follow_up_proposals(observation=observation)
        form = FollowUpForm(
            observation=observation,
            initial={
                "items": chosen or [item.pk for item in proposals],
                "responsible": observation.teacher.full_name,
                "deadline": timezone.localdate() + dt.timedelta(days=30),
            },
        )
    return render(request, "kompetensi/followup/form.html", {"observation": observation, "form": form})


def _log_opening(request, observation: Observation, what: str) -> None:
    """UU PDP: a follow-up is part of the teacher's supervision record."""
    access_log_record(
        viewer=request.membership,
        teacher_id=observation.teacher_id,
        kind=AccessKind.OBSERVATION,
        what=what % {"instrument": observation.instrument_version.instrument.name},
        path=request.get_full_path(),
    )


def _follow_up_page(request, follow_up, *, progress_form=None, status: int = 200):
    membership = request.membership
    today = timezone.localdate()
    is_open = follow_up.status == FollowUpStatus.OPEN
    is_teacher = membership.staff_id is not None and membership.staff_id == follow_up.teacher_id
    can_close = follow_up.observation.supervisor_id == membership.user_id or membership.has_role(*FOLLOW_UP_MANAGERS)
    numbers = item_numbers(follow_up.observation)
    items = [(numbers.get(item.pk), item) for item in follow_up.items.all()]
    return render(
        request,
        "kompetensi/followup/detail.html",
        {
            "follow_up": follow_up,
            "observation": follow_up.observation,
            "items": sorted(items, key=lambda pair: pair[0] or 0),
            "progress": follow_up.progress.select_related("author", "evidence").order_by("created_at", "pk"),
            "overdue": is_open and follow_up.deadline < today,
            "can_progress": is_open and is_teacher,
            "can_close": is_open and can_close,
            "progress_form": progress_form or ProgressForm(),
            "whatsapp_url": whatsapp_share_url(
                _("Assalamu'alaikum. A follow-up of your supervision is waiting in Mutu Madrasah. Please log in:"),
                to=whatsapp_number_of(staff_id=follow_up.teacher_id),
            )
            if can_close and is_open
            else "",
        },
        status=status,
    )


@membership_required()
def follow_up_detail(request, pk: int):
    follow_up = follow_up_for_user(request.membership, pk)
    _log_opening(request, follow_up.observation, _("Follow-up: %(instrument)s"))
    return _follow_up_page(request, follow_up)


@require_POST
@membership_required()
def follow_up_progress(request, pk: int):
    follow_up = follow_up_for_user(request.membership, pk, action="progress")
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            follow_up_services.follow_up_progress_record(
                follow_up=follow_up, user=request.user, note=form.cleaned_data["note"], upload=form.cleaned_data["file"]
            )
        except ApplicationError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your progress has been recorded; the supervisor has been told."))
            return redirect(follow_up.get_absolute_url())
    return _follow_up_page(request, follow_up, progress_form=form)


@require_POST
@membership_required()
def follow_up_close(request, pk: int):
    follow_up = follow_up_for_user(request.membership, pk, action="close")
    try:
        follow_up_services.follow_up_close(follow_up=follow_up, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The follow-up is closed."))
    return redirect(follow_up.get_absolute_url())


@membership_required(*SUPERVISION_READERS)
def follow_up_list(request):
    status = request.GET.get("status", "open")
    if status not in follow_up_selectors.FOLLOW_UP_FILTERS:
        status = "open"
    return render(
        request,
        "kompetensi/followup/list.html",
        {
            "follow_ups": follow_up_selectors.follow_up_list(madrasah=request.membership.madrasah, status=status),
            "status": status,
            "filters": [
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("closed", _("Closed")),
                ("all", _("All")),
            ],
        },
    )


@membership_required(Role.GURU)
def follow_up_mine(request):
    return render(
        request,
        "kompetensi/followup/mine.html",
        {"follow_ups": follow_up_selectors.follow_ups_of_teacher(membership=request.membership)},
    )
