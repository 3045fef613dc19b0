"""Seeding of frameworks (national, shared) and default instruments (per madrasah and year).

`ensure_frameworks` is the one idempotent function that the data migration and the test fixtures
both call (transactional tests empty the tables). `instruments_ensure_defaults` is called from the
instrument page and by `seed_demo`.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import transaction

from ..models import (
    APPRAISAL_KINDS,
    Competency,
    Framework,
    Indicator,
    Instrument,
    InstrumentVersion,
    Item,
    PredikatBand,
    Section,
)
from . import examples, seed_data
from .services import instrument_import, instrument_version_copy, madrasah_supervision_bands


def ensure_frameworks(apps=global_apps) -> None:
    """Create or update the seeded frameworks (same texts every time; safe to repeat). What is there
    is read in four queries and only what differs is written: nothing, once they are in place (the
    instrument page and the PKG set-up call this on every new year)."""
    Framework = apps.get_model("kompetensi", "Framework")  # noqa: N806  (historical models in migrations)
    Domain = apps.get_model("kompetensi", "Domain")  # noqa: N806
    Competency = apps.get_model("kompetensi", "Competency")  # noqa: N806
    Indicator = apps.get_model("kompetensi", "Indicator")  # noqa: N806
    frameworks = {(row.code, row.version): row for row in Framework.objects.all()}
    domains = {(row.framework_id, row.code): row for row in Domain.objects.all()}
    competencies = {(row.framework_id, row.number): row for row in Competency.objects.all()}
    indicators = {(row.competency_id, row.number): row for row in Indicator.objects.all()}
    new_indicators = []
    for spec in seed_data.FRAMEWORKS:
        framework = _synced(
            Framework,
            frameworks,
            {"code": spec["code"], "version": spec["version"]},
            {"name": spec["name"], "teacher_type": spec["teacher_type"]},
        )
        for order, domain_spec in enumerate(spec["domains"], start=1):
            domain = _synced(
                Domain,
                domains,
                {"framework_id": framework.pk, "code": domain_spec["code"]},
                {"name": domain_spec["name"], "order": order},
            )
            for competency_spec in domain_spec["competencies"]:
                competency = _synced(
                    Competency,
                    competencies,
                    {"framework_id": framework.pk, "number": competency_spec["number"]},
                    {"name": competency_spec["name"], "domain_id": domain.pk},
                )
                for number, text in enumerate(competency_spec["indicators"], start=1):
                    lookup = {"competency_id": competency.pk, "number": number}
                    if (competency.pk, number) in indicators:
                        _synced(Indicator, indicators, lookup, {"text": text})
                    else:
                        new_indicators.append(Indicator(**lookup, text=text))
    Indicator.objects.bulk_create(new_indicators)


def _synced(model, existing: dict, lookup: dict, values: dict):
    """The row of `existing` found by `lookup` (its values in order), given `values`: saved only when
    one of them differs; created (and added to `existing`) when there is none."""
    key = tuple(lookup.values())
    row = existing.get(key)
    if row is None:
        row = existing[key] = model.objects.create(**lookup, **values)
    elif any(getattr(row, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(row, field, value)
        row.save(update_fields=list(values))
    return row


# What `instruments_ensure_defaults` creates for a year without a previous version: the seeded
# instruments from their specs, and the example workbooks (`examples`) through the import where no
# official instrument is seeded.
DEFAULT_INSTRUMENTS = seed_data.ALL_INSTRUMENTS
DEFAULT_EXAMPLES = [example for example in examples.EXAMPLES.values() if example.default]


def _framework_for(spec: dict):
    code = spec.get("framework")
    return Framework.objects.filter(code=code).order_by("-version").first() if code else None


@transaction.atomic
def instrument_create_from_spec(*, madrasah, academic_year, spec: dict):
    """One instrument version from a seed spec (see seed_data); returns the version. A supervision
    instrument takes the madrasah's predikat vocabulary (the spec's bands are the PKG's own)."""
    instrument, _ = Instrument.objects.get_or_create(
        madrasah=madrasah, code=spec["code"], defaults={"name": spec["name"], "kind": spec["kind"]}
    )
    framework = _framework_for(spec)
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        academic_year=academic_year,
        framework=framework,
        scale_min=spec["scale"]["min"],
        scale_max=spec["scale"]["max"],
        scale_labels={str(k): v for k, v in spec["scale"]["labels"].items()},
        allow_not_applicable=spec["allow_not_applicable"],
        follow_up_below=spec["follow_up_below"],
    )
    bands = madrasah_supervision_bands(madrasah) if spec["kind"] not in APPRAISAL_KINDS else spec["bands"]
    PredikatBand.objects.bulk_create(
        [PredikatBand(version=version, lower_bound=lower, label=label) for lower, label in bands]
    )
    # Item references name PKG indicators of subject teachers as (competency, indicator) numbers.
    pkg_framework = framework or _framework_for({"framework": seed_data.PKG_MAPEL_FRAMEWORK["code"]})
    indicators = {
        (i.competency.number, i.number): i
        for i in Indicator.objects.filter(competency__framework=pkg_framework).select_related("competency")
    }
    competencies = {i[0]: ind.competency for i, ind in indicators.items()}
    # A section may name its competency by number ("competency"): an instrument whose items inform no
    # national indicator still scores per competency of its framework.
    by_number = {c.number: c for c in Competency.objects.filter(framework=framework)} if framework else {}
    items = []
    for order, section_spec in enumerate(spec["sections"], start=1):
        first_ref = next((i["indicator"] for i in section_spec["items"] if i.get("indicator")), None)
        section = Section.objects.create(
            version=version,
            order=order,
            title=section_spec["title"],
            weight=section_spec["weight"],
            competency=(
                by_number.get(section_spec["competency"])
                if section_spec.get("competency")
                else competencies.get(first_ref[0])
                if framework is not None and first_ref
                else None
            ),
        )
        for item_order, item_spec in enumerate(section_spec["items"], start=1):
            ref = item_spec.get("indicator")
            items.append(
                Item(
                    section=section,
                    order=item_order,
                    text=item_spec["text"],
                    indicator=indicators.get(ref) if ref else None,
                )
            )
    Item.objects.bulk_create(items)
    return version


