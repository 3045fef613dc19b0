"""The file format: our template's columns, the headers and cell values of EMIS exports read as
them, and the plain data the reading, checking and writing pass between them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..models import RANK_CHOICES, EmploymentStatus, Sex, Staff, TeacherType

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILE_BYTES = 5 * 1024 * 1024
# A staff list of 2000 rows unpacks to a few MB; far more is a decompression bomb, not a list.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 10  # EMIS exports put a title and the madrasah's name above the header
MAX_COLUMNS = 200
# Sheets often claim (or format) a million rows: that many empty rows in a row end the data.
MAX_EMPTY_RUN = 1000
DATA_SHEET = "Pegawai"
INSTRUCTIONS_SHEET = "Petunjuk"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in our template
    aliases: tuple[str, ...] = ()  # other headers read as this column (EMIS exports), any case and spacing
    width: int = 14
    text: bool = False  # identifiers and phone numbers: cells formatted as text ("@")


COLUMNS = [
    Column("no", "No", ("nomor", "nourut"), 5),
    Column("name", "Nama", ("namalengkap", "namaptk", "namagtk", "namaguru", "namapegawai"), 28),
    Column("front_title", "Gelar Depan", (), 11),
    Column("back_title", "Gelar Belakang", (), 16),
    Column("sex", "L/P", ("jeniskelamin", "jk", "kelamin"), 6),
    Column("birth_place", "Tempat Lahir", (), 16),
    Column("birth_date", "Tanggal Lahir", ("tgllahir", "tgllhr"), 13),
    Column("nip", "NIP", ("nipbaru", "nipnignp"), 22, text=True),
    Column("nignp", "NIGNP", (), 22, text=True),
    Column("npk", "NPK", (), 16, text=True),
    Column("nuptk", "NUPTK", (), 20, text=True),
    Column("peg_id", "PegID", ("idpegawai",), 14, text=True),
    Column("employment_status", "Status Kepegawaian", ("statuspegawai", "statuskepeg", "status"), 18),
    Column("rank", "Pangkat/Golongan", ("golongan", "pangkat", "golonganruang", "gol"), 16),
    Column("career_level", "Jenjang Jabatan", ("jabatanfungsional", "jenjang"), 20),
    Column("certified", "Sertifikasi (Ya/Tidak)", ("statussertifikasi", "sudahsertifikasi"), 12),
    Column("teacher_type", "Jenis Guru (Mapel/BK)", ("jenisptk", "jenisgtk"), 14),
    Column("subjects", "Mata Pelajaran", ("mapel", "mapeldiampu", "matapelajarandiampu", "mapelyangdiampu"), 30),
    Column("extra_duties", "Tugas Tambahan", (), 24),
    Column("phone", "No. HP", ("nomorhp", "hp", "telepon", "notelepon", "nomortelepon", "notelp"), 16, text=True),
    Column("is_active", "Aktif (Ya/Tidak)", ("statusaktif",), 10),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
TEXT_LIMITS = {
    "name": 150,
    "front_title": 40,
    "back_title": 60,
    "birth_place": 100,
    "extra_duties": 200,
    "phone": 30,
}
# Which existing person a row is: the first identifier that matches decides (the login's order).
MATCH_ORDER = ("nip", "nignp", "peg_id", "nuptk", "npk")
LABELS = {"nip": "NIP", "nignp": "NIGNP", "npk": "NPK", "nuptk": "NUPTK", "peg_id": "PegID"}

# --- Cell vocabulary (keys are `key_of()`-normalised) ------------------------------------------------

STATUS_LABELS = {
    EmploymentStatus.PNS: "PNS",
    EmploymentStatus.PPPK: "PPPK",
    EmploymentStatus.PPPK_PART_TIME: "PPPK Paruh Waktu",
    EmploymentStatus.HONORER: "Honorer",
    EmploymentStatus.GTY: "GTY",
}
STATUS_VALUES = {
    **{"pns": EmploymentStatus.PNS, "cpns": EmploymentStatus.PNS, "asnpns": EmploymentStatus.PNS},
    **dict.fromkeys(("pppk", "p3k", "pppkpenuhwaktu", "asnpppk"), EmploymentStatus.PPPK),
    **dict.fromkeys(("pppkparuhwaktu", "p3kparuhwaktu", "pppkpw"), EmploymentStatus.PPPK_PART_TIME),
    **dict.fromkeys(
        ("honorer", "nonpns", "nonasn", "gtt", "guruhonorer", "honorermadrasah", "gurutidaktetap", "ptt"),
        EmploymentStatus.HONORER,
    ),
    **dict.fromkeys(("gty", "gurutetapyayasan", "tetapyayasan"), EmploymentStatus.GTY),
}
SEX_VALUES = {
    **dict.fromkeys(("l", "lakilaki", "pria", "laki"), Sex.MALE),
    **dict.fromkeys(("p", "perempuan", "wanita"), Sex.FEMALE),
}
TEACHER_TYPE_LABELS = {TeacherType.SUBJECT: "Mapel", TeacherType.COUNSELLOR: "BK", TeacherType.NONE: "Bukan Guru"}
TEACHER_TYPE_VALUES = {
    **dict.fromkeys(("", "mapel", "gurumapel", "gurumatapelajaran", "matapelajaran"), TeacherType.SUBJECT),
    **dict.fromkeys(
        ("bk", "gurubk", "bimbingankonseling", "bimbingandankonseling", "gurubimbingankonseling"),
        TeacherType.COUNSELLOR,
    ),
    **dict.fromkeys(("bukanguru", "tendik", "tenagakependidikan"), TeacherType.NONE),
}
YES_VALUES = {"ya", "y", "yes", "sudah", "true", "1", "v", "sertifikasi", "bersertifikat", "sudahsertifikasi", "aktif"}
NO_VALUES = {"tidak", "t", "no", "n", "belum", "false", "0", "", "belumsertifikasi", "tidakaktif", "nonaktif"}
CAREER_WORDS = {"pertama": "pertama", "muda": "muda", "madya": "madya", "utama": "utama"}
PNS_RANKS = {value for value, _label in RANK_CHOICES[0][1]}
PPPK_RANKS = {value for value, _label in RANK_CHOICES[1][1]}
RANK_LABELS = {value: label for _group, options in RANK_CHOICES for value, label in options}
# Subjects as EMIS and operators write them → our subject codes (madrasah.reference.SUBJECTS).
SUBJECT_ALIASES = {
    "quranhadis": "quran-hadis",
    "alquranhadis": "quran-hadis",
    "alquranhadits": "quran-hadis",
    "quranhadits": "quran-hadis",
    "akidahakhlaq": "akidah-akhlak",
    "aqidahakhlak": "akidah-akhlak",
    "fiqih": "fikih",
    "fiqh": "fikih",
    "ski": "ski",
    "sejarahkebudayaanislam": "ski",
    "ppkn": "pancasila",
    "pkn": "pancasila",
    "pendidikanpancasiladankewarganegaraan": "pancasila",
    "bahasamadura": "muatan-lokal",
    "mulok": "muatan-lokal",
    "muatanlokal": "muatan-lokal",
    "senibudaya": "seni-budaya-prakarya",
    "prakarya": "seni-budaya-prakarya",
    "sbk": "seni-budaya-prakarya",
    "penjaskes": "pjok",
    "penjasorkes": "pjok",
    "tik": "informatika",
    "bk": "bk",
    "bimbingankonseling": "bk",
    "bimbingandankonseling": "bk",
}


def key_of(text: Any) -> str:
    """Case, space and punctuation-insensitive form of a header or a vocabulary cell."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").lower())


# --- Results --------------------------------------------------------------------------------------


class WorkbookError(Exception):
    """The whole file is refused: one message, nothing read further."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Issue:
    """An error or a warning at an Excel row (as numbered in Excel) and column (its header there)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass
class Sheet:
    """Raw cells: `columns` maps our keys to (index, header as written in the file)."""

    columns: dict[str, tuple[int, str]]
    rows: list[tuple[int, tuple]]

    def header(self, key: str) -> str:
        return self.columns[key][1] if key in self.columns else COLUMN_BY_KEY[key].header


@dataclass
class StaffRow:
    """One cleaned row: `values` holds model field values for the columns the file has (and the
    identifiers derived from them); `subject_ids` is None when the file has no subject column."""

    number: int
    values: dict[str, Any]
    subject_ids: list[int] | None = None
    ok: bool = True

    def identifiers(self) -> dict[str, str]:
        return {name: self.values[name] for name in MATCH_ORDER if self.values.get(name)}


@dataclass
class PlannedRow:
    row: StaffRow
    staff: Staff | None  # the existing person this row updates; None: a new person
    changes: dict[str, Any] = field(default_factory=dict)  # fields that differ from `staff`
    subjects_changed: bool = False
