"""Checking rows: each cell read with the vocabulary of our template and of EMIS exports, the
identifiers with the rules of `StaffForm`; then each row paired with the recorded person it updates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from ..forms import IDENTIFIER_FIELDS, staff_identifiers_check
from ..identifiers import clean_digits, parse_nip
from ..models import EmploymentStatus, Staff
from .columns import (
    CAREER_WORDS,
    LABELS,
    MATCH_ORDER,
    NO_VALUES,
    PNS_RANKS,
    PPPK_RANKS,
    SEX_VALUES,
    STATUS_VALUES,
    SUBJECT_ALIASES,
    TEACHER_TYPE_VALUES,
    TEXT_LIMITS,
    YES_VALUES,
    CellError,
    Issue,
    PlannedRow,
    Sheet,
    StaffRow,
    key_of,
)

_PNS_RANK = re.compile(r"\b(III|IV)\s*[/.\-]?\s*([a-e])\b", re.IGNORECASE)
_PPPK_RANK = re.compile(r"^(?:PPPK|P3K)?\s*[-/]?\s*([IVX]+)$", re.IGNORECASE)
_SUBJECT_SEPARATORS = re.compile(r"[;\n]+")
_DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")
_MONTHS = {
    **{m: i for i, m in enumerate(("januari", "februari", "maret", "april", "mei", "juni"), start=1)},
    **{m: i for i, m in enumerate(("juli", "agustus", "september", "oktober", "november", "desember"), start=7)},
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu"), start=1)},
    **{"agt": 8, "ags": 8, "sep": 9, "okt": 10, "nov": 11, "des": 12},
}
_TEXT_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")
_EXCEL_SERIAL_RANGE = (1, 73051)  # 1900-01-01 … 2099-12-31


# --- Cells ----------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return " ".join(str(value).split())


def _identifier(value: Any) -> str:
    """An identifier cell as text. A number cell is accepted only when Excel cannot have lost digits
    of it (Excel keeps 15 significant digits: an 18-digit NIP typed as a number comes back as
    1.97001011998031E+17). Digits are never guessed."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value)) if float(value).is_integer() and abs(value) < 1e30 else ""
        exact_int = isinstance(value, int) and not (len(digits) > 15 and not digits[15:].strip("0"))
        if digits and (len(digits) <= 15 or exact_int):
            return digits
        raise CellError(
            _(
                "The cell holds a number (%(value)s) and Excel keeps only 15 digits of a number, so digits may "
                "have been lost. Format the column as Text and type the number again."
            )
            % {"value": value}
        )
    return str(value).strip().lstrip("'`‘’").strip()


def _date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _EXCEL_SERIAL_RANGE[0] <= value <= _EXCEL_SERIAL_RANGE[1]:
            return from_excel(value).date()
    else:
        text = " ".join(str(value).split()).strip("'")
        for date_format in _DATE_FORMATS:
            try:
                return dt.datetime.strptime(text[:10], date_format).date()
            except ValueError:
                continue
        if match := _TEXT_DATE.match(text.lower()):
            day, month, year = match.groups()
            if month in _MONTHS:
                try:
                    return dt.date(int(year), _MONTHS[month], int(day))
                except ValueError:
                    pass
    raise CellError(
        _("%(value)s is not a date: write it as dd-mm-yyyy, for example 14-02-1985.") % {"value": _text(value)}
    )


