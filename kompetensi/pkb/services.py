"""PKB writes: the teacher's log, the Waka's verification and in-house activities.

docs/domain.md §10 "Continuing professional development (PKB)": each activity has a kind, organiser,
dates, JP and minutes per JP and evidence, and is verified by the Waka. In-house activities are
recorded once by the Waka with their attendance list and credit every attendee. Verifying and
returning follow the workflow kernel (`madrasah.workflow`): the status is read under a row lock and
moved by a conditional update, so a double click acts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.files import evidence_check, evidence_original_name
from madrasah.models import Madrasah, Membership, Staff, User
from madrasah.notifications import Note, notices_done, notify_many
from madrasah.workflow import claim, is_staff_user, locked, locked_state, notify, staff_user_ids

from ..models import InHouseActivity, PkbActivity, PkbKind, PkbStatus
from . import notices
from .rules import CREDIT_FIELDS, EDITABLE, validate_entry

# --- checks ----------------------------------------------------------------------------------------


def _checked_upload(upload) -> str:
    """The extension the upload's CONTENT has (PDF, JPEG, PNG, ≤ 5 MB); errors at `evidence`."""
    try:
        _content_type, extension = evidence_check(upload)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="evidence") from None
    return extension


# --- the teacher's log ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PkbData:
    kind: str
    title: str
    organiser: str
    start_date: dt.date
    end_date: dt.date
    jp: int
    minutes_per_jp: int = 45


def _attach(activity: PkbActivity, upload) -> str | None:
    """Store `upload` as the activity's evidence under a random name; returns the old file's name."""
    extension = _checked_upload(upload)
    old = activity.evidence.name or None
    activity.evidence.save(f"bukti{extension}", upload, save=False)
    activity.evidence_name = evidence_original_name(upload.name)
    return old


def _save_or_drop_file(activity: PkbActivity, new_file: bool) -> None:
    try:
        activity.save()
    except Exception:
        if new_file:
            activity.evidence.delete(save=False)
        raise


