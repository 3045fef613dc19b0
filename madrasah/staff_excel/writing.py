"""Writing the workbook: our template's columns, identifiers as text, dates as real dates, and an
instructions sheet with an example row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..models import CareerLevel, EmploymentStatus, Sex, Staff, TeacherType
from ..reference import SUBJECTS
from ..workbooks import workbook_bytes, workbook_text
from .columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    DATA_SHEET,
    INSTRUCTIONS_SHEET,
    MAX_ROWS,
    RANK_LABELS,
    STATUS_LABELS,
    TEACHER_TYPE_LABELS,
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D1E7DD")
_DATE_FORMAT = "DD-MM-YYYY"


def _row_values(staff: Staff, number: int, subject_names: list[str]) -> list[Any]:
    return [
        number,
        staff.name,
        staff.front_title,
        staff.back_title,
        staff.sex,
        staff.birth_place,
        staff.birth_date,
        staff.nip,
        staff.nignp,
        staff.npk,
        staff.nuptk,
        staff.peg_id,
        STATUS_LABELS.get(staff.employment_status, staff.employment_status),
        RANK_LABELS.get(staff.rank, staff.rank),
        CareerLevel(staff.career_level).label if staff.career_level else "",
        "Ya" if staff.certified else "Tidak",
        TEACHER_TYPE_LABELS.get(staff.teacher_type, ""),
        "; ".join(subject_names),
        staff.extra_duties,
        staff.phone,
        "Ya" if staff.is_active else "Tidak",
    ]


def _validations(worksheet, last_row: int) -> None:
    """Drop-down lists for the coded columns; other spellings stay allowed (the import reads them)."""
    lists = {
        "sex": ["L", "P"],
        "employment_status": list(STATUS_LABELS.values()),
        "career_level": [label for _value, label in CareerLevel.choices],
        "certified": ["Ya", "Tidak"],
        "teacher_type": list(TEACHER_TYPE_LABELS.values()),
        "is_active": ["Ya", "Tidak"],
    }
    for key, options in lists.items():
        letter = get_column_letter(COLUMNS.index(COLUMN_BY_KEY[key]) + 1)
        validation = DataValidation(
            type="list", formula1=f'"{",".join(options)}"', allow_blank=True, showErrorMessage=False
        )
        validation.add(f"{letter}2:{letter}{last_row}")
        worksheet.add_data_validation(validation)


def staff_workbook(staff: Iterable[Staff]) -> bytes:
    """Our template's columns, one row per person; identifiers as text, dates as real dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([c.header for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font, header.fill = _HEADER_FONT, _HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = column.width
        if column.text:  # rows typed later in Excel stay text too
            sheet.column_dimensions[letter].number_format = "@"
    count = 0
    for count, person in enumerate(staff, start=1):
        subject_names = [s.name for s in person.subjects.all()]
        sheet.append([workbook_text(value) for value in _row_values(person, count, subject_names)])
        for index, column in enumerate(COLUMNS, start=1):
            if column.text:
                sheet.cell(row=count + 1, column=index).number_format = "@"
        sheet.cell(row=count + 1, column=COLUMNS.index(COLUMN_BY_KEY["birth_date"]) + 1).number_format = _DATE_FORMAT
    sheet.freeze_panes = "C2"
    _validations(sheet, max(count + 1, MAX_ROWS + 1))
    _instructions(workbook.create_sheet(INSTRUCTIONS_SHEET))
    return workbook_bytes(workbook)


def _instructions(sheet) -> None:
    lines = [
        _("How to fill in the sheet %(sheet)s") % {"sheet": DATA_SHEET},
        "",
        _("One row per person, under the header row. Do not change or move the headers."),
        _(
            "NIP, NIGNP, NPK, NUPTK, PegID and No. HP are text: type the digits as they are (the columns are "
            "formatted as text). Never let Excel turn them into numbers: it keeps only 15 digits of a number."
        ),
        _("Fill in at least one of NIP, NIGNP or PegID: it becomes the username of the teacher's account."),
        _("L/P: L or P. Tanggal Lahir: a date, or text written dd-mm-yyyy, for example 14-02-1985."),
        _("Status Kepegawaian: PNS, PPPK, PPPK Paruh Waktu, Honorer or GTY. PNS and PPPK teachers need a NIP."),
        _(
            "Pangkat/Golongan: III/a … IV/e for PNS, PPPK I … PPPK XVII for PPPK. "
            "Jenjang Jabatan: Guru Ahli Pertama, Muda, Madya or Utama."
        ),
        _("Sertifikasi and Aktif: Ya or Tidak. Jenis Guru: Mapel, BK or Bukan Guru."),
        _("Mata Pelajaran: subject names separated by a semicolon, for example: Matematika; IPA."),
        _(
            "A row whose NIP, NIGNP, NUPTK or PegID is already recorded updates that person; the other rows "
            "add new people. Every new teacher gets an account: print the first-login slips afterwards."
        ),
        _(
            "The whole file is checked before anything is saved. If a row has an error nothing is saved, and "
            "every error is listed with its row and column."
        ),
        _("An EMIS GTK teacher export can be uploaded as it is."),
        "",
        _("Example row:"),
    ]
    for line in lines:
        sheet.append([line])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    example = Staff(
        name="Siti Aminah",
        front_title="Hj.",
        back_title="S.Pd., M.Pd.",
        sex=Sex.FEMALE,
        birth_place="Pamekasan",
        birth_date=dt.date(1985, 2, 14),
        nip="198502142010012003",
        nuptk="1546763664300012",
        peg_id="352801004",
        employment_status=EmploymentStatus.PNS,
        rank="III/c",
        career_level=CareerLevel.MUDA,
        certified=True,
        teacher_type=TeacherType.SUBJECT,
        extra_duties="Wali Kelas VII-A",
        phone="081234567890",
    )
    sheet.append(_row_values(example, 1, ["Matematika", "IPA"]))
    for cell in sheet[sheet.max_row]:
        cell.number_format = "@"
    sheet.cell(row=sheet.max_row, column=COLUMNS.index(COLUMN_BY_KEY["birth_date"]) + 1).number_format = _DATE_FORMAT
    sheet.append([])
    sheet.append([_("Subject names:")])
    for _code, name, _group in SUBJECTS:
        sheet.append([name])
    # The lines overflow into the empty cells to their right; the widths suit the example row.
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width


def staff_export(*, madrasah) -> bytes:
    """Every staff record of `madrasah` (active or not) in our template's columns."""
    staff = Staff.objects.filter(madrasah=madrasah).prefetch_related("subjects").order_by("name", "pk")
    return staff_workbook(staff)


def staff_template() -> bytes:
    """The template: our headers, no rows, and the instructions sheet with an example row."""
    return staff_workbook([])
