"""The teacher registry as an Excel workbook: our template, EMIS GTK exports, and the export.

Reading is pure (no database):
- `upload_bytes` and `sheet_read` turn an upload into rows of raw cell values, or refuse the whole
  file with one `WorkbookError` (not an .xlsx, damaged, password-protected, too big, no header…);
- `rows_clean` checks every row with the rules of `StaffForm` (`forms.staff_identifiers_check`)
  and the vocabulary of EMIS exports, and returns cleaned rows plus `Issue`s (errors and warnings
  per Excel row and column);
- `rows_match` pairs the rows with the madrasah's existing staff (passed in): a row whose identifier
  is already recorded updates that person, which is what makes export → edit → import round-trip.
`services.staff_import` does the queries and the writes. Writing (`staff_workbook`) is pure too;
`staff_export` adds the one query.

Column headers and cell values (L/P, Ya/Tidak, PNS…) are a data format in Indonesian, the same
whatever the interface language; messages and instructions are translated.
"""

from .columns import (
    COLUMNS,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    Issue,
    PlannedRow,
    Sheet,
    StaffRow,
    WorkbookError,
)
from .reading import file_too_large_message, sheet_read, upload_bytes
from .rows import issues_sorted, rows_clean, rows_match, subject_lookup
from .writing import staff_export, staff_template, staff_workbook

__all__ = [
    "COLUMNS",
    "MAX_FILE_BYTES",
    "XLSX_CONTENT_TYPE",
    "Issue",
    "PlannedRow",
    "Sheet",
    "StaffRow",
    "WorkbookError",
    "file_too_large_message",
    "issues_sorted",
    "rows_clean",
    "rows_match",
    "sheet_read",
    "staff_export",
    "staff_template",
    "staff_workbook",
    "subject_lookup",
    "upload_bytes",
]
