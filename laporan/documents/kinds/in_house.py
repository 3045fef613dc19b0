"""`iht`: the in-house activities of an academic year (in-house training, group coaching), each with
its berita acara (what was held, when, where, by whom, for how many JP, with whom) and its attendance
list to be signed (docs/domain.md §10: an in-house activity is recorded once, with its attendance list
and berita acara). Made by the Waka, acknowledged by the Kepala.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from kompetensi.models import InHouseActivity
from kompetensi.pkb.rules import academic_year_bounds
from madrasah.models import Madrasah, Staff

from ..rules import DocumentKind, PeriodKind, document
from ..selectors import place_and_date
from ._shared import Person, leaders, person_of


@dataclass(frozen=True)
class Activity:
    title: str
    kind: str
    organiser: str
    speaker: str
    place: str
    start_date: dt.date
    end_date: dt.date
    jp: int
    minutes_per_jp: int
    summary: str
    attendees: list[Person]
    place_date: str

    @property
    def one_day(self) -> bool:
        return self.start_date == self.end_date


def in_house_activities_of_year(*, madrasah: Madrasah, start_year: int) -> list[InHouseActivity]:
    """The activities that start in the academic year, by date, with their attendees by name: two queries."""
    start, end = academic_year_bounds(start_year)
    return list(
        InHouseActivity.objects.filter(madrasah=madrasah, start_date__range=(start, end))
        .prefetch_related(Prefetch("attendees", queryset=Staff.objects.order_by("name", "pk")))
        .order_by("start_date", "pk")
    )


def activity_printed(*, madrasah: Madrasah, activity: InHouseActivity) -> Activity:
    """One activity as its berita acara prints it (attendees prefetched by name)."""
    a = activity
    return Activity(
        title=a.title,
        kind=a.get_kind_display(),
        organiser=a.organiser,
        speaker=a.speaker,
        place=a.place,
        start_date=a.start_date,
        end_date=a.end_date,
        jp=a.jp,
        minutes_per_jp=a.minutes_per_jp,
        summary=a.summary.strip(),
        attendees=[person_of(s) for s in a.attendees.all()],
        place_date=place_and_date(madrasah, a.end_date),
    )


def in_house_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    activities = [
        activity_printed(madrasah=madrasah, activity=a)
        for a in in_house_activities_of_year(madrasah=madrasah, start_year=period.academic_year.start_year)
    ]
    kepala, waka = leaders(madrasah=madrasah)
    return {"activities": activities, "kepala": kepala, "waka": waka, "empty": not activities}


IN_HOUSE = document(
    DocumentKind(
        code="iht",
        label=gettext_lazy("In-house activities: berita acara and attendance"),
        period=PeriodKind.YEAR,
        template="laporan/pdf/in_house.html",
        context=in_house_context,
        numbered=False,
    )
)
