"""Follow-ups (RTL): planned from a submitted result, progress by the teacher, closed by the supervisor."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import User
from madrasah.notifications import notices_done
from madrasah.workflow import clean_text, holds, is_staff_user, notify, record_event, staff_user_ids

from ...access import FOLLOW_UP_MANAGERS
from ...models import FollowUp, FollowUpKind, FollowUpProgress, FollowUpStatus, Item, Observation, ObservationEvent
from .. import notices as N
from ..rules import REVIEWED_STATES
from .evidence import evidence_store


def may_manage_follow_ups(user: User, observation: Observation) -> bool:
    return observation.supervisor_id == user.pk or holds(user, observation.madrasah_id, *FOLLOW_UP_MANAGERS)


@transaction.atomic
def follow_up_create(
    *,
    observation: Observation,
    user: User,
    kind: str,
    description: str,
    responsible: str,
    deadline: dt.date,
    items: list[int] | QuerySet,
    today: dt.date | None = None,
) -> FollowUp:
    """Plan a follow-up (RTL) on a submitted (or later) observation: the supervisor, the Waka or the
    Kepala. The deadline may not lie in the past; linked items must belong to the observation's
    instrument version. Writes a "follow_up_created" event and notifies the teacher. Not idempotent."""
    if not may_manage_follow_ups(user, observation):
        raise ApplicationError(_("Only the supervisor, the Waka or the Kepala plans follow-ups."))
    state = Observation.objects.values_list("state", flat=True).get(pk=observation.pk)
    if state not in REVIEWED_STATES:
        raise ApplicationError(_("Follow-ups are planned once the result has been submitted."))
    if kind not in FollowUpKind.values:
        raise ApplicationError(_("Choose a kind of follow-up."), field="kind")
    description = clean_text(description, required_message=_("Describe what is to be done."))
    responsible = (responsible or "").strip()
    if not responsible:
        raise ApplicationError(_("Say who is responsible."), field="responsible")
    if len(responsible) > FollowUp._meta.get_field("responsible").max_length:
        raise ApplicationError(_("The name of who is responsible is too long."), field="responsible")
    today = today or timezone.localdate()
    if deadline < today:
        raise ApplicationError(_("The deadline cannot be in the past."), field="deadline")
    item_ids = {getattr(i, "pk", i) for i in items}
    linked = list(Item.objects.filter(pk__in=item_ids, section__version_id=observation.instrument_version_id))
    if len(linked) != len(item_ids):
        raise ApplicationError(_("An item does not belong to this observation's instrument."), field="items")
    follow_up = FollowUp.objects.create(
        madrasah_id=observation.madrasah_id,
        observation=observation,
        teacher_id=observation.teacher_id,
        kind=kind,
        description=description,
        responsible=responsible,
        deadline=deadline,
        created_by=user,
    )
    follow_up.items.set(linked)
    record_event(
        ObservationEvent, observation, actor=user, action="follow_up_created", note=follow_up.get_kind_display()
    )
    notify(
        observation.madrasah,
        staff_user_ids(observation.teacher_id),
        N.FOLLOW_UP_PLANNED,
        follow_up,
        params={"kind": follow_up.kind, "deadline": deadline.isoformat()},
        actor=user,
    )
    return follow_up


@transaction.atomic
def follow_up_progress_record(*, follow_up: FollowUp, user: User, note: str, upload=None) -> FollowUpProgress:
    """The teacher records progress on an open follow-up, with a note and optional evidence.
    Notifies the supervisor (and whoever planned it). Not idempotent: a retry records twice."""
    observation = follow_up.observation
    if not is_staff_user(user, observation.teacher_id):
        raise ApplicationError(_("Only the teacher records progress on their follow-up."))
    if FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).count() == 0:
        raise ApplicationError(_("This follow-up is closed."))
    note = clean_text(note, required_message=_("Write what you have done."))
    evidence = None
    if upload:
        evidence = evidence_store(madrasah_id=follow_up.madrasah_id, upload=upload, user=user, follow_up=follow_up)
    progress = FollowUpProgress.objects.create(follow_up=follow_up, author=user, note=note, evidence=evidence)
    notify(
        observation.madrasah,
        [observation.supervisor_id, follow_up.created_by_id],
        N.FOLLOW_UP_PROGRESS,
        follow_up,
        params={"teacher": follow_up.teacher.full_name, "kind": follow_up.kind},
        actor=user,
    )
    return progress


@transaction.atomic
def follow_up_close(*, follow_up: FollowUp, user: User) -> FollowUp:
    """Close an open follow-up: the supervisor, the Waka or the Kepala. Sets closed_at/closed_by and
    notifies the teacher. A retry is refused (already closed)."""
    if not may_manage_follow_ups(user, follow_up.observation):
        raise ApplicationError(_("Only the supervisor, the Waka or the Kepala closes follow-ups."))
    now = timezone.now()
    closed = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).update(
        status=FollowUpStatus.CLOSED, closed_at=now, closed_by=user
    )
    if not closed:
        raise ApplicationError(_("This follow-up is already closed."))
    follow_up.status, follow_up.closed_at, follow_up.closed_by = FollowUpStatus.CLOSED, now, user
    notices_done(follow_up)  # the plan and its progress reports: the matter is closed
    notify(
        follow_up.observation.madrasah,
        staff_user_ids(follow_up.teacher_id),
        N.FOLLOW_UP_CLOSED,
        follow_up,
        params={"kind": follow_up.kind},
        actor=user,
    )
    return follow_up
