"""Reads for shared good practice. Published write-ups are open to every member of the madrasah;
unpublished ones only to their author, the Waka and the Kepala (the rule of
`mutu.access.good_practice_for_user`, which every page of one write-up goes through)."""

from __future__ import annotations

from django.db.models import QuerySet

from madrasah.models import Madrasah, Staff

from ..models import GoodPractice, GoodPracticeStatus


def good_practice_published(*, madrasah: Madrasah) -> QuerySet[GoodPractice]:
    """What colleagues read, newest publication first."""
    return (
        GoodPractice.objects.filter(madrasah=madrasah, status=GoodPracticeStatus.PUBLISHED)
        .select_related("teacher")
        .order_by("-published_at", "-pk")
    )


def good_practice_unpublished_of_teacher(*, teacher: Staff) -> QuerySet[GoodPractice]:
    """The author's drafts and write-ups waiting for the Kepala."""
    return (
        GoodPractice.objects.filter(teacher=teacher)
        .exclude(status=GoodPracticeStatus.PUBLISHED)
        .select_related("teacher")
        .order_by("-updated_at", "-pk")
    )


def good_practice_waiting(*, madrasah: Madrasah) -> QuerySet[GoodPractice]:
    """Submitted write-ups waiting for the Kepala, oldest first (first come, first read)."""
    return (
        GoodPractice.objects.filter(madrasah=madrasah, status=GoodPracticeStatus.SUBMITTED)
        .select_related("teacher")
        .order_by("updated_at", "pk")
    )
