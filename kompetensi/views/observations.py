"""Observation entry: starting one from a programme row, the phone-first entry sheet (plain form and
JSON autosave), the read-only sheet, the printable blank sheet, and the service worker that lets the
entry page reopen without a connection.

Every save goes through `observation.observation_save` (version token, conflicts, history) and every
number shown comes from `observation.observation_result`, the one scoring function.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.formatting import format_decimal_id
from madrasah.errors import ApplicationError
from madrasah.models import AccessKind, Membership

from .. import selectors
from ..access import SUPERVISION_READERS, observation_for_user, programme_row_for_user
from ..forms_observation import NOT_APPLICABLE, item_field, note_field, payload_from_json, payload_from_post
from ..models import Item, Observation, ObservationConflictCopy, ObservationState, ProgrammeRow
from ..observation import TEXT_FIELDS, ConflictError, observation_result, observation_save, observation_start
from ..observation_conflict import conflict_differences
from ..scoring import InstrumentResult, for_display

SERVICE_WORKER = "js/observation-sw.js"


# --- helpers ----------------------------------------------------------------------------------------


def _back(request) -> str:
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return referer
    return reverse("madrasah:home")


def _row_sheet_for_user(membership: Membership, row_pk: int) -> ProgrammeRow:
    """A row whose blank sheet the member may print: the supervisor, the Kepala, the Waka and the
    pengawas; the observed teacher their own. It names the teacher (and their NIP), so other
    teachers and the operator get 404, as for the observation itself."""
    row = programme_row_for_user(membership, row_pk)
    is_teacher = membership.staff_id is not None and row.teacher_id == membership.staff_id
    if not (row.supervisor_id == membership.user_id or membership.has_role(*SUPERVISION_READERS) or is_teacher):
        raise Http404
    return row


def _person(user, madrasah_id: int) -> SimpleNamespace:
    """Name and NIP of a login as printed under a signature (a pengawas may have no staff record)."""
    membership = Membership.objects.filter(user=user, madrasah_id=madrasah_id).select_related("staff").first()
    staff = membership.staff if membership else None
    if staff:
        return SimpleNamespace(name=staff.full_name, nip=staff.nip_display)
    return SimpleNamespace(name=user.get_full_name() or user.username, nip="")


def result_display(result: InstrumentResult) -> dict:
    """What the page and the autosave answer show: numbers the Indonesian way (82,50)."""
    return {
        "percentage": format_decimal_id(for_display(result.percentage)),
        "predikat": result.predikat or "",
        "scored": result.scored,
        "applicable": result.applicable,
    }


def _state_from_db(observation: Observation) -> dict:
    state = {}
    for score in observation.scores.all():
        value = NOT_APPLICABLE if score.not_applicable else ("" if score.points is None else str(score.points))
        state[score.item_id] = {"value": value, "note": score.note}
    return state


def _state_from_payload(scores: dict) -> dict:
    state = {}
    for item_id, entry in scores.items():
        points = entry["points"]
        value = NOT_APPLICABLE if entry["na"] else ("" if points is None else str(points))
        state[int(item_id)] = {"value": value, "note": entry["note"]}
    return state


def _sheet(version, state: dict | None = None) -> list[SimpleNamespace]:
    """Sections with their items and, per item, the entry shown (`value`: a score, "na" or "")."""
    state = state or {}
    return [
        SimpleNamespace(
            section=section,
            items=[
                SimpleNamespace(
                    item=item,
                    field=item_field(item.pk),
                    note_field=note_field(item.pk),
                    value=state.get(item.pk, {}).get("value", ""),
                    note=state.get(item.pk, {}).get("note", ""),
                )
                for item in section.items.all()
            ],
        )
        for section in selectors.instrument_version_sheet(version=version)
    ]


def _choices(version) -> list[tuple[str, str]]:
    return [(str(value), version.label_for(value)) for value in version.scale_values]


def _describe(version, value) -> str:
    if value == "N/A":
        return _("not applicable")
    if value in (None, ""):
        return _("empty")
    label = version.label_for(int(value))
    return f"{value} — {label}" if label else str(value)


def _conflict_changes(observation: Observation, changes: list[dict]) -> list[dict]:
    """ConflictError.changes with a label and a readable value for each (the other person's)."""
    version = observation.instrument_version
    shown = []
    for change in changes:
        if "item" in change:
            shown.append({**change, "display": _describe(version, change["theirs"])})
        else:
            label = Observation._meta.get_field(change["field"]).verbose_name
            shown.append({**change, "label": str(label).capitalize(), "display": change["theirs"] or _("empty")})
    return shown


def _events(observation: Observation):
    return observation.events.select_related("actor")


# --- start ------------------------------------------------------------------------------------------


@require_POST
@membership_required()
def start(request, row_pk: int, version_pk: int):
    """Only the row's supervisor starts (or continues) its observation with one of its instruments."""
    row = programme_row_for_user(request.membership, row_pk)
    if row.supervisor_id != request.user.pk:
        raise PermissionDenied
    version = get_object_or_404(row.instruments.all(), pk=version_pk)
    try:
        observation = observation_start(row=row, version=version, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(_back(request))
    return redirect("kompetensi:observation-edit", observation.pk)


# --- entry ------------------------------------------------------------------------------------------


def _log_opening(request, observation: Observation, version) -> None:
    """UU PDP: the sheet (filled in or read) is the teacher's record; the supervisor's openings too."""
    access_log_record(
        viewer=request.membership,
        teacher_id=observation.teacher_id,
        kind=AccessKind.OBSERVATION,
        what=f"{version.instrument.name} ({observation.row.programme.semester})",
        path=request.get_full_path(),
    )


def _open_copy(observation: Observation, user) -> ObservationConflictCopy | None:
    copy = ObservationConflictCopy.objects.filter(observation=observation, author=user, resolved_at=None).first()
    return copy if copy is not None and conflict_differences(copy=copy) else None


def _entry_page(request, observation: Observation, *, state: dict, fields: dict, errors=(), conflict=None):
    version = observation.instrument_version
    result = observation_result(observation)
    return render(
        request,
        "kompetensi/observation/entry.html",
        {
            "observation": observation,
            "row": observation.row,
            "version": version,
            "sections": _sheet(version, state),
            "choices": _choices(version),
            "fields": fields,
            "errors": errors,
            "conflict": conflict,
            "result": result,
            "shown": result_display(result),
            "events": _events(observation),
            "scored_template": _("%(scored)s of %(applicable)s items filled")
            % {"scored": "{scored}", "applicable": "{applicable}"},
            "draft_key": f"mutu-observasi:{observation.pk}:{request.user.pk}",
            # Entries of an earlier refused save wait for the person's choice.
            "open_copy": _open_copy(observation, request.user),
        },
    )


def _fields_from_db(observation: Observation) -> dict:
    fields = {name: getattr(observation, name) for name in TEXT_FIELDS}
    fields["observed_on"] = observation.observed_on or timezone.localdate(observation.row.planned_at)
    return fields


@never_cache
@membership_required()
def edit(request, pk: int):
    """The entry sheet. Without JavaScript the form posts here and the page comes back; with it,
    observation.js autosaves to `observation-autosave` and keeps a draft on the device."""
    observation = observation_for_user(request.membership, pk, action="edit")
    if observation.state != ObservationState.DRAFT:
        messages.info(request, _("This observation has been submitted: it can no longer be changed here."))
        return redirect(observation)
    if request.method != "POST":
        _log_opening(request, observation, observation.instrument_version)
        return _entry_page(request, observation, state=_state_from_db(observation), fields=_fields_from_db(observation))

    item_ids = Item.objects.filter(section__version=observation.instrument_version_id).values_list("pk", flat=True)
    try:
        base_revision, scores, fields = payload_from_post(request.POST, item_ids=list(item_ids))
    except ApplicationError as error:
        return _entry_page(
            request,
            observation,
            state=_state_from_db(observation),
            fields=_fields_from_db(observation),
            errors=[error.message],
        )
    try:
        observation_save(
            observation=observation, user=request.user, base_revision=base_revision, scores=scores, fields=fields
        )
    except ConflictError as conflict:
        # The page comes back with the person's own entries (also kept as their refused copy, to
        # choose from item by item) and the new revision: saving again is then an explicit
        # overwrite, made after reading what is stored now.
        observation.revision = conflict.revision
        return _entry_page(
            request,
            observation,
            state=_state_from_payload(scores),
            fields={**_fields_from_db(observation), **fields},
            errors=[conflict.message],
            conflict=_conflict_changes(observation, conflict.changes),
        )
    except ApplicationError as error:
        return _entry_page(
            request,
            observation,
            state=_state_from_payload(scores),
            fields={**_fields_from_db(observation), **fields},
            errors=[error.message],
        )
    messages.success(request, _("Saved."))
    return redirect("kompetensi:observation-edit", observation.pk)


@require_POST
@membership_required()
def autosave(request, pk: int):
    """JSON (or form-encoded) save: 200 {revision, percentage, predikat, scored, applicable};
    409 {conflict, revision, changes, choose_url} when the sheet was saved since `base_revision`
    (by anyone: another person or another device); the refused entries are kept for the choice at
    `choose_url`; 400 {error} for a payload the sheet cannot take. Nothing else is written unless
    the answer is 200."""
    observation = observation_for_user(request.membership, pk, action="edit")
    try:
        if request.content_type == "application/json":
            base_revision, scores, fields = payload_from_json(request.body)
        else:
            item_ids = Item.objects.filter(section__version=observation.instrument_version_id).values_list(
                "pk", flat=True
            )
            base_revision, scores, fields = payload_from_post(request.POST, item_ids=list(item_ids))
        saved = observation_save(
            observation=observation, user=request.user, base_revision=base_revision, scores=scores, fields=fields
        )
    except ConflictError as conflict:
        return JsonResponse(
            {
                "conflict": True,
                "error": conflict.message,
                "revision": conflict.revision,
                "changes": _conflict_changes(observation, conflict.changes),
                "choose_url": reverse("kompetensi:observation-conflict", args=[observation.pk]),
            },
            status=409,
        )
    except ApplicationError as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"revision": saved.revision, **result_display(saved.result)})


