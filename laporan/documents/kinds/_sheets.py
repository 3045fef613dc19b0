"""Instrument sheets as printed: the blank sheet of a planned supervision (what
`kompetensi/observation/blank_sheet.html` shows) and the filled sheet of an observation (what the
observation page shows), each on its own page with the teacher's and the supervisor's signatures.

A version's sections and items come from `kompetensi.instruments.selectors.instrument_version_sheets`, read once
for all versions; scores, section percentages and follow-ups are read once for all sheets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from kompetensi.growth.rules import safe_name
from kompetensi.instruments.scoring import rule_sentence_of, shown_score
from kompetensi.instruments.selectors import instrument_version_sheets, version_bands
from kompetensi.models import (
    FollowUp,
    InstrumentVersion,
    Item,
    Observation,
    ObservationScore,
    ObservationState,
    ProgrammeRow,
)
from kompetensi.supervision.selectors.programme import supervision_instruments
from madrasah.models import Madrasah, Semester, Staff

from ..selectors import place_and_date
from ._shared import Person, people_of_users, person_of, section_results


@dataclass(frozen=True)
class SheetItem:
    number: int
    text: str
    points: int | None = None
    label: str = ""
    not_applicable: bool = False
    note: str = ""


@dataclass(frozen=True)
class SheetSection:
    title: str
    weight: Decimal | None  # None when 1 (not printed)
    items: list[SheetItem]
    percentage: Decimal | None = None


@dataclass(frozen=True)
class FollowUpLine:
    kind: str
    description: str
    items: str
    responsible: str
    deadline: dt.date


@dataclass
class Sheet:
    instrument: str
    academic_year: str
    choices: list[tuple[int, str]]
    allow_not_applicable: bool
    scale_max: int
    bands: list[tuple[Decimal, str]]
    sections: list[SheetSection]
    rule: str  # the scoring rule of the version, in one sentence
    teacher: Person
    supervisor: Person
    subject: str = ""
    class_name: str = ""
    day: dt.date | None = None
    place_date: str = ""  # above the supervisor's signature: the day observed, dotted on a blank sheet
    # Blank sheets only: the file of the download the sheet goes in (one per teacher, or per instrument).
    file_stem: str = ""
    # Filled sheets only.
    filled: bool = False
    state: str = ""
    percentage: Decimal | None = None
    shown: str = ""  # the percentage as its predikat was read (`shown_score`)
    predikat: str = ""
    points: int = 0
    maximum: int = 0
    strengths: str = ""
    improvements: str = ""
    post_notes: str = ""
    follow_ups: list[FollowUpLine] = field(default_factory=list)
    acknowledged_on: dt.date | None = None
    teacher_response: str = ""

    @property
    def columns(self) -> int:
        return 3 + len(self.choices) + (1 if self.allow_not_applicable else 0)


class _Versions:
    """Each version's sections, items and bands, read once however many sheets use it."""

    def __init__(self):
        self._sections: dict[int, list] = {}
        self._bands: dict[int, list[tuple[Decimal, str]]] = {}

    def load(self, versions: Iterable[InstrumentVersion]) -> None:
        missing = [v for v in versions if v.pk not in self._sections]
        if missing:
            ids = [v.pk for v in missing]
            sheets = instrument_version_sheets(version_ids=ids)
            for version in missing:
                self._sections[version.pk] = sheets.get(version.pk, [])
            for version_id, bands in version_bands(ids).items():
                self._bands[version_id] = [(band.lower, band.label) for band in bands]

    def sections(self, version: InstrumentVersion) -> list:
        return self._sections[version.pk]

    def bands(self, version: InstrumentVersion) -> list[tuple[Decimal, str]]:
        return self._bands.get(version.pk, [])


def _sheet(version: InstrumentVersion, versions: _Versions, sections: list[SheetSection], **fields) -> Sheet:
    return Sheet(
        instrument=version.instrument.name,
        academic_year=version.academic_year.name,
        choices=[(value, version.label_for(value)) for value in version.scale_values],
        allow_not_applicable=version.allow_not_applicable,
        scale_max=version.scale_max,
        bands=versions.bands(version),
        sections=sections,
        rule=rule_sentence_of(version),
        **fields,
    )


def _blank_sections(version: InstrumentVersion, versions: _Versions) -> list[SheetSection]:
    return [
        SheetSection(
            title=section.title,
            weight=section.weight if section.weight != 1 else None,
            items=[SheetItem(number=n, text=item.text) for n, item in enumerate(section.items.all(), start=1)],
        )
        for section in versions.sections(version)
    ]


# --- blank sheets -------------------------------------------------------------------------------------


