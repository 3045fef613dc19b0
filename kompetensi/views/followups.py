"""After scoring: the workflow of a result (submit, acknowledge, clarify, finalise, reopen), the
semester recap with bulk finalising, follow-ups (RTL) and evidence files.

Every view fetches its object through one `kompetensi.access` helper, calls one service of
`kompetensi.workflow` and redirects back with a message; the services hold the rules.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from madrasah import ids
from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.files import protected_file_response
from madrasah.models import AccessKind, Role, Semester
from madrasah.notifications import whatsapp_number_of, whatsapp_share_url

from .. import workflow
from ..access import (
    FOLLOW_UP_MANAGERS,
    SUPERVISION_READERS,
    evidence_for_user,
    follow_up_for_user,
    observation_for_user,
)
from ..models import FollowUpKind, FollowUpStatus, Item, Observation, ObservationState
from ..observation import follow_up_proposals

UPLOAD_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


# --- forms ------------------------------------------------------------------------------------------


def _file_field(required: bool = False) -> forms.FileField:
    return forms.FileField(
        label=gettext_lazy("Evidence (PDF, JPEG or PNG, at most 5 MB)"),
        required=required,
        # upload.js shrinks phone photos to ~300 KB before sending; the server checks whatever arrives.
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT, "data-downscale": "1"}),
    )


class EvidenceForm(forms.Form):
    file = _file_field(required=True)


class ProgressForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What have you done?"), widget=forms.Textarea(attrs={"rows": 3}))
    file = _file_field()


class ItemChoiceField(ids.ModelMultipleChoiceField):
    def __init__(self, *args, numbers=None, **kwargs):
        self.numbers = numbers or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Item) -> str:
        return _("Item %(number)s: %(text)s") % {"number": self.numbers.get(obj.pk, "?"), "text": obj.text[:120]}


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FollowUpKind.choices)
    description = forms.CharField(
        label=gettext_lazy("What is to be done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    responsible = forms.CharField(label=gettext_lazy("Who"), max_length=200)
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    items = ItemChoiceField(
        label=gettext_lazy("Items it addresses"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, observation: Observation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["items"]
        field.numbers = workflow.item_numbers(observation)
        field.queryset = Item.objects.filter(section__version_id=observation.instrument_version_id).order_by(
            "section__order", "section__pk", "order", "pk"
        )


# --- the workflow of a result -------------------------------------------------------------------------


def _run(request, observation: Observation, service, success: str, **kwargs):
    try:
        service(observation=observation, user=request.user, **kwargs)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(observation.get_absolute_url())


@require_POST
@membership_required()
def observation_submit(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="edit")
    return _run(request, observation, workflow.observation_submit, _("The result has been submitted to the teacher."))


@require_POST
@membership_required()
def observation_acknowledge(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="respond")
    return _run(
        request,
        observation,
        workflow.observation_acknowledge,
        _("Thank you: you have confirmed receiving this result."),
        response=request.POST.get("response", ""),
    )


@require_POST
@membership_required()
def observation_clarify(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="respond")
    return _run(
        request,
        observation,
        workflow.observation_request_clarification,
        _("Your request for clarification has been sent to the Kepala and the supervisor."),
        text=request.POST.get("text", ""),
    )


@require_POST
@membership_required()
def observation_finalise(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="finalise")
    return _run(
        request,
        observation,
        workflow.observation_finalise,
        _("The result is final."),
        confirm_clarification=bool(request.POST.get("confirm")),
    )


@require_POST
@membership_required()
def observation_reopen(request, pk: int):
    observation = observation_for_user(request.membership, pk, action="finalise")
    return _run(
        request,
        observation,
        workflow.observation_reopen,
        _("The result is a draft again; the supervisor has been told."),
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
    rows = (
        workflow.observation_recap_rows(madrasah=madrasah, semester=semester, can_finalise=can_finalise)
        if semester
        else []
    )
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
    result = workflow.observations_finalise(
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
    return _run(
        request,
        observation,
        workflow.observation_evidence_add,
        _("The evidence has been uploaded."),
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
                follow_up = workflow.follow_up_create(observation=observation, user=request.user, **form.cleaned_data)
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
    numbers = workflow.item_numbers(follow_up.observation)
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
            workflow.follow_up_progress_record(
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
        workflow.follow_up_close(follow_up=follow_up, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The follow-up is closed."))
    return redirect(follow_up.get_absolute_url())


@membership_required(*SUPERVISION_READERS)
def follow_up_list(request):
    status = request.GET.get("status", "open")
    if status not in workflow.FOLLOW_UP_FILTERS:
        status = "open"
    return render(
        request,
        "kompetensi/followup/list.html",
        {
            "follow_ups": workflow.follow_up_list(madrasah=request.membership.madrasah, status=status),
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
        {"follow_ups": workflow.follow_ups_of_teacher(membership=request.membership)},
    )


urlpatterns = [
    path("observasi/<int:pk>/ajukan/", observation_submit, name="observation-submit"),
    path("observasi/<int:pk>/terima/", observation_acknowledge, name="observation-acknowledge"),
    path("observasi/<int:pk>/klarifikasi/", observation_clarify, name="observation-clarify"),
    path("observasi/<int:pk>/finalkan/", observation_finalise, name="observation-finalise"),
    path("observasi/<int:pk>/buka-kembali/", observation_reopen, name="observation-reopen"),
    path("observasi/<int:pk>/bukti/", observation_evidence_upload, name="observation-evidence-upload"),
    path("observasi/<int:pk>/tindak-lanjut/", follow_up_create, name="follow-up-create"),
    path("observasi/rekap/", observation_recap, name="observation-recap"),
    path("observasi/rekap/finalkan/", observation_finalise_bulk, name="observation-finalise-bulk"),
    path("bukti/<int:pk>/", evidence_download, name="evidence-download"),
    path("tindak-lanjut/", follow_up_list, name="follow-up-list"),
    path("tindak-lanjut/saya/", follow_up_mine, name="follow-up-mine"),
    path("tindak-lanjut/<int:pk>/", follow_up_detail, name="follow-up-detail"),
    path("tindak-lanjut/<int:pk>/kemajuan/", follow_up_progress, name="follow-up-progress"),
    path("tindak-lanjut/<int:pk>/selesai/", follow_up_close, name="follow-up-close"),
]
