"""One way in per Mutu object (the rule in madrasah.access): another madrasah's object → 404,
an object of your madrasah your role may not act on → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from madrasah.models import Membership, Role

from .models import Activity, ActivityProgress, BusinessActivity, Cycle, GoodPractice, GoodPracticeStatus, Measurement

# The Kepala owns quality cycles and may delegate to the Waka; the pengawas reads; a teacher who
# sits on a cycle's team (TPMM) reads that cycle.
CYCLE_EDITORS = (Role.KEPALA, Role.WAKA)
CYCLE_READERS = (Role.KEPALA, Role.WAKA, Role.PENGAWAS)
# Going back a stage undoes a gate: the Kepala's alone.
CYCLE_REOPENERS = (Role.KEPALA,)
# Money: the funding view and the entrepreneurship log (PMA 58/2017: the Kepala's duty; the
# operator keeps the books with them).
FUNDING_READERS = (Role.KEPALA, Role.WAKA, Role.PENGAWAS)
BUSINESS_WRITERS = (Role.KEPALA, Role.OPERATOR)
BUSINESS_READERS = (Role.KEPALA, Role.WAKA, Role.OPERATOR, Role.PENGAWAS)
GOOD_PRACTICE_PUBLISHERS = (Role.KEPALA,)
GOOD_PRACTICE_REVIEWERS = (Role.KEPALA, Role.WAKA)


def can_read_cycles(membership: Membership) -> bool:
    return membership.has_role(*CYCLE_READERS)


def cycle_for_user(membership: Membership, pk: int, *, write: bool = False, reopen: bool = False) -> Cycle:
    """A cycle of the member's madrasah. Readers: Kepala, Waka, pengawas and the cycle's team;
    `write` (plan, log, measure, decide, move stages): Kepala and Waka; `reopen` (back a stage): the
    Kepala."""
    cycle = get_object_or_404(
        Cycle.objects.select_related(
            "madrasah", "owner", "academic_year", "semester", "instrument", "competency", "previous"
        ),
        pk=pk,
        madrasah_id=membership.madrasah_id,
    )
    if reopen:
        if not membership.has_role(*CYCLE_REOPENERS):
            raise PermissionDenied
        return cycle
    if write:
        if not membership.has_role(*CYCLE_EDITORS):
            raise PermissionDenied
        return cycle
    if membership.has_role(*CYCLE_READERS):
        return cycle
    if membership.staff_id and cycle.team.filter(pk=membership.staff_id).exists():
        return cycle
    raise PermissionDenied


def activity_for_user(membership: Membership, pk: int, *, write: bool = False) -> Activity:
    """An activity through its cycle's rule."""
    activity = get_object_or_404(
        Activity.objects.select_related("cycle"), pk=pk, cycle__madrasah_id=membership.madrasah_id
    )
    cycle_for_user(membership, activity.cycle_id, write=write)
    return activity


def progress_for_user(membership: Membership, pk: int) -> ActivityProgress:
    """A progress entry (and its evidence) through its cycle's read rule."""
    entry = get_object_or_404(
        ActivityProgress.objects.select_related("activity"), pk=pk, activity__cycle__madrasah_id=membership.madrasah_id
    )
    cycle_for_user(membership, entry.activity.cycle_id)
    return entry


def measurement_for_user(membership: Membership, pk: int) -> Measurement:
    """A measurement (and its evidence) through its cycle's read rule."""
    measurement = get_object_or_404(Measurement, pk=pk, cycle__madrasah_id=membership.madrasah_id)
    cycle_for_user(membership, measurement.cycle_id)
    return measurement


def business_activity_for_user(membership: Membership, pk: int, *, write: bool = False) -> BusinessActivity:
    entry = get_object_or_404(BusinessActivity, pk=pk, madrasah_id=membership.madrasah_id)
    if not membership.has_role(*(BUSINESS_WRITERS if write else BUSINESS_READERS)):
        raise PermissionDenied
    return entry


def good_practice_for_user(membership: Membership, pk: int, *, action: str = "read") -> GoodPractice:
    """Published write-ups are open to every member of the madrasah; before that only the author,
    the Waka and the Kepala see one (another teacher's draft → 404). `action`: "read", "edit" (the
    author, until published), "publish" (the Kepala)."""
    practice = get_object_or_404(
        GoodPractice.objects.select_related("teacher"), pk=pk, madrasah_id=membership.madrasah_id
    )
    is_author = membership.staff_id is not None and membership.staff_id == practice.teacher_id
    published = practice.status == GoodPracticeStatus.PUBLISHED
    if not (published or is_author or membership.has_role(*GOOD_PRACTICE_REVIEWERS)):
        raise Http404
    if action == "edit" and not is_author:
        raise PermissionDenied
    if action == "publish" and not membership.has_role(*GOOD_PRACTICE_PUBLISHERS):
        raise PermissionDenied
    return practice
