"""A planned supervision turns late ("Terlambat") only once its local day (Asia/Jakarta) has ended,
everywhere it is counted: the programme page, the supervisor's own list, the dashboard's figures and
attention list, and the printed schedule.

The row is planned at 07.30 WIB on Tuesday 4 August 2026. At 23.00 WIB that day it is still due; at
00.01 WIB on Wednesday (17.01 UTC, still 4 August in UTC) it is late.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kompetensi.supervision.rules import overdue_cutoff
from laporan.dashboard.selectors import AttentionReason, dashboard_data
from laporan.documents.kinds._schedule import schedule_rows
from tests.factories import supervision

WIB = ZoneInfo("Asia/Jakarta")
PLANNED = dt.datetime(2026, 8, 4, 7, 30, tzinfo=WIB)
LATE_EVENING = dt.datetime(2026, 8, 4, 23, 0, tzinfo=WIB)
NEXT_MIDNIGHT = dt.datetime(2026, 8, 5, 0, 1, tzinfo=WIB)


@pytest.fixture
def programme(madrasah, kepala, waka, guru):
    return supervision.approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru, planned_at=PLANNED)


def statuses(response) -> dict[int, str]:
    return {row.pk: row.row_status for row in response.context["rows"]}


def test_the_cutoff_is_the_start_of_the_local_day():
    assert overdue_cutoff(NEXT_MIDNIGHT) == dt.datetime(2026, 8, 5, 0, 0, tzinfo=WIB)
    assert overdue_cutoff(LATE_EVENING) == dt.datetime(2026, 8, 4, 0, 0, tzinfo=WIB)
    # 23.30 UTC on 4 August is already 5 August in Jakarta
    assert overdue_cutoff(dt.datetime(2026, 8, 4, 23, 30, tzinfo=dt.UTC)) == dt.datetime(2026, 8, 5, tzinfo=WIB)


@pytest.mark.parametrize(("now", "expected"), [(LATE_EVENING, "terjadwal"), (NEXT_MIDNIGHT, "terlambat")])
def test_the_programme_page_flags_a_row_late_only_after_its_day(client, programme, kepala, now, expected):
    row = programme.rows.get()
    client.force_login(kepala.user)
    with time_machine.travel(now, tick=False):
        response = client.get(reverse("kompetensi:programme-detail", args=[programme.pk]))
        overdue_only = client.get(reverse("kompetensi:programme-detail", args=[programme.pk]), {"status": "terlambat"})
    assert statuses(response) == {row.pk: expected}
    counts = {value: n for value, _label, n in response.context["count_items"]}
    assert counts["terlambat"] == (1 if expected == "terlambat" else 0)
    assert list(statuses(overdue_only)) == ([row.pk] if expected == "terlambat" else [])


@pytest.mark.parametrize(("now", "expected"), [(LATE_EVENING, "Terjadwal"), (NEXT_MIDNIGHT, "Terlambat")])
def test_the_supervisors_own_list_says_late_only_after_the_day(client, programme, waka, now, expected):
    client.force_login(waka.user)
    with time_machine.travel(now, tick=False):
        response = client.get(reverse("kompetensi:my-supervisions"))
    badge = response.content.decode().split('data-testid="row-status">', 1)[1].split("<", 1)[0]
    assert badge == expected


def test_the_dashboard_counts_and_lists_the_row_as_late_only_after_its_day(madrasah, programme, guru):
    semester = programme.semester
    with time_machine.travel(LATE_EVENING, tick=False):
        evening = dashboard_data(madrasah=madrasah, semester=semester)
    with time_machine.travel(NEXT_MIDNIGHT, tick=False):
        midnight = dashboard_data(madrasah=madrasah, semester=semester)
    assert (evening.completion.planned, evening.completion.overdue) == (1, 0)
    assert evening.attention == []
    assert (midnight.completion.planned, midnight.completion.overdue) == (0, 1)
    assert [(a.teacher_id, a.reasons) for a in midnight.attention] == [(guru.staff_id, (AttentionReason.OVERDUE_ROW,))]


def test_the_printed_schedule_agrees(programme):
    semester = programme.semester
    evening = schedule_rows(programme=programme, semester=semester, now=LATE_EVENING)
    midnight = schedule_rows(programme=programme, semester=semester, now=NEXT_MIDNIGHT)
    assert [(r.status, r.status_label) for r in evening] == [("terjadwal", "Terjadwal")]
    assert [(r.status, r.status_label) for r in midnight] == [("terlambat", "Terlambat")]
