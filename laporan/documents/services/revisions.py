"""Issued means fixed: every build of a document is kept as a revision, and the signed copy sits next
to the revision it signs (docs/domain.md, "Issued documents and revisions").

- The first build is Revisi 0: the document as first issued, with its number and date. Building the
  report again makes Revisi 1, 2, … with its own date and the same number; the printed document says
  "Revisi n, <date>" under its number. Every revision's file is written once under its own name and
  never replaced; its SHA-256 is computed from the bytes stored, so a printed copy can be matched
  with the archive.
- The row's `Report.file` is the newest revision's file (the download, the bundle and the retention
  rule keep reading it).
- A kind that assembles its own file (the yearly bundle, a zip of other documents) is a container,
  not a record: it is replaced in place and has no revisions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path, PurePosixPath

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah import private_files
from madrasah.errors import ApplicationError
from madrasah.files import evidence_check
from madrasah.models import User

from ...models import Report, ReportRevision
from ..rules import DocumentKind


def write_swapped(name: str, content: bytes) -> Path:
    """Write `content` to storage name `name`: first to `<name>.part` in the same folder, then
    `os.replace` (atomic on one file system), so a reader sees the old file or the new one, never
    half of one. The temporary name is fixed per file, so a retried build overwrites a leftover.
    Owner-only like every upload (madrasah.private_files): a report holds teachers' scores."""
    path = Path(default_storage.path(name))
    private_files.private_dir(path.parent)
    temporary = path.with_name(path.name + ".part")
    try:
        with private_files.open_private(temporary) as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


# A scan of a few signed pages at 300 dpi; larger than evidence photos (5 MB), still one e-mail.
SIGNED_COPY_MAX_BYTES = 10 * 1024 * 1024


def keeps_revisions(kind: DocumentKind | None) -> bool:
    return kind is not None and kind.assemble is None


def revision_next(*, report: Report) -> tuple[int, dt.date]:
    """(the revision the next build of `report` makes, its date: today in the madrasah's time zone).
    A row never saved (the bundle renders some documents without one) is always Revisi 0."""
    today = timezone.localdate()
    if report.pk is None:
        return 0, today
    last = ReportRevision.objects.filter(report_id=report.pk).aggregate(last=Max("revision"))["last"]
    return (0 if last is None else last + 1), today


def revision_file_name(*, base: str, revision: int) -> str:
    """The storage name of one revision's file: the row's first name for Revisi 0, `<stem>-r<n><ext>`
    beside it for Revisi n. Fixed per revision, so a retried build overwrites its own leftover and
    never an earlier revision's file."""
    path = PurePosixPath(base)
    stem = re.sub(r"-r\d+$", "", path.stem)
    return str(path.with_name(f"{stem}{path.suffix}" if revision == 0 else f"{stem}-r{revision}{path.suffix}"))


def revision_record(*, report: Report, revision: int, dated: dt.date, name: str, content: bytes) -> ReportRevision:
    """Record the revision whose file the builder has just stored, inside the builder's transaction.
    The (report, revision) constraint refuses a second row for the same revision."""
    return ReportRevision.objects.create(
        report=report,
        revision=revision,
        dated=dated,
        file=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def file_sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def revision_sign(*, revision: ReportRevision, upload, user: User) -> ReportRevision:
    """Store the signed copy (a scan: PDF, JPEG or PNG by content, at most 10 MB) of `revision`.

    Bad input → ApplicationError on the field `file`, nothing stored. A later upload replaces the
    signed copy (a blurred scan can be sent again); the built file of the revision never changes.
    The replaced scan is deleted after the commit. Safe to repeat.
    """
    content_type, extension = evidence_check(upload, max_bytes=SIGNED_COPY_MAX_BYTES)
    if not revision.file:
        raise ApplicationError(_("This revision's file was deleted under the retention rule."), field="file")
    locked = ReportRevision.objects.select_for_update().get(pk=revision.pk)
    previous = locked.signed_copy.name
    locked.signed_sha256 = file_sha256(upload)
    locked.signed_copy.save(f"ttd{extension}", upload, save=False)
    locked.signed_content_type = content_type
    locked.signed_size = upload.size
    locked.signed_by = user
    locked.signed_at = timezone.now()
    locked.save()
    if previous and previous != locked.signed_copy.name:
        storage = locked.signed_copy.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return locked
