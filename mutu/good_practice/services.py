"""Writes of shared good practice (praktik baik): a teacher writes a short write-up, submits it, and
the Kepala publishes it for every colleague of the madrasah, or returns it with a short note.

docs/domain.md §11: leadership encouragement is itself evidence, and shared good practice is a "Do" activity
of a quality cycle; the study found the teachers already professional, so recognition comes first.

Drafts and submitted write-ups stay editable by their author; a published one no longer changes.
Write-ups are plain text (the pages escape them); every service validates first and writes nothing
on a refusal. Each move reads the status under a row lock (`locked_state`) and moves the row only
from the status it read (`claim`), so a double click moves and notifies once.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Role, Staff, User
from madrasah.notifications import notices_done
from madrasah.workflow import claim, locked_state, notify, role_user_ids, staff_user_ids

from ..models import GoodPractice, GoodPracticeStatus
from . import notices
from .rules import EDITABLE, GoodPracticeData, cleaned_return_note, cleaned_write_up


def _url(practice: GoodPractice) -> str:
    return reverse("mutu:good-practice-detail", args=[practice.pk])


def _status(practice: GoodPractice) -> str:
    practice.status = locked_state(GoodPractice, practice.pk, field="status")
    return practice.status


@transaction.atomic
def good_practice_create(*, teacher: Staff, user: User, data: GoodPracticeData) -> GoodPractice:
    """Start a draft write-up of `teacher`. Writes one row; nothing on a refusal. A retry writes a
    second draft."""
    values = cleaned_write_up(data)
    return GoodPractice.objects.create(
        madrasah_id=teacher.madrasah_id, teacher=teacher, status=GoodPracticeStatus.DRAFT, **values
    )


@transaction.atomic
def good_practice_update(*, practice: GoodPractice, user: User, data: GoodPracticeData) -> GoodPractice:
    """Change the author's write-up while it is a draft or waits for the Kepala (it keeps its status).
    Refused once published. Safe to retry."""
    values = cleaned_write_up(data)
    if _status(practice) not in EDITABLE:
        raise ApplicationError(_("A published write-up can no longer be changed."))
    claim(practice, field="status", expected=EDITABLE, updated_at=timezone.now(), **values)
    return practice


@transaction.atomic
def good_practice_submit(*, practice: GoodPractice, user: User) -> GoodPractice:
    """Send a draft to the Kepala, who is notified. Only drafts (a double click submits once)."""
    if _status(practice) != GoodPracticeStatus.DRAFT:
        raise ApplicationError(_("Only a draft can be submitted."))
    claim(
        practice,
        field="status",
        expected=GoodPracticeStatus.DRAFT,
        status=GoodPracticeStatus.SUBMITTED,
        updated_at=timezone.now(),
    )
    params = {"teacher": practice.teacher.full_name, "title": practice.title}
    notices_done(practice)
    kepala = role_user_ids(practice.madrasah_id, Role.KEPALA)
    notify(practice.madrasah, kepala, notices.SUBMITTED, practice, params=params, url=_url(practice), actor=user)
    return practice


@transaction.atomic
def good_practice_publish(*, practice: GoodPractice, user: User) -> GoodPractice:
    """Publish a submitted write-up for every colleague of the madrasah and tell its author. Only
    submitted ones (a double click publishes and notifies once)."""
    if _status(practice) != GoodPracticeStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted write-up can be published."))
    now = timezone.now()
    claim(
        practice,
        field="status",
        expected=GoodPracticeStatus.SUBMITTED,
        status=GoodPracticeStatus.PUBLISHED,
        published_by=user,
        published_at=now,
        updated_at=now,
    )
    notices_done(practice)
    authors = staff_user_ids(practice.teacher_id)
    params = {"title": practice.title}
    notify(practice.madrasah, authors, notices.PUBLISHED, practice, params=params, url=_url(practice), actor=user)
    return practice


@transaction.atomic
def good_practice_return(*, practice: GoodPractice, user: User, note: str) -> GoodPractice:
    """Give a submitted write-up back to its author as a draft, with a short note that reaches them in
    their notification. Only submitted ones."""
    note = cleaned_return_note(note)
    if _status(practice) != GoodPracticeStatus.SUBMITTED:
        raise ApplicationError(_("Only a submitted write-up can be returned."))
    claim(
        practice,
        field="status",
        expected=GoodPracticeStatus.SUBMITTED,
        status=GoodPracticeStatus.DRAFT,
        updated_at=timezone.now(),
    )
    notices_done(practice)
    authors = staff_user_ids(practice.teacher_id)
    params = {"note": note}
    notify(practice.madrasah, authors, notices.RETURNED, practice, params=params, url=_url(practice), actor=user)
    return practice
