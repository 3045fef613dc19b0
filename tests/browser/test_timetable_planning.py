"""A timetable-aware bulk plan in Chromium (issue 19 item 5): the operator enters the classes and imports
a small class grid, naming the one teacher code the madrasah does not know yet; the Waka then plans for
all teachers, and the observation lands in the teacher's lesson, with its class, after now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kompetensi.models import ProgrammeRow
from madrasah.models import Subject
from tests.factories import supervision, timetable
from tests.factories.timetable import xlsx
from tests.madrasah.test_staff_excel import XLSX_MIME

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_file(page, content: bytes) -> None:
    page.locator("input[name=file]").set_input_files({"name": "jadwal.xlsx", "mimeType": XLSX_MIME, "buffer": content})


def test_operator_imports_a_grid_and_the_waka_plans_in_its_lessons(browsing, madrasah, operator, waka, guru):
    today = timezone.localdate()
    semester = madrasah.semesters.get()
    semester.start_date, semester.end_date = today - dt.timedelta(days=14), today + dt.timedelta(days=120)
    semester.save()
    guru.staff.subjects.set([Subject.objects.get(code="matematika")])
    timetable.bells(madrasah)
    supervision.team(madrasah=madrasah, members=[waka])
    supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    # Period 5 of every school day: 10.25 on Monday, 09.55 on the others; Friday has no period 5.
    days = ["Senin", "Selasa", "Rabu", "Kamis", "Sabtu"]
    grid = xlsx(("Kelas", [["Hari", "Jam", "VII-A", "VII-B"], *[[day, 5, "MTK / AR", None] for day in days]]))

    page = browsing.new_page()
    log_in(page, operator.user.username, PASSWORD)
    submit(page, page.get_by_test_id("timetable-link"))
    expect(page).to_have_url(path_is("/jadwal/"))
    submit(page, page.get_by_role("link", name="Kelas (rombel)"))
    page.fill("textarea[name=names]", "VII-A, VII-B")
    submit(page, page.get_by_test_id("classes-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("class-list")).to_have_text("VII-A, VII-B")

    submit(page, page.get_by_role("link", name="Impor jadwal pelajaran dari Excel"))
    choose_file(page, grid)
    submit(page, page.get_by_test_id("import-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("import-notice")).to_contain_text("1 kode guru belum dikenal")
    mapping = page.get_by_test_id("code-mapping")
    expect(mapping).to_contain_text("AR")
    mapping.locator("select").select_option(str(guru.staff_id))
    choose_file(page, grid)
    submit(page, page.get_by_test_id("import-form").locator("button[type=submit]"))
    expect(page).to_have_url(path_is("/jadwal/"))
    expect(page.get_by_test_id("lesson-count")).to_have_text("5 jam pelajaran dalam jadwal.")
    expect(page.get_by_test_id("teacher-codes")).to_contain_text(guru.staff.full_name)

    planner = browsing.new_page()
    log_in(planner, waka.user.username, PASSWORD)
    planner.goto(f"/kompetensi/supervisi/program/{programme.pk}/")
    submit(planner, planner.get_by_role("link", name="Jadwalkan semua guru"))
    expect(planner.get_by_test_id("timetable-aware")).to_be_visible()
    submit(planner, planner.locator("main form[method=post] button[type=submit]"))
    expect(planner).to_have_url(path_is(f"/kompetensi/supervisi/program/{programme.pk}/"))
    rows = planner.locator("#programme-rows")
    expect(rows).to_contain_text(guru.staff.full_name)
    expect(rows).to_contain_text("kelas VII-A")

    row = ProgrammeRow.objects.get(programme=programme, teacher=guru.staff)
    local = timezone.localtime(row.planned_at)
    assert row.class_name == "VII-A" and row.planned_at > timezone.now()
    assert (local.weekday(), f"{local:%H.%M}") in {(0, "10.25"), (1, "09.55"), (2, "09.55"), (3, "09.55"), (5, "09.55")}
    assert row.supervisor_id == waka.user_id
    assert_no_csp_violations(browsing)
