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

from madrasah.models import AcademicYear, Madrasah, TeacherType


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
    """A predikat from its inclusive lower bound up to the next band's (DOMAIN.md: 60.71 → Sedang)."""

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
