"""What the kabupaten/kota a madrasah types tells us: the Kemenag office of its letterhead and the place
written before the date of its documents. Pure functions; the forms use them as defaults only."""

from __future__ import annotations

import re

_REGENCY = re.compile(r"^(?:(?P<kabupaten>kabupaten|kab\.?)|(?P<kota>kota))\s+(?P<name>\S.*)$", re.IGNORECASE)
_ADMINISTRATIVE = re.compile(r"^administrasi\s+", re.IGNORECASE)


def _parts(regency: str) -> tuple[str, str] | None:
    """("KABUPATEN" or "KOTA", the name as typed), or None when the kind is not written."""
    match = _REGENCY.match(" ".join(regency.split()))
    if match is None:
        return None
    return ("KOTA" if match["kota"] else "KABUPATEN"), match["name"]


def district_office_for(regency: str) -> str:
    """ "Kabupaten Pamekasan" → "KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN"; "" when the text does not
    say whether it is a kabupaten or a kota (the office cannot be guessed then)."""
    parts = _parts(regency)
    if parts is None:
        return ""
    kind, name = parts
    return f"KANTOR KEMENTERIAN AGAMA {kind} {name.upper()}"


def signing_place_for(regency: str) -> str:
    """ "Kabupaten Pamekasan" → "Pamekasan", "Kota Administrasi Jakarta Selatan" → "Jakarta Selatan";
    a name typed without "Kabupaten"/"Kota" is the place itself."""
    parts = _parts(regency)
    name = parts[1] if parts else " ".join(regency.split())
    return _ADMINISTRATIVE.sub("", name)
