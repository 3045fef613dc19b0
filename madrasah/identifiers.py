"""Identifier rules for EMIS data (docs/domain.md §5 "Identifiers"). Pure functions, no database.

Every identifier is text, never a number. Input may carry the spaces of the printed form
(`19700101 199803 1 002`); they are removed before checking. An error raises `ValidationError`
with an Indonesian message; a mere disagreement (the NIP's birth date against the recorded one)
is a warning string returned by `nip_warnings`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SPACES = re.compile(r"[\s.\-]+")

# NSM of an MTs: 12 digits, starting 1211 (state) or 1212 (private).
NSM_PREFIXES = ("1211", "1212")


def clean_digits(value: str | None) -> str:
    """Remove the spaces, dots and dashes of printed forms; keep everything else for checking."""
    return _SPACES.sub("", value or "")


def login_username(value: str | None) -> str:
    """The username typed at login as it is stored: a numeric identifier (NIP, NIGNP, PegID) written
    as printed (`19720315 199803 1 002`, with dots or dashes) loses those separators; anything else
    (the installation administrator's username may be a word) is kept as typed."""
    value = (value or "").strip()
    digits = clean_digits(value)
    return digits if digits.isdigit() else value


def normalise_whatsapp(value: str | None) -> str:
    """An Indonesian mobile number as people write it (`0812-3456-7890`, `+62 812 3456 7890`) → `6281234567890`,
    the form a wa.me link takes; empty stays empty."""
    number = re.sub(r"[\s.\-()]+", "", value or "")
    if not number:
        return ""
    if number.startswith("+"):
        number = number[1:]
    if number.startswith("08"):
        number = "62" + number[1:]
    # 62 8xx and 8 to 11 more digits: the lengths of Indonesian mobile numbers.
    if not (number.isdigit() and number.startswith("628") and 11 <= len(number) <= 15):
        raise ValidationError(
            _("Enter an Indonesian mobile number starting with 08 or +628, e.g. 0812 3456 7890."), code="whatsapp"
        )
    return number


def _require_digits(value: str, length: int, label: str) -> str:
    digits = clean_digits(value)
    if not digits.isdigit():
        raise ValidationError(_("%(label)s may contain digits only.") % {"label": label}, code="digits")
    if len(digits) != length:
        raise ValidationError(
            _("%(label)s must be %(length)s digits (now %(count)s).")
            % {"label": label, "length": length, "count": len(digits)},
            code="length",
        )
    return digits


@dataclass(frozen=True)
class NipParts:
    nip: str
    birth_date: dt.date
    appointment_year: int
    appointment_code: str  # month (PNS) or a two-digit code (PPPK)
    sex: str  # "L" or "P"
    sequence: str
    is_pppk_form: bool


def parse_nip(value: str, *, pppk: bool | None = None) -> NipParts:
    """Check an 18-digit NIP and return its parts.

    PNS: birth date yyyymmdd, appointment (TMT) yyyymm, sex 1/2, sequence of 3.
    PPPK: birth date, a 4-digit year, then two digits that are not a month (any two accepted).
    `pppk=None` (status unknown) accepts either form.
    """
    nip = _require_digits(value, 18, "NIP")
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("NIP: the birth date %(date)s (digits 1-8) is not a real date.") % {"date": nip[0:8]},
            code="birth_date",
        ) from None
    if not 1940 <= birth.year <= dt.date.today().year - 17:
        raise ValidationError(
            _("NIP: the birth year %(year)s (digits 1-4) is not plausible.") % {"year": birth.year},
            code="birth_date",
        )
    year, code = int(nip[8:12]), nip[12:14]
    if year < birth.year + 17 or year > dt.date.today().year + 1:
        raise ValidationError(
            _("NIP: the appointment year %(year)s (digits 9-12) is not plausible.") % {"year": year},
            code="appointment",
        )
    month_ok = 1 <= int(code) <= 12
    if pppk is False and not month_ok:
        raise ValidationError(
            _("NIP: the appointment month %(month)s (digits 13-14) must be 01-12.") % {"month": code},
            code="appointment",
        )
    sex_digit = nip[14]
    if sex_digit not in "12":
        raise ValidationError(
            _("NIP: digit 15 is the sex code and must be 1 (male) or 2 (female), not %(digit)s.")
            % {"digit": sex_digit},
            code="sex",
        )
    return NipParts(
        nip=nip,
        birth_date=birth,
        appointment_year=year,
        appointment_code=code,
        sex="L" if sex_digit == "1" else "P",
        sequence=nip[15:18],
        is_pppk_form=not month_ok or bool(pppk),
    )


