"""Documents built in the background (`Report`) and the official document numbers they carry.

A `Report` is one document of one kind for one period (and, for per-teacher kinds, one teacher) of a
madrasah: the row the request creates, the build task claims, the page polls and the download view
serves (the pretix pattern, STYLE.md). At most one row per key is queued or building at a time
(database constraints below): a second request for the same key joins the first.

Issued means fixed: every build of a document is kept as a `ReportRevision` (Revisi 0, 1, …) with its
own file, date and SHA-256; the row's `file` is the newest revision's. A decree (SK) is never rebuilt:
a change is a new row that `amends` the first decree, with its own number (docs/domain.md, "Issued
documents and revisions" and "Decrees and their amendments").
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from madrasah.files import upload_to_random
from madrasah.models import Madrasah, PaperSize, Staff, User


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Building")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")

    @classmethod
    def active(cls) -> tuple[str, str]:
        return (cls.QUEUED, cls.BUILDING)


_ACTIVE = Q(status__in=[ReportStatus.QUEUED, ReportStatus.BUILDING])


class Report(models.Model):
    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("document"), max_length=40)  # laporan.documents.DocumentKind.code
    period = models.CharField(_("period"), max_length=20)  # laporan.documents.selectors.Period.key
    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    paper = models.CharField(_("paper"), max_length=2, choices=PaperSize, blank=True)  # empty: the default

    status = models.CharField(_("status"), max_length=10, choices=ReportStatus, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    # A msgid (gettext_noop) shown translated while the row waits, e.g. "the queue is unreachable".
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)

    file = models.FileField(upload_to=upload_to_random("reports"), blank=True)
    spreadsheet = models.FileField(upload_to=upload_to_random("reports"), blank=True)
    size = models.PositiveIntegerField(default=0)  # bytes of the PDF; 0 until a build has finished
    number = models.CharField(_("document number"), max_length=120, blank=True)
    # Asked for by the madrasah's schedule (laporan.schedules): the Kepala is told when it is ready.
    scheduled = models.BooleanField(default=False)

    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)  # last hand-over of the build message to the broker
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The claim: the Celery task id that holds the row, and the process ("host:pid:start") running it.
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    # The file was deleted under the madrasah's retention setting (laporan.privacy.services); a rebuild clears it.
    purged_at = models.DateTimeField(_("deleted under the retention rule"), null=True, blank=True)
    # An amending decree: the first decree it changes (always the first, so that the second change
    # reads "Perubahan Kedua atas Keputusan … Nomor <the first>"), and that decree's number and date as
    # printed when the change was asked for (the team's decree number may be edited later).
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments")
    amended_number = models.CharField(max_length=120, blank=True)
    amended_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # NULLs are distinct in a unique index: the documents of the whole madrasah get their own.
            models.UniqueConstraint(
                fields=["madrasah", "kind", "period"],
                condition=_ACTIVE & Q(teacher__isnull=True),
                name="report_one_active_per_key",
            ),
            models.UniqueConstraint(
                fields=["madrasah", "kind", "period", "teacher"],
                condition=_ACTIVE & Q(teacher__isnull=False),
                name="report_one_active_per_teacher_key",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_at_most_100"),
        ]
        indexes = [models.Index(fields=["madrasah", "kind", "period", "teacher"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.period}" + (f" {self.teacher_id}" if self.teacher_id else "")

    @property
    def is_active(self) -> bool:
        return self.status in ReportStatus.active()

    @property
    def has_file(self) -> bool:
        """A finished build left a file (a rebuild keeps serving it until the new one replaces it)."""
        return bool(self.file) and self.size > 0

    @property
    def is_zip(self) -> bool:
        """The evidence bundle: one zip archive of PDFs instead of one PDF."""
        return self.file.name.endswith(".zip")

    @property
    def message_text(self) -> str:
        return gettext(self.message) if self.message else ""

    @property
    def error_text(self) -> str:
        # Known failures are stored as msgids; an unexpected one as the exception's own text.
        return gettext(self.error) if self.error else ""


class ReportRevision(models.Model):
    """One build of a report as issued: Revisi 0 is the document first issued, each rebuild adds the
    next. The file is never replaced; its SHA-256 is computed when it is stored. The signed copy (a
    scan of the paper the Kepala signed) sits next to the revision it signs."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveSmallIntegerField(_("revision"))
    dated = models.DateField(_("date"))  # the date printed on this revision
    file = models.FileField(upload_to=upload_to_random("reports"), blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    built_at = models.DateTimeField(default=timezone.now)

    signed_copy = models.FileField(upload_to=upload_to_random("signed"), blank=True)
    signed_content_type = models.CharField(max_length=40, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_size = models.PositiveIntegerField(default=0)
    signed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["report", "-revision"]
        constraints = [models.UniqueConstraint(fields=["report", "revision"], name="report_revision_once")]

    def __str__(self) -> str:
        return f"{self.report_id} rev {self.revision}"

    @property
    def has_signed_copy(self) -> bool:
        return bool(self.signed_copy)

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]


class BundlePart(models.Model):
    """One document of a yearly evidence bundle (`Report` of kind `bundle`), rendered by its own task
    (laporan.documents.services.bundles): what it is (kind, period, teacher, its place in the zip),
    and the state of its build, claimed like a report's. The zip is made once every part is done;
    the rows and their files go when it is (nothing half-written ever reaches the archive)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="bundle_parts")
    position = models.PositiveSmallIntegerField()  # its order in the zip; 0 is the contents page
    name = models.CharField(max_length=200)  # its path inside the zip
    kind = models.CharField(max_length=40)  # laporan.documents.DocumentKind.code
    period = models.CharField(max_length=20)
    teacher = models.ForeignKey(Staff, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    status = models.CharField(max_length=10, choices=ReportStatus, default=ReportStatus.QUEUED)
    file = models.FileField(upload_to=upload_to_random("reports/parts"), blank=True)
    error = models.TextField(blank=True)  # a msgid or the exception's own text, as Report.error
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="bundle_part_position_once"),
            models.UniqueConstraint(fields=["report", "name"], name="bundle_part_name_once"),
        ]
        indexes = [models.Index(fields=["report", "status"])]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.name}"

    @property
    def error_text(self) -> str:
        return gettext(self.error) if self.error else ""


class DocumentSequence(models.Model):
    """The running number of official documents of a madrasah in a calendar year (KMA 9/2016)."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="document_sequences")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["madrasah", "year"], name="document_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.madrasah_id}/{self.year}: {self.last}"