def _yes_no(value: Any, *, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    key = key_of(_text(value))
    if not key:
        return default
    if key in YES_VALUES:
        return True
    if key in NO_VALUES:
        return False
    raise CellError(_("Write Ya or Tidak, not %(value)s.") % {"value": _text(value)})


def _rank(text: str, status: str | None) -> str | None:
    """The rank value, "" for none, None when it cannot be read."""
    if key_of(text) in ("", "0"):
        return ""
    if match := _PNS_RANK.search(text):
        value = f"{match.group(1).upper()}/{match.group(2).lower()}"
        return value if value in PNS_RANKS else None
    if (match := _PPPK_RANK.match(text.strip())) and (
        status in EmploymentStatus.pppk() or key_of(text).startswith(("pppk", "p3k"))
    ):
        value = f"PPPK-{match.group(1).upper()}"
        return value if value in PPPK_RANKS else None
    return None


def _career_level(text: str) -> str | None:
    key = key_of(text)
    if key in ("", "0"):
        return ""
    found = [level for word, level in CAREER_WORDS.items() if word in key]
    return found[0] if len(found) == 1 else None


def subject_lookup(subjects: Iterable) -> dict[str, int]:
    """Normalised subject name (or code, or a common alias) → subject id."""
    lookup: dict[str, int] = {}
    by_code = {}
    for subject in subjects:
        lookup[key_of(subject.name)] = subject.pk
        if subject.code:  # a local subject may have none
            by_code[subject.code] = subject.pk
            lookup[key_of(subject.code)] = subject.pk
    for alias, code in SUBJECT_ALIASES.items():
        if code in by_code:
            lookup.setdefault(alias, by_code[code])
    return lookup


# --- Rows -----------------------------------------------------------------------------------------


def rows_clean(sheet: Sheet, *, subjects: Mapping[str, int]) -> tuple[list[StaffRow], list[Issue], list[Issue]]:
    """Check every row; return the rows, the errors and the warnings (by Excel row and column)."""
    rows, errors, warnings = [], [], []
    for number, cells in sheet.rows:
        raw = {key: (cells[index] if index < len(cells) else None) for key, (index, _header) in sheet.columns.items()}
        row_errors: list[Issue] = []
        row = _row_clean(sheet, number, raw, subjects, row_errors, warnings)
        row.ok = not row_errors
        errors += row_errors
        rows.append(row)
    return rows, errors, warnings


def _row_clean(sheet, number, raw, subjects, errors, warnings) -> StaffRow:
    def error(key: str, message: str) -> None:
        errors.append(Issue(number, sheet.header(key), message))

    def warn(key: str, message: str) -> None:
        warnings.append(Issue(number, sheet.header(key), message))

    present = set(sheet.columns)
    values: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        if key in present:
            values[key] = _text(raw[key]) if key != "phone" else _phone(raw[key])
            if len(values[key]) > limit:
                error(key, _("At most %(max)s characters (now %(count)s).") % {"max": limit, "count": len(values[key])})
    if not values.get("name"):
        error("name", _("Required."))
    sex = key_of(_text(raw.get("sex")))
    if not sex:
        error("sex", _("Required."))
    elif sex in SEX_VALUES:
        values["sex"] = SEX_VALUES[sex]
    else:
        error("sex", _("Write L or P (Laki-laki or Perempuan), not %(value)s.") % {"value": _text(raw["sex"])})
    if "birth_date" in present:
        try:
            values["birth_date"] = _date(raw["birth_date"])
        except CellError as problem:
            error("birth_date", problem.message)
    status = None
    if "employment_status" in present and (status_text := _text(raw["employment_status"])):
        status = STATUS_VALUES.get(key_of(status_text))
        if status:
            values["employment_status"] = status
        else:
            error(
                "employment_status",
                _("Unknown employment status %(value)s: write PNS, PPPK, PPPK Paruh Waktu, Honorer or GTY.")
                % {"value": status_text},
            )
    _identifiers_clean(sheet, raw, values, status, error, warn)
    if "rank" in present:
        rank_text = _text(raw["rank"])
        rank = _rank(rank_text, status)
        if rank is None:
            warn(
                "rank",
                _("Unknown rank %(value)s: it was left out (III/a … IV/e, PPPK I … XVII).") % {"value": rank_text},
            )
        else:
            values["rank"] = rank
    if "career_level" in present:
        level_text = _text(raw["career_level"])
        level = _career_level(level_text)
        if level is None:
            warn(
                "career_level",
                _("Unknown career level %(value)s: it was left out (Guru Ahli Pertama, Muda, Madya or Utama).")
                % {"value": level_text},
            )
        else:
            values["career_level"] = level
    for key, default in (("certified", False), ("is_active", True)):
        if key in present:
            try:
                values[key] = _yes_no(raw[key], default=default)
            except CellError as problem:
                error(key, problem.message)
    if "teacher_type" in present:
        type_text = _text(raw["teacher_type"])
        if (teacher_type := TEACHER_TYPE_VALUES.get(key_of(type_text))) is not None:
            values["teacher_type"] = teacher_type
        else:
            error(
                "teacher_type",
                _("Unknown teacher type %(value)s: write Mapel, BK or Bukan Guru.") % {"value": type_text},
            )
    subject_ids = None
    if "subjects" in present:
        subject_ids = []
        for name in _SUBJECT_SEPARATORS.split(_text(raw["subjects"]).replace(",", ";")):
            if not name.strip() or key_of(name) in ("", "0"):
                continue
            subject_id = subjects.get(key_of(name))
            if subject_id is None:
                warn("subjects", _("Unknown subject %(value)s: it was left out.") % {"value": name.strip()})
            elif subject_id not in subject_ids:
                subject_ids.append(subject_id)
    return StaffRow(number=number, values=values, subject_ids=subject_ids)


def _phone(value: Any) -> str:
    try:
        return _identifier(value)
    except CellError:
        return _text(value)


def _identifiers_clean(sheet, raw, values, status, error, warn) -> None:
    present = set(sheet.columns)
    found: dict[str, str | None] = {}
    for key in IDENTIFIER_FIELDS:
        if key in present:
            try:
                found[key] = _identifier(raw[key])
            except CellError as problem:
                error(key, problem.message)
                found[key] = None
    if None in found.values():
        return  # a number cell: the digits are unknown, so nothing about this person can be checked
    civil = status in EmploymentStatus.civil_servant() | EmploymentStatus.pppk()
    nip_digits = clean_digits(found.get("nip"))
    if nip_digits and not civil and len(nip_digits) == 18 and nip_digits.isdigit():
        # EMIS exports put the NIGNP of a non-civil-servant in the NIP column (docs/domain.md §5).
        if not _parses_as_nip(nip_digits) and found.get("nignp", "") in ("", nip_digits):
            found["nignp"], found["nip"] = nip_digits, ""
        elif status:
            warn(
                "nip",
                _(
                    "A NIP is filled in for a teacher who is not PNS or PPPK: "
                    "if it is the NIGNP, move it to the NIGNP column."
                ),
            )
    data = {**found, "employment_status": status, "birth_date": values.get("birth_date"), "sex": values.get("sex")}
    cleaned, problems, notes = staff_identifiers_check(data)
    for name, messages in problems.items():
        key = name or next((k for k in ("nip", "nignp", "peg_id") if k in present), "nip")
        if name == "peg_id" and not found.get("peg_id") and "nuptk" in present:
            key = "nuptk"  # the PegID came from an `ID…` value in the NUPTK column
        for message in messages:
            error(key, message)
    for note in notes:
        warn("nip", note)
    for name, value in cleaned.items():
        if name in present or value:
            values[name] = value


def _parses_as_nip(digits: str) -> bool:
    try:
        parse_nip(digits)
    except ValidationError:
        return False
    return True


# --- Matching rows with the recorded staff --------------------------------------------------------

UPDATABLE_FIELDS = (
    "name",
    "front_title",
    "back_title",
    "sex",
    "birth_place",
    "birth_date",
    "nip",
    "nignp",
    "npk",
    "nuptk",
    "peg_id",
    "employment_status",
    "rank",
    "career_level",
    "certified",
    "teacher_type",
    "extra_duties",
    "phone",
    "is_active",
)


def rows_match(
    sheet: Sheet, rows: list[StaffRow], *, existing: list[Staff], subjects_of: Mapping[int, set[int]]
) -> tuple[list[PlannedRow], list[Issue], list[Issue]]:
    """Pair each valid row with the recorded person it updates (or none: a new person).

    Errors: an identifier twice in the file; an identifier recorded for another person than the
    one the row is; two rows that are the same person; a new person without a status.
    """
    errors, warnings, plan = [], [], []
    index = {name: {getattr(s, name): s for s in existing if getattr(s, name)} for name in MATCH_ORDER}
    seen: dict[str, dict[str, int]] = {name: {} for name in MATCH_ORDER}
    claimed: dict[int, int] = {}
    for row in rows:
        identifiers = row.identifiers()
        row_errors = []
        for name, value in identifiers.items():
            if (other := seen[name].setdefault(value, row.number)) != row.number:
                message = _("%(label)s %(value)s also appears in row %(other)s.")
                row_errors.append(
                    Issue(
                        row.number,
                        sheet.header(name),
                        message % {"label": LABELS[name], "value": value, "other": other},
                    )
                )
        if not row.ok or row_errors:  # a row already wrong is not matched: one message per cell
            errors += row_errors
            continue
        staff = _row_holder(sheet, row, identifiers, index, row_errors, warnings)
        if staff is not None and not row_errors and (other := claimed.setdefault(staff.pk, row.number)) != row.number:
            message = _("This row and row %(other)s both refer to %(name)s.")
            row_errors.append(Issue(row.number, None, message % {"other": other, "name": staff.full_name}))
        if staff is None and not row.values.get("employment_status"):
            message = _("Required for a new person: PNS, PPPK, PPPK Paruh Waktu, Honorer or GTY.")
            row_errors.append(Issue(row.number, sheet.header("employment_status"), message))
        if row_errors:
            errors += row_errors
            continue
        planned = PlannedRow(row=row, staff=staff)
        if staff is not None:
            planned.changes = {
                name: value
                for name, value in row.values.items()
                if name in UPDATABLE_FIELDS and getattr(staff, name) != value
            }
            subject_ids = set(row.subject_ids or ())
            planned.subjects_changed = row.subject_ids is not None and subject_ids != subjects_of.get(staff.pk, set())
        plan.append(planned)
    return plan, errors, warnings


def _row_holder(sheet, row, identifiers, index, errors, warnings) -> Staff | None:
    """The recorded person a row is: the holder of its first identifier that is recorded.

    Another recorded holder of one of its identifiers is an error (a duplicate against the
    database). So is a row that contradicts an identifier recorded for that person and carries
    another name: two people, not a correction. The same name with a corrected identifier, or
    another name with no contradiction (a new spelling), updates the person, the latter with a warning.
    """
    holders = [(name, index[name][value]) for name, value in identifiers.items() if value in index[name]]
    if not holders:
        return None
    matched_by, staff = holders[0]
    label = LABELS[matched_by]
    for name, holder in holders[1:]:
        if holder.pk != staff.pk:
            message = _("%(label)s %(value)s is already recorded for %(name)s.")
            errors.append(
                Issue(
                    row.number,
                    sheet.header(name),
                    message % {"label": LABELS[name], "value": identifiers[name], "name": holder.full_name},
                )
            )
    same_name = key_of(staff.name) == key_of(row.values.get("name"))
    contradicts = any(
        getattr(staff, name) and name in row.values and row.values[name] != getattr(staff, name) for name in MATCH_ORDER
    )
    value = identifiers[matched_by]
    if contradicts and not same_name:
        message = _("%(label)s %(value)s is already recorded for %(name)s.")
        errors.append(
            Issue(
                row.number,
                sheet.header(matched_by),
                message % {"label": label, "value": value, "name": staff.full_name},
            )
        )
    elif not same_name:
        message = _("%(label)s %(value)s is recorded for %(name)s: this row updates that person, name included.")
        warnings.append(
            Issue(row.number, sheet.header("name"), message % {"label": label, "value": value, "name": staff.full_name})
        )
    return staff


def issues_sorted(issues: Iterable[Issue]) -> list[Issue]:
    """By Excel row; within a row, in the order the columns were checked."""
    return sorted(issues, key=lambda issue: issue.row or 0)
