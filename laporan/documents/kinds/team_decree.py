"""`sk-tim`: the Kepala's decree appointing the academic supervision team (SK Tim Supervisi) of an
academic year, in the office decree layout (Menimbang, Mengingat, Memutuskan, Menetapkan, diktum),
with the team in its attachment (docs/domain.md §9 "Academic supervision").

A team belongs to a semester and carries the decree's own number and date as the Kepala issued it, so
the document prints that number and takes none from the sequence (`numbered=False`). When both
semesters name the same team under the same decree, one decree covers the year; otherwise each
semester's decree is printed on its own pages.

A decree is never rebuilt once issued (`decree=True`): a change of the team is enacted by an amending
decree (`services.decrees`), printed by the same template with its own number; it changes the
attachment of the decree now in force (the latest of the year) into the team as it stands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from kompetensi.models import SupervisionTeam, TeamMember
from madrasah.identifiers import StaffIdentifier
from madrasah.models import AcademicYear, Madrasah, Semester, Subject

from ..rules import DocumentKind, PeriodKind, document
from ._shared import leaders


@dataclass(frozen=True)
class TeamMemberRow:
    name: str
    identifier: StaffIdentifier
    position: str  # extra duties at the madrasah (Waka Kurikulum, wali kelas ...)
    duty: str  # in the team (Ketua, Anggota)
    subjects: str


@dataclass
class Decree:
    number: str
    date: dt.date
    semesters: list[Semester] = field(default_factory=list)
    members: list[TeamMemberRow] = field(default_factory=list)

    @property
    def whole_year(self) -> bool:
        return len(self.semesters) > 1


def supervision_teams_of_year(*, madrasah: Madrasah, academic_year: AcademicYear) -> list[SupervisionTeam]:
    """The year's teams, by semester, with their members (by duty order as entered, then name) and the
    members' subjects: three queries."""
    members = TeamMember.objects.select_related("staff").prefetch_related(
        Prefetch("staff__subjects", queryset=Subject.objects.order_by("order", "name"))
    )
    return list(
        SupervisionTeam.objects.filter(madrasah=madrasah, semester__academic_year=academic_year)
        .select_related("semester__academic_year")
        .prefetch_related(Prefetch("memberships", queryset=members.order_by("pk")))
        .order_by("semester__start_date")
    )


def _member_row(member: TeamMember) -> TeamMemberRow:
    staff = member.staff
    return TeamMemberRow(
        name=staff.full_name,
        identifier=staff.identifier,
        position=staff.extra_duties,
        duty=member.duty,
        subjects=", ".join(s.name for s in staff.subjects.all()),
    )


def decrees_of_year(*, madrasah: Madrasah, academic_year: AcademicYear) -> list[Decree]:
    """One decree per distinct (number, members and duties); semesters sharing one are merged."""
    decrees: list[Decree] = []
    keys: list[tuple] = []
    for team in supervision_teams_of_year(madrasah=madrasah, academic_year=academic_year):
        rows = [_member_row(m) for m in team.memberships.all()]
        key = (team.decree_number.strip(), tuple(rows))
        if key in keys:
            decrees[keys.index(key)].semesters.append(team.semester)
            continue
        keys.append(key)
        decrees.append(
            Decree(number=team.decree_number, date=team.decree_date, semesters=[team.semester], members=rows)
        )
    return decrees


def team_decree_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    decrees = decrees_of_year(madrasah=madrasah, academic_year=period.academic_year)
    kepala, _waka = leaders(madrasah=madrasah)
    return {
        "decrees": decrees,
        "kepala": kepala,
        "academic_year": period.academic_year,
        "empty": not decrees,
    }


TEAM_DECREE = document(
    DocumentKind(
        code="sk-tim",
        label=gettext_lazy("Decree on the academic supervision team"),
        period=PeriodKind.YEAR,
        template="laporan/pdf/team_decree.html",
        context=team_decree_context,
        numbered=False,
        decree=True,
    )
)