def nip_warnings(nip: str, *, birth_date: dt.date | None, sex: str | None) -> list[str]:
    """Disagreements between a valid NIP and the recorded birth date and sex: warnings only."""
    parts = parse_nip(nip)
    warnings = []
    if birth_date and parts.birth_date != birth_date:
        warnings.append(
            _("The NIP gives birth date %(nip_date)s but the recorded birth date is %(date)s.")
            % {"nip_date": parts.birth_date.strftime("%d-%m-%Y"), "date": birth_date.strftime("%d-%m-%Y")}
        )
    if sex and parts.sex != sex:
        warnings.append(_("The NIP's sex digit does not match the recorded sex."))
    return warnings


def format_nip(value: str) -> str:
    """`197001011998031002` → `19700101 199803 1 002`, as printed on every document."""
    nip = clean_digits(value)
    if len(nip) != 18 or not nip.isdigit():
        return value or ""
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"


@dataclass(frozen=True)
class StaffIdentifier:
    """The identifier printed for a person (docs/domain.md §5): NIP, else NIGNP, else PegID, with its
    label. `text` is the value as printed (a NIP grouped `19700101 199803 1 002`); empty when the
    person has none of the three."""

    label: str = "NIP"
    value: str = ""

    @property
    def text(self) -> str:
        return format_nip(self.value) if self.label == "NIP" else self.value

    def __str__(self) -> str:
        return f"{self.label}. {self.text or '-'}"


# The heading of a table column holding `StaffIdentifier`s, and a cell's text: a NIP as printed, any
# other identifier with its label ("NIGNP 123…"), "-" for none.
IDENTIFIER_HEADING = "NIP/NIGNP/PegID"


def identifier_cell_text(identifier: StaffIdentifier) -> str:
    if not identifier.text:
        return "-"
    return identifier.text if identifier.label == "NIP" else f"{identifier.label} {identifier.text}"


def staff_identifier(*, nip: str = "", nignp: str = "", peg_id: str = "") -> StaffIdentifier:
    """NIP, else NIGNP, else PegID (a civil servant is known by the NIP; a non-civil-servant teacher
    by the NIGNP of EMIS; someone with neither by Kemenag's PegID). None of them: an empty NIP."""
    for label, value in (("NIP", nip), ("NIGNP", nignp), ("PegID", peg_id)):
        if value and value.strip():
            return StaffIdentifier(label=label, value=value.strip())
    return StaffIdentifier()


def validate_nignp(value: str) -> str:
    """NIGNP: 18 digits of text, nothing more can be checked."""
    return _require_digits(value, 18, "NIGNP")


def validate_npk(value: str) -> str:
    return _require_digits(value, 13, "NPK")


def validate_nuptk(value: str) -> str:
    return _require_digits(value, 16, "NUPTK")


def split_nuptk_column(value: str) -> tuple[str, str]:
    """EMIS exports put `ID` + PegID in the NUPTK column of teachers without one.

    Returns (nuptk, peg_id): `("", "123456")` for `ID123456`, `(nuptk, "")` otherwise.
    """
    raw = (value or "").strip()
    if raw[:2].upper() == "ID":
        return "", clean_digits(raw[2:])
    return clean_digits(raw), ""


def validate_peg_id(value: str) -> str:
    digits = clean_digits(value)
    if not digits.isdigit() or not 5 <= len(digits) <= 20:
        raise ValidationError(_("PegID must be 5 to 20 digits."), code="peg_id")
    return digits


def validate_npsn(value: str) -> str:
    return _require_digits(value, 8, "NPSN")


def validate_nsm(value: str) -> str:
    nsm = _require_digits(value, 12, "NSM")
    if not nsm.startswith(NSM_PREFIXES):
        raise ValidationError(
            _("NSM of an MTs starts with 1211 (state) or 1212 (private), not %(prefix)s.") % {"prefix": nsm[:4]},
            code="prefix",
        )
    return nsm
