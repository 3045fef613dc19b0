"""What the role homes read, besides the dashboard (`laporan.dashboard.selectors`): the leadership's
first steps and "Perlu tindakan", the few things waiting for the person at the top of every home."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from kompetensi.models import (
    Appraisal,
    AppraisalStage,
    FollowUp,
    FollowUpStatus,
    Observation,
    ObservationState,
    PkbActivity,
    PkbStatus,
    Programme,
    ProgrammeRow,
    ProgrammeStatus,
)
from madrasah.models import Madrasah, Membership, Notification, Role
from madrasah.selectors import accounts_never_logged_in, locked_usernames
from mutu.cycles.selectors import cycles_due

from ..documents.services.notices import READY_KINDS
from .rules import TodoItem, todo_items


def active_teacher_count(*, madrasah: Madrasah) -> int:
    return madrasah.staff.teachers().active().count()


def leadership_roles_held(*, madrasah: Madrasah) -> set[str]:
    """Which of the Waka Kurikulum and the pengawas the madrasah has among its active members: the
    Kepala's first steps are offered until both are named."""
    return set(
        Membership.objects.filter(madrasah=madrasah, is_active=True, roles__role__in=[Role.WAKA, Role.PENGAWAS])
        .values_list("roles__role", flat=True)
        .distinct()
    )


# --- "Perlu tindakan": what waits for the person ---------------------------------------------------------
#
# One aggregate query per kind of record, whatever the number of records: the counts are conditional
# COUNTs over one filtered table, and a count of one links straight to its record (its pk comes with
# the count as MIN(pk)). Which aggregates run depends on the roles held, never on the data.


def _one_or(count: int, pk: int | None, single: str, many: str) -> str:
    """The record's page when there is exactly one, else the list where they all are."""
    return reverse(single, args=[pk]) if count == 1 and pk else reverse(many)


