"""The teaching timetable as an Excel workbook: reading the two forms an operator has, and our template.

- **List form** (our template; also FET's timetable export saved as .xlsx): one lesson per row with
  the columns Hari, Jam Ke, Kelas, Mapel, Guru (FET: Day, Hour, Students Sets, Subject, Teachers).
- **Grid form** (a class timetable as aSc Timetables, FET or a hand-made sheet lays it out): a header
  row with Hari (optional), Jam and one column per class; one row per day × period; each cell
  `subject code / teacher code`. Day cells may be merged (a blank day repeats the one above), or each
  sheet may be one day, named after it (Senin, Selasa, …). Rows whose Jam cell says Istirahat or
  Upacara are skipped.

Reading is pure: `timetable_read` returns raw lessons (cells as found, with their row and column) or
refuses the whole file with one `WorkbookError`; `services.timetable_import` resolves and checks them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from ..staff_excel import WorkbookError
from ..staff_excel.reading import check_container
from ..workbooks import workbook_bytes
from .rules import _KIND_WORDS, CellError, cell_text, key_of, weekday_read

MAX_LESSONS = 5000  # 30 classes × 48 periods is 1440: far more is not a madrasah's week
MAX_COLUMNS = 120
MAX_EMPTY_RUN = 1000  # our template formats 500 rows; exporters format many more
HEADER_SEARCH_ROWS = 10
DATA_SHEET = "Jadwal"
INSTRUCTIONS_SHEET = "Petunjuk"
LIST_HEADERS = {
    "day": ("hari", "day"),
    "period": ("jam", "jamke", "jampelajaran", "jamkepelajaran", "hour", "period", "jp", "waktu", "pukul"),
    "class": ("kelas", "rombel", "rombonganbelajar", "studentssets", "studentsset", "students", "class"),
    "subject": ("mapel", "matapelajaran", "kodemapel", "subject"),
    "teacher": ("guru", "kodeguru", "namaguru", "pengajar", "teacher", "teachers"),
}
_HEADER_KEYS = {alias: key for key, aliases in LIST_HEADERS.items() for alias in aliases}
# Columns of other exports that are neither a class nor a lesson value (FET's list: Activity Id, Room…).
_IGNORED_HEADERS = {"no", "nomor", "activityid", "activitytags", "room", "ruang", "ruangan", "comments", "keterangan"}


@dataclass(frozen=True)
class RawLesson:
    """One lesson as the file gives it: `row` as numbered in Excel, `column` the header (grid) or
    None (list), and the cells. `day_error` is set when a grid row's day cannot be read."""

    row: int
    column: str | None
    day: Any
    period: Any
    class_name: Any
    subject: Any
    teacher: Any


@dataclass
class ReadTimetable:
    form: str  # "list" or "grid"
    lessons: list[RawLesson]
    issues: list[tuple[int, str | None, str]]  # (row, column, message) of rows that cannot be read


def timetable_read(data: bytes) -> ReadTimetable:
    """The lessons of every sheet that has a header row of either form in its first 10 rows.

    Formulas are read as written (never their cached result): a formula cell is an error of its row.
    """
    check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many types for a damaged file; one message for all
        raise WorkbookError(_damaged()) from error
    try:
        result = ReadTimetable(form="", lessons=[], issues=[])
        for worksheet in workbook.worksheets:
            if worksheet.title == INSTRUCTIONS_SHEET or not hasattr(worksheet, "iter_rows"):
                continue
            _sheet_read(worksheet, result)
    except WorkbookError:
        raise
    except Exception as error:  # noqa: BLE001 - read-only sheets parse lazily: damage shows while reading
        raise WorkbookError(_damaged()) from error
    finally:
        workbook.close()
    if not result.form:
        raise WorkbookError(
            _(
                "No header row was found in the first 10 rows. Use the template (Hari, Jam Ke, Kelas, Mapel, Guru), "
                "or a class grid with a Jam column and one column per class."
            )
        )
    if not result.lessons and not result.issues:
        raise WorkbookError(_("The file has a header row but no lessons."))
    return result


def _damaged() -> str:
    return _("The file is damaged and cannot be read. Open it in Excel, check it and save it again as .xlsx.")


def _header_key(cell: Any) -> str | None:
    return _HEADER_KEYS.get(key_of(cell)) if isinstance(cell, str) else None


def _sheet_read(worksheet, result: ReadTimetable) -> None:
    worksheet.reset_dimensions()  # exporters often write wrong dimensions: read what is there
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            return
        cells = tuple(cells or ())
        keys = {key: index for index, cell in reversed(list(enumerate(cells))) if (key := _header_key(cell))}
        if set(LIST_HEADERS) <= set(keys):
            _form_set(result, "list")
            _list_rows(rows, number, keys, result)
            return
        if "period" in keys:
            classes = {
                index: " ".join(str(cell).split())
                for index, cell in enumerate(cells)
                if isinstance(cell, (str, int))
                and str(cell).strip()
                and _header_key(cell) is None
                and key_of(cell) not in _IGNORED_HEADERS
            }
            sheet_day = _sheet_day(worksheet.title)
            if classes and ("day" in keys or sheet_day is not None):
                _form_set(result, "grid")
                _grid_rows(rows, number, keys, classes, sheet_day, worksheet.title, result)
                return


