"""Instruments as Excel workbooks: the layout (layout.py), reading a workbook into a plain spec with
its issues by sheet, row and column (reading.py, rows.py, cells.py) and writing a spec
(writing.py). All pure; `selectors.instrument_version_spec` and `services.instrument_import` add the
database."""

from .layout import MAX_FILE_BYTES, XLSX_CONTENT_TYPE, Issue, WorkbookError, framework_kind
from .reading import upload_bytes, workbook_read
from .writing import spec_workbook, template_workbook

__all__ = [
    "MAX_FILE_BYTES",
    "XLSX_CONTENT_TYPE",
    "Issue",
    "WorkbookError",
    "framework_kind",
    "spec_workbook",
    "template_workbook",
    "upload_bytes",
    "workbook_read",
]
