"""The decree page proposes the usual team while the semester has none: the Kepala as Ketua and the
Waka Kurikulum as Sekretaris, dated the madrasah's today; in the second semester, the first one's
decree (one SK for the year)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kompetensi.models import SupervisionTeam
from kompetensi.supervision.rules import usual_duties
from madrasah.models import Semester, TimeZone
from tests.factories import supervision
from tests.factories.madrasah import SemesterFactory, StaffFactory, member

EDIT = reverse("kompetensi:team-edit")
# 23.00 WIB on 5 July is already 6 July in WIT.
NOW = dt.datetime(2026, 7, 5, 23, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(response) -> dict:
    return response.context["form"].initial


def test_it_proposes_the_kepala_as_ketua_and_the_waka_as_sekretaris(client, kepala, waka, guru):
    client.force_login(kepala.user)
    response = client.get(EDIT)
    initial = _form(response)
    assert initial[f"member_{kepala.staff_id}"] is True
    assert initial[f"duty_{kepala.staff_id}"] == "Ketua"
    assert initial[f"member_{waka.staff_id}"] is True
    assert initial[f"duty_{waka.staff_id}"] == "Sekretaris"
    assert f"member_{guru.staff_id}" not in initial
    body = response.content.decode()
    assert 'data-testid="team-proposal"' in body
    assert f'id="id_member_{kepala.staff_id}" checked' in body
    assert f'id="id_member_{guru.staff_id}" checked' not in body
    assert 'value="2026-07-05"' in body  # the decree date, today in WIB
    assert initial["decree_number"] == ""  # typed: the SK prints the number the Kepala gave it


def test_the_date_is_the_madrasahs_own_day(client, madrasah, kepala, waka):
    madrasah.time_zone = TimeZone.WIT
    madrasah.save(update_fields=["time_zone"])
    client.force_login(kepala.user)
    assert _form(client.get(EDIT))["decree_date"] == dt.date(2026, 7, 6)


def test_without_a_kepala_among_the_teachers_the_waka_chairs(client, madrasah, waka):
    kepala = member(madrasah=madrasah, roles=["kepala"], staff=StaffFactory(madrasah=madrasah, teacher_type="none"))
    client.force_login(kepala.user)
    initial = _form(client.get(EDIT))
    assert initial[f"duty_{waka.staff_id}"] == "Ketua"
    assert f"member_{kepala.staff_id}" not in initial


def test_saving_the_proposal_as_shown_names_the_team(client, kepala, waka, semester_of):
    client.force_login(kepala.user)
    response = client.post(
        EDIT,
        {
            "decree_number": "B-045/Mts.13.28.03/PP.00.4/07/2026",
            "decree_date": "2026-07-05",
            f"member_{kepala.staff_id}": "on",
            f"duty_{kepala.staff_id}": "Ketua",
            f"member_{waka.staff_id}": "on",
            f"duty_{waka.staff_id}": "Sekretaris",
        },
    )
    assert response.status_code == 302
    team = SupervisionTeam.objects.get(semester=semester_of())
    assert dict(team.memberships.values_list("staff_id", "duty")) == {
        kepala.staff_id: "Ketua",
        waka.staff_id: "Sekretaris",
    }


def test_the_decree_number_is_still_required(client, kepala, waka):
    client.force_login(kepala.user)
    response = client.post(EDIT, {"decree_number": "", "decree_date": "2026-07-05", f"member_{waka.staff_id}": "on"})
    assert response.status_code == 200
    assert "decree_number" in response.context["form"].errors
    assert not SupervisionTeam.objects.exists()


def test_the_second_semester_is_offered_the_first_ones_decree(client, madrasah, kepala, waka, guru, semester_of):
    first = semester_of()
    supervision.team(madrasah=madrasah, semester=first, members=[waka, guru], decree_date=dt.date(2026, 7, 2))
    second = Semester.objects.create(
        madrasah=madrasah,
        academic_year=first.academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
    )
    client.force_login(kepala.user)
    response = client.get(EDIT, {"semester": second.slug})
    initial = _form(response)
    assert initial["decree_number"] == "B-101/Mts.13.28.03/PP.00.4/07/2026"
    assert initial["decree_date"] == dt.date(2026, 7, 2)
    assert initial[f"duty_{waka.staff_id}"] == "Ketua" and initial[f"duty_{guru.staff_id}"] == "Anggota"
    assert f"member_{kepala.staff_id}" not in initial
    assert str(first) in response.content.decode()


def test_an_existing_team_is_shown_as_saved_not_proposed(client, madrasah, kepala, waka, guru):
    supervision.team(madrasah=madrasah, members=[guru])
    client.force_login(kepala.user)
    response = client.get(EDIT)
    initial = _form(response)
    assert initial[f"duty_{guru.staff_id}"] == "Ketua"
    assert f"member_{kepala.staff_id}" not in initial and f"member_{waka.staff_id}" not in initial
    assert 'data-testid="team-proposal"' not in response.content.decode()


def test_the_waka_still_may_not_open_it(client, kepala, waka):
    client.force_login(waka.user)
    assert client.get(EDIT).status_code == 403


def test_another_madrasahs_semester_is_not_found(client, kepala, other_madrasah):
    theirs = SemesterFactory(academic_year__madrasah=other_madrasah, academic_year__start_year=2030, is_active=False)
    client.force_login(kepala.user)
    assert client.get(EDIT, {"semester": theirs.slug}).status_code == 404


@pytest.fixture
def semester_of(madrasah):
    return lambda: supervision.active_semester(madrasah)


@pytest.mark.parametrize(
    ("kepala_staff", "waka_staff", "expected"),
    [
        ([1], [2], {1: "Ketua", 2: "Sekretaris"}),
        ([1], [2, 3], {1: "Ketua", 2: "Sekretaris", 3: "Anggota"}),
        ([], [2, 3, 4], {2: "Ketua", 3: "Sekretaris", 4: "Anggota"}),
        ([1], [1, 2], {1: "Ketua", 2: "Sekretaris"}),  # a Kepala who also holds the Waka role
        ([], [], {}),
    ],
)
def test_the_usual_duties(kepala_staff, waka_staff, expected):
    assert usual_duties(kepala_staff=kepala_staff, waka_staff=waka_staff) == expected
