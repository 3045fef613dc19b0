"""Reading an observation sheet — a plain form POST or an autosave body — into what
`observation.observation_save` takes: `(base_revision, scores, fields)`.

Only the shape is checked here (a revision, whole numbers, text, a date). Whether a score lies on the
version's scale, whether an item belongs to the version and whether "not applicable" is allowed is
the service's business, so both ways in give the same answers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from django.http import QueryDict
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.ids import ID_MAX

from .observation import TEXT_FIELDS

NOT_APPLICABLE = "na"  # the value of the "tidak berlaku" choice in the form
DATE_FIELD = "observed_on"


def item_field(item_id: int) -> str:
    return f"item-{item_id}"


def note_field(item_id: int) -> str:
    return f"note-{item_id}"


def _revision(value) -> int:
    if isinstance(value, bool):
        value = None
    try:
        revision = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON's 1e400 is an infinite float
        revision = -1
    if not 0 <= revision <= ID_MAX:
        raise ApplicationError(_("The sheet does not say which version it started from. Reload the page."))
    return revision


def _points(value):
    """None for "not scored"; an int; or the raw text for the service to refuse as not a number.
    Booleans and fractions are refused here: `int()` would quietly turn them into scores."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ApplicationError(_("A score must be a whole number."))
    if isinstance(value, float):
        return int(value)
    if isinstance(value, int | str):
        return value
    raise ApplicationError(_("A score must be a whole number."))


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApplicationError(_("Notes must be text."))
    return value


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError(_("The observation date is not a valid date.")) from None


def _fields(source) -> dict:
    fields = {name: _text(source[name]) for name in TEXT_FIELDS if name in source}
    if DATE_FIELD in source:
        fields[DATE_FIELD] = _date(source[DATE_FIELD])
    return fields


def payload_from_post(data: QueryDict, *, item_ids: Iterable[int]) -> tuple[int, dict, dict]:
    """The plain form: one radio group `item-<id>` (a score, "na" or nothing) and one note
    `note-<id>` per item of the version. Items the form does not carry are left alone."""
    revision = _revision(data.get("base_revision"))
    scores = {}
    for item_id in item_ids:
        choice, note = data.get(item_field(item_id)), data.get(note_field(item_id))
        if choice is None and note is None:
            continue
        na = choice == NOT_APPLICABLE
        scores[item_id] = {"points": None if na else _points(choice), "na": na, "note": note or ""}
    return revision, scores, _fields(data)


def payload_from_json(body: bytes) -> tuple[int, dict, dict]:
    """The autosave body: `{"base_revision": 3, "scores": {"<item id>": {"points": 4, "na": false,
    "note": "…"}}, "fields": {"strengths": "…", "observed_on": "2026-08-03", …}}`."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: thousands of nested brackets
        data = None
    if not isinstance(data, dict):
        raise ApplicationError(_("The data sent could not be read. Reload the page."))
    scores, fields = data.get("scores") or {}, data.get("fields") or {}
    if not isinstance(scores, dict) or not isinstance(fields, dict):
        raise ApplicationError(_("The data sent could not be read. Reload the page."))
    cleaned = {}
    for item_id, value in scores.items():
        if not isinstance(value, dict):
            raise ApplicationError(_("The data sent could not be read. Reload the page."))
        na = value.get("na") is True
        cleaned[item_id] = {
            "points": None if na else _points(value.get("points")),
            "na": na,
            "note": _text(value.get("note")),
        }
    return _revision(data.get("base_revision")), cleaned, _fields(fields)
