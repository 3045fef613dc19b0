"""Supervision team, programme and rows for tests.

`approved_programme(madrasah=..., kepala=..., waka=..., guru=...)` gives what most supervision tests
start from: the madrasah's active semester with a team (the Waka as Ketua), an approved programme and
one row in which the Waka supervises the guru with the `instrument_version` test instrument. The
personas are the Membership fixtures of the root conftest. Rows are written directly (no rule checks,
no notifications): build odd cases with `programme_row(...)`.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kompetensi.models import (
    BlockedPeriod,
    InstrumentVersion,
    Programme,
    ProgrammeRow,
    ProgrammeStatus,
    SupervisionTeam,
    TeamMember,
)
from madrasah.models import Membership, Semester, Staff
from tests.factories.kompetensi import instrument_version


def active_semester(madrasah) -> Semester:
    return madrasah.semesters.select_related("academic_year").get(is_active=True)


def supervision_version(*, madrasah, academic_year, code: str = "perencanaan-uji") -> InstrumentVersion:
    """The test instrument of the year (`tests.factories.kompetensi.instrument_version`), made once."""
    existing = InstrumentVersion.objects.filter(
        instrument__madrasah=madrasah, instrument__code=code, academic_year=academic_year
    ).first()
    return existing or instrument_version(madrasah=madrasah, academic_year=academic_year, code=code)


def _staff(person: Membership | Staff) -> Staff:
    return person.staff if isinstance(person, Membership) else person


def team(
    *,
    madrasah,
    members: list[Membership | Staff] = (),
    semester: Semester | None = None,
    decree_number: str = "B-101/Mts.13.28.03/PP.00.4/07/2026",
    decree_date: dt.date | None = None,
) -> SupervisionTeam:
    """The semester's team (made or reused); the first member is Ketua, the others Anggota."""
    semester = semester or active_semester(madrasah)
    supervision_team, _ = SupervisionTeam.objects.get_or_create(
        semester=semester,
        defaults={
            "madrasah": madrasah,
            "decree_number": decree_number,
            "decree_date": decree_date or semester.start_date,
        },
    )
    for index, person in enumerate(members):
        TeamMember.objects.get_or_create(
            team=supervision_team, staff=_staff(person), defaults={"duty": "Ketua" if index == 0 else "Anggota"}
        )
    return supervision_team


def programme(*, madrasah, created_by: Membership, semester: Semester | None = None) -> Programme:
    """A draft programme of the semester (the active one by default)."""
    semester = semester or active_semester(madrasah)
    return Programme.objects.create(
        madrasah=madrasah,
        semester=semester,
        legal_basis="1. Peraturan Menteri Agama Nomor 58 Tahun 2017 tentang Kepala Madrasah.",
        purpose="Membina guru dalam merencanakan, melaksanakan dan menilai pembelajaran.",
        targets="Seluruh guru disupervisi satu kali pada semester ini.",
        techniques="Kunjungan kelas; percakapan pra- dan pasca-observasi.",
        created_by=created_by.user,
    )


def default_planned_at(semester: Semester) -> dt.datetime:
    """07.30 WIB on the first Monday at least two weeks into the semester."""
    day = semester.start_date + dt.timedelta(days=14)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(7, 30)))


def programme_row(
    *,
    programme: Programme,
    teacher: Membership | Staff,
    supervisor: Membership,
    planned_at: dt.datetime | None = None,
    instruments: list[InstrumentVersion] | None = None,
    subject=None,
    class_name: str = "VIII-A",
) -> ProgrammeRow:
    """One planned supervision, written as given. Instruments default to the test instrument."""
    semester = programme.semester
    row = ProgrammeRow.objects.create(
        programme=programme,
        teacher=_staff(teacher),
        supervisor=supervisor.user,
        planned_at=planned_at or default_planned_at(semester),
        class_name=class_name,
        subject=subject,
    )
    if instruments is None:
        instruments = [supervision_version(madrasah=programme.madrasah, academic_year=semester.academic_year)]
    row.instruments.set(instruments)
    return row


def approve(programme_: Programme, *, kepala: Membership) -> Programme:
    programme_.status = ProgrammeStatus.APPROVED
    programme_.approved_by = kepala.user
    programme_.approved_at = timezone.now()
    programme_.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return programme_


def approved_programme(
    *,
    madrasah,
    kepala: Membership,
    waka: Membership,
    guru: Membership,
    semester: Semester | None = None,
    planned_at: dt.datetime | None = None,
) -> Programme:
    """The active semester's team (the Waka), an approved programme and one row: the Waka supervises
    the guru with the test instrument. The row is `programme.rows.get()`."""
    semester = semester or active_semester(madrasah)
    team(madrasah=madrasah, semester=semester, members=[waka])
    made = programme(madrasah=madrasah, semester=semester, created_by=waka)
    programme_row(programme=made, teacher=guru, supervisor=waka, planned_at=planned_at)
    return approve(made, kepala=kepala)


def blocked_period(
    *,
    semester: Semester,
    start_date: dt.date,
    end_date: dt.date | None = None,
    reason: str = "Penilaian Tengah Semester",
) -> BlockedPeriod:
    return BlockedPeriod.objects.create(
        semester=semester, start_date=start_date, end_date=end_date or start_date, reason=reason
    )
