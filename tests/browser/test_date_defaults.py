"""Every form that proposes a date shows it in Chromium: a date input takes an ISO value only and stays
blank when the page writes the date the Indonesian way (the follow-up deadline came as `06-01-2027`).
Each page is opened as its user would open it and each proposed date read from the input itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kompetensi.supervision.services import transitions
from madrasah.models import User
from tests.factories import supervision
from tests.kompetensi.test_workflow import scored_observation

from .conftest import PASSWORD
from .test_observation_offline import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect_date(page, url: str, name: str, expected: dt.date) -> None:
    page.goto(url)
    field = page.locator(f"input[type=date][name={name}]")
    expect(field).to_have_value(expected.isoformat())


def test_every_proposed_date_is_filled_in(browsing, madrasah, kepala, waka, guru):
    today = timezone.localdate()
    semester = supervision.active_semester(madrasah)
    year = semester.academic_year
    kepala_page = browsing.new_page()
    log_in(kepala_page, kepala.user.username)
    # The decree of a new team is proposed for today.
    expect_date(kepala_page, reverse("kompetensi:team-edit"), "decree_date", today)
    # A new PKG period proposes the active academic year, whole.
    url = reverse("kompetensi:appraisal-period-create")
    expect_date(kepala_page, url, "start_date", year.start_date)
    expect_date(kepala_page, url, "end_date", year.end_date)

    programme = supervision.approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)
    row = programme.rows.get()
    planned_day = timezone.localdate(row.planned_at)
    observation = scored_observation(row=row, supervisor=waka)
    waka_page = browsing.new_page(mobile=True)
    log_in(waka_page, waka.user.username)
    # The observation's date starts as the planned day; moving a row proposes its current day.
    expect_date(waka_page, reverse("kompetensi:observation-edit", args=[observation.pk]), "observed_on", planned_day)
    expect_date(waka_page, reverse("kompetensi:programme-row-reschedule", args=[row.pk]), "planned_at_0", planned_day)
    # A follow-up is due in thirty days.
    transitions.observation_submit(observation=observation, user=waka.user)
    url = reverse("kompetensi:follow-up-create", args=[observation.pk])
    expect_date(waka_page, url, "deadline", today + dt.timedelta(days=30))

    # The installation's administrator appoints a Kepala from today.
    User.objects.create_superuser(username="pengelola", password=PASSWORD)
    admin_page = browsing.new_page()
    log_in(admin_page, "pengelola")
    expect_date(admin_page, reverse("madrasah:installation-kepala", args=[madrasah.pk]), "starts_on", today)
