"""Refused copies of an observation sheet: what differs from the stored sheet, item by item, and the
author's choice of what to keep.

A save based on an older revision than the stored one is refused whoever made the newer one (see
`observations.observation_save`); its entries are kept as an `ObservationConflictCopy`. Its author
then keeps, per item and per note, either their entries or the stored ones. Keeping theirs is an
ordinary save based on the revision the choice page showed, so a sheet that changed again while
they chose is a conflict again, never an overwrite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.workflow import locked

from ...models import Item, Observation, ObservationConflictCopy
from ..rules import TEXT_FIELDS
from .observations import observation_save

DATE_FIELD = "observed_on"


@dataclass(frozen=True)
class Entry:
    """One item's entry: a score (`points`), "not applicable" (`na`) and a note."""

    points: int | None = None
    na: bool = False
    note: str = ""


@dataclass(frozen=True)
class Difference:
    """One place where the refused copy and the stored sheet differ. `key`: "item-<id>" or the field's
    name; `item`: the item (None for a field); `mine`/`stored`: an `Entry` for an item, text for a field."""

    key: str
    item: Item | None
    field: str
    mine: Entry | str
    stored: Entry | str


def _stored_field(observation: Observation, name: str) -> str:
    if name == DATE_FIELD:
        return observation.observed_on.isoformat() if observation.observed_on else ""
    return getattr(observation, name)


def conflict_differences(*, copy: ObservationConflictCopy) -> list[Difference]:
    """The copy's entries that differ from the sheet as stored now, in the sheet's order (items by
    section and order, then the fields)."""
    observation = Observation.objects.get(pk=copy.observation_id)
    stored = {
        s.item_id: Entry(s.points, s.not_applicable, s.note)
        for s in observation.scores.only("item_id", "points", "not_applicable", "note")
    }
    ids = [int(raw) for raw in copy.scores]
    items = Item.objects.filter(pk__in=ids, section__version=observation.instrument_version_id).order_by(
        "section__order", "order", "pk"
    )
    differences = []
    for item in items:
        raw = copy.scores[str(item.pk)]
        mine = Entry(raw.get("points"), bool(raw.get("na")), raw.get("note") or "")
        theirs = stored.get(item.pk, Entry())
        if mine != theirs:
            differences.append(Difference(f"item-{item.pk}", item, "", mine, theirs))
    for name in (DATE_FIELD, *TEXT_FIELDS):
        if name in copy.fields and copy.fields[name] != _stored_field(observation, name):
            differences.append(Difference(name, None, name, copy.fields[name], _stored_field(observation, name)))
    return differences


def conflict_copy_settle(*, observation: Observation, user) -> None:
    """Close the person's open copy once nothing in it differs from the stored sheet (they saved the
    same entries since, say by "overwrite with my entries"): an entry they did save must not come
    back as refused when someone changes it later."""
    copy = ObservationConflictCopy.objects.filter(observation=observation, author=user, resolved_at=None).first()
    if copy is not None and not conflict_differences(copy=copy):
        ObservationConflictCopy.objects.filter(pk=copy.pk, resolved_at=None).update(resolved_at=timezone.now())


def _payload(copy: ObservationConflictCopy, keys: set[str]) -> tuple[dict, dict]:
    scores = {int(raw): value for raw, value in copy.scores.items() if f"item-{raw}" in keys}
    fields: dict = {name: value for name, value in copy.fields.items() if name in keys and name in TEXT_FIELDS}
    if DATE_FIELD in keys and DATE_FIELD in copy.fields:
        value = copy.fields[DATE_FIELD]
        fields[DATE_FIELD] = dt.date.fromisoformat(value) if value else None
    return scores, fields


@transaction.atomic
def conflict_resolve(*, copy: ObservationConflictCopy, user, keep_mine: set[str], revision: int) -> int:
    """Keep the author's entries named in `keep_mine` (keys of `conflict_differences`) and the stored
    ones elsewhere, then close the copy. `revision` is the one the choice page showed: the kept
    entries are saved on it (`ConflictError` if the sheet changed again; the copy stays open). Writes
    the observation's scores and fields (and its "saved" event) and the copy's `resolved_at`.
    Returns the observation's revision. Safe to retry: a closed copy is refused."""
    copy = locked(ObservationConflictCopy, copy.pk, "observation")
    if copy.author_id != user.pk or copy.resolved_at is not None:
        raise ApplicationError(_("You have already chosen what to keep from this copy."))
    revision_now = copy.observation.revision
    keys = keep_mine & {d.key for d in conflict_differences(copy=copy)}
    if keys:
        scores, fields = _payload(copy, keys)
        revision_now = observation_save(
            observation=copy.observation, user=user, base_revision=revision, scores=scores, fields=fields
        ).revision
    copy.resolved_at = timezone.now()
    copy.save(update_fields=["resolved_at", "updated_at"])
    return revision_now
