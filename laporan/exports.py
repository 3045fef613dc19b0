"""Excel export of the dashboard: one sheet per recap table, numbers as numbers.

Decimals are written rounded with `for_display` and shown with two decimals, so a cell reads exactly
as the screen does (the screen formats the same rounded value with `format_decimal_id`).
"""

from __future__ import annotations

import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from kompetensi.scoring import for_display
from madrasah.workbooks import workbook_bytes, workbook_text

from .selectors import DashboardData, recap_tables

SHEET_NAME_INVALID = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = SHEET_NAME_INVALID.sub(" ", workbook_text(str(title)))[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _write(cell, value) -> None:
    if isinstance(value, Decimal):
        cell.value = float(for_display(value))
        cell.number_format = "0.00"
    elif isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
        cell.number_format = "0"
    elif value is None:
        cell.value = None
    else:
        cell.value = workbook_text(str(value))


def write_table(sheet, *, header: list, rows: list[list], first_row: int) -> None:
    """`header` in bold on `first_row` and `rows` under it, numbers as numbers (`_write`)."""
    for column, text in enumerate(header, start=1):
        sheet.cell(row=first_row, column=column, value=workbook_text(text)).font = Font(bold=True)
    for row_index, row in enumerate(rows, start=first_row + 1):
        for column, value in enumerate(row, start=1):
            _write(sheet.cell(row=row_index, column=column), value)


def dashboard_workbook(*, data: DashboardData) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    heading = f"{data.madrasah.name} — {data.semester}"
    for table in recap_tables(data):
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.cell(row=1, column=1, value=workbook_text(heading)).font = Font(bold=True)
        sheet.cell(row=2, column=1, value=workbook_text(table.title))
        write_table(sheet, header=table.header, rows=table.cells, first_row=4)
        for column in range(1, len(table.header) + 1):
            sheet.column_dimensions[sheet.cell(row=4, column=column).column_letter].width = 22
    return workbook_bytes(workbook)