def _day_bounds(now: dt.datetime) -> tuple[dt.date, dt.datetime, dt.datetime, dt.datetime]:
    """Today in the madrasah's time zone, and the starts of today, tomorrow and next Monday."""
    today = timezone.localdate(now)

    def start(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    next_monday = today + dt.timedelta(days=7 - today.weekday())
    return today, start(today), start(today + dt.timedelta(days=1)), start(next_monday)


def _observations(membership: Membership, *, teacher: bool, counts: dict) -> None:
    """The teacher's results to confirm and the supervisor's drafts and clarification requests: one query."""
    staff_id = membership.staff_id if teacher else None
    mine = Q(teacher_id=staff_id) if staff_id else Q(pk__in=[])
    supervising = Q(supervisor_id=membership.user_id)
    confirm = mine & Q(state=ObservationState.SUBMITTED)
    draft = supervising & Q(state=ObservationState.DRAFT)
    clarify = supervising & Q(state=ObservationState.CLARIFICATION)
    found = Observation.objects.filter(mine | supervising, madrasah_id=membership.madrasah_id).aggregate(
        confirm=Count("pk", filter=confirm),
        confirm_pk=Min("pk", filter=confirm),
        draft=Count("pk", filter=draft),
        draft_pk=Min("pk", filter=draft),
        clarify=Count("pk", filter=clarify),
        clarify_pk=Min("pk", filter=clarify),
    )
    mine_url = reverse("madrasah:home-guru")
    counts["results_to_confirm"] = (
        found["confirm"],
        reverse("kompetensi:observation-detail", args=[found["confirm_pk"]]) if found["confirm"] == 1 else mine_url,
    )
    counts["drafts"] = (
        found["draft"],
        _one_or(found["draft"], found["draft_pk"], "kompetensi:observation-edit", "kompetensi:my-supervisions"),
    )
    counts["clarifications"] = (
        found["clarify"],
        _one_or(found["clarify"], found["clarify_pk"], "kompetensi:observation-detail", "kompetensi:my-supervisions"),
    )


def _planned_supervisions(membership: Membership, now: dt.datetime, counts: dict) -> None:
    """Supervisions the person carries out today and later this week that are not done (done: an
    observation of the row went past draft, as on "Supervisi saya"): one query."""
    _today, today_start, tomorrow, next_monday = _day_bounds(now)
    done = Exists(Observation.objects.filter(row=OuterRef("pk")).exclude(state=ObservationState.DRAFT))
    found = (
        ProgrammeRow.objects.filter(
            supervisor_id=membership.user_id,
            programme__madrasah_id=membership.madrasah_id,
            cancelled_at__isnull=True,
            planned_at__gte=today_start,
            planned_at__lt=next_monday,
        )
        .exclude(done)
        .aggregate(
            today=Count("pk", filter=Q(planned_at__lt=tomorrow)), week=Count("pk", filter=Q(planned_at__gte=tomorrow))
        )
    )
    url = reverse("kompetensi:my-supervisions")
    counts["observations_today"] = (found["today"], url)
    counts["observations_week"] = (found["week"], url)


def _follow_ups(membership: Membership, now: dt.datetime, *, teacher: bool, madrasah_wide: bool, counts: dict) -> None:
    """Open follow-ups due within 14 days or overdue: the teacher's own, and the madrasah's overdue
    ones for the Kepala. A closed follow-up, or one of a semester that has ended (a finished matter,
    reported in that semester's recap), waits for nobody: one query."""
    today = timezone.localdate(now)
    open_now = FollowUp.objects.filter(
        madrasah_id=membership.madrasah_id,
        status=FollowUpStatus.OPEN,
        deadline__lte=today + dt.timedelta(days=14),
        observation__row__programme__semester__end_date__gte=today,
    )
    mine = Q(teacher_id=membership.staff_id) if teacher and membership.staff_id else Q(pk__in=[])
    overdue = Q(deadline__lt=today)
    found = open_now.aggregate(
        overdue=Count("pk", filter=mine & overdue),
        overdue_pk=Min("pk", filter=mine & overdue),
        due=Count("pk", filter=mine & ~overdue),
        due_pk=Min("pk", filter=mine & ~overdue),
        all_overdue=Count("pk", filter=overdue),
    )
    counts["follow_ups_overdue"] = (
        found["overdue"],
        _one_or(found["overdue"], found["overdue_pk"], "kompetensi:follow-up-detail", "kompetensi:follow-up-mine"),
    )
    counts["follow_ups_due"] = (
        found["due"],
        _one_or(found["due"], found["due_pk"], "kompetensi:follow-up-detail", "kompetensi:follow-up-mine"),
    )
    if madrasah_wide:
        counts["follow_ups_overdue_all"] = (
            found["all_overdue"],
            reverse("kompetensi:follow-up-list") + "?status=overdue",
        )


def _pkb(membership: Membership, *, teacher: bool, verifier: bool, counts: dict) -> None:
    """The teacher's entries returned with a note; for the verifier, entries waiting (not their own): one query."""
    mine = Q(teacher_id=membership.staff_id) if teacher and membership.staff_id else Q(pk__in=[])
    returned = mine & Q(status=PkbStatus.RETURNED)
    waiting = (Q(status=PkbStatus.SUBMITTED) & ~Q(teacher_id=membership.staff_id or 0)) if verifier else Q(pk__in=[])
    found = PkbActivity.objects.filter(madrasah_id=membership.madrasah_id).aggregate(
        returned=Count("pk", filter=returned),
        returned_pk=Min("pk", filter=returned),
        waiting=Count("pk", filter=waiting),
    )
    counts["pkb_returned"] = (
        found["returned"],
        _one_or(found["returned"], found["returned_pk"], "kompetensi:pkb-detail", "kompetensi:pkb-mine"),
    )
    if verifier:
        counts["pkb_to_verify"] = (found["waiting"], reverse("kompetensi:pkb-queue"))


def _appraisals(membership: Membership, *, teacher: bool, kepala: bool, counts: dict) -> None:
    """PKG appraisals: the teacher's own to sign; the Kepala's to approve (signed, or with a
    clarification request he decides on; never his own); the assessor's to complete or clarify (in
    progress or with a clarification request), e.g. the pengawas with the Kepala's: one query."""
    own = Q(teacher_id=membership.staff_id) if membership.staff_id else Q(pk__in=[])
    to_sign = (own if teacher else Q(pk__in=[])) & Q(stage=AppraisalStage.SUBMITTED)
    to_approve = Q(stage__in=[AppraisalStage.SIGNED, AppraisalStage.CLARIFICATION]) & ~own if kepala else Q(pk__in=[])
    to_complete = Q(
        assessor_id=membership.user_id, stage__in=[AppraisalStage.IN_PROGRESS, AppraisalStage.CLARIFICATION]
    )
    found = Appraisal.objects.filter(madrasah_id=membership.madrasah_id, period__closed_at__isnull=True).aggregate(
        sign=Count("pk", filter=to_sign),
        sign_pk=Min("pk", filter=to_sign),
        approve=Count("pk", filter=to_approve),
        approve_pk=Min("pk", filter=to_approve),
        complete=Count("pk", filter=to_complete),
        complete_pk=Min("pk", filter=to_complete),
    )
    many = "kompetensi:appraisal-period-list"
    counts["appraisal_to_sign"] = (
        found["sign"],
        _one_or(found["sign"], found["sign_pk"], "kompetensi:appraisal-detail", "madrasah:home-guru"),
    )
    counts["appraisals_to_approve"] = (
        found["approve"],
        _one_or(found["approve"], found["approve_pk"], "kompetensi:appraisal-detail", many),
    )
    counts["appraisals_to_complete"] = (
        found["complete"],
        _one_or(found["complete"], found["complete_pk"], "kompetensi:appraisal-detail", many),
    )


def _kepala(membership: Membership, now: dt.datetime, counts: dict) -> None:
    """The programme to approve (a draft with planned supervisions), the documents ready for him
    (his "ready to download" notices not yet dealt with by a download) and the quality cycles whose
    stage is due (`mutu.cycles.selectors.cycles_due`): one query each."""
    drafts = (
        Programme.objects.filter(madrasah_id=membership.madrasah_id, status=ProgrammeStatus.DRAFT)
        .filter(Exists(ProgrammeRow.objects.filter(programme=OuterRef("pk"), cancelled_at__isnull=True)))
        .aggregate(count=Count("pk"), first=Min("pk"))
    )
    counts["programme_to_approve"] = (
        drafts["count"],
        _one_or(drafts["count"], drafts["first"], "kompetensi:programme-detail", "kompetensi:programme-semester"),
    )
    ready = Notification.objects.filter(
        user_id=membership.user_id,
        madrasah_id=membership.madrasah_id,
        kind__in=READY_KINDS,
        done_at__isnull=True,
    ).count()
    counts["documents_ready"] = (ready, reverse("laporan:report-list"))
    due = cycles_due(madrasah_id=membership.madrasah_id, today=timezone.localdate(now)).aggregate(
        count=Count("pk"), first=Min("pk")
    )
    counts["cycles_due"] = (due["count"], _one_or(due["count"], due["first"], "mutu:cycle-detail", "mutu:cycle-list"))


def _operator(membership: Membership, counts: dict) -> None:
    madrasah = membership.madrasah
    counts["accounts_unused"] = (accounts_never_logged_in(madrasah=madrasah), reverse("madrasah:slips-print"))
    counts["lockouts"] = (len(locked_usernames(madrasah=madrasah)), reverse("madrasah:lockout-list"))


SUPERVISORS = (Role.KEPALA, Role.WAKA, Role.GURU, Role.PENGAWAS)


def todo_for(*, membership: Membership, now: dt.datetime | None = None) -> list[TodoItem]:
    """What waits for the member ("Perlu tindakan"), as lines with exact counts and a link each.
    The queries depend on the roles held only: a teacher 5, the Waka 5, the Kepala 8, the operator 2,
    the pengawas 3."""
    now = now or timezone.now()
    counts: dict[str, tuple[int, str]] = {}
    teacher = membership.has_role(Role.GURU) and membership.staff_id is not None
    kepala = membership.has_role(Role.KEPALA)
    if membership.has_role(*SUPERVISORS):
        _observations(membership, teacher=teacher, counts=counts)
        _planned_supervisions(membership, now, counts)
        _appraisals(membership, teacher=teacher, kepala=kepala, counts=counts)
    if teacher or kepala:
        _follow_ups(membership, now, teacher=teacher, madrasah_wide=kepala, counts=counts)
    if teacher or membership.has_role(Role.WAKA):
        _pkb(membership, teacher=teacher, verifier=membership.has_role(Role.WAKA), counts=counts)
    if kepala:
        _kepala(membership, now, counts)
    if membership.has_role(Role.OPERATOR):
        _operator(membership, counts)
    return todo_items(counts)
