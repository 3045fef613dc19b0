"""Reads of a yearly bundle built in parts (`BundlePart`; services.bundles writes them): one part for
its "coba lagi", and each bundle's progress for the archive."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from madrasah.models import Membership

from ...models import BundlePart, ReportStatus
from ..rules import document_kind
from . import report_for_user


def bundle_part_for_user(membership: Membership, pk: int) -> BundlePart:
    """A part of a bundle the member may read (the access of its report: another madrasah's → 404)."""
    part = get_object_or_404(BundlePart, pk=pk, report__madrasah_id=membership.madrasah_id)
    part.report = report_for_user(membership, part.report_id)
    return part


@dataclass
class BundleProgress:
    """A bundle being built in parts: how many are done of how many, and which failed."""

    done: int
    total: int
    failed: list[BundlePart]


def bundle_progress(*, report_ids: list[int]) -> dict[int, BundleProgress]:
    """Per report with parts (`services.bundles`), its progress (two queries at most)."""
    counts = (
        BundlePart.objects.filter(report_id__in=report_ids)
        .values("report_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(status=ReportStatus.DONE)))
        .order_by()
    )
    progress = {row["report_id"]: BundleProgress(done=row["done"], total=row["total"], failed=[]) for row in counts}
    if progress:
        failed = BundlePart.objects.filter(report_id__in=list(progress), status=ReportStatus.FAILED)
        for part in failed.select_related("teacher").order_by("report_id", "position"):
            kind = document_kind(part.kind)
            part.kind_label = kind.label if kind else part.kind
            progress[part.report_id].failed.append(part)
    return progress


# The archive's status filter (`?status=`): built documents, those on their way, failed builds.
