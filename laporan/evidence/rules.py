"""Bukti dukung without the database: the periods a performance report asks for (a semester, a quarter
— triwulan — or a calendar year) and the names of the files in the zip.

Every file is `<identifier>_<kind>_<date>_<short title>.pdf`: the teacher's identifier (NIP, else
NIGNP, else PegID, else NUPTK), a fixed kind code, the ISO date of the record and an ASCII slug of its
title (docs/domain.md §10, "Bukti dukung"). Nothing a person typed reaches a name unfolded: accents are
folded, everything but letters and digits becomes a dash, so `../`, `=cmd`, CSS escapes and emoji
cannot survive, and a title is cut at a word to `TITLE_MAX` characters.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madrasah.models import Semester, Staff


class PeriodKind:
    SEMESTER = "semester"
    QUARTER = "triwulan"
    YEAR = "tahun"


PERIOD_KINDS = (
    (PeriodKind.SEMESTER, gettext_lazy("Semester")),
    (PeriodKind.QUARTER, gettext_lazy("Quarter (triwulan)")),
    (PeriodKind.YEAR, gettext_lazy("Calendar year")),
)
QUARTERS = (1, 2, 3, 4)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class EvidencePeriod:
    """What a download covers: its days (inclusive), a label, and a slug for the zip's name. A semester
    period keeps its semester: supervision results belong to the semester of their programme."""

    kind: str
    start: dt.date
    end: dt.date
    label: str
    slug: str
    semester: Semester | None = None

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def semester_period(semester: Semester) -> EvidencePeriod:
    return EvidencePeriod(
        kind=PeriodKind.SEMESTER,
        start=semester.start_date,
        end=semester.end_date,
        label=_("Semester %(semester)s") % {"semester": semester},
        slug=semester.slug,
        semester=semester,
    )


def quarter_period(year: int, quarter: int) -> EvidencePeriod:
    """Triwulan I = January–March, … IV = October–December of the calendar year."""
    if quarter not in QUARTERS:
        raise ValueError(f"no quarter {quarter!r}")
    last_month = 3 * quarter
    return EvidencePeriod(
        kind=PeriodKind.QUARTER,
        start=dt.date(year, last_month - 2, 1),
        end=dt.date(year, last_month, monthrange(year, last_month)[1]),
        label=_("Quarter %(quarter)s %(year)s") % {"quarter": ROMAN[quarter], "year": year},
        slug=f"{year}-triwulan-{quarter}",
    )


def year_period(year: int) -> EvidencePeriod:
    return EvidencePeriod(
        kind=PeriodKind.YEAR,
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        label=_("Calendar year %(year)s") % {"year": year},
        slug=str(year),
    )


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


# --- file names ---------------------------------------------------------------------------------------

TITLE_MAX = 40
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9]+")
# What every name in the zip matches (the tests hold the download to it).
FILE_NAME = re.compile(r"^[A-Za-z0-9-]+_[a-z-]+_\d{4}-\d{2}-\d{2}_[a-z0-9-]+\.pdf$")


class FileKind:
    """The `<kind>` part of a file name (fixed codes, never translated: e-Kinerja users sort by them)."""

    CONTENTS = "daftar-isi"
    OBSERVATION = "supervisi"
    APPRAISAL = "pkg"
    APPRAISAL_EVIDENCE = "pkg-bukti"
    PKB = "pkb"
    IN_HOUSE = "berita-acara"


def slug(text: str, *, limit: int = TITLE_MAX, fallback: str = "dokumen") -> str:
    """Lowercase ASCII letters and digits joined by single dashes, at most `limit` characters, cut
    at a dash when there is one in the second half."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    clean = _NOT_SLUG.sub("-", folded).strip("-")
    if len(clean) > limit:
        cut = clean[:limit]
        dash = cut.rfind("-")
        clean = (cut[:dash] if dash >= limit // 2 else cut).strip("-")
    return clean or fallback


def identifier_of(staff: Staff) -> tuple[str, str]:
    """(label, value): NIP, else NIGNP, else PegID, else NUPTK — what e-Kinerja and the madrasah know
    the teacher by; ("", "") for a teacher with none."""
    for label, value in (("NIP", staff.nip), ("NIGNP", staff.nignp), ("PegID", staff.peg_id), ("NUPTK", staff.nuptk)):
        if value and value.strip():
            return label, value.strip()
    return "", ""


def teacher_identifier(staff: Staff) -> str:
    """The identifier as it starts each file name (letters and digits only); `guru-<id>` without one."""
    clean = _NOT_IDENTIFIER.sub("", identifier_of(staff)[1])[:20]
    return clean or f"guru-{staff.pk}"


def evidence_file_name(*, identifier: str, kind: str, day: dt.date, title: str) -> str:
    return f"{identifier}_{kind}_{day:%Y-%m-%d}_{slug(title)}.pdf"


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name` with `-2`, `-3`, … before `.pdf` when a file of the zip has it already; the
    chosen name is added to `taken`."""
    stem, candidate, number = name.removesuffix(".pdf"), name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}.pdf"
    taken.add(candidate)
    return candidate


def zip_name(identifier: str, period: EvidencePeriod) -> str:
    """`bukti-dukung-<identifier>-<period>.zip`."""
    return f"bukti-dukung-{identifier}-{period.slug}.zip"
