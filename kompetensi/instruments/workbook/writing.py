"""Writing a spec (layout.py) as an instrument workbook: the Petunjuk sheet, then the five sheets the
import reads. Pure; every workbook is saved through `madrasah.workbooks.workbook_bytes`, which keeps
text that looks like a formula as text."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from madrasah.workbooks import workbook_bytes, workbook_text

from ...models import InstrumentKind
from .cells import indicator_text
from .layout import (
    BAND_COLUMNS,
    BAND_ROUNDING_WORDS,
    BANDS,
    FIELD_HEADERS,
    FIELDS,
    GUIDE,
    INSTRUMENT,
    ITEM_COLUMNS,
    ITEM_SCORING_WORDS,
    ITEMS,
    MAX_ITEMS,
    NO,
    OPTION_WORDS,
    SCALE,
    SCALE_COLUMNS,
    SECTION_COLUMNS,
    SECTION_COMBINING_WORDS,
    SECTIONS,
    WIDTHS,
    YES,
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D1E7DD")


def _number(value):
    """A Decimal as the cell number it is: whole numbers as integers."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.normalize()


def _field_values(spec: dict) -> dict:
    return {
        "code": spec["code"],
        "name": spec["name"],
        "kind": spec["kind"],
        "framework": spec.get("framework") or None,
        "scale_min": spec["scale"]["min"],
        "scale_max": spec["scale"]["max"],
        "allow_not_applicable": YES if spec["allow_not_applicable"] else NO,
        "follow_up_below": _number(spec["follow_up_below"]),
        **{key: words[spec.get(key) or next(iter(words))] for key, words in OPTION_WORDS.items()},
    }


def _sheet(workbook: Workbook, title: str, headers: tuple[str, ...], rows: list[list]):
    worksheet = workbook.create_sheet(title)
    worksheet.append(list(headers))
    for cell in worksheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in rows:
        worksheet.append([workbook_text(value) for value in row])
    for index, width in enumerate(WIDTHS[title], start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    return worksheet


def _list_validation(worksheet, cells_range: str, options) -> None:
    """A drop-down list; other spellings stay allowed (the import reads the codes too)."""
    validation = DataValidation(
        type="list", formula1=f'"{",".join(options)}"', allow_blank=True, showErrorMessage=False
    )
    validation.add(cells_range)
    worksheet.add_data_validation(validation)


def _guide(workbook: Workbook, title: str) -> None:
    worksheet = workbook.active
    worksheet.title = GUIDE
    lines = [
        title,
        "",
        _("How to fill this workbook"),
        _("Fill the sheets Instrumen, Skala, Bagian, Butir and Predikat; keep the sheet names and the header rows."),
        _("Type values, not formulas: a cell with a formula is refused."),
        _("Instrumen: the code names the instrument within the madrasah (letters, digits and hyphens)."),
        _("Jenis: %(kinds)s.") % {"kinds": "; ".join(f"{value} = {label}" for value, label in InstrumentKind.choices)},
        _(
            "Kerangka kompetensi: only for a PKG-type appraisal, the code of its framework (for example "
            "pkg-mapel); leave it empty for a supervision instrument."
        ),
        _("Boleh tidak berlaku: %(yes)s or %(no)s.") % {"yes": YES, "no": NO},
        _("Poin butir: %(words)s.") % {"words": "; ".join(ITEM_SCORING_WORDS.values())},
        _("Penggabungan bagian: %(words)s.") % {"words": "; ".join(SECTION_COMBINING_WORDS.values())},
        _("Predikat dibaca dari: %(words)s.") % {"words": "; ".join(BAND_ROUNDING_WORDS.values())},
        _("Skala: one row for each value from the lowest to the highest score, with its label."),
        _(
            "Bagian: a number, a title and a weight above 0 for each section; for a PKG-type appraisal also the "
            "number of the competency the section appraises."
        ),
        _(
            "Butir: the section number, the item number (unique within its section) and the text of each item; "
            "optionally the PKG indicator it informs as competency.indicator, for example 1.3."
        ),
        _(
            "Predikat: the lower bound (0–100) and the predikat of each band. A score takes the highest band whose "
            "lower bound it reaches; the lowest band must start at 0 and no two bands may start at the same bound."
        ),
        _("Upload the workbook on the Instruments page: you will see the instrument before it is saved."),
    ]
    for line in lines:
        worksheet.append([line])
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet["A3"].font = _HEADER_FONT
    worksheet.column_dimensions["A"].width = 120
    for row in worksheet.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def spec_workbook(spec: dict, *, title: str | None = None) -> bytes:
    """The .xlsx of an instrument spec: what the import reads back as the same spec."""
    workbook = Workbook()
    _guide(workbook, title or spec["name"])
    values = _field_values(spec)
    sheet = _sheet(workbook, INSTRUMENT, FIELD_HEADERS, [[label, values[key]] for key, label in FIELDS])
    rows = {key: number for number, (key, _label) in enumerate(FIELDS, start=2)}
    _list_validation(sheet, f"B{rows['kind']}", InstrumentKind.values)
    _list_validation(sheet, f"B{rows['allow_not_applicable']}", [YES, NO])
    for key, words in OPTION_WORDS.items():
        _list_validation(sheet, f"B{rows[key]}", words.values())
    for row in sheet.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True)
    scale = spec["scale"]
    labels = {int(k): v for k, v in scale["labels"].items()}
    _sheet(workbook, SCALE, SCALE_COLUMNS, [[v, labels.get(v) or None] for v in range(scale["min"], scale["max"] + 1)])
    _sheet(
        workbook,
        SECTIONS,
        SECTION_COLUMNS,
        [
            [number, section["title"], _number(section["weight"]), section.get("competency")]
            for number, section in enumerate(spec["sections"], start=1)
        ],
    )
    items = _sheet(
        workbook,
        ITEMS,
        ITEM_COLUMNS,
        [
            [number, item_number, item["text"], indicator_text(item.get("indicator")) or None]
            for number, section in enumerate(spec["sections"], start=1)
            for item_number, item in enumerate(section["items"], start=1)
        ],
    )
    # Indicator codes are text: typed into a number cell, 1.10 would become 1.1.
    for row in items.iter_rows(min_row=2, max_row=MAX_ITEMS + 1, min_col=4, max_col=4):
        row[0].number_format = "@"
    for row in items.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    _sheet(workbook, BANDS, BAND_COLUMNS, [[_number(lower), label] for lower, label in spec["bands"]])
    return workbook_bytes(workbook)


TEMPLATE_SPEC = {
    "code": "contoh-instrumen",
    "name": "Contoh Instrumen Supervisi",
    "kind": InstrumentKind.TEACHING.value,
    "framework": None,
    "scale": {"min": 1, "max": 4, "labels": {1: "Kurang", 2: "Cukup", 3: "Baik", 4: "Sangat baik"}},
    "allow_not_applicable": False,
    "follow_up_below": Decimal(3),
    "item_scoring": "as_given",
    "section_combining": "pooled",
    "band_rounding": "none",
    "bands": [(Decimal(91), "Amat Baik"), (Decimal(81), "Baik"), (Decimal(71), "Cukup"), (Decimal(0), "Kurang")],
    "sections": [
        {
            "title": "Kegiatan Pendahuluan",
            "weight": Decimal(1),
            "competency": None,
            "items": [{"text": "Guru menyampaikan tujuan pembelajaran.", "indicator": (2, 5)}],
        }
    ],
}


def template_workbook() -> bytes:
    """The empty layout with one example row per sheet and the instructions."""
    return spec_workbook(TEMPLATE_SPEC, title=_("Instrument workbook template (example rows to replace)"))