@transaction.atomic
def instruments_ensure_defaults(*, madrasah, academic_year, frameworks_ready: bool = False) -> list:
    """Make sure `academic_year` has a version of each instrument: copy last year's forward where
    one exists, else create the seeded defaults. Returns the versions created (none if all exist).
    All or nothing: a failure half-way leaves no instrument half-made. Safe to retry.
    `frameworks_ready`: the caller has run `ensure_frameworks` itself (`seed_demo`, once for many
    madrasah and years: it costs some 500 statements each time)."""
    if not frameworks_ready:
        ensure_frameworks()
    existing = set(
        InstrumentVersion.objects.filter(instrument__madrasah=madrasah, academic_year=academic_year).values_list(
            "instrument__code", flat=True
        )
    )
    created = []
    for spec in [*DEFAULT_INSTRUMENTS, *DEFAULT_EXAMPLES]:
        example = spec if isinstance(spec, examples.Example) else None
        if example is not None:
            spec = example.spec
        if spec["code"] in existing:
            continue
        previous = (
            InstrumentVersion.objects.filter(
                instrument__madrasah=madrasah,
                instrument__code=spec["code"],
                academic_year__start_year__lt=academic_year.start_year,
            )
            .order_by("-academic_year__start_year")
            .first()
        )
        if previous is not None:
            created.append(instrument_version_copy(version=previous, academic_year=academic_year))
        elif example is not None:
            created.append(
                instrument_import(
                    madrasah=madrasah,
                    academic_year=academic_year,
                    data=example.data(),
                    bands_from_madrasah=spec["kind"] not in APPRAISAL_KINDS,
                )
            )
        else:
            created.append(instrument_create_from_spec(madrasah=madrasah, academic_year=academic_year, spec=spec))
    return created
