"""Growth rules without the database: the supporting-evidence archive's periods and its file names
(ASCII, numbered, never taken from user input unsanitised)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from madrasah.models import AcademicYear, Semester, Staff

SEMESTER_SLUG = re.compile(r"^(\d{4})-(\d{4})-(ganjil|genap)$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


# --- the period -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivePeriod:
    """An academic year, or one semester of it: dates, a label and the slug used in file names."""

    academic_year: AcademicYear
    semester: Semester | None
    start: dt.date
    end: dt.date
    label: str
    slug: str

    @property
    def query(self) -> str:
        """The query string that chooses this period on the download URL."""
        return f"semester={self.slug}" if self.semester else f"tahun={self.academic_year.start_year}"


def period_of_year(year: AcademicYear) -> ArchivePeriod:
    return ArchivePeriod(
        academic_year=year,
        semester=None,
        start=year.start_date,
        end=year.end_date,
        label=_("Academic year %(year)s") % {"year": year.name},
        slug=f"{year.start_year}-{year.start_year + 1}",
    )


def period_of_semester(semester: Semester) -> ArchivePeriod:
    return ArchivePeriod(
        academic_year=semester.academic_year,
        semester=semester,
        start=semester.start_date,
        end=semester.end_date,
        label=_("Semester %(semester)s") % {"semester": semester},
        slug=semester.slug,
    )


# --- file names -------------------------------------------------------------------------------------


def archive_filename(teacher: Staff, period: ArchivePeriod) -> str:
    """`bukti-dukung-<NIP>-<period>.zip` (NIGNP or PegID for a teacher without a NIP)."""
    identifier = safe_name(teacher.login_identifier or str(teacher.pk))
    return f"bukti-dukung-{identifier}-{period.slug}.zip"


def safe_name(name: str, *, fallback: str = "berkas") -> str:
    """An ASCII file name: accents folded, anything but letters, digits, dot, dash and underscore
    turned into a dash, no leading dots, at most 80 characters (the extension kept)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    clean = _UNSAFE.sub("-", folded).strip("-.") or fallback
    stem, dot, suffix = clean.rpartition(".")
    if dot and stem and len(suffix) <= 5:
        return f"{stem[: 80 - len(suffix) - 1].rstrip('-.')}.{suffix.lower()}"
    return clean[:80].rstrip("-.") or fallback


def archive_file_name(original: str, stored: str, number: int) -> str:
    """`03-sertifikat-diklat.pdf`: numbered, sanitised, with the stored file's extension (the stored
    name's extension comes from the upload allow-list, so it is the one to trust)."""
    stored_suffix = PurePosixPath(stored).suffix.lower()
    name = safe_name(original or PurePosixPath(stored).name)
    if stored_suffix and not name.lower().endswith(stored_suffix):
        name = f"{PurePosixPath(name).stem or 'berkas'}{stored_suffix}"
    return f"{number:02d}-{name}"
