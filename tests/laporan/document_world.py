"""A small supervised semester for the document tests (2026/2027 ganjil, the personas' madrasah).

The instrument has two sections, scale 1–4, bands 91 Amat Baik / 81 Baik / 71 Cukup / 0 Kurang:
section A three items, section B two, so a sheet scores out of 20.

| teacher                      | A       | B     | %   | predikat | state   |
|------------------------------|---------|-------|-----|----------|---------|
| Badrus Salam (guru)          | 4 4 3   | 3 3   | 85  | Baik     | final   |
| Nur Hayati (guru_lain)       | 2 2 2   | 3 3   | 60  | Kurang   | final   |
| Fikri Haikal                 | 4 4 4   | 4 4   | 100 | Amat Baik| final   |
| Zainal Arifin                | 1 1 1   | 1 1   | —   | —        | draft   |

Average of the three final results = 81.67 → Baik. Section A = (91.67 + 50 + 100) ÷ 3 = 80.56;
section B = (75 + 75 + 100) ÷ 3 = 83.33. The Waka (Siti Aminah) supervises everyone; a follow-up for
Nur Hayati (open, deadline 1 November: overdue on 15 November) names items A1 and A2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kompetensi.models import FollowUp, Item, Observation, ObservationState, Section
from kompetensi.supervision.services.observations import observation_save, observation_start
from madrasah.models import Staff
from tests.factories import supervision
from tests.factories.kompetensi import instrument_version
from tests.factories.madrasah import StaffFactory

WIB = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=WIB)


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


def name_people(kepala, waka, guru, guru_lain) -> None:
    """Real-looking names with titles, so a test can look for them in the text."""
    for membership, (front, name, back) in (
        (kepala, ("H.", "Ahmad Fauzi", "M.Pd.I.")),
        (waka, ("Hj.", "Siti Aminah", "S.Pd., M.Pd.")),
        (guru, ("", "Badrus Salam", "S.Pd.")),
        (guru_lain, ("", "Nur Hayati", "S.Ag.")),
    ):
        Staff.objects.filter(pk=membership.staff_id).update(front_title=front, name=name, back_title=back)
        membership.staff.refresh_from_db()
    Staff.objects.filter(pk=waka.staff_id).update(extra_duties="Waka Kurikulum")


def version_with_two_sections(madrasah, year):
    version = instrument_version(madrasah=madrasah, academic_year=year, code="perencanaan-uji")
    version.instrument.name = "Administrasi Pembelajaran"
    version.instrument.save(update_fields=["name"])
    section = Section.objects.create(version=version, order=2, title="Bagian B")
    Item.objects.bulk_create([Item(section=section, order=n, text=f"Butir B{n}") for n in (1, 2)])
    return version


def observe(programme, teacher, waka, version, points, *, state=ObservationState.FINAL, planned_at=None, **fields):
    row = supervision.programme_row(
        programme=programme, teacher=teacher, supervisor=waka, instruments=[version], planned_at=planned_at
    )
    observation = observation_start(row=row, version=version, user=waka.user)
    items = Item.objects.filter(section__version=version).order_by("section__order", "order")
    scores = {item.pk: {"points": p} for item, p in zip(items, points, strict=True)}
    observation_save(
        observation=observation, user=waka.user, base_revision=observation.revision, scores=scores, fields=fields
    )
    finalised = wib(2026, 9, 1, 9) if state == ObservationState.FINAL else None
    Observation.objects.filter(pk=observation.pk).update(
        state=state, finalised_at=finalised, submitted_at=None if state == ObservationState.DRAFT else wib(2026, 8, 20)
    )
    return Observation.objects.get(pk=observation.pk)


def supervised_semester(madrasah, kepala, waka, guru, guru_lain) -> dict:
    name_people(kepala, waka, guru, guru_lain)
    semester = supervision.active_semester(madrasah)
    version = version_with_two_sections(madrasah, semester.academic_year)
    supervision.team(madrasah=madrasah, semester=semester, members=[waka, guru])
    programme = supervision.approve(
        supervision.programme(madrasah=madrasah, semester=semester, created_by=waka), kepala=kepala
    )
    fikri = StaffFactory(madrasah=madrasah, name="Fikri Haikal")
    zainal = StaffFactory(madrasah=madrasah, name="Zainal Arifin")
    badrus = observe(
        programme,
        guru,
        waka,
        version,
        [4, 4, 3, 3, 3],
        planned_at=wib(2026, 8, 17, 7, 30),
        observed_on=dt.date(2026, 8, 17),
        strengths="Pembukaan pembelajaran menarik.",
        improvements="Asesmen diagnostik belum disusun.",
    )
    hayati = observe(programme, guru_lain, waka, version, [2, 2, 2, 3, 3], planned_at=wib(2026, 8, 18, 7, 30))
    observe(programme, fikri, waka, version, [4, 4, 4, 4, 4], planned_at=wib(2026, 8, 19, 9, 0))
    observe(
        programme, zainal, waka, version, [1, 1, 1, 1, 1], state=ObservationState.DRAFT, planned_at=wib(2026, 12, 1, 8)
    )
    follow_up = FollowUp.objects.create(
        madrasah=madrasah,
        observation=hayati,
        teacher=guru_lain.staff,
        kind="coaching",
        description="Pendampingan penyusunan modul ajar",
        responsible="Waka Kurikulum",
        deadline=dt.date(2026, 11, 1),
        created_by=waka.user,
    )
    follow_up.items.set(Item.objects.filter(section__version=version, section__order=1, order__in=[1, 2]))
    return {
        "semester": semester,
        "version": version,
        "programme": programme,
        "badrus": badrus,
        "hayati": hayati,
        "fikri": fikri,
        "zainal": zainal,
        "follow_up": follow_up,
        "average": Decimal("245") / 3,
    }
