"""Checking the list sheets of an instrument workbook (Skala, Bagian, Butir, Predikat) row by row.
Pure: each function appends `Issue`s and returns the part of the spec it read.

Predikat bands are read by their lower bounds: a band runs from its lower bound up to the next
band's, so bands can neither leave a gap between them nor overlap, except in two ways that are
refused — two bands with the same lower bound (they overlap entirely), and a lowest band above 0
(a score below it would get no predikat: the gap at the bottom). See docs/domain.md §9 "Academic
supervision", Instrument workbooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .cells import indicator_text, is_blank, plain, read_decimal, read_indicator_code, read_integer, read_text
from .layout import (
    BAND_COLUMNS,
    BANDS,
    ITEM_COLUMNS,
    ITEMS,
    SCALE,
    SCALE_COLUMNS,
    SECTION_COLUMNS,
    SECTIONS,
    TEXT_LIMITS,
    CellError,
    Issue,
)


@dataclass(frozen=True)
class SheetRows:
    sheet: str
    rows: Mapping[int, tuple]


class _Row:
    """Reads the cells of one row, collecting a refused cell as an issue at its column."""

    def __init__(self, sheet: str, headers: tuple[str, ...], number: int, values: tuple, issues: list[Issue]):
        self.sheet, self.headers, self.number, self.values, self.issues = sheet, headers, number, values, issues
        self.ok = True

    def read(self, index: int, reader, **kwargs):
        try:
            return reader(self.values[index], **kwargs)
        except CellError as error:
            self.problem(index, str(error))
            return None

    def problem(self, index: int | None, message: str) -> None:
        self.ok = False
        column = self.headers[index] if index is not None else None
        self.issues.append(Issue(self.sheet, self.number, column, message))


def scale_check(rows: SheetRows | None, scale_min: int | None, scale_max: int | None, issues: list[Issue]) -> dict:
    """{value: label} of the Skala sheet: one row for each value of the scale, no other; a label may
    be left empty."""
    if rows is None:
        return {}
    labels: dict[int, str] = {}
    for number, values in rows.rows.items():
        row = _Row(SCALE, SCALE_COLUMNS, number, values, issues)
        value = row.read(0, read_integer, minimum=0, maximum=10)
        label = row.read(1, read_text, max_length=TEXT_LIMITS["scale_label"], required=False)
        if value is None:
            continue
        if value in labels:
            row.problem(0, _("The value %(value)s appears twice.") % {"value": value})
        elif scale_min is not None and scale_max is not None and not scale_min <= value <= scale_max:
            row.problem(
                0,
                _("The value %(value)s lies outside the scale %(min)s–%(max)s (sheet Instrumen).")
                % {"value": value, "min": scale_min, "max": scale_max},
            )
        elif row.ok:
            labels[value] = label or ""
    if scale_min is not None and scale_max is not None:
        missing = [str(v) for v in range(scale_min, scale_max + 1) if v not in labels]
        if missing:
            issues.append(
                Issue(
                    SCALE,
                    None,
                    SCALE_COLUMNS[0],
                    _("The scale %(min)s–%(max)s needs a row for each value; missing: %(values)s.")
                    % {"min": scale_min, "max": scale_max, "values": ", ".join(missing)},
                )
            )
    return {value: label for value, label in sorted(labels.items()) if label}


def bands_check(rows: SheetRows | None, issues: list[Issue]) -> list[tuple[Decimal, str]]:
    """[(lower bound, label)] highest first; see the module's docstring for gaps and overlaps."""
    if rows is None:
        return []
    bands: dict[Decimal, str] = {}
    seen_labels: set[str] = set()
    for number, values in rows.rows.items():
        row = _Row(BANDS, BAND_COLUMNS, number, values, issues)
        lower = row.read(0, read_decimal, places=2, minimum=Decimal(0), maximum=Decimal(100))
        label = row.read(1, read_text, max_length=TEXT_LIMITS["band"])
        if lower is not None and lower in bands:
            row.problem(
                0,
                _("Another band already starts at %(bound)s: two bands would overlap.") % {"bound": plain(lower)},
            )
        if label and label.casefold() in seen_labels:
            row.problem(1, _("Another band already has this predikat."))
        if row.ok:
            bands[lower] = label
            seen_labels.add(label.casefold())
    if not rows.rows:
        issues.append(Issue(BANDS, None, None, _("Give at least one predikat band.")))
    elif bands and min(bands) != 0:
        issues.append(
            Issue(
                BANDS,
                None,
                BAND_COLUMNS[0],
                _("The lowest band must start at 0: a score below %(bound)s would get no predikat.")
                % {"bound": plain(min(bands))},
            )
        )
    return sorted(bands.items(), key=lambda band: band[0], reverse=True)


