"""Reads of the revisions of a document as issued (`ReportRevision`), their signed copies and the
amending decrees (services.revisions and services.decrees write them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from madrasah.models import Membership, Role

from ...models import Report, ReportRevision
from ..rules import amendment_phrase
from . import report_for_user

DECREE_NUMBER = re.compile(r"\d+ Tahun \d{4}")
# Who stores the signed copy next to a revision: the Kepala who signed it, or the operator who scans it.
SIGNED_COPY_UPLOADERS = (Role.KEPALA, Role.OPERATOR)


def report_revision_for_user(membership: Membership, pk: int, revision: int, *, sign: bool = False) -> ReportRevision:
    """One revision of a report: read by whoever reads the report (`report_for_user`); its signed copy
    is uploaded (`sign=True`) by the Kepala, or by the operator who scans the paper (403 otherwise)."""
    if sign and not membership.has_role(*SIGNED_COPY_UPLOADERS):
        get_object_or_404(Report, pk=pk, madrasah_id=membership.madrasah_id)
        raise PermissionDenied
    report = report_for_user(membership, pk) if not sign else report_of_madrasah(membership, pk)
    return get_object_or_404(ReportRevision.objects.select_related("report"), report=report, revision=revision)


def report_of_madrasah(membership: Membership, pk: int) -> Report:
    """The operator uploads the scan of any document of their madrasah without reading it; another
    teacher's record stays hidden from a teacher (404) as everywhere."""
    if membership.has_role(Role.OPERATOR) and not membership.has_role(Role.KEPALA):
        return get_object_or_404(Report, pk=pk, madrasah_id=membership.madrasah_id)
    return report_for_user(membership, pk)


def report_revisions(*, report: Report) -> list[ReportRevision]:
    """Every revision of `report`, newest first (one query)."""
    return list(ReportRevision.objects.filter(report=report).select_related("signed_by").order_by("-revision"))


@dataclass
class RevisionSummary:
    count: int = 0
    signed: ReportRevision | None = None  # the newest revision that has its signed copy


def revision_summaries(*, report_ids: list[int]) -> dict[int, RevisionSummary]:
    """For the archive: per report, how many revisions it has and its newest signed one (one query)."""
    summaries: dict[int, RevisionSummary] = {}
    for revision in ReportRevision.objects.filter(report_id__in=report_ids).order_by("report_id", "-revision"):
        summary = summaries.setdefault(revision.report_id, RevisionSummary())
        summary.count += 1
        if summary.signed is None and revision.signed_copy:
            summary.signed = revision
    return summaries


def amendment_context(*, report: Report) -> dict:
    """For an amending decree: which decree it changes and the how-manieth change it is (one query)."""
    if not report.amends_id:
        return {}
    ordinal = Report.objects.filter(amends_id=report.amends_id, pk__lte=report.pk).count() if report.pk else 1
    return {
        "amendment": {
            "phrase": amendment_phrase(max(ordinal, 1)),
            "number": report.amended_number,
            "date": report.amended_on,
            # "NOMOR 12 TAHUN 2026" in capitals; an agenda number keeps its case (Mts.13.28.03).
            "heading_number": report.number.upper() if DECREE_NUMBER.fullmatch(report.number) else report.number,
        }
    }
