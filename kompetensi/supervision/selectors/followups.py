"""Reads of follow-ups (RTL): a madrasah's list for the Waka and the Kepala, a teacher's own, each
marked overdue when open past its deadline."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from madrasah.models import Madrasah, Membership

from ...models import FollowUp, FollowUpStatus
from ..rules import S


def follow_ups_with_overdue(queryset: QuerySet[FollowUp], *, today: dt.date | None = None) -> QuerySet[FollowUp]:
    """Annotate `is_overdue`: open and the deadline before today."""
    today = today or timezone.localdate()
    return queryset.annotate(
        is_overdue=Case(
            When(status=FollowUpStatus.OPEN, deadline__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).select_related("teacher", "observation__instrument_version__instrument")


FOLLOW_UP_FILTERS = ("open", "overdue", "closed", "all")


def follow_up_list(*, madrasah: Madrasah, status: str = "open", today: dt.date | None = None) -> QuerySet[FollowUp]:
    """Follow-ups of a madrasah for the Waka/Kepala: open, overdue, closed or all."""
    today = today or timezone.localdate()
    qs = FollowUp.objects.filter(madrasah=madrasah)
    if status == "open":
        qs = qs.filter(status=FollowUpStatus.OPEN)
    elif status == "overdue":
        qs = qs.filter(status=FollowUpStatus.OPEN, deadline__lt=today)
    elif status == "closed":
        qs = qs.filter(status=FollowUpStatus.CLOSED)
    return follow_ups_with_overdue(qs, today=today).order_by("deadline", "pk")


def follow_ups_of_teacher(*, membership: Membership, today: dt.date | None = None) -> QuerySet[FollowUp]:
    """A teacher's own follow-ups, open first."""
    qs = FollowUp.objects.filter(madrasah_id=membership.madrasah_id, teacher_id=membership.staff_id)
    qs = qs.exclude(observation__state=S.DRAFT) if membership.staff_id else qs.none()
    return follow_ups_with_overdue(qs, today=today).order_by("-status", "deadline", "pk")
