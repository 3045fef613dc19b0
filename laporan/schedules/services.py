"""Writes of the scheduled reports: the Kepala saves the madrasah's schedule; the daily dispatcher
asks for what it makes due (the rules are in `rules`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Membership, User

from ..documents.rules import document_kind
from ..documents.services.reports import report_enqueue
from ..models import ReportDispatch, ReportSchedule
from .rules import DIGEST_DAYS, SCHEDULE_WRITERS
from .selectors import schedules_due

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduleData:
    digest: bool
    digest_day: int
    semester_recap: bool
    bundle: bool


def report_schedule_save(*, membership: Membership, data: ScheduleData, user: User) -> ReportSchedule:
    """Save the madrasah's schedule (one row; created on the first save). The Kepala only; a digest
    day outside 1–28 → ApplicationError at `digest_day`. Safe to repeat."""
    if not membership.has_role(*SCHEDULE_WRITERS):
        raise ApplicationError(_("Only the Kepala Madrasah changes the report schedule."))
    if data.digest_day not in DIGEST_DAYS:
        raise ApplicationError(
            _("Choose a day from 1 to 28: not every month has a 29th, 30th or 31st."), field="digest_day"
        )
    schedule, _created = ReportSchedule.objects.update_or_create(
        madrasah=membership.madrasah,
        defaults={
            "digest": data.digest,
            "digest_day": data.digest_day,
            "semester_recap": data.semester_recap,
            "bundle": data.bundle,
            "updated_by": user,
        },
    )
    return schedule


def reports_dispatch(*, today: dt.date | None = None) -> list[ReportDispatch]:
    """Ask for every document the madrasah's schedules make due today (and, caught up, in the days
    before when the dispatcher did not run: `rules`). Returns the dispatches made.

    Each document goes through `report_enqueue`, the path of "Buat laporan" (so it joins a build
    already under way), marked scheduled: the Kepala is told when it is ready. Its `ReportDispatch`
    row is written in the same transaction, under a unique constraint per (madrasah, kind, period):
    a second run on the same day — or two at once — asks for nothing again. Builds are enqueued
    after each commit. A key that cannot be asked for (its period was deleted meanwhile) is logged
    and tried again on the next run."""
    today = today or timezone.localdate()
    made = []
    for madrasah, due in schedules_due(today=today):
        kind = document_kind(due.kind)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                dispatch, created = ReportDispatch.objects.get_or_create(
                    madrasah=madrasah, kind=due.kind, period=due.period, defaults={"due_on": due.due_on}
                )
                if not created:
                    continue
                report, _joined = report_enqueue(madrasah=madrasah, kind=kind, period_key=due.period, scheduled=True)
                dispatch.report = report
                dispatch.save(update_fields=["report"])
        except ApplicationError as error:
            logger.warning("schedule of madrasah %s: %s %s not asked for: %s", madrasah.pk, due.kind, due.period, error)
            continue
        made.append(dispatch)
    return made
