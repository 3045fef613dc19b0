"""Writes for frameworks and instruments."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import AcademicYear

from ..models import APPRAISAL_KINDS, InstrumentVersion, Item, PredikatBand, Section
from . import seed_data
from .rules import Band, stored_vocabulary, supervision_vocabulary, validate_bands

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
) -> None:
    """Change the scale, options and predikat bands of an unfrozen version (all validated first).

    The bands of a supervision instrument are the madrasah's one vocabulary: they become the
    madrasah's (`Madrasah.supervision_bands`, taken by every new supervision version) and replace the
    bands of its other supervision versions not used yet. Versions already used keep theirs, and so
    does the PKG, whose bands are its own. Safe to retry (the same values give the same rows)."""
    _refuse_if_frozen(version)
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
    """An editable copy of `version` for a later `academic_year` (sections, items, bands). A supervision
    instrument's copy takes the madrasah's predikat vocabulary, not the bands of the version copied."""
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