def _sections(
    rows: SheetRows, framework_bound: bool, index, issues: list[Issue]
) -> tuple[dict[int, tuple[int, dict]], set[int]]:
    """({section number: (row, section spec without items)}, every number on the Bagian sheet, a
    refused row's too: its items are not reported missing a section)."""
    sections: dict[int, tuple[int, dict]] = {}
    numbers: set[int] = set()
    for number, values in rows.rows.items():
        row = _Row(SECTIONS, SECTION_COLUMNS, number, values, issues)
        key = row.read(0, read_integer, minimum=1, maximum=999)
        title = row.read(1, read_text, max_length=TEXT_LIMITS["title"])
        weight = row.read(2, read_decimal, places=2, minimum=Decimal(0), maximum=Decimal("99.99"))
        if weight is not None and weight <= 0:
            row.problem(2, _("The weight must be above 0."))
        competency = None
        if framework_bound:
            competency = row.read(3, read_integer, minimum=1, maximum=999)
            if competency is not None and index is not None and competency not in index:
                row.problem(3, _("The framework has no competency %(number)s.") % {"number": competency})
        elif not is_blank(values[3]):
            row.problem(3, _("Leave this empty: only an appraisal against a competency framework names competencies."))
        if key is not None and key in numbers:
            row.problem(0, _("Section %(number)s appears twice.") % {"number": key})
        numbers.add(key)
        if row.ok:
            sections[key] = (number, {"title": title, "weight": weight, "competency": competency, "items": {}})
    if not rows.rows:
        issues.append(Issue(SECTIONS, None, None, _("Give at least one section.")))
    return sections, numbers


def items_attach(
    section_rows: SheetRows | None, item_rows: SheetRows | None, *, framework_bound: bool, index, issues: list[Issue]
) -> list[dict]:
    """The sections in number order, each with its items in number order. An item names a section of
    the Bagian sheet; a section needs an item; item numbers are unique within a section; an
    indicator code must exist in the framework, and for a framework-bound kind belong to the
    section's competency."""
    if section_rows is None or item_rows is None:
        return []
    sections, numbers = _sections(section_rows, framework_bound, index, issues)
    referenced: set[int | None] = set()  # sections named by an item row, a refused one too
    for number, values in item_rows.rows.items():
        row = _Row(ITEMS, ITEM_COLUMNS, number, values, issues)
        section_number = row.read(0, read_integer, minimum=1, maximum=999)
        item_number = row.read(1, read_integer, minimum=1, maximum=999)
        text = row.read(2, read_text, max_length=TEXT_LIMITS["item"])
        code = row.read(3, read_indicator_code)
        if code is not None and index is not None and code[1] not in index.get(code[0], ()):
            row.problem(3, _("The framework has no indicator %(code)s.") % {"code": indicator_text(code)})
        section = sections.get(section_number)
        referenced.add(section_number)
        if section_number is not None and section_number not in numbers:
            row.problem(0, _("Section %(number)s is not on the sheet Bagian.") % {"number": section_number})
        if section is not None:
            competency = section[1]["competency"]
            if framework_bound and code is not None and competency is not None and code[0] != competency:
                row.problem(
                    3,
                    _(
                        "Indicator %(code)s belongs to competency %(code_competency)s, not to the section's "
                        "%(competency)s."
                    )
                    % {"code": indicator_text(code), "code_competency": code[0], "competency": competency},
                )
            if item_number is not None and item_number in section[1]["items"]:
                row.problem(
                    1,
                    _("Item %(item)s of section %(section)s appears twice.")
                    % {"item": item_number, "section": section_number},
                )
        if row.ok and section is not None:
            section[1]["items"][item_number] = {"text": text, "indicator": code}
    result = []
    for number, (row_number, section) in sorted(sections.items()):
        if number not in referenced:
            issues.append(
                Issue(SECTIONS, row_number, SECTION_COLUMNS[0], _("This section has no items on the sheet Butir."))
            )
        result.append({**section, "items": [item for _n, item in sorted(section["items"].items())]})
    return result
