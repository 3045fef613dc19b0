"""The instrument workbook's layout: sheets, columns, cell words, limits, and the plain spec passed
between reading, checking and writing.

Sheet names, headers and cell words (Ya/Tidak, the scoring options) are a data format in Indonesian,
the same whatever the interface language, so that a workbook filled in one language reads in the
other; messages and the instructions are translated. docs/domain.md §9 "Academic supervision"
(Instrument workbooks) describes the layout for the people who fill it.

The spec is the shape of `seed_data`'s instruments, plus the scoring options, the framework code and
each section's competency number:
    {"code", "name", "kind", "framework": code or None,
     "scale": {"min", "max", "labels": {value: label}}, "allow_not_applicable", "follow_up_below",
     "item_scoring", "section_combining", "band_rounding", "bands": [(lower bound, label)] highest first,
     "sections": [{"title", "weight", "competency": number or None,
                   "items": [{"text", "indicator": (competency number, indicator number) or None}]}]}
"""

from __future__ import annotations

from dataclasses import dataclass

from ...models import BandRounding, InstrumentKind, ItemScoring, SectionCombining

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The PKG instrument (14 sections, 78 items) is about 15 kB: a megabyte is far more than any needs.
MAX_FILE_BYTES = 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_SECTIONS = 60
MAX_ITEMS = 500
MAX_BANDS = 20
# Sheets often claim (or format) many empty rows: this many empty rows in a row end a sheet's data.
MAX_EMPTY_RUN = 200

GUIDE = "Petunjuk"
INSTRUMENT = "Instrumen"
SCALE = "Skala"
SECTIONS = "Bagian"
ITEMS = "Butir"
BANDS = "Predikat"
DATA_SHEETS = (INSTRUMENT, SCALE, SECTIONS, ITEMS, BANDS)

# The Instrumen sheet: one row per field, its name in column A and its value in column B.
FIELDS = (
    ("code", "Kode"),
    ("name", "Nama"),
    ("kind", "Jenis"),
    ("framework", "Kerangka kompetensi"),
    ("scale_min", "Nilai terendah"),
    ("scale_max", "Nilai tertinggi"),
    ("allow_not_applicable", "Boleh tidak berlaku"),
    ("follow_up_below", "Tindak lanjut bila nilai di bawah"),
    ("item_scoring", "Poin butir"),
    ("section_combining", "Penggabungan bagian"),
    ("band_rounding", "Predikat dibaca dari"),
)
FIELD_HEADERS = ("Isian", "Nilai")
SCALE_COLUMNS = ("Nilai", "Label")
SECTION_COLUMNS = ("No. bagian", "Judul bagian", "Bobot", "Kompetensi (nomor)")
ITEM_COLUMNS = ("No. bagian", "No. butir", "Teks butir", "Indikator PKG")
BAND_COLUMNS = ("Batas bawah", "Predikat")
# Column widths per sheet, in the order of its columns.
WIDTHS = {
    INSTRUMENT: (34, 70),
    SCALE: (10, 40),
    SECTIONS: (12, 60, 10, 20),
    ITEMS: (12, 10, 90, 16),
    BANDS: (14, 24),
}

YES, NO = "Ya", "Tidak"
# Cell words of the scoring options (docs/domain.md §9 "Academic supervision", Instrument workbooks);
# the stored codes are read too.
ITEM_SCORING_WORDS = {
    ItemScoring.AS_GIVEN: "apa adanya",
    ItemScoring.NORMALISED: "dinormalkan dari nilai terendah",
}
SECTION_COMBINING_WORDS = {
    SectionCombining.POOLED: "poin digabung menurut bobot",
    SectionCombining.SECTION_MEAN: "rata-rata persentase bagian",
}
BAND_ROUNDING_WORDS = {
    BandRounding.NONE: "nilai tanpa pembulatan",
    BandRounding.TWO_DECIMALS: "nilai dibulatkan dua desimal",
    BandRounding.WHOLE: "nilai dibulatkan ke bilangan bulat",
}
OPTION_WORDS = {
    "item_scoring": ITEM_SCORING_WORDS,
    "section_combining": SECTION_COMBINING_WORDS,
    "band_rounding": BAND_ROUNDING_WORDS,
}
OPTION_DEFAULTS = {
    "item_scoring": ItemScoring.AS_GIVEN,
    "section_combining": SectionCombining.POOLED,
    "band_rounding": BandRounding.NONE,
}

# Kinds scored as supervision (items against the version's scale, sections by weight); every other
# kind (PKG, and any appraisal kind added later) is appraised against a competency framework: its
# workbook names the framework and each section names a competency of it.
SUPERVISION_KINDS = frozenset({InstrumentKind.PLANNING, InstrumentKind.TEACHING, InstrumentKind.ASSESSMENT})
# The framework a supervision item's PKG indicator code refers to (seed_data.PKG_MAPEL_FRAMEWORK).
SUPERVISION_INDICATOR_FRAMEWORK = "pkg-mapel"


def framework_kind(kind: str) -> bool:
    """Whether an instrument of `kind` is appraised against a competency framework."""
    return kind not in SUPERVISION_KINDS


TEXT_LIMITS = {"code": 60, "name": 200, "framework": 40, "title": 200, "item": 2000, "scale_label": 100, "band": 40}


@dataclass(frozen=True)
class Issue:
    """One problem of a workbook: its sheet, Excel row (None: the sheet as a whole) and column header."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    @property
    def sort_key(self) -> tuple:
        sheets = (GUIDE, *DATA_SHEETS)
        return (sheets.index(self.sheet) if self.sheet in sheets else len(sheets), self.row or 0, self.column or "")


class WorkbookError(Exception):
    """The file as a whole cannot be read (not an .xlsx, damaged, too big)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """One cell's value is refused; the message says why."""
