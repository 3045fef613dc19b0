"""Competency frameworks and instruments, both versioned data.

A framework (PKG competencies for subject teachers, later one for BK teachers) is national and shared
by every madrasah. Instruments belong to a madrasah (predikat bands and items differ by school) and
have one version per academic year; a version used by any record is frozen, and a later year gets an
editable copy ("Salin ke tahun berikutnya").
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from madrasah.files import upload_to_random
from madrasah.models import AcademicYear, HistoryEvent, Madrasah, TeacherType


class Framework(models.Model):
    code = models.SlugField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("name"), max_length=200)
    teacher_type = models.CharField(_("teacher type"), max_length=5, choices=TeacherType)

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("competency domain")
        verbose_name_plural = _("competency domains")
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="domain_unique_code")]

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competencies")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="competency_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Indicator(models.Model):
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["competency__number", "number"]
        constraints = [models.UniqueConstraint(fields=["competency", "number"], name="indicator_unique_number")]

    def __str__(self) -> str:
        return f"{self.competency.number}.{self.number} {self.text[:60]}"


class InstrumentKind(models.TextChoices):
    PLANNING = "perencanaan", _("Planning and administration")
    TEACHING = "pelaksanaan", _("Teaching (classroom observation)")
    ASSESSMENT = "penilaian", _("Assessment")
    PKG = "pkg", _("Teacher performance appraisal (PKG)")
    PKKM = "pkkm", _("Principal performance appraisal (PKKM)")


# The kinds filled by an appraisal (a teacher's PKG, the Kepala's PKKM), not by a supervision observation.
APPRAISAL_KINDS = (InstrumentKind.PKG, InstrumentKind.PKKM)


class Instrument(models.Model):
    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="instruments")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=InstrumentKind)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["madrasah", "code"], name="instrument_unique_code")]

    def __str__(self) -> str:
        return self.name


class ItemScoring(models.TextChoices):
    """How an item's points count (docs/domain.md "Scoring options of a supervision instrument")."""

    AS_GIVEN = "as_given", _("Points as given")
    NORMALISED = "normalised", _("Normalised from the lowest score")


class SectionCombining(models.TextChoices):
    POOLED = "pooled", _("Points pooled by section weight")
    SECTION_MEAN = "section_mean", _("Weighted mean of the answered sections' percentages")


class BandRounding(models.TextChoices):
    NONE = "none", _("Unrounded value")
    TWO_DECIMALS = "two_decimals", _("Value rounded to two decimals")
    WHOLE = "whole", _("Value rounded to a whole number")


