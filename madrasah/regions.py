"""What the kabupaten/kota a madrasah types tells us: the Kemenag office of its letterhead and the place
written before the date of its documents. Pure functions; the forms use them as defaults only."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

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


# Provinces by the two-digit code an NSM carries in its 5th and 6th digits (the province codes of
# Statistics Indonesia, as the NSM guide of 2008 used them; docs/domain.md, "NSM"). The codes of
# Papua (91, 94 in 2008) were renumbered when its provinces were divided in 2022, so an NSM from Papua
# gives the time zone but not the province.
PROVINCES = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "Daerah Istimewa Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
}
# Time zones by the code's first digit (west, centre, east of the country), with the exceptions of
# Kalimantan (West and Central keep WIB; South, East and North are WITA).
_ZONE_BY_CODE = {"61": "Asia/Jakarta", "62": "Asia/Jakarta"}
_ZONE_BY_ISLAND = {
    "1": "Asia/Jakarta",
    "2": "Asia/Jakarta",
    "3": "Asia/Jakarta",
    "5": "Asia/Makassar",
    "6": "Asia/Makassar",
    "7": "Asia/Makassar",
    "8": "Asia/Jayapura",
    "9": "Asia/Jayapura",
}


def _province_code(nsm: str) -> str:
    return nsm[4:6] if len(nsm) == 12 and nsm.isdigit() else ""


def province_for_nsm(nsm: str) -> str:
    """ "121135280003" → "Jawa Timur"; "" when the code is not one of the list (Papua, or a typing error)."""
    return PROVINCES.get(_province_code(nsm), "")


def time_zone_for_nsm(nsm: str) -> str:
    """The IANA zone of the NSM's province ("Asia/Jakarta" for WIB, …); "" when unknown."""
    code = _province_code(nsm)
    if not code:
        return ""
    return _ZONE_BY_CODE.get(code) or _ZONE_BY_ISLAND.get(code[0], "")


# The kabupaten/kota list comes from the npm package idn-area-data (Kemendagri codes, ODbL), copied to
# vendor/regions/ by the setup step (`make assets`); without it the kabupaten/kota is simply asked.
REGENCIES_CSV = Path(__file__).resolve().parent.parent / "vendor" / "regions" / "regencies.csv"


@cache
def _regencies() -> dict[str, str]:
    try:
        with REGENCIES_CSV.open(encoding="utf-8", newline="") as handle:
            return {row["code"].replace(".", ""): row["name"] for row in csv.DictReader(handle)}
    except (OSError, KeyError, csv.Error):
        return {}


def regency_for_nsm(nsm: str) -> str:
    """ "121135280003" → "Kabupaten Pamekasan" (digits 5–8: province and kabupaten/kota); "" when the
    province is not one the NSM still names (Papua) or the code is unknown."""
    if not province_for_nsm(nsm):
        return ""
    return _regencies().get(nsm[4:8], "")
