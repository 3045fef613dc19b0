"""Reads for frameworks and instruments. Every function takes the madrasah explicitly."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from madrasah.models import AcademicYear, Madrasah, Semester

from .models import Competency, Domain, Framework, Indicator, InstrumentVersion, Item, Section


def academic_year_current(*, madrasah: Madrasah) -> AcademicYear | None:
    """The academic year of the active semester, else the latest one."""
    active = Semester.objects.filter(madrasah=madrasah, is_active=True).select_related("academic_year").first()
    if active:
        return active.academic_year
    return AcademicYear.objects.filter(madrasah=madrasah).order_by("-start_year").first()


def academic_years(*, madrasah: Madrasah) -> QuerySet[AcademicYear]:
    return AcademicYear.objects.filter(madrasah=madrasah).order_by("-start_year")


def instrument_versions(*, madrasah: Madrasah, academic_year: AcademicYear) -> QuerySet[InstrumentVersion]:
    return (
        InstrumentVersion.objects.filter(instrument__madrasah=madrasah, academic_year=academic_year)
        .select_related("instrument", "academic_year")
        .order_by("instrument__kind", "instrument__name")
    )


def instrument_version_sheet(*, version: InstrumentVersion) -> list[Section]:
    """Sections with their items and the indicators they inform, in order: what a sheet shows."""
    items = Item.objects.select_related("indicator__competency").order_by("order", "pk")
    return list(
        version.sections.select_related("competency")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("order", "pk")
    )


def indicator_choices(*, version: InstrumentVersion) -> QuerySet[Indicator]:
    """Indicators an item of this version may name: those of its framework, else of the PKG
    framework for subject teachers (supervision items inform PKG indicators)."""
    framework = version.framework or Framework.objects.filter(code="pkg-mapel").order_by("-version").first()
    return (
        Indicator.objects.filter(competency__framework=framework)
        .select_related("competency")
        .order_by("competency__number", "number")
    )


def framework_tree(*, framework: Framework) -> list[Domain]:
    indicators = Indicator.objects.order_by("number")
    competencies = Competency.objects.order_by("number").prefetch_related(Prefetch("indicators", queryset=indicators))
    return list(framework.domains.order_by("order").prefetch_related(Prefetch("competencies", queryset=competencies)))


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.order_by("code", "-version")
