"""The filled-sheet core: what a sheet filled against an instrument version needs, whatever the record
(a supervision observation, a PKG appraisal) — the predikat bands of the version, the cleaning of
posted scores against the version's items, and the answer of a save.

Each record keeps its own rule for one entry (a supervision score within the version's scale, a PKG
indicator 0/1/2) and passes it to `clean_sheet_scores` as `clean_entry`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError

from ..models import InstrumentVersion, Item
from .rules import Band

MAX_NOTE = 5000
R = TypeVar("R")


@dataclass
class SaveResult(Generic[R]):
    """A saved sheet: the version token to send with the next save, the sheet's result (the record's
    own result type) and the changes recorded in its history (empty when nothing changed)."""

    revision: int
    result: R
    changes: list[dict] = field(default_factory=list)


def bands_of(version: InstrumentVersion) -> list[Band]:
    """The predikat bands of a version, as the scoring function reads them."""
    return [Band(b.lower_bound, b.label) for b in version.bands.all()]


def sheet_item_ids(version: InstrumentVersion) -> set[int]:
    """The ids of the items of a version (the only ones a sheet of it may score)."""
    return set(Item.objects.filter(section__version=version).values_list("pk", flat=True))


def note_check(note: str, *, max_length: int = MAX_NOTE) -> str:
    """A note typed next to an item, refused when longer than `max_length`."""
    if len(note) > max_length:
        raise ApplicationError(_("A note is too long (at most %(max)s characters).") % {"max": max_length})
    return note


def clean_sheet_scores(
    version: InstrumentVersion,
    scores: dict,
    *,
    clean_entry: Callable[[dict], dict],
    unknown_message: str,
    foreign_message: str,
    field: str | None = None,
    bare_value: str | None = None,
) -> dict[int, dict]:
    """{item id: cleaned entry} of a posted sheet {item id: entry}: ids of this version's items only
    (`unknown_message` for an id that is not a number, `foreign_message` for an item of another
    version, at `field`), each entry cleaned by `clean_entry`. An entry that is not a dict becomes
    `{bare_value: entry}`, or an empty dict without `bare_value`."""
    item_ids = sheet_item_ids(version)
    cleaned = {}
    for raw_id, value in scores.items():
        try:
            item_id = int(raw_id)
        except (TypeError, ValueError):
            raise ApplicationError(unknown_message, field=field) from None
        if item_id not in item_ids:
            raise ApplicationError(foreign_message, field=field)
        if not isinstance(value, dict):
            value = {bare_value: value} if bare_value else {}
        cleaned[item_id] = clean_entry(value)
    return cleaned