# --- read-only sheet --------------------------------------------------------------------------------


@membership_required()
def detail(request, pk: int):
    """The filled sheet as the record keeps it; the observed teacher sees it once submitted."""
    observation = observation_for_user(request.membership, pk)
    version = observation.instrument_version
    _log_opening(request, observation, version)
    result = observation_result(observation)
    scores = {s.item_id: s for s in observation.scores.all()}
    sections = []
    for section in selectors.instrument_version_sheet(version=version):
        section_result = result.section(section.pk)
        items = []
        for item in section.items.all():
            score = scores.get(item.pk)
            points = score.points if score else None
            items.append(
                SimpleNamespace(
                    item=item,
                    points=points,
                    label=version.label_for(points) if points is not None else "",
                    not_applicable=bool(score and score.not_applicable),
                    note=score.note if score else "",
                )
            )
        sections.append(
            SimpleNamespace(
                section=section,
                items=items,
                percentage=format_decimal_id(for_display(section_result.percentage)),
                scored=section_result.scored,
                applicable=section_result.applicable,
            )
        )
    return render(
        request,
        "kompetensi/observation/detail.html",
        {
            "observation": observation,
            "row": observation.row,
            "version": version,
            "sections": sections,
            "result": result,
            "shown": result_display(result),
            "events": _events(observation),
            "supervisor": _person(observation.supervisor, observation.madrasah_id),
            # With a scale from 1, a sheet scored all 1s is 25,00, not 0 (said beside the total).
            "lowest": format_decimal_id(for_display(Decimal(version.scale_min) / Decimal(version.scale_max) * 100)),
            "can_edit": observation.state == ObservationState.DRAFT and observation.supervisor_id == request.user.pk,
        },
    )