class DocumentNumber(models.Model):
    """An issued number: the register of what was numbered, and the database's guarantee that a
    sequence number is never issued twice."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="document_numbers")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    # When a document carrying the number was first built. Until then the number waits for its
    # report's retry; a number never built whose report is gone was given up (the register: "batal").
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["madrasah", "year", "sequence"], name="document_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class ReportSchedule(models.Model):
    """What the daily dispatcher (laporan.schedules) asks for on behalf of a madrasah; the Kepala edits it.

    A madrasah without a row follows the defaults below (every scheduled document on, the digest on
    the 1st): the schedule works from the first day, and the Kepala turns off what they do not want.
    """

    madrasah = models.OneToOneField(Madrasah, on_delete=models.CASCADE, related_name="report_schedule")
    digest = models.BooleanField(_("monthly digest"), default=True)
    # 1–28: every month has that day, so no month's digest is ever skipped.
    digest_day = models.PositiveSmallIntegerField(_("day of the month for the digest"), default=1)
    semester_recap = models.BooleanField(_("semester recap and supervision report"), default=True)
    bundle = models.BooleanField(_("yearly evidence bundle"), default=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_day__gte=1) & Q(digest_day__lte=28), name="report_schedule_digest_day_1_28"
            ),
        ]

    def __str__(self) -> str:
        return str(self.madrasah)


class ReportDispatch(models.Model):
    """One document the schedule asked for: the database's guarantee that the dispatcher asks for a
    key (kind and period) of a madrasah once, however often it runs."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="report_dispatches")
    kind = models.CharField(_("document"), max_length=40)
    period = models.CharField(_("period"), max_length=20)
    due_on = models.DateField(_("due on"))
    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        ordering = ["-due_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["madrasah", "kind", "period"], name="report_dispatch_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} ({self.due_on})"


# UU PDP art. 43-44: personal data is kept no longer than needed. The floor is one full PKG year and
# the next year's follow-up; the default (five years) covers a regular four-year promotion cycle
# (kenaikan pangkat) whose dossier cites the yearly PKG and supervision evidence, plus a year's slack.
RETENTION_MIN_MONTHS = 12
RETENTION_MAX_MONTHS = 240
RETENTION_DEFAULT_MONTHS = 60


class RetentionSetting(models.Model):
    """How long a madrasah keeps uploaded evidence files and built documents; the Kepala edits it.

    A madrasah without a row follows the defaults (like ReportSchedule). Only files are purged, never
    rows: the record of what existed stays (laporan.privacy.services).
    """

    madrasah = models.OneToOneField(Madrasah, on_delete=models.CASCADE, related_name="retention_setting")
    evidence_months = models.PositiveSmallIntegerField(
        _("months to keep uploaded evidence files"), default=RETENTION_DEFAULT_MONTHS
    )
    document_months = models.PositiveSmallIntegerField(
        _("months to keep built documents"), default=RETENTION_DEFAULT_MONTHS
    )
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention setting")
        verbose_name_plural = _("retention settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(evidence_months__gte=RETENTION_MIN_MONTHS) & Q(evidence_months__lte=RETENTION_MAX_MONTHS),
                name="retention_evidence_12_240",
            ),
            models.CheckConstraint(
                condition=Q(document_months__gte=RETENTION_MIN_MONTHS) & Q(document_months__lte=RETENTION_MAX_MONTHS),
                name="retention_document_12_240",
            ),
        ]

    def __str__(self) -> str:
        return str(self.madrasah)


class PurgedFile(models.Model):
    """A file deleted under the retention setting: which row held it, its name, its age. The row
    itself stays, with an empty file field (the pages then say "dihapus menurut retensi")."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="purged_files")
    source = models.CharField(_("held by"), max_length=60)  # "kompetensi.evidence", "laporan.report", …
    object_id = models.PositiveBigIntegerField()
    stored_name = models.CharField(max_length=300)
    label = models.CharField(_("file"), max_length=300, blank=True)
    dated = models.DateTimeField(_("dated"))
    purged_at = models.DateTimeField(_("deleted at"), default=timezone.now)

    class Meta:
        verbose_name = _("file deleted under the retention rule")
        verbose_name_plural = _("files deleted under the retention rule")
        ordering = ["-purged_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["source", "stored_name"], name="purged_file_once")]
        indexes = [models.Index(fields=["madrasah", "-purged_at"])]

    def __str__(self) -> str:
        return f"{self.source}#{self.object_id} {self.stored_name}"
