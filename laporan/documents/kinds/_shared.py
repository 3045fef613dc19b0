"""Reads shared by the official documents of the supervision cycle (no registration here).

Names under signatures, the Kepala and the Waka, the section percentages of observations and the
month's time window: small selectors, each one query, so a document's context stays a handful of
queries whatever the number of teachers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.utils import timezone

from kompetensi.instruments.rules import HUNDRED
from kompetensi.instruments.scoring import NORMALISED, rule_sentence_of
from kompetensi.models import ObservationScore
from madrasah.identifiers import StaffIdentifier, format_nip, staff_identifier
from madrasah.models import Madrasah, Membership, Role, Staff

from ..selectors import signatory_staff


@dataclass(frozen=True)
class Person:
    """A name as printed under a signature (with titles) and the person's identifier (NIP, else NIGNP,
    else PegID; the `identifier` filter prints it)."""

    name: str
    identifier: StaffIdentifier = StaffIdentifier()


def person_of(staff: Staff | None) -> Person:
    if staff is None:
        return Person(name="")
    return Person(name=staff.full_name, identifier=staff.identifier)


def people_of_users(*, madrasah: Madrasah, user_ids: Iterable[int]) -> dict[int, Person]:
    """{user id: Person} for logins of the madrasah (one query). A login without a staff record (a
    pengawas) prints its account name and the NIP it logs in with."""
    ids = {pk for pk in user_ids if pk}
    if not ids:
        return {}
    found: dict[int, Person] = {}
    for membership in Membership.objects.filter(madrasah=madrasah, user_id__in=ids).select_related("staff", "user"):
        user, staff = membership.user, membership.staff
        if staff is not None:
            found[user.pk] = person_of(staff)
        else:
            digits = format_nip(user.username)
            found[user.pk] = Person(
                name=user.get_full_name() or user.username,
                identifier=staff_identifier(nip=user.username if digits != user.username else ""),
            )
    return found


def leaders(*, madrasah: Madrasah) -> tuple[Person, Person]:
    """(Kepala, Waka Kurikulum) as printed; an empty name when the madrasah has none on record."""
    people = signatory_staff(madrasah=madrasah)
    return person_of(people[Role.KEPALA]), person_of(people[Role.WAKA])


def local_window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after `end` 00:00) in the project's time zone (WIB)."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def rule_lines(versions: Iterable) -> list[str]:
    """The scoring rule under a table of supervision results: one sentence when every instrument in
    it is scored alike, else one line per instrument named (in the order given)."""
    by_version = {v.pk: v for v in versions}
    sentences = {pk: rule_sentence_of(v) for pk, v in by_version.items()}
    if len(set(sentences.values())) <= 1:
        return list(set(sentences.values()))
    return [f"{by_version[pk].instrument.name}: {sentence}" for pk, sentence in sentences.items()]


@dataclass(frozen=True)
class SectionResult:
    section_id: int
    title: str
    percentage: Decimal
    points: int  # Σ points of the scored applicable items (less the scale min each, normalised)
    maximum: int  # their number × scale max (× (max − min), normalised)


def section_results(observation_ids: Iterable[int]) -> dict[int, list[SectionResult]]:
    """{observation: [section results in instrument order]}: per section, Σ points ÷ (scored
    applicable items × scale max) × 100, or from the scale min when the version normalises item
    points — the section percentage of `kompetensi.instruments.scoring.score_instrument` — summed in
    SQL (one query)."""
    ids = list(observation_ids)
    if not ids:
        return {}
    rows = (
        ObservationScore.objects.filter(observation_id__in=ids, not_applicable=False, points__isnull=False)
        .order_by()
        .values("observation_id", "item__section_id", "item__section__title", "item__section__order")
        .annotate(
            points=Sum("points"),
            n=Count("pk"),
            scale=Max("observation__instrument_version__scale_max"),
            scale_min=Max("observation__instrument_version__scale_min"),
            item_scoring=Max("observation__instrument_version__item_scoring"),
        )
        .order_by("observation_id", "item__section__order", "item__section_id")
    )
    found: dict[int, list[SectionResult]] = defaultdict(list)
    for row in rows:
        floor = row["scale_min"] if row["item_scoring"] == NORMALISED else 0
        points, maximum = row["points"] - row["n"] * floor, row["n"] * (row["scale"] - floor)
        found[row["observation_id"]].append(
            SectionResult(
                section_id=row["item__section_id"],
                title=row["item__section__title"],
                percentage=Decimal(points) * HUNDRED / Decimal(maximum),
                points=points,
                maximum=maximum,
            )
        )
    return dict(found)


@dataclass(frozen=True)
class PrintedTable:
    """A recap table of the dashboard as printed: its key, title, header and cells as (text, is a number)."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: list[list[tuple[str, bool]]]


def printed_table(table) -> PrintedTable:
    """`laporan.dashboard.rules.Table` → PrintedTable: the texts are the table's own (`cell_text`)."""
    return PrintedTable(
        key=table.key,
        title=str(table.title),
        header=tuple(str(h) for h in table.header),
        rows=[
            [
                (text, isinstance(value, int | Decimal) and not isinstance(value, bool))
                for text, value in zip(texts, values, strict=True)
            ]
            for texts, values in zip(table.rows, table.cells, strict=True)
        ],
    )
