"""Reading an instrument workbook into a spec (layout.py), with every problem as an `Issue` by sheet,
row and column. Pure: the frameworks an instrument may name come in as `FrameworkIndex`es.

A file that is not a readable .xlsx raises one `WorkbookError`. Formulas are never evaluated: a cell
holding one is an issue (the workbook is a list of values typed by hand, and a formula's cached
value may be stale or absent).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from madrasah.workbooks import UploadLimits, corrupt_message, upload_read, xlsx_check

from ...appraisal.rules import points_allowed
from ...models import InstrumentKind
from .cells import is_blank, read_choice, read_decimal, read_integer, read_slug, read_text, read_yes_no
from .layout import (
    BAND_COLUMNS,
    BANDS,
    FIELDS,
    INSTRUMENT,
    ITEM_COLUMNS,
    ITEMS,
    MAX_BANDS,
    MAX_EMPTY_RUN,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_SECTIONS,
    MAX_UNPACKED_BYTES,
    OPTION_DEFAULTS,
    OPTION_WORDS,
    SCALE,
    SCALE_COLUMNS,
    SECTION_COLUMNS,
    SECTIONS,
    SUPERVISION_INDICATOR_FRAMEWORK,
    TEXT_LIMITS,
    CellError,
    Issue,
    WorkbookError,
    framework_kind,
)
from .rows import SheetRows, bands_check, items_attach, scale_check

# {competency number: its indicator numbers} of one framework (its latest version).
FrameworkIndex = Mapping[int, set[int]]


def file_too_large_message() -> str:
    return _("The file is larger than 1 MB: an instrument workbook needs far less. Remove pictures and other sheets.")


LIMITS = UploadLimits(
    max_bytes=MAX_FILE_BYTES,
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    too_large=file_too_large_message,
    unpacked_too_large=file_too_large_message,
    error=WorkbookError,
)


def _official_rule_message() -> str:
    return _("A PKG or PKKM instrument keeps the official scoring rule: leave this option at its default.")


def upload_bytes(upload) -> bytes:
    """The bytes of an uploaded instrument workbook, refusing an oversized one before reading it."""
    return upload_read(upload, LIMITS)


def _sheet_rows(workbook, name: str, columns: int, limit: int, issues: list[Issue]) -> SheetRows | None:
    """The data rows (from row 2) of sheet `name`: {row number: values}, formulas reported and blanked."""
    if name not in workbook.sheetnames:
        issues.append(Issue(name, None, None, _("The sheet “%(sheet)s” is missing.") % {"sheet": name}))
        return None
    worksheet = workbook[name]
    worksheet.reset_dimensions()  # editors often write wrong dimensions: read what is there
    rows: dict[int, tuple] = {}
    empty_run = 0
    for number, row in enumerate(worksheet.iter_rows(min_row=2, max_col=columns), start=2):
        values = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f":
                header = _header(name, len(values))
                issues.append(Issue(name, number, header, _("A formula is not read: type the value itself.")))
                values.append(None)
            else:
                values.append(cell.value)
        values += [None] * (columns - len(values))
        if all(is_blank(v) for v in values):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        rows[number] = tuple(values)
        if len(rows) > limit:
            issues.append(Issue(name, None, None, _("The sheet has more than %(max)s rows.") % {"max": limit}))
            return None
    return SheetRows(name, rows)


def _header(sheet: str, index: int) -> str | None:
    headers = {SCALE: SCALE_COLUMNS, SECTIONS: SECTION_COLUMNS, ITEMS: ITEM_COLUMNS, BANDS: BAND_COLUMNS}
    if sheet == INSTRUMENT:
        return None
    columns = headers[sheet]
    return columns[index] if index < len(columns) else None


def workbook_read(data: bytes, *, frameworks: Mapping[str, FrameworkIndex]) -> tuple[dict | None, list[Issue]]:
    """(spec, issues) of an instrument workbook; the spec is None when there is any issue."""
    xlsx_check(data, LIMITS)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types for a damaged file; one message for all
        raise WorkbookError(corrupt_message()) from error
    issues: list[Issue] = []
    try:
        sheets = {
            INSTRUMENT: _sheet_rows(workbook, INSTRUMENT, 2, len(FIELDS) + 20, issues),
            SCALE: _sheet_rows(workbook, SCALE, len(SCALE_COLUMNS), 20, issues),
            SECTIONS: _sheet_rows(workbook, SECTIONS, len(SECTION_COLUMNS), MAX_SECTIONS, issues),
            ITEMS: _sheet_rows(workbook, ITEMS, len(ITEM_COLUMNS), MAX_ITEMS, issues),
            BANDS: _sheet_rows(workbook, BANDS, len(BAND_COLUMNS), MAX_BANDS, issues),
        }
    except Exception as error:  # noqa: BLE001 - read-only sheets parse lazily: damage shows up while reading rows
        raise WorkbookError(corrupt_message()) from error
    finally:
        workbook.close()
    spec = _spec(sheets, frameworks, issues)
    issues.sort(key=lambda issue: issue.sort_key)
    return (None if issues else spec), issues


def _fields(rows: SheetRows | None, issues: list[Issue]) -> dict[str, tuple[int, object]]:
    """{field key: (row, raw value)} of the Instrumen sheet, found by the name in column A."""
    if rows is None:
        return {}
    by_label = {" ".join(label.split()).casefold(): key for key, label in FIELDS}
    found: dict[str, tuple[int, object]] = {}
    for number, (label, value) in rows.rows.items():
        key = by_label.get(" ".join(str(label or "").split()).casefold())
        if key is None:
            issues.append(Issue(INSTRUMENT, number, "Isian", _("Unknown field: use the names of the template.")))
        elif key in found:
            issues.append(Issue(INSTRUMENT, number, "Isian", _("This field appears twice.")))
        else:
            found[key] = (number, value)
    for key, label in FIELDS:
        if key not in found and key not in OPTION_DEFAULTS and key != "framework":
            issues.append(Issue(INSTRUMENT, None, None, _("The row “%(field)s” is missing.") % {"field": label}))
    return found


def _spec(sheets: dict, frameworks: Mapping[str, FrameworkIndex], issues: list[Issue]) -> dict:
    fields = _fields(sheets[INSTRUMENT], issues)
    labels = dict(FIELDS)

    def field(key, read, **kwargs):
        if key not in fields:
            return None
        row, value = fields[key]
        try:
            return read(value, **kwargs)
        except CellError as error:
            issues.append(Issue(INSTRUMENT, row, labels[key], str(error)))
            return None

    spec: dict = {
        "code": field("code", read_slug, max_length=TEXT_LIMITS["code"]),
        "name": field("name", read_text, max_length=TEXT_LIMITS["name"]),
        "kind": field("kind", read_choice, words={k: k for k in InstrumentKind.values}),
    }
    kind = spec["kind"]
    framework_code = field("framework", read_text, max_length=TEXT_LIMITS["framework"], required=False) or None
    index = _framework(kind, framework_code, fields.get("framework", (None,))[0], frameworks, issues)
    spec["framework"] = framework_code if kind and framework_kind(kind) else None
    scale_min = field("scale_min", read_integer, minimum=0, maximum=10)
    scale_max = field("scale_max", read_integer, minimum=0, maximum=10)
    if scale_min is not None and scale_max is not None and scale_min >= scale_max:
        issues.append(
            Issue(
                INSTRUMENT,
                fields["scale_max"][0],
                labels["scale_max"],
                _("The highest score must be above the lowest."),
            )
        )
        scale_min = scale_max = None
    spec["allow_not_applicable"] = field("allow_not_applicable", read_yes_no)
    follow_up = None
    if scale_min is not None and scale_max is not None:
        follow_up = field(
            "follow_up_below", read_decimal, places=1, minimum=Decimal(scale_min), maximum=Decimal(scale_max + 1)
        )
    spec["follow_up_below"] = follow_up
    for key, words in OPTION_WORDS.items():
        value = field(key, read_choice, words=words, default=OPTION_DEFAULTS[key])
        spec[key] = value if key in fields else str(OPTION_DEFAULTS[key])
        if kind and framework_kind(kind) and value is not None and value != OPTION_DEFAULTS[key]:
            # PKG and PKKM keep the official rule (docs/domain.md §9, scoring options).
            issues.append(Issue(INSTRUMENT, fields[key][0], labels[key], _official_rule_message()))
    if kind and framework_kind(kind) and scale_min is not None and scale_max is not None:
        points = points_allowed(kind)
        if (scale_min, scale_max) != (min(points), max(points)):
            issues.append(
                Issue(
                    INSTRUMENT,
                    fields["scale_min"][0],
                    labels["scale_min"],
                    _("An instrument of this kind is scored from %(low)s to %(high)s.")
                    % {"low": min(points), "high": max(points)},
                )
            )
    spec["scale"] = {
        "min": scale_min,
        "max": scale_max,
        "labels": scale_check(sheets[SCALE], scale_min, scale_max, issues),
    }
    spec["bands"] = bands_check(sheets[BANDS], issues)
    spec["sections"] = items_attach(
        sheets[SECTIONS], sheets[ITEMS], framework_bound=bool(kind and framework_kind(kind)), index=index, issues=issues
    )
    return spec


def _framework(kind, code, row, frameworks: Mapping[str, FrameworkIndex], issues: list[Issue]) -> FrameworkIndex | None:
    """The index an item's indicator code is checked against, reporting a framework named wrongly."""
    label = dict(FIELDS)["framework"]
    if kind is None:
        return None
    if not framework_kind(kind):
        if code:
            issues.append(
                Issue(
                    INSTRUMENT,
                    row,
                    label,
                    _(
                        "Leave this empty: a supervision instrument's indicator codes are those of the PKG for "
                        "subject teachers."
                    ),
                )
            )
        return frameworks.get(SUPERVISION_INDICATOR_FRAMEWORK, {})
    if not code:
        issues.append(
            Issue(INSTRUMENT, row, label, _("Name the competency framework of this kind (for example pkg-mapel)."))
        )
        return None
    if code not in frameworks:
        issues.append(
            Issue(INSTRUMENT, row, label, _("No competency framework has the code %(code)s.") % {"code": code})
        )
        return None
    return frameworks[code]