@transaction.atomic
def pkb_activity_create(*, teacher: Staff, user: User, data: PkbData, upload=None) -> PkbActivity:
    """Log one activity of `teacher` (waiting for verification), with optional evidence checked by its
    content. Writes one row and one file; nothing on a refusal. A retry logs it twice."""
    validate_entry(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    if data.kind not in PkbKind.values:
        raise ApplicationError(_("Choose a kind of activity."), field="kind")
    activity = PkbActivity(madrasah_id=teacher.madrasah_id, teacher=teacher, status=PkbStatus.SUBMITTED, **vars(data))
    if upload:
        _attach(activity, upload)
    _save_or_drop_file(activity, bool(upload))
    return activity


@transaction.atomic
def pkb_activity_update(*, activity: PkbActivity, user: User, data: PkbData, upload=None) -> PkbActivity:
    """Change the teacher's own entry while it waits or was returned; it goes back to the queue
    (the verifier's note is cleared). A replaced evidence file is deleted after the commit."""
    status = locked_state(PkbActivity, activity.pk, field="status")
    if activity.in_house_id:
        raise ApplicationError(_("This entry comes from an in-house activity; the Waka changes it there."))
    if status not in EDITABLE:
        raise ApplicationError(_("A verified entry can no longer be changed."))
    validate_entry(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    for name, value in vars(data).items():
        setattr(activity, name, value)
    old = _attach(activity, upload) if upload else None
    activity.status = PkbStatus.SUBMITTED
    activity.return_note = ""
    _save_or_drop_file(activity, bool(upload))
    notices_done(activity, notices.PKB_RETURNED)  # corrected and sent back: the return is dealt with
    if old:
        storage = activity.evidence.storage
        transaction.on_commit(lambda: storage.delete(old))
    return activity


@transaction.atomic
def pkb_activity_verify(*, activity: PkbActivity, user: User) -> PkbActivity:
    """Verify a waiting entry and tell the teacher. Refused for one's own entry and for entries not
    waiting (so a double click verifies once)."""
    refused = _("Only entries waiting for verification can be verified.")
    _check_waiting(activity, user, refused)
    now = timezone.now()
    claim(
        activity,
        field="status",
        expected=PkbStatus.SUBMITTED,
        stale=refused,
        status=PkbStatus.VERIFIED,
        verified_by=user,
        verified_at=now,
        return_note="",
        updated_at=now,
    )
    _tell_teacher(activity, user, notices.PKB_VERIFIED)
    return activity


@transaction.atomic
def pkb_activity_return(*, activity: PkbActivity, user: User, note: str) -> PkbActivity:
    """Return a waiting entry to the teacher with a note (required) and tell them."""
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write what the teacher should correct."), field="note")
    refused = _("Only entries waiting for verification can be returned.")
    _check_waiting(activity, user, refused)
    claim(
        activity,
        field="status",
        expected=PkbStatus.SUBMITTED,
        stale=refused,
        status=PkbStatus.RETURNED,
        return_note=note,
        updated_at=timezone.now(),
    )
    _tell_teacher(activity, user, notices.PKB_RETURNED)
    return activity


def _check_waiting(activity: PkbActivity, user: User, refused: str) -> None:
    """The entry waits for verification (read under the row lock) and is not the verifier's own."""
    if locked_state(PkbActivity, activity.pk, field="status") != PkbStatus.SUBMITTED:
        raise ApplicationError(refused)
    if is_staff_user(user, activity.teacher_id):
        raise ApplicationError(_("Your own entries are verified by someone else."))


def _tell_teacher(activity: PkbActivity, user: User, kind: str) -> None:
    notices_done(activity)
    params = {"title": activity.title}
    notify(activity.madrasah, staff_user_ids(activity.teacher_id), kind, activity, params=params, actor=user)


# --- in-house activities --------------------------------------------------------------------------


@dataclass(frozen=True)
class InHouseData:
    title: str
    organiser: str
    start_date: dt.date
    end_date: dt.date
    jp: int
    kind: str = PkbKind.IN_HOUSE
    minutes_per_jp: int = 45
    speaker: str = ""
    place: str = ""
    summary: str = ""


def _attendees(madrasah_id: int, attendees: Iterable[Staff]) -> list[Staff]:
    chosen = list(attendees)
    if not chosen:
        raise ApplicationError(_("Tick at least one attendee."), field="attendees")
    if any(staff.madrasah_id != madrasah_id for staff in chosen):
        raise ApplicationError(_("Attendees must be teachers of this madrasah."), field="attendees")
    return chosen


def _credit(activity: InHouseActivity, teacher_id: int, user: User) -> PkbActivity:
    return PkbActivity(
        madrasah_id=activity.madrasah_id,
        teacher_id=teacher_id,
        in_house=activity,
        status=PkbStatus.VERIFIED,
        verified_by=user,
        verified_at=timezone.now(),
        **{name: getattr(activity, name) for name in CREDIT_FIELDS},
    )


def _notify_credited(activity: InHouseActivity, teacher_ids: Iterable[int]) -> None:
    users = Membership.objects.filter(staff_id__in=list(teacher_ids), is_active=True).values_list("user_id", flat=True)
    params = {"jp": activity.jp, "title": activity.title}
    url = reverse("kompetensi:pkb-mine")
    notify_many(
        madrasah=activity.madrasah,
        notes=[Note(user_id, notices.PKB_CREDITED, params, activity, url) for user_id in users],
    )


@transaction.atomic
def in_house_create(
    *, madrasah: Madrasah, user: User, data: InHouseData, attendees: Iterable[Staff]
) -> InHouseActivity:
    """Record an in-house activity once with its attendance list and credit every attendee one
    VERIFIED PKB entry (unique per activity and teacher), all in one transaction; tells the
    attendees. A retry records it twice."""
    validate_entry(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    chosen = _attendees(madrasah.pk, attendees)
    activity = InHouseActivity.objects.create(madrasah=madrasah, created_by=user, **vars(data))
    activity.attendees.set(chosen)
    PkbActivity.objects.bulk_create([_credit(activity, staff.pk, user) for staff in chosen])
    _notify_credited(activity, [staff.pk for staff in chosen])
    return activity


@transaction.atomic
def in_house_update(*, activity: InHouseActivity, user: User, data: InHouseData, attendees: Iterable[Staff]) -> dict:
    """Change an in-house activity and its attendance list: every credit follows the new data, new
    attendees are credited (and told), removed ones lose their credit. Safe to retry. Returns the
    numbers of credits added and removed."""
    locked(InHouseActivity, activity.pk)
    validate_entry(jp=data.jp, start_date=data.start_date, end_date=data.end_date, minutes_per_jp=data.minutes_per_jp)
    chosen = _attendees(activity.madrasah_id, attendees)
    for name, value in vars(data).items():
        setattr(activity, name, value)
    activity.save()
    wanted = {staff.pk for staff in chosen}
    credited = set(activity.credits.values_list("teacher_id", flat=True))
    removed, _rows = activity.credits.exclude(teacher_id__in=wanted).delete()
    activity.credits.update(**{name: getattr(activity, name) for name in CREDIT_FIELDS})
    added = sorted(wanted - credited)
    PkbActivity.objects.bulk_create([_credit(activity, teacher_id, user) for teacher_id in added])
    activity.attendees.set(chosen)
    _notify_credited(activity, added)
    return {"added": len(added), "removed": removed}
