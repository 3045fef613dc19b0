"""The Kepala's dashboard in a browser: opens it, switches period, drills into the overdue follow-ups
and a teacher's page, switches to meeting mode and sees no names.

Assertions use URLs and data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from madrasah.management.commands.seed_demo import DEMO_LOGINS
from madrasah.models import Madrasah, Semester, Staff

from .test_journeys import assert_no_csp_violations, log_in, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPALA = next(login for login in DEMO_LOGINS if login["role"] == "Kepala Madrasah")


@pytest.fixture
def demo():
    call_command("seed_demo", teachers=12, semesters=2, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    madrasah = Madrasah.objects.get(memberships__user__username=KEPALA["username"])
    with_results = (
        Semester.objects.filter(madrasah=madrasah, supervision_programme__rows__observations__state="final")
        .distinct()
        .select_related("academic_year")
        .order_by("-start_date")
        .first()
    )
    return madrasah, with_results


def test_the_kepala_reads_the_dashboard_drills_down_and_projects_it_without_names(browsing, demo):
    madrasah, semester = demo
    page = browsing.new_page()
    log_in(page, KEPALA["username"], KEPALA["password"])
    page.goto("/laporan/dasbor/")
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()

    # Another period, through the selector.
    page.get_by_test_id("period-form").locator("select").select_option(semester.slug)
    submit(page, page.get_by_test_id("period-submit"))
    expect(page).to_have_url(path_is("/laporan/dasbor/"))
    assert f"semester={semester.slug}" in page.url
    expect(page.locator("[data-testid=recap-table][data-key=instruments]")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    dashboard_url = page.url

    # Drill into the follow-ups past their deadline.
    with page.expect_navigation():
        page.get_by_test_id("drill-follow-ups-overdue").click()
    expect(page).to_have_url(path_is("/kompetensi/tindak-lanjut/"))
    assert "status=overdue" in page.url

    # … and into a teacher of the private list.
    page.goto(dashboard_url)
    page.get_by_test_id("dashboard-attention").locator("summary").click()  # the names wait behind a click
    teacher_link = page.get_by_test_id("drill-teacher").first
    expect(teacher_link).to_be_visible()
    with page.expect_navigation():
        teacher_link.click()
    expect(page).to_have_url(re.compile(r"/kompetensi/guru/\d+/$"))

    # Meeting mode: projected in the staff room, no names anywhere.
    page.goto(dashboard_url)
    with page.expect_navigation():
        page.get_by_test_id("to-meeting").click()
    expect(page.get_by_test_id("meeting-mode")).to_be_visible()
    expect(page.get_by_test_id("dashboard-attention")).to_have_count(0)
    expect(page.get_by_test_id("drill-teacher")).to_have_count(0)
    html = page.content()
    names = list(Staff.objects.filter(madrasah=madrasah).values_list("name", flat=True))
    assert [name for name in names if name in html] == []
    assert_no_csp_violations(browsing)
