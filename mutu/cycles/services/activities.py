"""Do of a quality cycle: its activities (within the cycle's period, cost ≥ 0 Rupiah, a funding
source) and the progress logged on them with evidence, pointing at a coaching session, an
appreciation note or a published good practice of the same madrasah (docs/domain.md §11).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kompetensi.models import AppreciationNote, FollowUp, FollowUpKind
from madrasah.errors import ApplicationError
from madrasah.formatting import rupiah
from madrasah.models import User
from madrasah.workflow import clean_text, record_event

from ...models import (
    Activity,
    ActivityProgress,
    ActivityStatus,
    Cycle,
    CycleEvent,
    FundingSource,
    GoodPractice,
    GoodPracticeStatus,
    Stage,
)
from ...money.rules import MAX_RUPIAH
from .. import rules
from ..rules import TWO_PLACES
from .common import checked_upload, date_text, lock_open_cycle, save_with_file


@dataclass(frozen=True)
class ActivityData:
    what: str
    who: str
    start_date: dt.date | None
    end_date: dt.date | None
    funding_source: str
    planned_cost: Decimal | None = Decimal(0)
    spent: Decimal | None = Decimal(0)
    rkam_activity: str = ""
    status: str = ActivityStatus.PLANNED


def _money(value, *, field: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    amount = Decimal(value)
    if amount < 0:
        raise ApplicationError(_("An amount cannot be negative."), field=field)
    if amount > MAX_RUPIAH:
        raise ApplicationError(_("This amount is too large."), field=field)
    return amount.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _validated_activity(cycle: Cycle, data: ActivityData) -> dict:
    what = clean_text(data.what, field="what", required_message=_("Write what the activity is."), max_length=200)
    who = clean_text(data.who, field="who", required_message=_("Write who carries it out."), max_length=200)
    start, end = rules.period_bounds(academic_year=cycle.academic_year, semester=cycle.semester)
    outside = _("The activity must take place within the cycle's period (%(start)s – %(end)s).") % {
        "start": date_text(start),
        "end": date_text(end),
    }
    if data.start_date is None:
        raise ApplicationError(_("Enter the start date."), field="start_date")
    if data.end_date is None:
        raise ApplicationError(_("Enter the end date."), field="end_date")
    if not start <= data.start_date <= end:
        raise ApplicationError(outside, field="start_date")
    if not start <= data.end_date <= end:
        raise ApplicationError(outside, field="end_date")
    if data.end_date < data.start_date:
        raise ApplicationError(_("The end date is before the start date."), field="end_date")
    planned_cost = _money(data.planned_cost, field="planned_cost")
    spent = _money(data.spent, field="spent")
    if data.funding_source not in FundingSource.values:
        raise ApplicationError(_("Choose the funding source."), field="funding_source")
    if data.status not in ActivityStatus.values:
        raise ApplicationError(_("Choose the status."), field="status")
    return {
        "what": what,
        "who": who,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "planned_cost": planned_cost,
        "spent": spent,
        "rkam_activity": clean_text(data.rkam_activity, field="rkam_activity", max_length=200),
        "funding_source": data.funding_source,
        "status": data.status,
    }


def _activity_display(activity: Activity) -> dict[str, str]:
    return {
        "what": activity.what,
        "who": activity.who,
        "start_date": date_text(activity.start_date),
        "end_date": date_text(activity.end_date),
        "planned_cost": rupiah(activity.planned_cost),
        "spent": rupiah(activity.spent),
        "rkam_activity": activity.rkam_activity,
        "funding_source": activity.get_funding_source_display(),
        "status": activity.get_status_display(),
    }


@transaction.atomic
def activity_create(*, cycle: Cycle, user: User, data: ActivityData) -> Activity:
    """Add an activity to a cycle that is not closed. Writes the activity and an event."""
    lock_open_cycle(cycle)
    activity = Activity.objects.create(cycle=cycle, **_validated_activity(cycle, data))
    record_event(CycleEvent, cycle, actor=user, action="activity_added", note=activity.what)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, user: User, data: ActivityData) -> Activity:
    """Change an activity of a cycle that is not closed; the event lists each change."""
    cycle = lock_open_cycle(activity.cycle)
    values = _validated_activity(cycle, data)
    before = _activity_display(activity)
    for name, value in values.items():
        setattr(activity, name, value)
    after = _activity_display(activity)
    activity.save()
    changes = [
        {"what": f"activity.{name}", "from": before[name], "to": after[name]}
        for name in before
        if before[name] != after[name]
    ]
    if changes:
        record_event(CycleEvent, cycle, actor=user, action="activity_changed", changes=changes, note=activity.what)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, user: User) -> None:
    """Delete an activity of a cycle that is not closed and has no progress logged (its evidence
    stays: mark it cancelled instead)."""
    cycle = lock_open_cycle(activity.cycle)
    if activity.progress.exists():
        raise ApplicationError(
            _("Progress has been logged on this activity: mark it cancelled instead of deleting it.")
        )
    what = activity.what
    activity.delete()
    record_event(CycleEvent, cycle, actor=user, action="activity_deleted", note=what)


@dataclass(frozen=True)
class ProgressData:
    note: str
    upload: object | None = None
    coaching_id: int | None = None
    appreciation_id: int | None = None
    good_practice_id: int | None = None
    status: str = ""


@transaction.atomic
def activity_progress_record(*, activity: Activity, user: User, data: ProgressData) -> ActivityProgress:
    """Log progress on an activity (from Do on, until closed): a note, optional evidence judged by
    its content, and optionally a coaching follow-up, an appreciation note or a PUBLISHED good
    practice of the same madrasah; optionally the activity's new status. Writes the entry (and its
    file) and an event; nothing on a refusal. A retry logs it twice."""
    cycle = lock_open_cycle(activity.cycle)
    if cycle.stage == Stage.PLAN:
        raise ApplicationError(_("Progress is logged once the cycle is in Do."))
    note = clean_text(data.note, field="note", required_message=_("Write what has been done."))
    madrasah_id = cycle.madrasah_id
    coaching = appreciation = good_practice = None
    if data.coaching_id:
        coaching = FollowUp.objects.filter(
            pk=data.coaching_id, madrasah_id=madrasah_id, kind=FollowUpKind.COACHING
        ).first()
        if coaching is None:
            raise ApplicationError(_("Choose a coaching session of this madrasah."), field="coaching")
    if data.appreciation_id:
        appreciation = AppreciationNote.objects.filter(pk=data.appreciation_id, madrasah_id=madrasah_id).first()
        if appreciation is None:
            raise ApplicationError(_("Choose an appreciation note of this madrasah."), field="appreciation")
    if data.good_practice_id:
        good_practice = GoodPractice.objects.filter(
            pk=data.good_practice_id, madrasah_id=madrasah_id, status=GoodPracticeStatus.PUBLISHED
        ).first()
        if good_practice is None:
            raise ApplicationError(_("Choose a published good practice of this madrasah."), field="good_practice")
    if data.status and data.status not in ActivityStatus.values:
        raise ApplicationError(_("Choose the status."), field="status")
    extension = checked_upload(data.upload, field="evidence") if data.upload else None
    entry = ActivityProgress(
        activity=activity,
        author=user,
        note=note,
        coaching=coaching,
        appreciation=appreciation,
        good_practice=good_practice,
    )
    save_with_file(entry, "evidence", data.upload, extension)
    changes = []
    if data.status and data.status != activity.status:
        before = activity.get_status_display()
        activity.status = data.status
        activity.save(update_fields=["status"])
        changes.append({"what": "activity.status", "from": before, "to": activity.get_status_display()})
    record_event(CycleEvent, cycle, actor=user, action="progress_logged", changes=changes, note=activity.what)
    return entry