class InstrumentVersion(models.Model):
    """An instrument as used in one academic year: scale, options, bands, sections and items."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    # RESTRICT, not PROTECT: deleting a whole madrasah (which cascades to both) stays possible.
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.RESTRICT, related_name="instrument_versions")
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, null=True, blank=True, related_name="instrument_versions"
    )
    scale_min = models.SmallIntegerField(_("lowest score"), validators=[MinValueValidator(0)])
    scale_max = models.SmallIntegerField(_("highest score"), validators=[MaxValueValidator(10)])
    scale_labels = models.JSONField(_("score labels"), default=dict, blank=True)
    allow_not_applicable = models.BooleanField(_("items may be marked not applicable"), default=False)
    follow_up_below = models.DecimalField(
        _("an item scored below this proposes a follow-up"), max_digits=4, decimal_places=1
    )
    # Scoring options of a supervision instrument; a PKG or PKKM version keeps the defaults (the
    # official rule). The defaults are the rule every result before these options was scored with.
    item_scoring = models.CharField(_("item points"), max_length=12, choices=ItemScoring, default=ItemScoring.AS_GIVEN)
    section_combining = models.CharField(
        _("sections combined as"), max_length=12, choices=SectionCombining, default=SectionCombining.POOLED
    )
    band_rounding = models.CharField(
        _("predikat read from"), max_length=12, choices=BandRounding, default=BandRounding.NONE
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument__kind", "instrument__name", "-academic_year__start_year"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "academic_year"], name="instrument_version_once_per_year"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="instrument_scale_min_below_max"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} {self.academic_year.name}"

    def get_absolute_url(self) -> str:
        return reverse("kompetensi:instrument-detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def label_for(self, value: int) -> str:
        return self.scale_labels.get(str(value), "")

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class Section(models.Model):
    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal(1))
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sections",
        help_text=_("For PKG: the competency this section appraises."),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="section_weight_positive")]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("text"))
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("PKG indicator it informs"),
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class PredikatBand(models.Model):
    """A predikat from its inclusive lower bound up to the next band's (docs/domain.md §8: 60.71 → Sedang)."""

    version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="bands")
    lower_bound = models.DecimalField(
        _("lower bound"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    label = models.CharField(_("predikat"), max_length=40)

    class Meta:
        verbose_name = _("predikat band")
        verbose_name_plural = _("predikat bands")
        ordering = ["version", "-lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["version", "lower_bound"], name="band_unique_lower_bound"),
            models.CheckConstraint(
                condition=Q(lower_bound__gte=0) & Q(lower_bound__lte=100), name="band_lower_bound_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.lower_bound} {self.label}"


# --- Academic supervision (supervisi akademik) ------------------------------------------------------


class SupervisionTeam(models.Model):
    """Tim Supervisi of a semester, named by the Kepala's decree (SK)."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="supervision_teams")
    semester = models.OneToOneField("madrasah.Semester", on_delete=models.CASCADE, related_name="supervision_team")
    decree_number = models.CharField(_("decree number"), max_length=100)
    decree_date = models.DateField(_("decree date"))
    members = models.ManyToManyField(
        "madrasah.Staff", through="TeamMember", related_name="supervision_teams", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("supervision team")
        verbose_name_plural = _("supervision teams")

    def __str__(self) -> str:
        return f"{_('Supervision team')} {self.semester}"


class TeamMember(models.Model):
    team = models.ForeignKey(SupervisionTeam, on_delete=models.CASCADE, related_name="memberships")
    staff = models.ForeignKey("madrasah.Staff", on_delete=models.PROTECT, related_name="team_memberships")
    duty = models.CharField(_("duty in the team"), max_length=100, blank=True, help_text=_("e.g. Ketua, Anggota"))

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "staff"], name="team_member_once")]

    def __str__(self) -> str:
        return str(self.staff)


class BlockedPeriod(models.Model):
    """Weeks of a semester in which no classroom observation is planned (exams, Ramadan timetable)."""

    semester = models.ForeignKey("madrasah.Semester", on_delete=models.CASCADE, related_name="blocked_periods")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=100)

    class Meta:
        verbose_name = _("blocked period")
        verbose_name_plural = _("blocked periods")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="blocked_period_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.start_date}–{self.end_date}"


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "disahkan", _("Approved (disahkan)")


class Programme(models.Model):
    """Program supervisi akademik of a semester: drafted by the Waka, approved by the Kepala."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="supervision_programmes")
    semester = models.OneToOneField("madrasah.Semester", on_delete=models.CASCADE, related_name="supervision_programme")
    # Empty: the standard text, composed when shown in the reader's language (supervision.rules.programme_texts).
    legal_basis = models.TextField(_("legal basis"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    targets = models.TextField(_("targets"), blank=True)
    techniques = models.TextField(_("techniques"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProgrammeStatus, default=ProgrammeStatus.DRAFT)
    approved_by = models.ForeignKey(
        "madrasah.User", on_delete=models.PROTECT, null=True, blank=True, related_name="approved_programmes"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="created_programmes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervision programme")
        verbose_name_plural = _("supervision programmes")

    def __str__(self) -> str:
        return f"{_('Supervision programme')} {self.semester}"

    @property
    def is_approved(self) -> bool:
        return self.status == ProgrammeStatus.APPROVED


class ProgrammeRow(models.Model):
    """One planned supervision: teacher × instrument(s) × supervisor × date and time × class × subject."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rows")
    teacher = models.ForeignKey("madrasah.Staff", on_delete=models.PROTECT, related_name="supervision_rows")
    # A team member's, the Kepala's, or (for the Kepala's own supervision) the pengawas's login.
    supervisor = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="supervising_rows")
    instruments = models.ManyToManyField(
        InstrumentVersion, related_name="programme_rows", verbose_name=_("instruments")
    )
    planned_at = models.DateTimeField(_("planned date and time"))
    class_name = models.CharField(_("class"), max_length=30, blank=True)
    subject = models.ForeignKey("madrasah.Subject", on_delete=models.PROTECT, null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme row")
        verbose_name_plural = _("programme rows")
        ordering = ["planned_at", "pk"]
        indexes = [models.Index(fields=["programme", "planned_at"])]

    def __str__(self) -> str:
        return f"{self.teacher} {self.planned_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class ObservationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "diajukan", _("Submitted to the teacher")
    ACKNOWLEDGED = "diterima", _("Received by the teacher")
    CLARIFICATION = "klarifikasi", _("Clarification requested")
    DEEMED_ACKNOWLEDGED = "dianggap", _("Deemed received")
    FINAL = "final", _("Final")


class Observation(models.Model):
    """A supervisor's filled instrument for one programme row. `percentage` and `predikat` are the
    scoring function's result, stored on every save so SQL can aggregate them."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="observations")
    row = models.ForeignKey(ProgrammeRow, on_delete=models.PROTECT, related_name="observations")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="observations")
    teacher = models.ForeignKey("madrasah.Staff", on_delete=models.PROTECT, related_name="observations")
    supervisor = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="observations_made")
    state = models.CharField(_("state"), max_length=12, choices=ObservationState, default=ObservationState.DRAFT)
    # Version token: every save increments it; a save based on an older revision by another person
    # is a conflict, never a silent overwrite.
    revision = models.PositiveIntegerField(default=0)
    last_saved_by = models.ForeignKey("madrasah.User", on_delete=models.SET_NULL, null=True, related_name="+")
    observed_on = models.DateField(_("observed on"), null=True, blank=True)
    # The class (rombel) the supervisor found the teacher in: the row's planned class when the
    # observation starts, corrected on the sheet in the classroom. Kept with the result (not on the
    # row) so that a submitted result keeps the class it was scored in.
    class_name = models.CharField(_("class"), max_length=30, blank=True)
    pre_notes = models.TextField(_("pre-observation notes"), blank=True)
    post_notes = models.TextField(_("post-observation notes and reflection"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    improvements = models.TextField(_("areas to improve"), blank=True)
    percentage = models.DecimalField(_("score"), max_digits=9, decimal_places=4, null=True, blank=True)
    predikat = models.CharField(_("predikat"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    teacher_response = models.TextField(_("teacher's response"), blank=True)
    clarification_request = models.TextField(_("clarification requested"), blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        "madrasah.User", on_delete=models.PROTECT, null=True, blank=True, related_name="observations_finalised"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["row", "instrument_version"], name="observation_once_per_row_instrument")
        ]
        indexes = [
            models.Index(fields=["madrasah", "state"]),
            models.Index(fields=["teacher", "instrument_version"]),
            # A teacher's latest final result (supervision.selectors.latest.latest_final_observations) is
            # looked up per observation; without this the look-up scans the madrasah's final observations.
            models.Index(fields=["teacher", "state", "madrasah"], name="observation_teacher_state"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_version.instrument.name} — {self.teacher}"

    def get_absolute_url(self) -> str:
        return reverse("kompetensi:observation-detail", args=[self.pk])


class ObservationScore(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="scores")
    points = models.SmallIntegerField(_("score"), null=True, blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        constraints = [
            models.UniqueConstraint(fields=["observation", "item"], name="score_once_per_item"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(not_applicable=False), name="score_not_both_points_and_na"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"


class ObservationEvent(HistoryEvent):
    """History of an observation: every save, transition and reopen, with what changed."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="events")

    class Meta(HistoryEvent.Meta):
        verbose_name = _("observation event")
        verbose_name_plural = _("observation events")


class ObservationConflictCopy(models.Model):
    """Entries of a save refused because the sheet had changed since the copy they were based on (a
    second device, another person). Kept until their author chooses, item by item, what to keep; one
    open copy per author and observation (later refused saves are merged into it)."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="conflict_copies")
    author = models.ForeignKey("madrasah.User", on_delete=models.CASCADE, related_name="+")
    base_revision = models.PositiveIntegerField()
    # {"<item id>": {"points": int | None, "na": bool, "note": str}}
    scores = models.JSONField(default=dict, blank=True)
    # {"strengths": "…", …, "observed_on": "YYYY-MM-DD" | ""}
    fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("refused copy of an observation")
        verbose_name_plural = _("refused copies of observations")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "author"],
                condition=Q(resolved_at__isnull=True),
                name="observation_conflict_copy_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.author_id} ({self.base_revision})"


class FollowUpKind(models.TextChoices):
    COACHING = "coaching", _("Coaching")
    PEER = "sejawat", _("Peer observation")
    IN_HOUSE = "iht", _("In-house training")
    MGMP = "mgmp", _("MGMP subject forum")
    SELF_STUDY = "mandiri", _("Self-study")


class FollowUpStatus(models.TextChoices):
    OPEN = "terbuka", _("Open")
    CLOSED = "selesai", _("Closed")


class FollowUp(models.Model):
    """Rencana tindak lanjut (RTL) from an observation, with a deadline."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="follow_ups")
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="follow_ups")
    teacher = models.ForeignKey("madrasah.Staff", on_delete=models.PROTECT, related_name="follow_ups")
    items = models.ManyToManyField(Item, blank=True, related_name="follow_ups", verbose_name=_("items"))
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind)
    description = models.TextField(_("what is to be done"))
    responsible = models.CharField(_("who"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus, default=FollowUpStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["madrasah", "status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.teacher} ({self.deadline})"

    def get_absolute_url(self) -> str:
        return reverse("kompetensi:follow-up-detail", args=[self.pk])


class Evidence(models.Model):
    """An uploaded document or photo (modul ajar, class photo): PDF/JPEG/PNG checked by content,
    stored under a random name, served only through the protected view."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="evidence")
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    file = models.FileField(_("file"), upload_to=upload_to_random("evidence"), max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(observation__isnull=False) | Q(follow_up__isnull=False), name="evidence_belongs_somewhere"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class FollowUpProgress(models.Model):
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="progress")
    author = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("progress note"))
    evidence = models.ForeignKey(Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up progress")
        verbose_name_plural = _("follow-up progress")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.note[:60]


# --- Teacher performance appraisal (PKG) -------------------------------------------------------------


class AppraisalPeriod(models.Model):
    """The yearly PKG of a madrasah: an assessor per teacher, between two dates."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="appraisal_periods")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.RESTRICT, related_name="appraisal_periods")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    created_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set while the Kepala has closed the year's PKG (`kompetensi.appraisal.services.closing`); cleared by a reopen.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("appraisal period")
        verbose_name_plural = _("appraisal periods")
        ordering = ["-academic_year__start_year"]
        constraints = [
            models.UniqueConstraint(fields=["madrasah", "academic_year"], name="appraisal_period_once_per_year"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="appraisal_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"PKG {self.academic_year.name}"


class AppraisalStage(models.TextChoices):
    IN_PROGRESS = "proses", _("In progress")
    SUBMITTED = "diajukan", _("Submitted to the teacher")
    SIGNED = "ditandatangani", _("Signed as received")
    CLARIFICATION = "klarifikasi", _("Clarification requested")
    APPROVED = "disetujui", _("Approved")


class Appraisal(models.Model):
    """One teacher's PKG of the year. `nilai`, `total` and `predikat` are the scoring function's
    result on the stored indicator scores, written on submission and approval."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="appraisals")
    period = models.ForeignKey(AppraisalPeriod, on_delete=models.CASCADE, related_name="appraisals")
    teacher = models.ForeignKey("madrasah.Staff", on_delete=models.PROTECT, related_name="appraisals")
    assessor = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="appraisals_assessed")
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="appraisals")
    stage = models.CharField(_("stage"), max_length=15, choices=AppraisalStage, default=AppraisalStage.IN_PROGRESS)
    revision = models.PositiveIntegerField(default=0)
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    nilai = models.DecimalField(_("Nilai PKG"), max_digits=9, decimal_places=4, null=True, blank=True)
    predikat = models.CharField(_("predikat"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    teacher_response = models.TextField(_("teacher's response"), blank=True)
    clarification_request = models.TextField(_("clarification requested"), blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        "madrasah.User", on_delete=models.PROTECT, null=True, blank=True, related_name="appraisals_approved"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["teacher__name"]
        constraints = [models.UniqueConstraint(fields=["period", "teacher"], name="appraisal_once_per_teacher_year")]
        indexes = [models.Index(fields=["madrasah", "stage"])]

    def __str__(self) -> str:
        return f"PKG {self.teacher} {self.period.academic_year.name}"

    def get_absolute_url(self) -> str:
        return reverse("kompetensi:appraisal-detail", args=[self.pk])


class AppraisalScore(models.Model):
    """An indicator's score in an appraisal: 0/1/2 on a PKG version, 1–4 on the Kepala's PKKM version
    (`kompetensi.appraisal.rules.points_allowed`)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="appraisal_scores")
    points = models.SmallIntegerField(_("score"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "item"], name="appraisal_score_once_per_item"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__in=[0, 1, 2, 3, 4]), name="appraisal_score_0_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"


class SelfEvaluation(models.Model):
    """The teacher's optional self-evaluation: seen only by the teacher, the assessor and the Kepala."""

    appraisal = models.OneToOneField(Appraisal, on_delete=models.CASCADE, related_name="self_evaluation")
    scores = models.JSONField(default=dict, blank=True)  # {item id: 0|1|2}
    reflection = models.TextField(_("reflection"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-evaluation")
        verbose_name_plural = _("self-evaluations")

    def __str__(self) -> str:
        return f"{_('Self-evaluation')} {self.appraisal}"


class AppraisalEvidence(models.Model):
    """Evidence for one competency: an observation note, a document (protected upload) or a link to
    a supervision record of the year."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="evidence")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="appraisal_evidence")
    note = models.TextField(_("observation note"), blank=True)
    file = models.FileField(_("document"), upload_to=upload_to_random("pkg"), max_length=200, blank=True)
    original_name = models.CharField(_("original name"), max_length=200, blank=True)
    observation = models.ForeignKey(
        Observation, on_delete=models.SET_NULL, null=True, blank=True, related_name="appraisal_evidence"
    )
    added_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appraisal evidence")
        verbose_name_plural = _("appraisal evidence")
        ordering = ["section__order", "created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.note[:60]


class CompetencyResult(models.Model):
    """A competency's result in an appraisal (percentage and 1–4), stored from the scoring function so
    approved results can be aggregated in SQL as each teacher's competency standing."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="competency_results")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="results")
    percentage = models.DecimalField(max_digits=9, decimal_places=4)
    score = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("competency result")
        verbose_name_plural = _("competency results")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "competency"], name="competency_result_once"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=4), name="competency_result_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.competency.number}: {self.score}"


class PkgSnapshot(models.Model):
    """The year's PKG aggregates frozen when the Kepala first closes the period: what everyone but the
    Kepala and the pengawas reads (the Waka, the meeting mode, documents, quality-cycle measurements).
    Live numbers could be differenced: the mean before and after one more approval gives that
    teacher's Nilai PKG. A reopen or a late appraisal never changes it. Numbers only; labels are
    composed when shown."""

    period = models.OneToOneField(AppraisalPeriod, on_delete=models.CASCADE, related_name="snapshot")
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    teachers = models.PositiveIntegerField()  # approved appraisals (one per teacher and year)
    nilai_total = models.DecimalField(max_digits=12, decimal_places=4)  # Σ Nilai PKG

    class Meta:
        verbose_name = _("frozen PKG figures")
        verbose_name_plural = _("frozen PKG figures")

    def __str__(self) -> str:
        return f"{self.period} ({self.teachers})"


class PkgSnapshotDomain(models.Model):
    """Per competency domain: the competency scores (1–4) of the approved appraisals, summed."""

    snapshot = models.ForeignKey(PkgSnapshot, on_delete=models.CASCADE, related_name="domains")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    teachers = models.PositiveIntegerField()
    score_total = models.PositiveIntegerField()
    scores = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("frozen PKG domain figures")
        verbose_name_plural = _("frozen PKG domain figures")
        constraints = [models.UniqueConstraint(fields=["snapshot", "domain"], name="pkg_snapshot_domain_once")]

    def __str__(self) -> str:
        return f"{self.domain_id}: {self.score_total}/{self.scores}"


class PkgSnapshotBand(models.Model):
    """Per predikat band label of the appraisals' versions: how many teachers carry it, and how many
    reach its lower bound in their own version's bands (the quality cycles' PKG indicator)."""

    snapshot = models.ForeignKey(PkgSnapshot, on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(max_length=40)  # a PredikatBand label, as Appraisal.predikat stores it
    teachers = models.PositiveIntegerField()
    at_or_above = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("frozen PKG predikat figures")
        verbose_name_plural = _("frozen PKG predikat figures")
        constraints = [models.UniqueConstraint(fields=["snapshot", "label"], name="pkg_snapshot_band_once")]

    def __str__(self) -> str:
        return f"{self.label}: {self.teachers}"


class AppraisalEvent(HistoryEvent):
    """History of an appraisal: every score change, stage change and reopen, with who and why."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="events")

    class Meta(HistoryEvent.Meta):
        verbose_name = _("appraisal event")
        verbose_name_plural = _("appraisal events")


# --- Recognition and professional development (PKB) -------------------------------------------------


class AppreciationNote(models.Model):
    """Apresiasi: a note of appreciation from the Kepala or the Waka to a teacher."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="appreciation_notes")
    teacher = models.ForeignKey("madrasah.Staff", on_delete=models.CASCADE, related_name="appreciation_notes")
    author = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("appreciation"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appreciation note")
        verbose_name_plural = _("appreciation notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class PkbKind(models.TextChoices):
    TRAINING = "diklat", _("Functional training")
    IN_HOUSE = "iht", _("In-house training")
    MGMP = "mgmp", _("MGMP subject forum")
    SEMINAR = "seminar", _("Seminar or workshop")
    PUBLICATION = "publikasi", _("Scientific publication")
    INNOVATION = "inovatif", _("Innovative work")


class PkbStatus(models.TextChoices):
    SUBMITTED = "diajukan", _("Waiting for verification")
    VERIFIED = "terverifikasi", _("Verified")
    RETURNED = "dikembalikan", _("Returned with a note")


class InHouseActivity(models.Model):
    """An in-house activity (IHT, group coaching) recorded once by the Waka with its attendance list and
    the data of its berita acara; every attendee is credited its JP."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="in_house_activities")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=PkbKind, default=PkbKind.IN_HOUSE)
    organiser = models.CharField(_("organiser"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    jp = models.PositiveSmallIntegerField(_("JP"))
    minutes_per_jp = models.PositiveSmallIntegerField(_("minutes per JP"), default=45)
    summary = models.TextField(_("summary (berita acara)"), blank=True)
    attendees = models.ManyToManyField(
        "madrasah.Staff", related_name="in_house_activities", verbose_name=_("attendees")
    )
    created_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("in-house activity")
        verbose_name_plural = _("in-house activities")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="in_house_ends_after_start"),
            models.CheckConstraint(condition=Q(jp__gt=0) & Q(jp__lte=1000), name="in_house_jp_1_1000"),
        ]

    def __str__(self) -> str:
        return self.title


class PkbActivity(models.Model):
    """One professional-development activity of a teacher (docs/domain.md §10), verified by the Waka.
    Entries created from an in-house activity are verified by construction."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="pkb_activities")
    teacher = models.ForeignKey("madrasah.Staff", on_delete=models.PROTECT, related_name="pkb_activities")
    kind = models.CharField(_("kind"), max_length=10, choices=PkbKind)
    title = models.CharField(_("title"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    jp = models.PositiveSmallIntegerField(_("JP"))
    minutes_per_jp = models.PositiveSmallIntegerField(_("minutes per JP"), default=45)
    evidence = models.FileField(
        _("certificate or evidence"), upload_to=upload_to_random("pkb"), max_length=200, blank=True
    )
    evidence_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=PkbStatus, default=PkbStatus.SUBMITTED)
    return_note = models.TextField(_("note from the verifier"), blank=True)
    verified_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    in_house = models.ForeignKey(
        InHouseActivity, on_delete=models.CASCADE, null=True, blank=True, related_name="credits"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("PKB activity")
        verbose_name_plural = _("PKB activities")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="pkb_ends_after_start"),
            models.CheckConstraint(condition=Q(jp__gt=0) & Q(jp__lte=1000), name="pkb_jp_1_1000"),
            models.UniqueConstraint(fields=["in_house", "teacher"], name="pkb_in_house_credit_once"),
        ]
        indexes = [models.Index(fields=["madrasah", "status"]), models.Index(fields=["teacher", "start_date"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.jp} JP)"

    def get_absolute_url(self) -> str:
        return reverse("kompetensi:pkb-detail", args=[self.pk])