# --- blank sheet for paper ----------------------------------------------------------------------------


@membership_required()
def blank_sheet(request, row_pk: int, version_pk: int):
    """The instrument printed empty for this row: filled by hand in class, signed by both."""
    row = _row_sheet_for_user(request.membership, row_pk)
    version = get_object_or_404(row.instruments.select_related("instrument", "academic_year"), pk=version_pk)
    madrasah = request.membership.madrasah
    access_log_record(  # it prints the teacher's name and NIP
        viewer=request.membership,
        teacher_id=row.teacher_id,
        kind=AccessKind.OBSERVATION,
        what=_("Blank sheet: %(instrument)s") % {"instrument": version.instrument.name},
        path=request.get_full_path(),
    )
    return render(
        request,
        "kompetensi/observation/blank_sheet.html",
        {
            "row": row,
            "version": version,
            "madrasah": madrasah,
            "sections": selectors.instrument_version_sheet(version=version),
            "choices": _choices(version),
            "teacher": SimpleNamespace(name=row.teacher.full_name, nip=row.teacher.nip_display),
            "supervisor": _person(row.supervisor, madrasah.pk),
            "bands": list(version.bands.all()),
            "columns": 3 + len(version.scale_values) + (1 if version.allow_not_applicable else 0),
            "paper": madrasah.paper_size.lower(),
        },
    )


# --- service worker -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _service_worker_source() -> bytes:
    found = finders.find(SERVICE_WORKER)
    if found:
        return Path(found).read_bytes()
    from django.contrib.staticfiles.storage import staticfiles_storage

    with staticfiles_storage.open(SERVICE_WORKER) as source:
        return source.read()


@require_GET
def service_worker(request):
    """The worker script, served from the folder it controls (a worker's scope cannot reach above
    the path it is served from). It is code, not data: the same for everyone, logged in or not."""
    response = HttpResponse(_service_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


urlpatterns = [
    path("observasi/sw.js", service_worker, name="observation-service-worker"),
    path("observasi/mulai/<int:row_pk>/<int:version_pk>/", start, name="observation-start"),
    path("observasi/lembar/<int:row_pk>/<int:version_pk>/", blank_sheet, name="observation-blank-sheet"),
    path("observasi/<int:pk>/", detail, name="observation-detail"),
    path("observasi/<int:pk>/isi/", edit, name="observation-edit"),
    path("observasi/<int:pk>/simpan/", autosave, name="observation-autosave"),
]
