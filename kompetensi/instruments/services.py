"""Writes for frameworks and instruments."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear, Madrasah

from ..models import (
    APPRAISAL_KINDS,
    BandRounding,
    Competency,
    Indicator,
    Instrument,
    InstrumentKind,
    InstrumentVersion,
    Item,
    ItemScoring,
    PredikatBand,
    Section,
    SectionCombining,
)
from . import seed_data, selectors
from .examples import examples_for
from .rules import Band, stored_vocabulary, supervision_vocabulary, validate_bands
from .scoring import has_official_rule
from .workbook import Issue, WorkbookError, framework_kind, workbook_read
from .workbook.layout import SUPERVISION_INDICATOR_FRAMEWORK

BAND_PROBLEMS = {
    "no bands": lambda: _("Give at least one predikat band."),
    "bands must start at 0": lambda: _("The lowest band must start at 0."),
    "two bands have the same lower bound": lambda: _("Two bands have the same lower bound."),
    "lower bounds must lie between 0 and 100": lambda: _("Lower bounds must lie between 0 and 100."),
    "every band needs a label": lambda: _("Every band needs a predikat label."),
}


def madrasah_supervision_bands(madrasah) -> list[tuple[Decimal, str]]:
    """The bands a new version of the madrasah's supervision instruments takes (its vocabulary)."""
    return [(b.lower, b.label) for b in supervision_vocabulary(madrasah.supervision_bands, seed_data.SUPERVISION_BANDS)]


def is_supervision(instrument) -> bool:
    return instrument.kind not in APPRAISAL_KINDS


def _refuse_if_frozen(version: InstrumentVersion) -> None:
    if version.is_frozen:
        raise ApplicationError(
            _(
                "This version is already used by records and cannot change. "
                "Use “Copy to next year” to make an editable version."
            )
        )


def instrument_version_freeze(*, version: InstrumentVersion) -> None:
    """Freeze a version the first time a record uses it (idempotent): old results keep their meaning."""
    InstrumentVersion.objects.filter(pk=version.pk, frozen_at__isnull=True).update(frozen_at=timezone.now())
    version.refresh_from_db(fields=["frozen_at"])


def _check_scoring_options(version: InstrumentVersion, options: dict[str, str]) -> None:
    """Options must be known codes, and a version scored by the official rule (PKG, PKKM) keeps the
    defaults: its value decides a teacher's standing, so no school may read it another way."""
    for name, choices in (
        ("item_scoring", ItemScoring),
        ("section_combining", SectionCombining),
        ("band_rounding", BandRounding),
    ):
        if options[name] not in choices.values:
            raise ApplicationError(_("Choose one of the options offered."), field=name)
    defaults = {
        "item_scoring": ItemScoring.AS_GIVEN,
        "section_combining": SectionCombining.POOLED,
        "band_rounding": BandRounding.NONE,
    }
    if has_official_rule(version.instrument.kind) and options != defaults:
        raise ApplicationError(
            _("%(instrument)s is scored by the official rule of its guide: its scoring options cannot change.")
            % {"instrument": version.instrument.name}
        )


