"""Example instrument workbooks shipped with the product, loaded through the instrument import.

Each example replaces, from its first academic year on, the version of one standard instrument
(its code) that is not used yet; earlier years keep theirs. The .xlsx files next to this module are
written by `examples_write()` from `kbc_data` (a test checks they are up to date).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_lazy

from .. import kbc_data
from ..workbook import spec_workbook

FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Example:
    key: str
    filename: str
    spec: dict
    first_year: int  # start year of the first academic year it is offered for
    title: str

    @property
    def code(self) -> str:
        return self.spec["code"]

    @property
    def path(self) -> Path:
        return FOLDER / self.filename

    def data(self) -> bytes:
        return self.path.read_bytes()


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
    )
}
# What the page calls each example, in the reader's language.
EXAMPLE_LABELS = {
    "perencanaan-kbc": gettext_lazy("Example: planning with Kurikulum Berbasis Cinta and deep learning"),
    "pelaksanaan-kbc": gettext_lazy("Example: teaching with Kurikulum Berbasis Cinta and deep learning"),
}


def examples_for(start_year: int) -> list[Example]:
    return [example for example in EXAMPLES.values() if start_year >= example.first_year]


def examples_write() -> None:
    """Write the example .xlsx files from `kbc_data` (instructions in Indonesian)."""
    with translation.override("id"):
        for example in EXAMPLES.values():
            example.path.write_bytes(spec_workbook(example.spec, title=example.title))
