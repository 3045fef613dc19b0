"""Closing and reopening the year's PKG (the Kepala's).

Closing says the year's appraisals are done: every appraisal of the period is approved. The first
close freezes the year's aggregates (`PkgSnapshot`, see `figures`): from then on the Waka, the
meeting mode, documents and quality-cycle measurements read those numbers, whatever happens later.
A reopen lets the Kepala reopen an appraisal or assign a late one; closing again keeps the first
snapshot, so what others see never moves by one teacher and cannot be differenced. While the period
is closed no appraisal of it can be assigned or reopened (`period_is_closed`). Both moves are the
workflow kernel's conditional update on `closed_at` (`madrasah.workflow.claim`): a retry is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from madrasah.errors import ApplicationError
from madrasah.models import Role, User
from madrasah.workflow import claim, holds, locked_state

from ...models import AppraisalPeriod, AppraisalStage, PkgSnapshot, PkgSnapshotBand, PkgSnapshotDomain
from ..selectors.figures import pkg_live_bands, pkg_live_figures


def period_is_closed(period_id: int) -> bool:
    """Read from the database, so that a service inside its transaction sees a close made meanwhile."""
    return AppraisalPeriod.objects.filter(pk=period_id, closed_at__isnull=False).exists()


def refuse_if_closed(period_id: int) -> None:
    if period_is_closed(period_id):
        raise ApplicationError(_("The PKG of this year is closed. The Kepala reopens it first."))


def _snapshot_take(period: AppraisalPeriod, user: User, now: dt.datetime) -> PkgSnapshot:
    # Fewer than MIN_GROUP teachers: no domains, and the snapshot stays hidden for good. A framework
    # with fewer (the guru BK) keeps its domains, hidden on every read.
    figures = pkg_live_figures(madrasah=period.madrasah, academic_year_id=period.academic_year_id)
    snapshot = PkgSnapshot.objects.create(
        period=period, taken_at=now, taken_by=user, teachers=figures.teachers, nilai_total=figures.nilai_total or 0
    )
    PkgSnapshotDomain.objects.bulk_create(
        PkgSnapshotDomain(
            snapshot=snapshot, domain_id=d.domain_id, teachers=d.teachers, score_total=d.score_total, scores=d.scores
        )
        for d in [*figures.domains, *figures.small_domains]
    )
    PkgSnapshotBand.objects.bulk_create(
        PkgSnapshotBand(snapshot=snapshot, label=b.label, teachers=b.teachers, at_or_above=b.at_or_above)
        for b in pkg_live_bands(madrasah=period.madrasah, academic_year_id=period.academic_year_id)
    )
    return snapshot


@transaction.atomic
def appraisal_period_close(*, period: AppraisalPeriod, user: User, now: dt.datetime | None = None) -> AppraisalPeriod:
    """The Kepala closes the year's PKG once every appraisal of the period is approved (at least one).
    Sets `closed_at`/`closed_by`; on the first close also writes the frozen figures (snapshot, its
    domains and predikat bands). Enqueues nothing. A retry after success is refused (already closed);
    a close after a reopen keeps the first snapshot."""
    if not holds(user, period.madrasah_id, Role.KEPALA):
        raise ApplicationError(_("Only the Kepala Madrasah closes the year's PKG."))
    stages = dict(period.appraisals.order_by().values_list("stage").annotate(n=Count("pk")))
    pending = sum(n for stage, n in stages.items() if stage != AppraisalStage.APPROVED)
    if pending:
        raise ApplicationError(
            ngettext(
                "%(count)s appraisal is not approved yet. Approve it (or wait for it) before closing the year's PKG.",
                "%(count)s appraisals are not approved yet. Approve them (or wait for them) before closing the "
                "year's PKG.",
                pending,
            )
            % {"count": pending}
        )
    if not stages.get(AppraisalStage.APPROVED):
        raise ApplicationError(_("No appraisal of this year has been approved yet: there is nothing to close."))
    now = now or timezone.now()
    claim(
        period,
        field="closed_at",
        expected=None,
        stale=_("The PKG of this year is already closed."),
        closed_at=now,
        closed_by=user,
    )
    if not PkgSnapshot.objects.filter(period=period).exists():
        _snapshot_take(period, user, now)
    return period


@transaction.atomic
def appraisal_period_reopen(*, period: AppraisalPeriod, user: User) -> AppraisalPeriod:
    """The Kepala reopens the year's PKG: appraisals can be reopened and late ones assigned again. The
    frozen figures stay exactly as they are. Clears `closed_at`/`closed_by`. A retry after success is
    refused (not closed)."""
    if not holds(user, period.madrasah_id, Role.KEPALA):
        raise ApplicationError(_("Only the Kepala Madrasah reopens the year's PKG."))
    not_closed = _("The PKG of this year is not closed.")
    closed_at = locked_state(AppraisalPeriod, period.pk, field="closed_at")
    if closed_at is None:
        raise ApplicationError(not_closed)
    claim(period, field="closed_at", expected=closed_at, stale=not_closed, closed_at=None, closed_by=None)
    return period
