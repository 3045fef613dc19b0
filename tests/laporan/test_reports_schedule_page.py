"""The "Jadwal laporan" page: the Kepala switches the scheduled documents and picks the digest day
(1–28, refused otherwise with a message in Indonesian); the Waka and the pengawas read it; the page
shows what comes next and what the schedule asked for."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from laporan.models import ReportDispatch, ReportSchedule
from laporan.schedules.services import ScheduleData, report_schedule_save
from madrasah.errors import ApplicationError

URL = reverse("laporan:schedule")
WIB = dt.timezone(dt.timedelta(hours=7))
VALID = {"digest": "on", "digest_day": "5", "semester_recap": "on"}


@pytest.mark.django_db
def test_the_kepala_saves_the_schedule(login, kepala):
    client = login(kepala)
    page = client.get(URL)
    assert page.status_code == 200 and 'data-testid="schedule-form"' in page.content.decode()
    response = client.post(URL, VALID)
    assert response.status_code == 302 and response["Location"] == URL
    schedule = ReportSchedule.objects.get(madrasah=kepala.madrasah)
    assert (schedule.digest, schedule.digest_day, schedule.semester_recap, schedule.bundle) == (True, 5, True, False)
    assert schedule.updated_by == kepala.user
    assert "Jadwal laporan telah disimpan" in client.get(URL).content.decode()


@pytest.mark.parametrize("day", ["29", "30", "31", "0", "", "lima"])
@pytest.mark.django_db
def test_a_digest_day_outside_1_to_28_is_refused_in_indonesian(login, kepala, day):
    response = login(kepala).post(URL, {**VALID, "digest_day": day})
    assert response.status_code == 200
    assert "Pilih tanggal 1 sampai 28: tidak setiap bulan punya tanggal 29, 30, atau 31." in response.content.decode()
    assert not ReportSchedule.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_what_the_form_would(kepala, waka):
    with pytest.raises(ApplicationError) as refused:
        report_schedule_save(
            membership=kepala,
            data=ScheduleData(digest=True, digest_day=31, semester_recap=True, bundle=True),
            user=kepala.user,
        )
    assert refused.value.field == "digest_day"
    with pytest.raises(ApplicationError):
        report_schedule_save(
            membership=waka,
            data=ScheduleData(digest=True, digest_day=3, semester_recap=True, bundle=True),
            user=waka.user,
        )
    assert not ReportSchedule.objects.exists()


@pytest.mark.django_db
def test_the_waka_and_the_pengawas_read_it_and_change_nothing(login, waka, pengawas):
    for member in (waka, pengawas):
        client = login(member)
        page = client.get(URL).content.decode()
        assert 'data-testid="schedule-summary"' in page and 'data-testid="schedule-form"' not in page
        assert "Hanya Kepala Madrasah yang mengubah jadwal laporan." in page
        assert client.post(URL, VALID).status_code == 403
    assert not ReportSchedule.objects.exists()


@pytest.mark.django_db
def test_teachers_and_the_operator_may_not_see_it(login, guru, operator):
    assert login(guru).get(URL).status_code == 403
    assert login(operator).get(URL).status_code == 403


@pytest.mark.django_db
def test_the_page_shows_what_comes_next_and_what_was_asked_for(login, kepala, madrasah):
    ReportDispatch.objects.create(madrasah=madrasah, kind="digest", period="2026-10", due_on=dt.date(2026, 11, 1))
    with time_machine.travel(dt.datetime(2026, 11, 15, 9, tzinfo=WIB), tick=False):
        page = login(kepala).get(URL).content.decode()
    upcoming = page.split('data-testid="schedule-upcoming"', 1)[1].split("</ul>", 1)[0]
    assert "1 Desember 2026</strong>: Ringkasan bulanan, November 2026" in upcoming
    assert "31 Desember 2026</strong>: Rekap Supervisi Semester, 2026/2027" in upcoming
    assert "30 Juni 2027</strong>: Bundel bukti tahunan (zip), Tahun pelajaran 2026/2027" in upcoming
    asked = page.split('data-testid="schedule-dispatches"', 1)[1]
    assert 'data-period="2026-10"' in asked and "Oktober 2026" in asked


@pytest.mark.django_db
def test_the_reports_page_links_to_the_schedule_for_its_readers_only(login, kepala, guru):
    assert URL in login(kepala).get(reverse("laporan:report-list")).content.decode()
    assert URL not in login(guru).get(reverse("laporan:report-list")).content.decode()
