"""'Supervisi saya' opens on today: the supervisor's rows of the madrasah's day (Asia/Jakarta) first,
then the rest of this week, and the other weeks only when asked for (a light page on a phone)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import supervision
from tests.factories.madrasah import StaffFactory

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 8, 5, 10, 0, tzinfo=WIB)  # Wednesday 5 August 2026, 10.00 WIB
URL = reverse("kompetensi:my-supervisions")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rows(madrasah, kepala, waka, guru):
    """The Waka's rows, named by when they fall."""
    programme = supervision.approved_programme(
        madrasah=madrasah, kepala=kepala, waka=waka, guru=guru, planned_at=dt.datetime(2026, 8, 5, 13, 0, tzinfo=WIB)
    )
    made = {"today_13": programme.rows.get()}
    for name, at in (
        # 17.30 UTC on 4 August is 00.30 WIB on 5 August: today in Jakarta
        ("today_0030", dt.datetime(2026, 8, 4, 17, 30, tzinfo=dt.UTC)),
        ("monday", dt.datetime(2026, 8, 3, 7, 30, tzinfo=WIB)),
        ("saturday", dt.datetime(2026, 8, 8, 9, 30, tzinfo=WIB)),
        ("last_week", dt.datetime(2026, 7, 29, 7, 30, tzinfo=WIB)),
        ("next_week", dt.datetime(2026, 8, 10, 7, 30, tzinfo=WIB)),
    ):
        teacher = StaffFactory(madrasah=madrasah, name=f"Guru {name}")
        made[name] = supervision.programme_row(programme=programme, teacher=teacher, supervisor=waka, planned_at=at)
    supervision.programme_row(programme=programme, teacher=StaffFactory(madrasah=madrasah), supervisor=kepala)
    return made


def pks(rows_shown) -> list[int]:
    return [row.pk for row in rows_shown]


def test_today_comes_first_then_the_rest_of_the_week(client, waka, rows):
    client.force_login(waka.user)
    response = client.get(URL)
    assert pks(response.context["today_rows"]) == [rows["today_0030"].pk, rows["today_13"].pk]
    assert pks(response.context["week_rows"]) == [rows["monday"].pk, rows["saturday"].pk]
    assert response.context["others_count"] == 2
    body = response.content.decode()
    assert "Hari ini" in body and "Rabu, 5 Agustus 2026" in body
    assert body.index("Guru today_0030") < body.index("Guru monday") < body.index("Guru saturday")
    # Other weeks wait for a tap: their rows are not on the page.
    assert "Guru last_week" not in body and "Guru next_week" not in body
    assert "Tampilkan 2 supervisi minggu lainnya" in body
    # Monday's row is late (its day is over); today's 00.30 row is not.
    statuses = {row.pk: row.row_status for row in response.context["rows"]}
    assert statuses[rows["monday"].pk] == "terlambat"
    assert statuses[rows["today_0030"].pk] == "terjadwal"


def test_the_other_weeks_come_on_request(client, waka, rows):
    client.force_login(waka.user)
    page = client.get(URL, {"more": "1"})
    assert pks(page.context["others"]) == [rows["last_week"].pk, rows["next_week"].pk]
    assert "Guru last_week" in page.content.decode()

    partial = client.get(URL, {"more": "1"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "<html" not in body
    assert "Guru last_week" in body and "Guru next_week" in body
    assert "Guru today_0030" not in body


def test_a_day_without_supervision_says_so(client, waka, rows):
    with time_machine.travel(dt.datetime(2026, 8, 6, 10, 0, tzinfo=WIB), tick=False):
        client.force_login(waka.user)
        response = client.get(URL)
    assert response.context["today_rows"] == []
    assert "Tidak ada supervisi hari ini." in response.content.decode()


def test_a_status_filter_lists_its_rows_week_by_week(client, waka, rows):
    client.force_login(waka.user)
    response = client.get(URL, {"status": "terlambat"})
    assert pks(response.context["rows"]) == [rows["last_week"].pk, rows["monday"].pk]
    assert "today_rows" not in response.context


def test_the_page_costs_the_same_queries_for_few_or_many_rows(
    client, madrasah, waka, rows, django_assert_max_num_queries
):
    client.force_login(waka.user)
    client.get(URL)
    programme = rows["monday"].programme
    for n in range(12):
        supervision.programme_row(
            programme=programme,
            teacher=StaffFactory(madrasah=madrasah),
            supervisor=waka,
            planned_at=dt.datetime(2026, 8, 5, 7, 0, tzinfo=WIB) + dt.timedelta(hours=n),
        )
    with django_assert_max_num_queries(16):
        response = client.get(URL)
    assert len(response.context["today_rows"]) == 14
