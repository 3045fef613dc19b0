"""Writes for a teacher's growth page: notes of appreciation (apresiasi). The access log is
madrasah.access_log."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Membership, Role, Staff
from madrasah.workflow import notify, staff_user_ids

from ..models import AppreciationNote
from . import notices

APPRECIATION_WRITERS = (Role.KEPALA, Role.WAKA)
APPRECIATION_MAX = 2000
TEACHER_PAGE = "Perkembangan guru"  # AccessLog.what of an opened growth page


@transaction.atomic
def appreciation_note_create(*, author: Membership, teacher: Staff, text: str) -> AppreciationNote:
    """A note of appreciation from the Kepala or the Waka to a teacher of their madrasah (not to
    themselves): 1–2000 characters. Notifies the teacher with a link to their page — the text says
    who wrote, never a score. Not idempotent: a retry writes a second note."""
    if not author.has_role(*APPRECIATION_WRITERS):
        raise ApplicationError(_("Only the Kepala or the Waka writes notes of appreciation."))
    if teacher.madrasah_id != author.madrasah_id:
        raise ApplicationError(_("This teacher is not of your madrasah."))
    if author.staff_id == teacher.pk:
        raise ApplicationError(_("You cannot write a note of appreciation to yourself."))
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Write the note of appreciation."), field="text")
    if len(text) > APPRECIATION_MAX:
        raise ApplicationError(
            _("The note is too long (at most %(max)s characters).") % {"max": APPRECIATION_MAX}, field="text"
        )
    note = AppreciationNote.objects.create(
        madrasah_id=author.madrasah_id, teacher=teacher, author_id=author.user_id, text=text
    )
    notify(
        author.madrasah,
        staff_user_ids(teacher.pk),
        notices.APPRECIATION,
        note,
        url=reverse("kompetensi:teacher-page", args=[teacher.pk]),
        actor=author.user,
    )
    return note
