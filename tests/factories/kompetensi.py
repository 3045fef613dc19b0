from decimal import Decimal

from kompetensi.models import Instrument, InstrumentVersion, Item, PredikatBand, Section


def instrument_version(
    *, madrasah, academic_year, code="perencanaan-uji", kind="perencanaan", items=3, weight=Decimal(1)
):
    """A small supervision instrument version: one section of `items` items, scale 1–4, bands 91/81/71/0."""
    instrument, _ = Instrument.objects.get_or_create(
        madrasah=madrasah, code=code, defaults={"name": f"Instrumen {code}", "kind": kind}
    )
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        academic_year=academic_year,
        scale_min=1,
        scale_max=4,
        scale_labels={"1": "Belum ada", "2": "Kurang", "3": "Baik", "4": "Sangat baik"},
        follow_up_below=Decimal(3),
    )
    section = Section.objects.create(version=version, order=1, title="Bagian A", weight=weight)
    Item.objects.bulk_create([Item(section=section, order=n, text=f"Butir {n}") for n in range(1, items + 1)])
    PredikatBand.objects.bulk_create(
        [
            PredikatBand(version=version, lower_bound=Decimal(lower), label=label)
            for lower, label in ((91, "Amat Baik"), (81, "Baik"), (71, "Cukup"), (0, "Kurang"))
        ]
    )
    return version
