"""Writes of shared good practice (praktik baik): a teacher writes a short write-up, submits it, and
the Kepala publishes it for every colleague of the madrasah, or returns it with a short note.

docs/domain.md §11: leadership encouragement is itself evidence, and shared good practice is a "Do" activity
of a quality cycle; the study found the teachers already professional, so recognition comes first.

Drafts and submitted write-ups stay editable by their author; a published one no longer changes.
Write-ups are plain text (the pages escape them); every service validates first and writes nothing
on a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Membership, Role, Staff, User
from madrasah.notifications import notification_create, notify_many

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


def _clean(data: GoodPracticeData) -> dict:
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


def _locked(practice: GoodPractice) -> GoodPractice:
    return GoodPractice.objects.select_for_update().get(pk=practice.pk)


def _copy(source: GoodPractice, target: GoodPractice, names: list[str]) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


def _url(practice: GoodPractice) -> str:
    return reverse("mutu:good-practice-detail", args=[practice.pk])


def _teacher_user_id(teacher_id: int) -> int | None:
    return Membership.objects.filter(staff_id=teacher_id, is_active=True).values_list("user_id", flat=True).first()


@transaction.atomic
def good_practice_create(*, teacher: Staff, user: User, data: GoodPracticeData) -> GoodPractice:
    """Start a draft write-up of `teacher`. Writes one row; nothing on a refusal. A retry writes a
    second draft."""
    values = _clean(data)
    return GoodPractice.objects.create(
        madrasah_id=teacher.madrasah_id, teacher=teacher, status=GoodPracticeStatus.DRAFT, **values
    )


@transaction.atomic
def good_practice_update(*, practice: GoodPractice, user: User, data: GoodPracticeData) -> GoodPractice:
    """Change the author's write-up while it is a draft or waits for the Kepala (it keeps its status).
    Refused once published. Safe to retry."""
    values = _clean(data)
    locked = _locked(practice)
    if locked.status not in EDITABLE:
        raise ApplicationError(_("A published write-up can no longer be changed."))
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*values, "updated_at"])
    _copy(locked, practice, [*values, "status", "updated_at"])
    return practice


@transaction.atomic
def good_practice_submit(*, practice: GoodPractice, user: User) -> GoodPractice:
    """Send a draft to the Kepala, who is notified. Only drafts (a double click submits once)."""
    locked = _locked(practice)
    if locked.status != GoodPracticeStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be submitted."))
    locked.status = GoodPracticeStatus.SUBMITTED
    locked.save(update_fields=["status", "updated_at"])
    _copy(locked, practice, ["status", "updated_at"])
    kepala_ids = (
        Membership.objects.filter(madrasah_id=locked.madrasah_id, is_active=True, roles__role=Role.KEPALA)
        .exclude(user=user)
        .values_list("user_id", flat=True)
        .distinct()
    )
    text = _("%(teacher)s submitted a good practice for publication: “%(title)s”.") % {
        "teacher": practice.teacher.full_name,
        "title": locked.title,
    }
    notify_many(madrasah=locked.madrasah, notes=[(pk, text, _url(locked)) for pk in kepala_ids])
    return practice


@transaction.atomic
def good_practice_publish(*, practice: GoodPractice, user: User) -> GoodPractice:
    """Publish a submitted write-up for every colleague of the madrasah and tell its author. Only
    submitted ones (a double click publishes and notifies once)."""
    locked = _locked(practice)
    if locked.status != GoodPracticeStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted write-up can be published."))
    locked.status = GoodPracticeStatus.PUBLISHED
    locked.published_by = user
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    _copy(locked, practice, ["status", "published_by", "published_at", "updated_at"])
    teacher_user = _teacher_user_id(locked.teacher_id)
    if teacher_user is not None and teacher_user != user.pk:
        notification_create(
            user=teacher_user,
            madrasah=locked.madrasah,
            text=_("Your good practice “%(title)s” has been published for your colleagues. Thank you!")
            % {"title": locked.title},
            url=_url(locked),
        )
    return practice


@transaction.atomic
def good_practice_return(*, practice: GoodPractice, user: User, note: str) -> GoodPractice:
    """Give a submitted write-up back to its author as a draft, with a short note that reaches them in
    their notification. Only submitted ones."""
    note = " ".join((note or "").split())
    if not note:
        raise ApplicationError(_("Write a short note for the teacher."), field="note")
    if len(note) > RETURN_NOTE_MAX:
        raise ApplicationError(
            _("Keep the note within %(n)s characters.") % {"n": RETURN_NOTE_MAX},
            field="note",
        )
    locked = _locked(practice)
    if locked.status != GoodPracticeStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted write-up can be returned."))
    locked.status = GoodPracticeStatus.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    _copy(locked, practice, ["status", "updated_at"])
    teacher_user = _teacher_user_id(locked.teacher_id)
    if teacher_user is not None and teacher_user != user.pk:
        notification_create(
            user=teacher_user,
            madrasah=locked.madrasah,
            text=_("Your good practice was returned as a draft with a note: %(note)s") % {"note": note},
            url=_url(locked),
        )
    return practice
