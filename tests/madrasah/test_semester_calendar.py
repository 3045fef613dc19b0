"""Semesters read in calendar order, and an active semester that does not contain today is pointed out
(on the list, and right after activating it)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from madrasah.models import Semester
from madrasah.services import semester_create

LIST = "/semester/"
AUTUMN_2026 = dt.datetime(2026, 9, 15, 9, 0, tzinfo=dt.UTC)  # within the personas' ganjil 2026/2027


@pytest.fixture
def semesters(madrasah):
    """Created out of order: the next one, then an older one (the personas' ganjil 2026/2027 is active)."""
    return [
        semester_create(madrasah=madrasah, start_year=2026, kind="genap"),
        semester_create(madrasah=madrasah, start_year=2025, kind="genap"),
    ]


@time_machine.travel(AUTUMN_2026, tick=False)
def test_semesters_are_listed_oldest_first(client, operator, semesters):
    client.force_login(operator.user)
    page = client.get(LIST).content.decode()
    starts = [page.index(f"<td>{start} –") for start in ("1 Januari 2026", "1 Juli 2026", "1 Januari 2027")]
    assert starts == sorted(starts)


@time_machine.travel(AUTUMN_2026, tick=False)
def test_no_warning_while_the_active_semester_contains_today(client, kepala, semesters):
    client.force_login(kepala.user)
    assert "tidak mencakup hari ini" not in client.get(LIST).content.decode()


@time_machine.travel(dt.datetime(2027, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_list_warns_when_the_active_semester_does_not_contain_today(client, guru, semesters):
    client.force_login(guru.user)
    page = client.get(LIST).content.decode()
    assert "Semester aktif, 2026/2027 Ganjil, tidak mencakup hari ini (10 Februari 2027)" in page


@time_machine.travel(AUTUMN_2026, tick=False)
def test_activating_a_semester_that_does_not_contain_today_warns_but_is_done(client, operator, semesters):
    client.force_login(operator.user)
    later = semesters[0]
    response = client.post(f"/semester/{later.pk}/aktifkan/", follow=True)
    page = response.content.decode()
    assert Semester.objects.get(madrasah=later.madrasah, is_active=True) == later
    assert "Hari ini (15 September 2026) tidak berada dalam semester 2026/2027 Genap" in page
    assert "Semester aktif, 2026/2027 Genap, tidak mencakup hari ini" in page


@time_machine.travel(AUTUMN_2026, tick=False)
def test_activating_todays_semester_gives_no_warning(client, operator, madrasah, semesters):
    client.force_login(operator.user)
    Semester.objects.filter(madrasah=madrasah).update(is_active=False)
    current = Semester.objects.get(madrasah=madrasah, academic_year__start_year=2026, kind="ganjil")
    assert current.contains(timezone.localdate())
    page = client.post(f"/semester/{current.pk}/aktifkan/", follow=True).content.decode()
    assert "tidak berada dalam semester" not in page
    assert "tidak mencakup hari ini" not in page
