"""The choice after a refused save: the author's kept entries beside the stored sheet, item by item,
with "keep mine" or "keep stored" for each (a phone-sized page that also works without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from madrasah.access import membership_required
from madrasah.access_log import access_log_record
from madrasah.errors import ApplicationError
from madrasah.models import AccessKind

from ...access import conflict_copy_for_user
from ...models import Observation, ObservationState
from ..services.conflicts import Difference, Entry, conflict_differences, conflict_resolve
from ..services.observations import ConflictError

MINE, STORED = "mine", "stored"


def _entry_text(version, entry: Entry) -> str:
    if entry.na:
        return _("not applicable")
    if entry.points is None:
        return _("empty")
    label = version.label_for(entry.points)
    return f"{entry.points} — {label}" if label else str(entry.points)


def _field_label(name: str) -> str:
    return str(Observation._meta.get_field(name).verbose_name).capitalize()


def _rows(observation: Observation, differences: list[Difference]) -> list[dict]:
    """What the page shows per difference: a title, and each side's value and note."""
    version = observation.instrument_version
    rows = []
    for difference in differences:
        if difference.item is not None:
            rows.append(
                {
                    "key": difference.key,
                    "title": difference.item.text,
                    "mine": _entry_text(version, difference.mine),
                    "mine_note": difference.mine.note,
                    "stored": _entry_text(version, difference.stored),
                    "stored_note": difference.stored.note,
                }
            )
        else:
            rows.append(
                {
                    "key": difference.key,
                    "title": _field_label(difference.field),
                    "mine": difference.mine or _("empty"),
                    "stored": difference.stored or _("empty"),
                }
            )
    return rows


def _page(request, observation: Observation, copy, differences, *, errors=(), picked=None, status=200):
    return render(
        request,
        "kompetensi/observation/conflict.html",
        {
            "observation": observation,
            "copy": copy,
            "rows": [
                {**row, "picked": (picked or {}).get(row["key"], STORED)} for row in _rows(observation, differences)
            ],
            "errors": errors,
        },
        status=status,
    )


@never_cache
@membership_required()
def choose(request, pk: int):
    """GET: the differences between the member's refused copy and the stored sheet. POST: keep, per
    difference, `keep-<key>` = "mine" or "stored" ("stored" where not given), or all of one side
    (`all`); `revision` is the stored revision the page showed."""
    observation, copy = conflict_copy_for_user(request.membership, pk)
    if copy is None:
        messages.info(request, _("There is nothing left to choose: your entries are saved or were set aside."))
        return redirect("kompetensi:observation-edit", observation.pk)
    if observation.state != ObservationState.DRAFT:
        messages.info(request, _("This observation has been submitted: it can no longer be changed here."))
        return redirect(observation)
    access_log_record(
        viewer=request.membership,
        teacher_id=observation.teacher_id,
        kind=AccessKind.OBSERVATION,
        what=f"{observation.instrument_version.instrument.name} ({observation.row.programme.semester})",
        path=request.get_full_path(),
    )
    differences = conflict_differences(copy=copy)
    if request.method != "POST":
        if not differences:  # the copy is closed at the person's next save
            messages.info(request, _("There is nothing left to choose: your entries are saved or were set aside."))
            return redirect("kompetensi:observation-edit", observation.pk)
        return _page(request, observation, copy, differences)

    everything = request.POST.get("all")
    keys = {d.key for d in differences}
    if everything in (MINE, STORED):
        keep_mine = keys if everything == MINE else set()
    else:
        keep_mine = {key for key in keys if request.POST.get(f"keep-{key}") == MINE}
    picked = {key: MINE if key in keep_mine else STORED for key in keys}
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    if not 0 <= revision <= observation.revision:
        return _page(
            request,
            observation,
            copy,
            differences,
            errors=[_("The sheet does not say which version it started from. Reload the page.")],
            picked=picked,
            status=400,
        )
    try:
        conflict_resolve(copy=copy, user=request.user, keep_mine=keep_mine, revision=revision)
    except ConflictError:
        observation.refresh_from_db()
        return _page(
            request,
            observation,
            copy,
            conflict_differences(copy=copy),
            errors=[_("The sheet was saved again while you were choosing. Check the stored entries again.")],
            picked=picked,
            status=409,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("kompetensi:observation-edit", observation.pk)
    messages.success(request, _("Saved: the sheet now has the entries you chose."))
    return redirect("kompetensi:observation-edit", observation.pk)
