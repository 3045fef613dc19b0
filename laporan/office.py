"""The office format every document shares: letterhead, number, paper, place and date, signatures
(docs/domain.md §12 "Documents the principal expects"). Reads only; the context goes to `pdf/base.html`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _

from madrasah.models import Madrasah, Membership, PaperSize, Role, Staff

from .documents import DocumentKind
from .periods import Period

# The bundled stand-in for the Kemenag emblem (static), used until the madrasah uploads its own.
DEFAULT_EMBLEM = "laporan/emblem-kemenag.svg"
KEPALA_LABEL = _("Kepala Madrasah")
WAKA_LABEL = _("Waka Kurikulum")


@dataclass(frozen=True)
class Signatory:
    heading: str  # "Mengetahui," or the place and date
    role: str  # "Kepala Madrasah"
    name: str  # full name with titles; blank line to fill in by hand when unknown
    nip: str  # raw; printed by the `nip` filter


def signatory_staff(*, madrasah: Madrasah) -> dict[str, Staff | None]:
    """The Kepala and the Waka Kurikulum with a staff record (one query; the first by name if several)."""
    found: dict[str, Staff | None] = {Role.KEPALA: None, Role.WAKA: None}
    rows = (
        Membership.objects.filter(
            madrasah=madrasah, is_active=True, staff__isnull=False, roles__role__in=[Role.KEPALA, Role.WAKA]
        )
        .values_list("roles__role", "staff_id")
        .order_by("staff__name", "staff_id")
    )
    ids = {}
    for role, staff_id in rows:
        ids.setdefault(role, staff_id)
    staff = Staff.objects.in_bulk(ids.values()) if ids else {}
    for role, staff_id in ids.items():
        found[role] = staff.get(staff_id)
    return found


def _signatory(heading: str, role: str, person: Staff | None) -> Signatory:
    if person is None:
        return Signatory(heading=heading, role=role, name="", nip="")
    return Signatory(heading=heading, role=role, name=person.full_name, nip=person.nip)


def signatures(*, madrasah: Madrasah, place_date: str, maker: bool = True) -> list[Signatory]:
    """ "Mengetahui, Kepala Madrasah" on the left and, beside it, the Waka as maker under the place
    and date; without a maker the Kepala signs alone under the place and date."""
    people = signatory_staff(madrasah=madrasah)
    kepala, waka = people[Role.KEPALA], people[Role.WAKA]
    if maker and waka is not None and waka != kepala:
        return [
            _signatory(str(_("Acknowledged,")), str(KEPALA_LABEL), kepala),
            _signatory(place_date, str(WAKA_LABEL), waka),
        ]
    return [_signatory(place_date, str(KEPALA_LABEL), kepala)]


def emblem(*, madrasah: Madrasah) -> tuple[str, list[str]]:
    """(URL for the template, media names the fetcher may read): the madrasah's uploaded emblem when
    its file is there, else the bundled Kemenag one (a madrasah negeri) or none (swasta: "")."""
    name = madrasah.emblem.name if madrasah.emblem else ""
    if name:
        try:
            exists = Path(madrasah.emblem.path).is_file()
        except (SuspiciousFileOperation, ValueError, NotImplementedError):
            exists = False
        if exists:
            return settings.MEDIA_URL.lstrip("/") + name, [name]
    if madrasah.is_private:
        return "", []  # a madrasah swasta prints its yayasan's logo, never the Kemenag emblem
    return settings.STATIC_URL.lstrip("/") + DEFAULT_EMBLEM, []


def paper_of(*, madrasah: Madrasah, kind: DocumentKind, chosen: str = "") -> str:
    """The request's choice, else the kind's, else the madrasah's default (F4)."""
    for paper in (chosen, getattr(kind, "paper", ""), madrasah.paper_size):
        if paper in PaperSize.values:
            return paper
    return PaperSize.F4


def place_and_date(madrasah: Madrasah, day: dt.date | None) -> str:
    """`Pamekasan, 26 November 2026` in the madrasah's language, whatever the caller's; without a day
    a dotted line to fill in by hand."""
    if day is None:
        return f"{madrasah.city}, ...................."
    with translation.override(settings.LANGUAGE_CODE):
        return f"{madrasah.city}, {formats.date_format(day, 'j F Y')}"


def office_context(
    *,
    madrasah: Madrasah,
    kind: DocumentKind,
    period: Period,
    number: str,
    paper: str,
    signed_on: dt.date,
    maker: bool = True,
) -> tuple[dict, list[str]]:
    """(the base template's context, media names the fetcher may read)."""
    from .pdf import page_size

    emblem_url, media_names = emblem(madrasah=madrasah)
    place_date = place_and_date(madrasah, signed_on)
    context = {
        "madrasah": madrasah,
        "letterhead_lines": [line.strip() for line in madrasah.letterhead_lines.splitlines() if line.strip()],
        "emblem_url": emblem_url,
        "title": kind.label,
        "kind": kind,
        "period": period,
        "number": number,
        "paper": paper,
        "landscape": kind.landscape,
        "page_size": page_size(paper, landscape=kind.landscape),
        "signed_on": signed_on,
        "place_date": place_date,
        "signatures": signatures(madrasah=madrasah, place_date=place_date, maker=maker),
    }
    return context, media_names