@transaction.atomic
def instrument_version_settings_update(
    *,
    version: InstrumentVersion,
    scale_min: int,
    scale_max: int,
    scale_labels: dict[str, str],
    allow_not_applicable: bool,
    follow_up_below: Decimal,
    bands: list[tuple[Decimal, str]],
    item_scoring: str | None = None,
    section_combining: str | None = None,
    band_rounding: str | None = None,
) -> None:
    """Change the scale, options, scoring options (None: as they are) and predikat bands of an
    unfrozen version (all validated first). A PKG or PKKM version refuses any scoring option but the
    defaults.

    The bands of a supervision instrument are the madrasah's one vocabulary: they become the
    madrasah's (`Madrasah.supervision_bands`, taken by every new supervision version) and replace the
    bands of its other supervision versions not used yet. Versions already used keep theirs, and so
    does the PKG, whose bands are its own. Safe to retry (the same values give the same rows)."""
    _refuse_if_frozen(version)
    given = {"item_scoring": item_scoring, "section_combining": section_combining, "band_rounding": band_rounding}
    options = {name: getattr(version, name) if value is None else value for name, value in given.items()}
    _check_scoring_options(version, options)
    if scale_min >= scale_max:
        raise ApplicationError(_("The lowest score must be below the highest."), field="scale_max")
    if not scale_min <= follow_up_below <= scale_max + 1:
        raise ApplicationError(
            _("The follow-up threshold must lie within the scale %(min)s–%(max)s.")
            % {"min": scale_min, "max": scale_max},
            field="follow_up_below",
        )
    problems = validate_bands([Band(lower, label) for lower, label in bands])
    if problems:
        raise ApplicationError(" ".join(BAND_PROBLEMS[p]() for p in problems), field="bands")
    labels = {k: v for k, v in scale_labels.items() if v and scale_min <= int(k) <= scale_max}
    version.scale_min, version.scale_max = scale_min, scale_max
    version.scale_labels = labels
    version.allow_not_applicable = allow_not_applicable
    version.follow_up_below = follow_up_below
    for name, value in options.items():
        setattr(version, name, value)
    version.save()
    instrument = version.instrument
    if is_supervision(instrument):
        madrasah = instrument.madrasah
        madrasah.supervision_bands = stored_vocabulary(bands)
        madrasah.save(update_fields=["supervision_bands"])
        versions = list(
            InstrumentVersion.objects.filter(instrument__madrasah=madrasah, frozen_at__isnull=True)
            .exclude(instrument__kind__in=APPRAISAL_KINDS)
            .values_list("pk", flat=True)
        )
    else:
        versions = [version.pk]
    PredikatBand.objects.filter(version_id__in=versions).delete()
    PredikatBand.objects.bulk_create(
        [PredikatBand(version_id=pk, lower_bound=lo, label=la) for pk in versions for lo, la in bands]
    )