def blank_sheets(*, madrasah: Madrasah, semester: Semester) -> list[Sheet]:
    """One blank sheet per planned supervision and instrument (cancelled rows left out), by date;
    without any planned supervision, one sheet per supervision instrument of the year with the
    identity left to fill in by hand."""
    instruments = InstrumentVersion.objects.select_related("instrument", "academic_year").order_by(
        "instrument__kind", "instrument__name"
    )
    rows = list(
        ProgrammeRow.objects.filter(programme__semester=semester, cancelled_at__isnull=True)
        .select_related("teacher", "subject")
        .prefetch_related(Prefetch("instruments", queryset=instruments))
        .order_by("planned_at", "pk")
    )
    versions = _Versions()
    if not rows:
        chosen = list(supervision_instruments(semester=semester).select_related("academic_year"))
        versions.load(chosen)
        return [
            _sheet(
                v,
                versions,
                _blank_sections(v, versions),
                teacher=Person(name=""),
                supervisor=Person(name=""),
                place_date=place_and_date(madrasah, None),
                file_stem=f"{number:02d}-{safe_name(v.instrument.name)}",
            )
            for number, v in enumerate(chosen, start=1)
        ]
    versions.load({v.pk: v for row in rows for v in row.instruments.all()}.values())
    people = people_of_users(madrasah=madrasah, user_ids={row.supervisor_id for row in rows})
    return [
        _sheet(
            version,
            versions,
            _blank_sections(version, versions),
            teacher=person_of(row.teacher),
            supervisor=people.get(row.supervisor_id, Person(name="")),
            subject=row.subject.name if row.subject_id else "",
            class_name=row.class_name,
            day=timezone.localdate(row.planned_at),
            place_date=place_and_date(madrasah, None),
            file_stem=f"{safe_name(row.teacher.name)}-{row.teacher_id}",
        )
        for row in rows
        for version in row.instruments.all()
    ]


# --- filled sheets ------------------------------------------------------------------------------------


def observations_of_teacher(*, madrasah: Madrasah, semester: Semester, teacher: Staff):
    """The teacher's observations of the semester that have left the supervisor's draft (the teacher
    sees them from then on), by date."""
    return (
        Observation.objects.filter(madrasah=madrasah, teacher=teacher, row__programme__semester=semester)
        .exclude(state=ObservationState.DRAFT)
        .select_related("row__subject", "instrument_version__instrument", "instrument_version__academic_year")
        .order_by("row__planned_at", "instrument_version__instrument__kind", "pk")
    )


def _follow_ups(observation_ids: list[int]) -> dict[int, list[FollowUpLine]]:
    items = Item.objects.order_by("section__order", "order", "pk")
    found: dict[int, list[FollowUpLine]] = {}
    for follow_up in (
        FollowUp.objects.filter(observation_id__in=observation_ids)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("deadline", "pk")
    ):
        found.setdefault(follow_up.observation_id, []).append(
            FollowUpLine(
                kind=follow_up.get_kind_display(),
                description=follow_up.description.strip(),
                items="; ".join(item.text for item in follow_up.items.all()),
                responsible=follow_up.responsible,
                deadline=follow_up.deadline,
            )
        )
    return found


def filled_sheets(*, madrasah: Madrasah, semester: Semester, teacher: Staff) -> list[Sheet]:
    """The teacher's submitted observations of the semester as sheets with their stored scores,
    section percentages, the stored total (percentage and predikat) and the follow-ups agreed."""
    observations = list(observations_of_teacher(madrasah=madrasah, semester=semester, teacher=teacher))
    return sheets_of_observations(madrasah=madrasah, observations=observations, teacher=teacher)


def sheets_of_observations(*, madrasah: Madrasah, observations: list[Observation], teacher: Staff) -> list[Sheet]:
    """`observations` of `teacher` (with `row__subject` and `instrument_version__instrument` and
    `__academic_year` selected) as filled sheets, in the order given; the teacher's evidence download
    prints each on its own."""
    if not observations:
        return []
    ids = [o.pk for o in observations]
    versions = _Versions()
    versions.load({o.instrument_version_id: o.instrument_version for o in observations}.values())
    scores = {(s.observation_id, s.item_id): s for s in ObservationScore.objects.filter(observation_id__in=ids)}
    per_section = section_results(ids)
    follow_ups = _follow_ups(ids)
    people = people_of_users(madrasah=madrasah, user_ids={o.supervisor_id for o in observations})
    teacher_person = person_of(teacher)
    states = dict(ObservationState.choices)
    sheets = []
    for observation in observations:
        version = observation.instrument_version
        results = {r.section_id: r for r in per_section.get(observation.pk, [])}
        sections = []
        for section in versions.sections(version):
            items = []
            for number, item in enumerate(section.items.all(), start=1):
                stored = scores.get((observation.pk, item.pk))
                points = stored.points if stored else None
                items.append(
                    SheetItem(
                        number=number,
                        text=item.text,
                        points=points,
                        label=version.label_for(points) if points is not None else "",
                        not_applicable=bool(stored and stored.not_applicable),
                        note=stored.note.strip() if stored else "",
                    )
                )
            result = results.get(section.pk)
            sections.append(
                SheetSection(
                    title=section.title,
                    weight=section.weight if section.weight != 1 else None,
                    items=items,
                    percentage=result.percentage if result else None,
                )
            )
        row = observation.row
        day = observation.observed_on or timezone.localdate(row.planned_at)
        sheets.append(
            _sheet(
                version,
                versions,
                sections,
                teacher=teacher_person,
                supervisor=people.get(observation.supervisor_id, Person(name="")),
                subject=row.subject.name if row.subject_id else "",
                class_name=observation.class_name,
                day=day,
                place_date=place_and_date(madrasah, day),
                filled=True,
                state=states.get(observation.state, observation.state),
                percentage=observation.percentage,
                shown=shown_score(observation.percentage, version.band_rounding),
                predikat=observation.predikat,
                points=sum(r.points for r in results.values()),
                maximum=sum(r.maximum for r in results.values()),
                strengths=observation.strengths.strip(),
                improvements=observation.improvements.strip(),
                post_notes=observation.post_notes.strip(),
                follow_ups=follow_ups.get(observation.pk, []),
                acknowledged_on=timezone.localdate(observation.acknowledged_at)
                if observation.acknowledged_at
                else None,
                teacher_response=observation.teacher_response.strip(),
            )
        )
    return sheets
