"""Pure rules of shared good practice: what a write-up and a return note may hold, and which
statuses the author may still edit."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError

from ..models import GoodPractice, GoodPracticeStatus

TITLE_MAX = GoodPractice._meta.get_field("title").max_length
BODY_MAX = 10_000  # a short write-up, not a thesis
# The note travels in the teacher's notification, whose text holds 300 characters.
RETURN_NOTE_MAX = 200
EDITABLE = (GoodPracticeStatus.DRAFT, GoodPracticeStatus.SUBMITTED)


@dataclass(frozen=True)
class GoodPracticeData:
    title: str
    body: str


def cleaned_write_up(data: GoodPracticeData) -> dict:
    """The title on one line and the body with its paragraphs, refused at their field when empty or
    too long."""
    title = " ".join((data.title or "").split())
    # Line breaks are the writer's paragraphs: keep them, only trim the ends and Windows returns.
    body = (data.body or "").replace("\r\n", "\n").strip()
    if not title:
        raise ApplicationError(_("Give your write-up a title."), field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(_("The title is too long."), field="title")
    if not body:
        raise ApplicationError(_("Write what you did and what came of it."), field="body")
    if len(body) > BODY_MAX:
        raise ApplicationError(
            _("Keep the write-up short: at most %(n)s characters.") % {"n": f"{BODY_MAX:,}".replace(",", ".")},
            field="body",
        )
    return {"title": title, "body": body}


def cleaned_return_note(note: str | None) -> str:
    """The Kepala's note on one line, required and short enough for a notification."""
    note = " ".join((note or "").split())
    if not note:
        raise ApplicationError(_("Write a short note for the teacher."), field="note")
    if len(note) > RETURN_NOTE_MAX:
        raise ApplicationError(_("Keep the note within %(n)s characters.") % {"n": RETURN_NOTE_MAX}, field="note")
    return note
