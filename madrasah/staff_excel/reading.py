"""Reading an upload: refuse with one `WorkbookError` what is not a readable .xlsx, find the header
row (our template's or an EMIS export's), and return the data rows as raw cell values."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook

from ..workbooks import UploadLimits, corrupt_message, upload_read, xlsx_check
from .columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    HEADER_SEARCH_ROWS,
    INSTRUCTIONS_SHEET,
    MAX_COLUMNS,
    MAX_EMPTY_RUN,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    Sheet,
    WorkbookError,
    key_of,
)


def file_too_large_message() -> str:
    return _("The file is larger than 5 MB. Remove other sheets and pictures, or split the list into several files.")


LIMITS = UploadLimits(
    max_bytes=MAX_FILE_BYTES,
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    too_large=file_too_large_message,
    unpacked_too_large=lambda: _(
        "The file unpacks to more than 50 MB, far more than a staff list needs: it was not read."
    ),
    error=WorkbookError,
)


def upload_bytes(upload) -> bytes:
    """The bytes of an uploaded staff list, refusing an oversized one before reading it."""
    return upload_read(upload, LIMITS)


def check_container(data: bytes) -> None:
    """Refuse what is not a readable .xlsx by its bytes (madrasah.workbooks.xlsx_check)."""
    xlsx_check(data, LIMITS)


def _header_index() -> dict[str, str]:
    index = {}
    for column in COLUMNS:
        for text in (column.header, column.header.split("(")[0], *column.aliases):
            index.setdefault(key_of(text), column.key)
    return index


HEADER_INDEX = _header_index()


def _header_columns(cells: tuple) -> dict[str, tuple[int, str]]:
    columns: dict[str, tuple[int, str]] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        text = " ".join(cell.split())
        key = HEADER_INDEX.get(key_of(text)) or HEADER_INDEX.get(key_of(text.split("(")[0]))
        if key and key not in columns:  # a repeated header: the first one counts
            columns[key] = (index, text)
    return columns


def _is_empty(cells: tuple) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def sheet_read(data: bytes) -> Sheet:
    """The data rows of the first sheet that has a header row in its first 10 rows.

    Raises `WorkbookError` for anything that makes the file as a whole unreadable.
    """
    check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types for a damaged file; one message for all
        raise WorkbookError(corrupt_message()) from error
    try:
        return _sheet_from(workbook)
    except WorkbookError:
        raise
    except Exception as error:  # noqa: BLE001 - read-only sheets parse lazily: damage shows up while reading rows
        raise WorkbookError(corrupt_message()) from error
    finally:
        workbook.close()


def _sheet_from(workbook) -> Sheet:
    for worksheet in workbook.worksheets:
        if worksheet.title == INSTRUCTIONS_SHEET or not hasattr(worksheet, "iter_rows"):
            continue
        worksheet.reset_dimensions()  # exporters often write wrong dimensions: read what is there
        rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, cells in enumerate(rows, start=1):
            if number > HEADER_SEARCH_ROWS:
                break
            columns = _header_columns(cells or ())
            if "name" in columns and len(columns) >= 3:
                _require_columns(columns)
                return Sheet(columns=columns, rows=_data_rows(rows, number))
    raise WorkbookError(
        _(
            "No header row was found in the first 10 rows. The header row must have at least the columns "
            "Nama, L/P and NIP (or NIGNP or PegID): download the template to see them."
        )
    )


def _require_columns(columns: Mapping[str, Any]) -> None:
    missing = [COLUMN_BY_KEY[key].header for key in ("name", "sex") if key not in columns]
    if not any(key in columns for key in ("nip", "nignp", "peg_id")):
        missing.append("NIP / NIGNP / PegID")
    if missing:
        raise WorkbookError(
            ngettext(
                "The header row has no column %(columns)s. Use the template, or an EMIS export with the "
                "columns Nama, L/P (Jenis Kelamin) and NIP, NIGNP or PegID.",
                "The header row has no columns %(columns)s. Use the template, or an EMIS export with the "
                "columns Nama, L/P (Jenis Kelamin) and NIP, NIGNP or PegID.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )


def _data_rows(rows: Iterable[tuple], header_number: int) -> list[tuple[int, tuple]]:
    data, empty_run = [], 0
    for number, cells in enumerate(rows, start=header_number + 1):
        if _is_empty(cells or ()):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break
            continue
        empty_run = 0
        data.append((number, tuple(cells)))
        if len(data) > MAX_ROWS:
            raise WorkbookError(
                _("The file has more than %(max)s data rows. Split it into several files.") % {"max": MAX_ROWS}
            )
    if not data:
        raise WorkbookError(_("The file has a header row but no data rows."))
    return data
