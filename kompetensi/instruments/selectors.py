"""Reads for frameworks and instruments: academic years, instrument versions and their sheets,
indicators an item may name, and predikat bands. Every function takes the madrasah or the version
explicitly."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Round

from madrasah import compiled
from madrasah.models import AcademicYear, Madrasah, Semester

from ..models import (
    BandRounding,
    Competency,
    Domain,
    Framework,
    Indicator,
    InstrumentVersion,
    Item,
    ItemScoring,
    PredikatBand,
    Section,
)
from .rules import Band


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
    return instrument_version_sheets(version_ids=[version.pk]).get(version.pk, [])


def instrument_version_sheets(*, version_ids: Iterable[int]) -> dict[int, list[Section]]:
    """{version id: its sheet (`instrument_version_sheet`)} for several versions: two queries."""
    items = Item.objects.select_related("indicator__competency").order_by("order", "pk")
    sheets: dict[int, list[Section]] = {}
    for section in (
        Section.objects.filter(version_id__in=list(version_ids))
        .select_related("competency")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("version_id", "order", "pk")
    ):
        sheets.setdefault(section.version_id, []).append(section)
    return sheets


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


def version_bands(version_ids: Iterable[int]) -> dict[int, list[Band]]:
    """{version id: its predikat bands, highest first}: one query, compiled once per connection and
    set of versions (`madrasah.compiled`)."""
    ids = tuple(sorted(set(version_ids)))

    def build():
        return (
            PredikatBand.objects.filter(version_id__in=ids)
            .order_by("-lower_bound")
            .values_list("version_id", "lower_bound", "label")
        )

    bands: dict[int, list[Band]] = {}
    for version_id, lower_bound, label in compiled.evaluate(("version_bands", ids), build) if ids else []:
        bands.setdefault(version_id, []).append(Band(lower_bound, label))
    return bands


def band_bound(*, version: str, predikat: str) -> Subquery:
    """The lower bound of the band labelled `predikat` of the version at OuterRef(`version`)."""
    return Subquery(
        PredikatBand.objects.filter(version_id=OuterRef(version), label=predikat)
        .order_by("-lower_bound")
        .values("lower_bound")[:1]
    )


def bands_of(version: InstrumentVersion) -> list[Band]:
    """The predikat bands of a version, as the scoring function reads them (a filled sheet's bands)."""
    return [Band(b.lower_bound, b.label) for b in version.bands.all()]


def sheet_item_ids(version: InstrumentVersion) -> set[int]:
    """The ids of the items of a version: the only ones a sheet filled against it may score."""
    return set(Item.objects.filter(section__version=version).values_list("pk", flat=True))


def instrument_version_spec(*, version: InstrumentVersion) -> dict:
    """A version as the plain spec an instrument workbook holds (workbook/layout.py)."""
    return {
        "code": version.instrument.code,
        "name": version.instrument.name,
        "kind": version.instrument.kind,
        "framework": version.framework.code if version.framework_id else None,
        "scale": {
            "min": version.scale_min,
            "max": version.scale_max,
            "labels": {
                int(value): label
                for value, label in sorted(version.scale_labels.items(), key=lambda kv: int(kv[0]))
                if label
            },
        },
        "allow_not_applicable": version.allow_not_applicable,
        "follow_up_below": version.follow_up_below,
        "item_scoring": version.item_scoring,
        "section_combining": version.section_combining,
        "band_rounding": version.band_rounding,
        "bands": [(b.lower_bound, b.label) for b in version.bands.order_by("-lower_bound")],
        "sections": [
            {
                "title": section.title,
                "weight": section.weight,
                "competency": section.competency.number if section.competency_id else None,
                "items": [
                    {
                        "text": item.text,
                        "indicator": (item.indicator.competency.number, item.indicator.number)
                        if item.indicator_id
                        else None,
                    }
                    for item in section.items.all()
                ],
            }
            for section in instrument_version_sheet(version=version)
        ],
    }


def framework_latest(code: str) -> Framework | None:
    return Framework.objects.filter(code=code).order_by("-version").first()


def framework_indexes() -> dict[str, dict[int, set[int]]]:
    """{framework code: {competency number: its indicator numbers}} of each code's latest version:
    what an instrument workbook's competency numbers and indicator codes are checked against."""
    latest = {}
    for framework in Framework.objects.order_by("code", "-version"):
        latest.setdefault(framework.code, framework.pk)
    indexes: dict[str, dict[int, set[int]]] = {code: {} for code in latest}
    code_of = {pk: code for code, pk in latest.items()}
    for framework_id, competency, indicator in Competency.objects.filter(framework_id__in=code_of).values_list(
        "framework_id", "number", "indicators__number"
    ):
        numbers = indexes[code_of[framework_id]].setdefault(competency, set())
        if indicator is not None:
            numbers.add(indicator)
    return indexes


def item_floor(version: str = "instrument_version__") -> Case:
    """The points an item counts from, in a query reaching the version by `version`: the scale min when
    the version normalises item points, else 0. A mean of points m is then the percentage
    (m − floor) ÷ (scale max − floor) × 100, as `scoring.score_instrument` counts a section."""
    return Case(
        When(**{f"{version}item_scoring": ItemScoring.NORMALISED}, then=F(f"{version}scale_min")),
        default=Value(0),
        output_field=IntegerField(),
    )


def band_read(percentage: str = "percentage", version: str = "instrument_version__") -> Case:
    """A stored percentage as its predikat was read, in a query reaching the version by `version`:
    rounded half up to a whole number or two decimals when the version says so (SQL ROUND of a
    positive numeric), else as stored (`scoring.band_value`)."""
    return Case(
        When(**{f"{version}band_rounding": BandRounding.WHOLE}, then=Round(percentage, 0)),
        When(**{f"{version}band_rounding": BandRounding.TWO_DECIMALS}, then=Round(percentage, 2)),
        default=F(percentage),
        output_field=DecimalField(max_digits=9, decimal_places=4),
    )