def _form_set(result: ReadTimetable, form: str) -> None:
    if result.form and result.form != form:
        raise WorkbookError(_("The file mixes a list sheet and a grid sheet: keep one form in one file."))
    result.form = form


def _sheet_day(title: str) -> int | None:
    try:
        return weekday_read(title)
    except CellError:
        return None


def _is_empty(cells: tuple) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _add(result: ReadTimetable, lesson: RawLesson) -> None:
    result.lessons.append(lesson)
    if len(result.lessons) > MAX_LESSONS:
        raise WorkbookError(
            _("The file has more than %(max)s lessons: it is not one madrasah's week.") % {"max": MAX_LESSONS}
        )


def _list_rows(rows, header_number: int, keys: dict[str, int], result: ReadTimetable) -> None:
    empty_run = 0
    for number, cells in enumerate(rows, start=header_number + 1):
        cells = tuple(cells or ())
        if _is_empty(cells):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                return
            continue
        empty_run = 0
        value = {key: cells[index] if index < len(cells) else None for key, index in keys.items()}
        _add(
            result,
            RawLesson(
                row=number,
                column=None,
                day=value["day"],
                period=value["period"],
                class_name=value["class"],
                subject=value["subject"],
                teacher=value["teacher"],
            ),
        )


def _grid_rows(rows, header_number, keys, classes, sheet_day, title, result: ReadTimetable) -> None:
    empty_run, day = 0, (title if sheet_day is not None else None)
    for number, cells in enumerate(rows, start=header_number + 1):
        cells = tuple(cells or ())
        if _is_empty(cells):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                return
            continue
        empty_run = 0
        if "day" in keys and keys["day"] < len(cells) and cells[keys["day"]] not in (None, ""):
            day = cells[keys["day"]]  # a merged day cell gives its value to its first row only
        period = cells[keys["period"]] if keys["period"] < len(cells) else None
        if isinstance(period, str) and key_of(period).rstrip("0123456789") in _KIND_WORDS:
            continue  # Istirahat, Upacara: no lesson in that row
        prefix = f"{title} · " if sheet_day is not None else ""
        for index, class_name in classes.items():
            value = cells[index] if index < len(cells) else None
            try:
                empty = not cell_text(value)
            except CellError:
                empty = False
            if empty:
                continue
            if day is None:
                result.issues.append((number, prefix + class_name, _("The row has no day: fill in the Hari column.")))
                break
            _add(
                result,
                RawLesson(
                    row=number,
                    column=prefix + class_name,
                    day=day,
                    period=period,
                    class_name=class_name,
                    subject=value,  # "subject / teacher": split when resolved
                    teacher=None,
                ),
            )


# --- The template -----------------------------------------------------------------------------------

TEMPLATE_COLUMNS = [("Hari", 10), ("Jam Ke", 8), ("Kelas", 10), ("Mapel", 24), ("Guru", 28)]


def timetable_template() -> bytes:
    """The list form with its header, an example week start, and the instructions on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    for column, (header, width) in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBDD")
        sheet.column_dimensions[cell.column_letter].width = width
        for row in range(2, 502):
            sheet.cell(row=row, column=column).number_format = "@"  # codes such as 07 stay text
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    lines = [
        "Petunjuk pengisian jadwal pelajaran",
        "",
        "Satu baris untuk satu jam pelajaran: Hari, Jam Ke, Kelas, Mapel, Guru.",
        "Hari: Senin, Selasa, Rabu, Kamis, Jumat, Sabtu (atau Minggu bila madrasah masuk hari Minggu).",
        "Jam Ke: nomor jam pelajaran menurut jam bel hari itu (1, 2, …) atau jam mulainya (07.30).",
        "Kelas: nama rombel persis seperti daftar kelas tahun pelajaran ini (mis. VII-A).",
        "Mapel: nama atau kode mata pelajaran (mis. Matematika, MTK, IPA, Fikih). Guru BK boleh dikosongkan.",
        "Guru: kode guru di aplikasi jadwal, NIP, PegID atau nama. Kode yang belum dikenal ditanyakan sekali "
        "saat impor lalu diingat.",
        "Pelajaran 2 JP ditulis dua baris (jam ke-1 dan jam ke-2).",
        "",
        "Jadwal dari aSc Timetables atau FET boleh juga berbentuk kisi per kelas: kolom Hari, Jam, lalu satu "
        "kolom per kelas; isi sel: kode mapel / kode guru (mis. MTK / AB).",
        "Seluruh berkas diperiksa dulu: bila ada satu baris salah, tidak ada yang disimpan.",
    ]
    for row, line in enumerate(lines, start=1):
        notes.cell(row=row, column=1, value=line)
    notes["A1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 110
    return workbook_bytes(workbook)
