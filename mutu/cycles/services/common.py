"""What the writing services of a cycle share: the row lock that refuses a closed cycle, dates as
messages write them, evidence judged by its content, and the changes a history event lists."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.files import evidence_check, evidence_original_name
from madrasah.workflow import locked_state

from ...models import Cycle, Stage


def closed_error() -> ApplicationError:
    return ApplicationError(_("This cycle is closed and can no longer be changed."))


def lock_open_cycle(cycle: Cycle) -> Cycle:
    """Lock the cycle's row and refresh its stage; a closed cycle refuses every change."""
    cycle.stage = locked_state(Cycle, cycle.pk, field="stage")
    if cycle.stage == Stage.CLOSED:
        raise closed_error()
    return cycle


def date_text(value: dt.date) -> str:
    return date_format(value, "j F Y")


def checked_upload(upload, *, field: str) -> str:
    """The extension the upload's CONTENT has (PDF, JPEG, PNG, ≤ 5 MB); errors at `field`."""
    try:
        _content_type, extension = evidence_check(upload)
    except ApplicationError as error:
        raise ApplicationError(error.message, field=field) from None
    return extension


def save_with_file(obj, file_field: str, upload, extension: str | None) -> None:
    """Save `obj`, storing `upload` under a random name first; the file goes if the row does not."""
    if upload is None:
        obj.save()
        return
    getattr(obj, file_field).save(f"bukti{extension}", upload, save=False)
    obj.evidence_name = evidence_original_name(upload.name)
    try:
        obj.save()
    except Exception:
        getattr(obj, file_field).delete(save=False)
        raise


def diff(before: dict, after: dict) -> list[dict]:
    return [{"what": name, "from": before[name], "to": after[name]} for name in before if before[name] != after[name]]
