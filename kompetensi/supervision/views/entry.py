"""Observation entry: starting one from a programme row, the phone-first entry sheet (plain form and
JSON autosave), and the service worker that lets the entry page reopen without a connection.

Every save goes through `services.observations.observation_save` (version token, conflicts, history)
and every number shown comes from `selectors.observations.observation_result`, the one scoring
function.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from madrasah.access import membership_required
from madrasah.errors import ApplicationError

from ...access import observation_for_user, programme_row_for_user
from ...instruments.selectors import instrument_version_sheet
from ...models import Item, Observation, ObservationConflictCopy, ObservationState
from ..forms import NOT_APPLICABLE, item_field, note_field, payload_from_json, payload_from_post
from ..rules import TEXT_FIELDS
from ..selectors.observations import observation_actions, observation_history, observation_result
from ..selectors.programme import class_names_offered
from ..services.conflicts import conflict_differences
from ..services.observations import ConflictError, observation_save, observation_start
from .results import choices_of, log_opening, result_display

SERVICE_WORKER = "js/observation-sw.js"


def _back(request) -> str:
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return referer
    return reverse("madrasah:home")


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
        for section in instrument_version_sheet(version=version)
    ]


def _describe(version, value) -> str:
    if value == "N/A":
        return _("not applicable")
    if value in (None, ""):
        return _("empty")
    label = version.label_for(int(value))
    return f"{value} — {label}" if label else str(value)


def _unscored_text(count: int) -> str:
    """The submit form's "n items are not scored yet" with `{count}` for the page's script to fill."""
    return ngettext("%(count)s item is not scored yet.", "%(count)s items are not scored yet.", count) % {
        "count": "{count}"
    }


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
            "choices": choices_of(version),
            "fields": fields,
            "errors": errors,
            "conflict": conflict,
            "result": result,
            "shown": result_display(result),
            "actions": observation_actions(observation=observation, membership=request.membership, result=result),
            "history": observation_history(observation=observation),
            "scored_template": _("%(scored)s of %(applicable)s items filled")
            % {"scored": "{scored}", "applicable": "{applicable}"},
            "unscored_texts": {form: _unscored_text(n) for form, n in (("one", 1), ("other", 2))},
            "draft_key": f"mutu-observasi:{observation.pk}:{request.user.pk}",
            "class_names": class_names_offered(
                madrasah_id=observation.madrasah_id,
                academic_year_id=observation.row.programme.semester.academic_year_id,
            ),
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
        log_opening(request, observation, observation.instrument_version)
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


@lru_cache(maxsize=1)
def _service_worker_source() -> bytes:
    found = finders.find(SERVICE_WORKER)
    if found:
        return Path(found).read_bytes()
    with staticfiles_storage.open(SERVICE_WORKER) as source:
        return source.read()


@require_GET
def service_worker(request):
    """The worker script, served from the folder it controls (a worker's scope cannot reach above
    the path it is served from). It is code, not data: the same for everyone, logged in or not."""
    response = HttpResponse(_service_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
