"""Planning one supervision by hand (or moving one) never puts it on a day already over: the Waka gets
an Indonesian message at the date field and nothing is written. Today is still open, whatever the
hour (a row turns late only after its day, see test_lateness.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kompetensi.models import ProgrammeRow
from madrasah.models import Notification
from tests.factories import supervision

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 8, 4, 10, 0, tzinfo=WIB)  # Tuesday 4 August 2026, 10.00 WIB
REFUSAL = "Tanggal ini sudah lewat: pilih hari ini atau hari sesudahnya."


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def semester(madrasah):
    return supervision.active_semester(madrasah)


@pytest.fixture
def version(madrasah, semester):
    return supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)


@pytest.fixture
def approved(madrasah, kepala, waka, guru):
    return supervision.approved_programme(
        madrasah=madrasah, kepala=kepala, waka=waka, guru=guru, planned_at=dt.datetime(2026, 8, 10, 7, 30, tzinfo=WIB)
    )


def plan(client, programme, *, teacher, supervisor, version, day, time="07:30"):
    return client.post(
        reverse("kompetensi:programme-row-create", args=[programme.pk]),
        {
            "teacher": teacher.staff_id,
            "supervisor": supervisor.user_id,
            "planned_at_0": day,
            "planned_at_1": time,
            "instruments": [version.pk],
            "class_name": "VIII-B",
        },
    )


def test_planning_yesterday_is_refused_at_the_date_field(client, approved, waka, guru_lain, version):
    client.force_login(waka.user)
    response = plan(client, approved, teacher=guru_lain, supervisor=waka, version=version, day="2026-08-03")
    assert response.status_code == 200
    assert response.context["form"].errors["planned_at"] == [REFUSAL]
    assert REFUSAL in response.content.decode()
    assert not ProgrammeRow.objects.filter(teacher=guru_lain.staff).exists()
    assert not Notification.objects.filter(user=guru_lain.user).exists()


def test_the_form_offers_no_day_before_today(client, approved, waka):
    client.force_login(waka.user)
    body = client.get(reverse("kompetensi:programme-row-create", args=[approved.pk])).content.decode()
    assert 'name="planned_at_0"' in body and 'min="2026-08-04"' in body


def test_today_stays_open_even_after_the_hour_planned(client, approved, waka, guru_lain, version):
    client.force_login(waka.user)
    response = plan(client, approved, teacher=guru_lain, supervisor=waka, version=version, day="2026-08-04")
    assert response.status_code == 302
    row = ProgrammeRow.objects.get(teacher=guru_lain.staff)
    assert row.planned_at == dt.datetime(2026, 8, 4, 7, 30, tzinfo=WIB)


def test_moving_a_supervision_into_the_past_is_refused(client, approved, waka, guru):
    row = approved.rows.get()
    client.force_login(waka.user)
    url = reverse("kompetensi:programme-row-reschedule", args=[row.pk])
    response = client.post(url, {"planned_at_0": "2026-07-31", "planned_at_1": "09:30"})
    assert response.context["form"].errors["planned_at"] == [REFUSAL]
    row.refresh_from_db()
    assert row.planned_at == dt.datetime(2026, 8, 10, 7, 30, tzinfo=WIB)
    assert not Notification.objects.filter(user=guru.user).exists()