@transaction.atomic
def section_save(
    *, version: InstrumentVersion, section: Section | None, title: str, weight: Decimal, items: list[dict]
) -> Section:
    """Create or change a section and replace its items (`items`: dicts of text and indicator)."""
    _refuse_if_frozen(version)
    if weight <= 0:
        raise ApplicationError(_("The weight must be above 0."), field="weight")
    if not items:
        raise ApplicationError(_("A section needs at least one item."))
    if section is None:
        order = (version.sections.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        section = Section(version=version, order=order)
    section.title, section.weight = title, weight
    section.save()
    section.items.all().delete()
    Item.objects.bulk_create(
        [
            Item(section=section, order=n, text=item["text"], indicator=item.get("indicator"))
            for n, item in enumerate(items, start=1)
        ]
    )
    return section


@transaction.atomic
def section_delete(*, section: Section) -> None:
    _refuse_if_frozen(section.version)
    section.delete()


@transaction.atomic
def instrument_version_copy(*, version: InstrumentVersion, academic_year: AcademicYear) -> InstrumentVersion:
    """An editable copy of `version` for a later `academic_year` (sections, items, scoring options,
    bands). A supervision instrument's copy takes the madrasah's predikat vocabulary, not the bands of
    the version copied."""
    if academic_year.start_year <= version.academic_year.start_year:
        raise ApplicationError(_("A copy must be for a later academic year."))
    if InstrumentVersion.objects.filter(instrument=version.instrument, academic_year=academic_year).exists():
        raise ApplicationError(
            _("%(instrument)s already has a version for %(year)s.")
            % {"instrument": version.instrument.name, "year": academic_year.name}
        )
    sections = list(version.sections.prefetch_related("items"))
    bands = list(version.bands.all())
    copy = InstrumentVersion.objects.create(
        instrument=version.instrument,
        academic_year=academic_year,
        framework=version.framework,
        scale_min=version.scale_min,
        scale_max=version.scale_max,
        scale_labels=version.scale_labels,
        allow_not_applicable=version.allow_not_applicable,
        follow_up_below=version.follow_up_below,
        item_scoring=version.item_scoring,
        section_combining=version.section_combining,
        band_rounding=version.band_rounding,
        copied_from=version,
    )
    if is_supervision(version.instrument):
        new_bands = madrasah_supervision_bands(version.instrument.madrasah)
    else:
        new_bands = [(b.lower_bound, b.label) for b in bands]
    PredikatBand.objects.bulk_create([PredikatBand(version=copy, lower_bound=lo, label=la) for lo, la in new_bands])
    items = []
    for section in sections:
        new_section = Section.objects.create(
            version=copy, order=section.order, title=section.title, weight=section.weight, competency=section.competency
        )
        items += [
            Item(section=new_section, order=i.order, text=i.text, indicator=i.indicator) for i in section.items.all()
        ]
    Item.objects.bulk_create(items)
    return copy


def instrument_version_copy_to_next_year(*, version: InstrumentVersion) -> InstrumentVersion:
    """ "Salin ke tahun berikutnya": the next academic year is created when it does not exist yet."""
    with transaction.atomic():
        next_year, _created = AcademicYear.objects.get_or_create(
            madrasah=version.instrument.madrasah, start_year=version.academic_year.start_year + 1
        )
        return instrument_version_copy(version=version, academic_year=next_year)


# --- instrument workbooks (docs/domain.md §9 "Academic supervision", Instrument workbooks) ----------


@dataclass
class ImportPlan:
    """What importing a workbook for `academic_year` would do: the spec read, or its issues; a
    refusal (the instrument's kind differs, or that year's version is used); the unused version it
    replaces; notes for the preview."""

    academic_year: AcademicYear
    spec: dict | None
    issues: list[Issue]
    refusal: str | None = None
    replaces: InstrumentVersion | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.spec is not None and not self.issues and self.refusal is None


def instrument_import_plan(*, madrasah: Madrasah, academic_year: AcademicYear, data: bytes) -> ImportPlan:
    """Read and check a workbook against the madrasah's instruments (no write). A file that is not a
    readable workbook raises ApplicationError at `file`."""
    try:
        spec, issues = workbook_read(data, frameworks=selectors.framework_indexes())
    except WorkbookError as error:
        raise ApplicationError(error.message, field="file") from None
    plan = ImportPlan(academic_year=academic_year, spec=spec, issues=issues)
    if spec is None:
        return plan
    instrument = Instrument.objects.filter(madrasah=madrasah, code=spec["code"]).first()
    if instrument is None:
        return plan
    if instrument.kind != spec["kind"]:
        plan.refusal = _(
            "The instrument %(code)s of this madrasah is of the kind “%(kind)s”; the workbook says “%(other)s”. "
            "Give the workbook another code."
        ) % {"code": spec["code"], "kind": instrument.get_kind_display(), "other": InstrumentKind(spec["kind"]).label}
        return plan
    existing = InstrumentVersion.objects.filter(instrument=instrument, academic_year=academic_year).first()
    if existing is not None and existing.is_frozen:
        plan.refusal = _(
            "The version of %(instrument)s for %(year)s is already used by records and cannot change. "
            "Import the workbook for %(next)s instead."
        ) % {
            "instrument": instrument.name,
            "year": academic_year.name,
            "next": f"{academic_year.start_year + 1}/{academic_year.start_year + 2}",
        }
        return plan
    if existing is not None:
        plan.replaces = existing
        plan.notes.append(
            _("The version of %(instrument)s for %(year)s is not used yet: confirming replaces it with this one.")
            % {"instrument": instrument.name, "year": academic_year.name}
        )
    if instrument.name != spec["name"]:
        plan.notes.append(
            _("The instrument keeps its name “%(name)s”: the name is shared by all its years.")
            % {"name": instrument.name}
        )
    return plan


def _import_bands(madrasah: Madrasah, spec: dict, bands_from_madrasah: bool) -> tuple[list, list[int]]:
    """(bands of the new version, other versions whose bands become the same)."""
    if framework_kind(spec["kind"]):
        return spec["bands"], []
    if bands_from_madrasah:
        return madrasah_supervision_bands(madrasah), []
    # A supervision instrument's bands are the madrasah's one vocabulary (docs/domain.md §9).
    madrasah.supervision_bands = stored_vocabulary(spec["bands"])
    madrasah.save(update_fields=["supervision_bands"])
    others = InstrumentVersion.objects.filter(instrument__madrasah=madrasah, frozen_at__isnull=True).exclude(
        instrument__kind__in=[k for k in InstrumentKind.values if framework_kind(k)]
    )
    return spec["bands"], list(others.values_list("pk", flat=True))


@transaction.atomic
def instrument_import(
    *,
    madrasah: Madrasah,
    academic_year: AcademicYear,
    data: bytes,
    replace: bool = False,
    bands_from_madrasah: bool = False,
) -> InstrumentVersion:
    """A new version of the workbook's instrument for `academic_year`, all checked first, in one
    transaction. An unused version of that year is replaced only with `replace`; a used one never.
    A supervision instrument's bands become the madrasah's vocabulary (as on the settings page), or
    with `bands_from_madrasah` the version takes the madrasah's. Safe to retry with `replace`."""
    if academic_year.madrasah_id != madrasah.pk:
        raise ApplicationError(_("Choose an academic year of this madrasah."), field="academic_year")
    plan = instrument_import_plan(madrasah=madrasah, academic_year=academic_year, data=data)
    if plan.issues:
        raise ApplicationError(_("The workbook has errors: nothing was saved."), extra={"issues": plan.issues})
    if plan.refusal:
        raise ApplicationError(plan.refusal)
    spec = plan.spec
    if plan.replaces is not None:
        version = InstrumentVersion.objects.select_for_update().get(pk=plan.replaces.pk)
        if version.is_frozen:  # used between the check and this lock
            raise ApplicationError(_("This version is already used by records and cannot change."))
        if not replace:
            raise ApplicationError(
                _("%(instrument)s already has a version for %(year)s.")
                % {"instrument": version.instrument.name, "year": academic_year.name}
            )
        version.sections.all().delete()
        version.bands.all().delete()
        version.copied_from = None
    else:
        instrument, _created = Instrument.objects.get_or_create(
            madrasah=madrasah, code=spec["code"], defaults={"name": spec["name"], "kind": spec["kind"]}
        )
        version = InstrumentVersion(instrument=instrument, academic_year=academic_year)
    framework = selectors.framework_latest(spec["framework"]) if spec["framework"] else None
    version.framework = framework
    version.scale_min, version.scale_max = spec["scale"]["min"], spec["scale"]["max"]
    version.scale_labels = {str(value): label for value, label in spec["scale"]["labels"].items()}
    version.allow_not_applicable = spec["allow_not_applicable"]
    version.follow_up_below = spec["follow_up_below"]
    version.item_scoring = spec["item_scoring"]
    version.section_combining = spec["section_combining"]
    version.band_rounding = spec["band_rounding"]
    version.save()
    bands, others = _import_bands(madrasah, spec, bands_from_madrasah)
    targets = [version.pk, *(pk for pk in others if pk != version.pk)]
    PredikatBand.objects.filter(version_id__in=targets).delete()
    PredikatBand.objects.bulk_create(
        [PredikatBand(version_id=pk, lower_bound=lo, label=la) for pk in targets for lo, la in bands]
    )
    indicator_framework = framework or selectors.framework_latest(SUPERVISION_INDICATOR_FRAMEWORK)
    indicators = {
        (i.competency.number, i.number): i
        for i in Indicator.objects.filter(competency__framework=indicator_framework).select_related("competency")
    }
    competencies = {c.number: c for c in Competency.objects.filter(framework=framework)} if framework else {}
    items = []
    for order, section_spec in enumerate(spec["sections"], start=1):
        section = Section.objects.create(
            version=version,
            order=order,
            title=section_spec["title"],
            weight=section_spec["weight"],
            competency=competencies.get(section_spec["competency"]),
        )
        items += [
            Item(section=section, order=n, text=item["text"], indicator=indicators.get(item["indicator"]))
            for n, item in enumerate(section_spec["items"], start=1)
        ]
    Item.objects.bulk_create(items)
    return version


def instrument_examples_load(*, madrasah: Madrasah, academic_year: AcademicYear) -> list[InstrumentVersion]:
    """Load the example workbooks offered from `academic_year` on (examples/), each through the
    import, replacing that year's version of its instrument when not used yet; a used version stays.
    The versions take the madrasah's predikat vocabulary. Returns the versions written. Safe to retry."""
    loaded = []
    for example in examples_for(academic_year.start_year):
        frozen = InstrumentVersion.objects.filter(
            instrument__madrasah=madrasah,
            instrument__code=example.code,
            academic_year=academic_year,
            frozen_at__isnull=False,
        )
        if not frozen.exists():
            loaded.append(
                instrument_import(
                    madrasah=madrasah,
                    academic_year=academic_year,
                    data=example.data(),
                    replace=True,
                    bands_from_madrasah=True,
                )
            )
    return loaded
