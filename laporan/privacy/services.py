"""Retention of files (UU PDP art. 43-44: personal data is deleted once its retention period ends).

Each madrasah keeps uploaded evidence and built documents for the months of its `RetentionSetting`
(defaults in laporan.models; the Kepala edits them). `files_purge` runs daily (beat, task
`purge_expired_files`): for every file older than that, it empties the row's file field and records a
`PurgedFile` in one transaction, then deletes the file from storage. Rows are never deleted: an
observation, an appraisal or a document keeps its history, and the pages show that its file was
"dihapus menurut retensi".

Marking before deleting makes the purge safe against a rebuild of the same document (the conditional
update loses, nothing is deleted) and never leaves a row pointing at a deleted file. A crash between
the commit and the deletion leaves a file nobody references; the next run deletes the files of recent
`PurgedFile` rows again (a missing file is fine), so running it twice, late or after a crash is safe.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensi.models import AppraisalEvidence, Evidence, PkbActivity
from madrasah.errors import ApplicationError
from madrasah.models import Madrasah, Membership
from mutu.models import ActivityProgress, Measurement

from ..models import (
    RETENTION_MAX_MONTHS,
    RETENTION_MIN_MONTHS,
    PurgedFile,
    Report,
    ReportRevision,
    ReportStatus,
    RetentionSetting,
)
from .rules import RETENTION_WRITERS, months_before

logger = logging.getLogger(__name__)

# How far back a run deletes again the files of earlier purges (a crash after the commit).
REDELETE_DAYS = 7


@dataclass(frozen=True)
class UploadSource:
    """A model holding uploaded files: where its madrasah, date and display name are."""

    code: str
    model: type[Model]
    field: str
    label: str
    dated: str
    madrasah: str


UPLOAD_SOURCES = (
    UploadSource("kompetensi.evidence", Evidence, "file", "original_name", "created_at", "madrasah_id"),
    UploadSource(
        "kompetensi.appraisalevidence",
        AppraisalEvidence,
        "file",
        "original_name",
        "created_at",
        "appraisal__madrasah_id",
    ),
    # A replaced certificate changes `updated_at`: the newest upload counts from its own day.
    UploadSource("kompetensi.pkbactivity", PkbActivity, "evidence", "evidence_name", "updated_at", "madrasah_id"),
    UploadSource("mutu.measurement", Measurement, "evidence", "evidence_name", "measured_at", "cycle__madrasah_id"),
    UploadSource(
        "mutu.activityprogress",
        ActivityProgress,
        "evidence",
        "evidence_name",
        "created_at",
        "activity__cycle__madrasah_id",
    ),
)
REPORT_SOURCE = "laporan.report"


# --- the setting ---------------------------------------------------------------------------------


def _months(value, field: str) -> int:
    try:
        months = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("Enter a whole number of months."), field=field) from None
    if not RETENTION_MIN_MONTHS <= months <= RETENTION_MAX_MONTHS:
        raise ApplicationError(
            _("Choose between %(min)s and %(max)s months.")
            % {"min": RETENTION_MIN_MONTHS, "max": RETENTION_MAX_MONTHS},
            field=field,
        )
    return months


def retention_setting_save(*, membership: Membership, evidence_months, document_months) -> RetentionSetting:
    """The Kepala sets how many months (12-240) the madrasah keeps uploads and built documents.
    Validated before writing; one row per madrasah (update or create). Safe to retry."""
    if not membership.has_role(*RETENTION_WRITERS):
        raise ApplicationError(_("Only the Kepala changes the retention setting."))
    values = {
        "evidence_months": _months(evidence_months, "evidence_months"),
        "document_months": _months(document_months, "document_months"),
        "updated_by_id": membership.user_id,
    }
    setting, _created = RetentionSetting.objects.update_or_create(madrasah_id=membership.madrasah_id, defaults=values)
    return setting


# --- the purge -----------------------------------------------------------------------------------


def _purge_uploads(source: UploadSource, *, madrasah_id: int, cutoff: dt.datetime, now: dt.datetime) -> list[str]:
    expired = (
        source.model.objects.filter(**{source.madrasah: madrasah_id, f"{source.dated}__lt": cutoff})
        .exclude(**{source.field: ""})
        .values_list("pk", source.field, source.label, source.dated)
    )
    deleted = []
    for pk, name, label, dated in list(expired):
        with transaction.atomic():
            # Conditional: a file replaced meanwhile is not this one and stays.
            if not source.model.objects.filter(pk=pk, **{source.field: name}).update(**{source.field: ""}):
                continue
            PurgedFile.objects.get_or_create(
                source=source.code,
                stored_name=name,
                defaults={
                    "madrasah_id": madrasah_id,
                    "object_id": pk,
                    "label": label,
                    "dated": dated,
                    "purged_at": now,
                },
            )
        deleted.append(name)
    return deleted


def _purge_reports(*, madrasah_id: int, cutoff: dt.datetime, now: dt.datetime) -> list[str]:
    expired = (
        Report.objects.filter(madrasah_id=madrasah_id, status=ReportStatus.DONE, finished_at__lt=cutoff)
        .exclude(file="", spreadsheet="")
        .values_list("pk", "file", "spreadsheet", "kind", "period", "finished_at")
    )
    deleted = []
    for pk, file_name, sheet_name, kind, period, finished_at in list(expired):
        with transaction.atomic():
            # A rebuild claimed meanwhile changed the status or the finish time: leave it alone.
            marked = Report.objects.filter(pk=pk, status=ReportStatus.DONE, finished_at=finished_at).update(
                file="", spreadsheet="", size=0, purged_at=now
            )
            if not marked:
                continue
            names = [n for n in (file_name, sheet_name) if n]
            # Every revision's file and signed copy goes with it (a revision's file may be the row's).
            revisions = ReportRevision.objects.filter(report_id=pk)
            for built, signed in revisions.values_list("file", "signed_copy"):
                names += [n for n in (built, signed) if n and n not in names]
            revisions.update(file="", signed_copy="")
            for name in names:
                PurgedFile.objects.get_or_create(
                    source=REPORT_SOURCE,
                    stored_name=name,
                    defaults={
                        "madrasah_id": madrasah_id,
                        "object_id": pk,
                        "label": f"{kind} {period}",
                        "dated": finished_at,
                        "purged_at": now,
                    },
                )
        deleted.extend(names)
    return deleted


def _delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)  # a file already missing is not an error
        except OSError:
            logger.warning("retention: could not delete %s; the next run tries again", name, exc_info=True)


def files_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete, for every madrasah, the uploads and built documents older than its retention setting
    (see the module docstring for the order of work). Returns how many files each source lost.
    Idempotent: a second run finds nothing; a file already missing on disk is skipped."""
    now = now or timezone.now()
    settings = {s.madrasah_id: s for s in RetentionSetting.objects.all()}
    counts: dict[str, int] = {}
    # A madrasah taken off the installation keeps every file until it is reactivated (or its data is
    # handed over): deactivating deletes nothing, and no one there could review a purge.
    for madrasah_id in Madrasah.objects.filter(is_active=True).values_list("pk", flat=True):
        setting = settings.get(madrasah_id) or RetentionSetting()
        evidence_cutoff = months_before(now, setting.evidence_months)
        for source in UPLOAD_SOURCES:
            names = _purge_uploads(source, madrasah_id=madrasah_id, cutoff=evidence_cutoff, now=now)
            _delete(names)  # each row's transaction has committed
            counts[source.code] = counts.get(source.code, 0) + len(names)
        names = _purge_reports(madrasah_id=madrasah_id, cutoff=months_before(now, setting.document_months), now=now)
        _delete(names)
        counts[REPORT_SOURCE] = counts.get(REPORT_SOURCE, 0) + len(names)
    # Files of recent purges that a crash left on disk (their names are never used again).
    recent = PurgedFile.objects.filter(purged_at__gte=now - dt.timedelta(days=REDELETE_DAYS), purged_at__lt=now)
    leftovers = [n for n in recent.values_list("stored_name", flat=True) if default_storage.exists(n)]
    _delete(leftovers)
    return counts
