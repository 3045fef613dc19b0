"""Example instrument workbooks shipped with the product, loaded through the instrument import.

Each example replaces, from its first academic year on, the version of one standard instrument
(its code) that is not used yet; earlier years keep theirs. The instruments no official text gives
items for (the PKG for guru BK, the Kepala's PKKM, the supervision of a BK service) are examples a
madrasah starts with (`default`): `seed.instruments_ensure_defaults` loads them through the import
where a year has no version of them yet. The .xlsx files next to this module are written by
`examples_write()` from `kbc_data` and `bk_pkkm_data` (a test checks they are up to date).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_lazy

from .. import bk_pkkm_data, kbc_data
from ..workbook import spec_workbook

FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Example:
    key: str
    filename: str
    spec: dict
    first_year: int  # start year of the first academic year it is offered for
    title: str
    default: bool = False  # loaded for a year without a version of its instrument

    @property
    def code(self) -> str:
        return self.spec["code"]

    @property
    def path(self) -> Path:
        return FOLDER / self.filename

    def data(self) -> bytes:
        return self.path.read_bytes()


def _with_default_options(spec: dict) -> dict:
    """A seed-format spec as a workbook spec: the scoring options of the official rule."""
    options = {"item_scoring": "as_given", "section_combining": "pooled", "band_rounding": "none"}
    sections = [{"competency": None, **section} for section in spec["sections"]]
    return {"framework": None, **options, **spec, "sections": sections}


# Titles are the workbooks' own (Indonesian, a data format): they say the items are an example.
EXAMPLES = {
    example.key: example
    for example in (
        Example(
            "perencanaan-kbc",
            "contoh-perencanaan-kbc.xlsx",
            kbc_data.PERENCANAAN_KBC,
            2025,
            "Contoh instrumen (bukan teks resmi): supervisi perencanaan pembelajaran dengan Kurikulum Berbasis "
            "Cinta dan pembelajaran mendalam",
        ),
        Example(
            "pelaksanaan-kbc",
            "contoh-pelaksanaan-kbc.xlsx",
            kbc_data.PELAKSANAAN_KBC,
            2025,
            "Contoh instrumen (bukan teks resmi): supervisi pelaksanaan pembelajaran dengan Kurikulum Berbasis "
            "Cinta dan pembelajaran mendalam",
        ),
        *(
            Example(
                spec["code"],
                f"contoh-{spec['code']}.xlsx",
                _with_default_options(spec),
                0,
                f"{spec['name']} (bukan teks resmi)",
                default=True,
            )
            for spec in bk_pkkm_data.EXAMPLE_INSTRUMENTS
        ),
    )
}
# What the page calls each example, in the reader's language.
EXAMPLE_LABELS = {
    "perencanaan-kbc": gettext_lazy("Example: planning with Kurikulum Berbasis Cinta and deep learning"),
    "pelaksanaan-kbc": gettext_lazy("Example: teaching with Kurikulum Berbasis Cinta and deep learning"),
    "pkg-bk": gettext_lazy("Example: PKG for guidance counsellors (BK)"),
    "pkkm": gettext_lazy("Example: the Kepala's appraisal (PKKM)"),
    "perencanaan-bk": gettext_lazy("Example: supervision of a counselling service plan (RPL)"),
    "pelaksanaan-bk": gettext_lazy("Example: supervision of a counselling service"),
}


def examples_for(start_year: int) -> list[Example]:
    """The examples offered for a year (a madrasah starts with the `default` ones anyway)."""
    return [example for example in EXAMPLES.values() if not example.default and start_year >= example.first_year]


def examples_write() -> None:
    """Write the example .xlsx files from `kbc_data` and `bk_pkkm_data` (instructions in Indonesian)."""
    with translation.override("id"):
        for example in EXAMPLES.values():
            example.path.write_bytes(spec_workbook(example.spec, title=example.title))
