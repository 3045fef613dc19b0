"""Quality cycles (siklus PDCA) whose Check is measured from the product's own data.

docs/domain.md §11: a cycle addresses one of the eight national standards (SNP) and an
EDM indicator, plans a target on a measurable indicator with activities funded through the RKAM,
logs what was done, measures the indicator, and decides what happens next.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madrasah.files import upload_to_random
from madrasah.models import HistoryEvent, Madrasah, SemesterKind, period_name


class SnpStandard(models.TextChoices):
    """The eight national education standards (PP 19/2005, kept by PP 57/2021 and PP 4/2022)."""

    GRADUATE = "kelulusan", _("Graduate competence standard")
    CONTENT = "isi", _("Content standard")
    PROCESS = "proses", _("Process standard")
    ASSESSMENT = "penilaian", _("Assessment standard")
    STAFF = "ptk", _("Teachers and education staff standard")
    FACILITIES = "sarpras", _("Facilities standard")
    MANAGEMENT = "pengelolaan", _("Management standard")
    FINANCING = "pembiayaan", _("Financing standard")


class EdmAspect(models.TextChoices):
    """The five aspects of the madrasah self-evaluation (EDM) since 2021."""

    DISCIPLINE = "disiplin", _("Discipline")
    SELF_DEVELOPMENT = "pengembangan_diri", _("Teacher and staff self-development")
    LEARNING = "proses_pembelajaran", _("Learning process and assessment")
    MATERIALS = "sarana_pembelajaran", _("Learning materials")
    FINANCE = "pembiayaan", _("Financial planning")


class Stage(models.TextChoices):
    # A context of their own: "Plan" elsewhere in the product means scheduling a supervision.
    PLAN = "plan", pgettext_lazy("PDCA stage", "Plan")
    DO = "do", pgettext_lazy("PDCA stage", "Do")
    CHECK = "check", pgettext_lazy("PDCA stage", "Check")
    ACT = "act", pgettext_lazy("PDCA stage", "Act")
    CLOSED = "closed", pgettext_lazy("PDCA stage", "Closed")


# Each stage moves only to the next; nothing skips one.
STAGE_ORDER = [Stage.PLAN, Stage.DO, Stage.CHECK, Stage.ACT, Stage.CLOSED]


class IndicatorKind(models.TextChoices):
    """The catalogue of indicators the product measures itself (the kompetensi selectors), plus manual."""

    INSTRUMENT_AVERAGE = "rata_instrumen", _("Average score of a supervision instrument")
    INSTRUMENT_PREDIKAT = "predikat_instrumen", _("Share of teachers at or above a predikat on an instrument")
    PKG_PREDIKAT = "predikat_pkg", _("Share of teachers at or above a predikat in PKG")
    ROWS_ON_TIME = "supervisi_tepat_waktu", _("Share of planned supervisions observed on time")
    FOLLOW_UPS_ON_TIME = "tindak_lanjut_tepat_waktu", _("Share of follow-ups closed by their deadline")
    PKB_AVERAGE_JP = "rata_jp_pkb", _("Average verified PKB hours (JP) per teacher")
    PKB_PNS_REACHED = "pns_20_jp", _("Share of civil-servant teachers reaching 20 JP")
    MANUAL = "manual", _("Manual indicator (value entered with evidence)")


class Direction(models.TextChoices):
    AT_LEAST = "min", _("at least")
    AT_MOST = "max", _("at most")


class Decision(models.TextChoices):
    STANDARDISE = "standarkan", _("Standardise what worked")
    CONTINUE = "lanjutkan", _("Continue with a next cycle")
    STOP = "hentikan", _("Stop")


class FactorTag(models.TextChoices):
    MOTIVATION = "motivasi", _("Motivation")
    LEADERSHIP = "kepemimpinan", _("Leadership")
    INTERNET = "internet", _("Internet / data access")
    BUDGET = "anggaran", _("Budget")
    TIME = "waktu", _("Time")
    FACILITIES = "sarana", _("Facilities")


class FundingSource(models.TextChoices):
    """docs/domain.md §11: BOS flows through the madrasah's state budget (DIPA)."""

    DIPA_BOS = "dipa_bos", _("DIPA-BOS")
    DIPA_NON_BOS = "dipa_non_bos", _("DIPA non-BOS")
    KOMITE = "komite", _("School committee (komite)")
    BUSINESS = "unit_usaha", _("Business unit / cooperative")
    DONOR = "donatur", _("Donor")
    OTHER = "lainnya", _("Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "rencana", _("Planned")
    RUNNING = "berjalan", _("Running")
    DONE = "selesai", _("Done")
    CANCELLED = "batal", _("Cancelled")


MONEY = {"max_digits": 14, "decimal_places": 2}


class Cycle(models.Model):
    """One PDCA cycle. The period is a semester, or a whole academic year when `semester` is empty."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="cycles")
    title = models.CharField(_("title"), max_length=200)
    standard = models.CharField(_("SNP standard"), max_length=12, choices=SnpStandard)
    edm_aspect = models.CharField(_("EDM aspect"), max_length=20, choices=EdmAspect)
    edm_indicator = models.CharField(_("EDM indicator"), max_length=300)
    owner = models.ForeignKey(
        "madrasah.Staff", on_delete=models.PROTECT, related_name="owned_cycles", verbose_name=_("owner")
    )
    team = models.ManyToManyField(
        "madrasah.Staff", blank=True, related_name="quality_teams", verbose_name=_("team (TPMM)")
    )
    academic_year = models.ForeignKey(
        "madrasah.AcademicYear", on_delete=models.PROTECT, related_name="cycles", verbose_name=_("academic year")
    )
    semester = models.ForeignKey(
        "madrasah.Semester",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("semester"),
        help_text=_("Empty: the whole academic year."),
    )
    stage = models.CharField(_("stage"), max_length=6, choices=Stage, default=Stage.PLAN)
    # Version token of the plan: every change of the plan raises it; a plan form opened on an older
    # version is refused (madrasah.versioning), whoever saved the newer one.
    version = models.PositiveIntegerField(default=0)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_cycle",
        verbose_name=_("previous cycle"),
    )

    # Plan: the target on an indicator of the catalogue.
    indicator = models.CharField(_("indicator"), max_length=30, choices=IndicatorKind)
    instrument = models.ForeignKey(
        "kompetensi.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("instrument"),
    )
    section_title = models.CharField(
        _("section"), max_length=200, blank=True, help_text=_("Optional: only this section of the instrument.")
    )
    competency = models.ForeignKey(
        "kompetensi.Competency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("competency"),
    )
    subject_group = models.CharField(_("subject group"), max_length=40, blank=True)
    predikat = models.CharField(_("predikat (at or above)"), max_length=40, blank=True)
    manual_name = models.CharField(_("name of the manual indicator"), max_length=200, blank=True)
    manual_unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(_("target direction"), max_length=3, choices=Direction, default=Direction.AT_LEAST)
    target = models.DecimalField(_("target"), max_digits=9, decimal_places=2)

    # Baseline: measured from the previous period (or carried from the previous cycle's Check).
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=4, null=True, blank=True)
    baseline_n = models.PositiveIntegerField(null=True, blank=True)
    baseline_total = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    # The period the baseline was measured over, as values (its name is composed when shown).
    baseline_start_year = models.PositiveSmallIntegerField(_("baseline academic year"), null=True, blank=True)
    baseline_semester = models.CharField(
        _("baseline semester"), max_length=6, choices=SemesterKind, blank=True, help_text=_("Empty: a whole year.")
    )
    baseline_measured_at = models.DateTimeField(null=True, blank=True)

    # Act.
    decision = models.CharField(_("decision"), max_length=12, choices=Decision, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    supporting_factors = models.TextField(_("supporting factors"), blank=True)
    supporting_tags = models.JSONField(_("supporting factor tags"), default=list, blank=True)
    inhibiting_factors = models.TextField(_("inhibiting factors"), blank=True)
    inhibiting_tags = models.JSONField(_("inhibiting factor tags"), default=list, blank=True)

    created_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quality cycle")
        verbose_name_plural = _("quality cycles")
        ordering = ["-academic_year__start_year", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gte=0), name="cycle_target_not_negative"),
            models.CheckConstraint(
                condition=~Q(stage=Stage.CLOSED) | ~Q(decision=""), name="cycle_closed_has_decision"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mutu:cycle-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED

    @property
    def baseline_period(self) -> str:
        """`2025/2026 Genap`, in the reader's language; "" without a measured baseline period."""
        return period_name(self.baseline_start_year, self.baseline_semester)


class CycleEvent(HistoryEvent):
    """History of a cycle: creation, every stage transition, measurement and Act."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events")

    class Meta(HistoryEvent.Meta):
        verbose_name = _("cycle event")
        verbose_name_plural = _("cycle events")


class Measurement(models.Model):
    """A value of the cycle's indicator with the numbers behind it (Check: "Ukur sekarang")."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="measurements")
    measured_at = models.DateTimeField()
    measured_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    # The period measured, as values (its name is composed when shown: `period_label`).
    period_start_year = models.PositiveSmallIntegerField(_("academic year"), null=True, blank=True)
    period_semester = models.CharField(
        _("semester"), max_length=6, choices=SemesterKind, blank=True, help_text=_("Empty: a whole year.")
    )
    # None: no data in the period ("belum ada data"), never 0.
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4, null=True, blank=True)
    n = models.PositiveIntegerField(_("n"), default=0)
    total = models.DecimalField(_("sum"), max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=9, decimal_places=2)
    met = models.BooleanField(_("target met"), null=True)
    gap = models.DecimalField(_("gap"), max_digits=12, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=upload_to_random("mutu/measurements"), blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["measured_at", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.measured_at:%Y-%m-%d}: {self.value}"

    @property
    def period_label(self) -> str:
        """`2026/2027 Ganjil` or `2026/2027`, in the reader's language."""
        return period_name(self.period_start_year, self.period_semester)


class Activity(models.Model):
    """A planned activity of a cycle: what, who, when, cost and where the money comes from."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="activities")
    what = models.CharField(_("activity"), max_length=200)
    who = models.CharField(_("who"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    planned_cost = models.DecimalField(
        _("planned cost (Rp)"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    spent = models.DecimalField(
        _("spent (Rp)"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    rkam_activity = models.CharField(
        _("RKAM activity"), max_length=200, blank=True, help_text=_("The RKAM line that funds it.")
    )
    funding_source = models.CharField(_("funding source"), max_length=12, choices=FundingSource)
    status = models.CharField(_("status"), max_length=8, choices=ActivityStatus, default=ActivityStatus.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_cost__gte=0), name="activity_cost_not_negative"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="activity_spent_not_negative"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="activity_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.what


class GoodPracticeStatus(models.TextChoices):
    DRAFT = "draf", _("Draft")
    SUBMITTED = "diajukan", _("Submitted")
    PUBLISHED = "terbit", _("Published")


class GoodPractice(models.Model):
    """Shared good practice: a teacher's short write-up, visible to colleagues once the Kepala
    publishes it (leadership encouragement made visible)."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="good_practices")
    teacher = models.ForeignKey("madrasah.Staff", on_delete=models.PROTECT, related_name="good_practices")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("write-up"))
    status = models.CharField(_("status"), max_length=8, choices=GoodPracticeStatus, default=GoodPracticeStatus.DRAFT)
    published_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ActivityProgress(models.Model):
    """Do: progress on an activity, with a note and optional evidence — an upload, or a coaching
    session (follow-up), an appreciation note or a published good practice of this madrasah."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress")
    author = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"))
    evidence = models.FileField(_("evidence"), upload_to=upload_to_random("mutu/evidence"), blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    coaching = models.ForeignKey(
        "kompetensi.FollowUp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coaching session"),
    )
    appreciation = models.ForeignKey(
        "kompetensi.AppreciationNote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appreciation note"),
    )
    good_practice = models.ForeignKey(
        GoodPractice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("good practice"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity progress")
        verbose_name_plural = _("activity progress")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.note[:60]


class BusinessActivity(models.Model):
    """Entrepreneurship log (PMA 58/2017: developing entrepreneurship is a formal duty of the Kepala):
    the madrasah's business activities and their income, feeding the non-BOS sources."""

    madrasah = models.ForeignKey(Madrasah, on_delete=models.CASCADE, related_name="business_activities")
    date = models.DateField(_("date"))
    unit = models.CharField(_("business unit"), max_length=120, help_text=_("e.g. Koperasi, kantin, produksi batik"))
    description = models.CharField(_("activity"), max_length=300)
    income = models.DecimalField(
        _("income (Rp)"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    expense = models.DecimalField(
        _("expense (Rp)"), **MONEY, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    recorded_by = models.ForeignKey("madrasah.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("business activity")
        verbose_name_plural = _("business activities")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(income__gte=0), name="business_income_not_negative"),
            models.CheckConstraint(condition=Q(expense__gte=0), name="business_expense_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.unit}"
