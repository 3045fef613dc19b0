""" "Perlu tindakan" in Chromium, role by role, on one small madrasah: each person logs in through the
real form, reads the lines waiting for them with exact counts, and one link per role opens the page
where they act (the guru's result with its confirm button, the Waka's entry sheet, the programme with
its approve button, the slips, the PKG sheet). The guru reads the home on a 360 px phone: nothing runs
off the side of the screen.

Dates follow the real clock (the live server and the browser share it): the madrasah's active semester
is moved onto today.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kompetensi.models import FollowUp, FollowUpStatus, Observation, ObservationState
from madrasah.models import AcademicYear
from tests.factories import appraisal as pkg
from tests.factories import supervision as f
from tests.factories.madrasah import SemesterFactory

from .conftest import RESULTS_DIR, TIMEOUT_MS
from .test_observation_offline import assert_no_csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}
LINES = """() => [...document.querySelectorAll('[data-testid=todo-list] a')]
  .map(a => [a.dataset.testid.slice(5), Number(a.dataset.count)])"""


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def path_is(path: str):
    return re.compile(rf"^https?://[^/]+{re.escape(path)}$")


def semesters_around_today(madrasah):
    """The active semester moved onto the half year that holds today, and the one after it (inactive)."""
    today = timezone.localdate()
    start_year = today.year if today.month >= 7 else today.year - 1
    year = madrasah.academic_years.get()
    AcademicYear.objects.filter(pk=year.pk).update(start_year=start_year)
    active = f.active_semester(madrasah)
    if today.month >= 7:
        active.kind, active.start_date, active.end_date = (
            "ganjil",
            dt.date(today.year, 7, 1),
            dt.date(today.year, 12, 31),
        )
        following = SemesterFactory(
            academic_year=active.academic_year,
            kind="genap",
            start_date=dt.date(today.year + 1, 1, 1),
            end_date=dt.date(today.year + 1, 6, 30),
            is_active=False,
        )
    else:
        active.kind, active.start_date, active.end_date = "genap", dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
        following = SemesterFactory(
            academic_year__madrasah=madrasah,
            academic_year__start_year=today.year,
            kind="ganjil",
            start_date=dt.date(today.year, 7, 1),
            end_date=dt.date(today.year, 12, 31),
            is_active=False,
        )
    active.save(update_fields=["kind", "start_date", "end_date"])
    return f.active_semester(madrasah), following


@pytest.fixture
def waiting(madrasah, kepala, waka, guru, guru_lain, operator, pengawas):
    """What waits for each person: the guru a submitted result and a follow-up due in a week; the Waka
    a supervision today and a draft; the Kepala next semester's programme; the operator the account of
    guru_lain, never used; the pengawas the Kepala's PKG, in progress."""
    today = timezone.localdate()
    semester, following = semesters_around_today(madrasah)
    version = f.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    programme = f.approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru, planned_at=at(today, 7))

    def observation(state, **fields):
        row = f.programme_row(
            programme=programme, teacher=guru, supervisor=waka, planned_at=at(today - dt.timedelta(days=1), 9)
        )
        return Observation.objects.create(
            madrasah=madrasah,
            row=row,
            instrument_version=version,
            teacher=guru.staff,
            supervisor=waka.user,
            state=state,
            class_name=row.class_name,
            **fields,
        )

    submitted = observation(ObservationState.SUBMITTED, submitted_at=timezone.now())
    final = observation(ObservationState.FINAL, submitted_at=timezone.now(), finalised_at=timezone.now())
    FollowUp.objects.create(
        madrasah=madrasah,
        observation=final,
        teacher=guru.staff,
        kind="coaching",
        description="Pendampingan asesmen formatif",
        responsible="Waka",
        deadline=today + dt.timedelta(days=7),
        status=FollowUpStatus.OPEN,
        created_by=waka.user,
    )
    draft = observation(ObservationState.DRAFT)
    next_programme = f.programme(madrasah=madrasah, created_by=waka, semester=following)
    f.programme_row(
        programme=next_programme, teacher=guru_lain, supervisor=waka, planned_at=at(following.start_date, 9)
    )
    period = pkg.appraisal_period(madrasah, semester.academic_year, kepala)
    appraisal = pkg.appraisal(period, kepala.staff, pengawas.user)
    return {"submitted": submitted, "draft": draft, "programme": next_programme, "appraisal": appraisal}


def phone_page(browsing):
    """A 360 px phone, as `browsing.new_page(mobile=True)` but narrower than its 390 px."""
    context = browsing.browser.new_context(
        base_url=browsing.base_url, locale="id-ID", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.tracing.start(screenshots=True, snapshots=True)
    browsing.contexts.append(context)
    page = context.new_page()
    page.on("console", browsing._on_console)
    browsing.pages.append(page)
    return page


def todo_of(page, home: str) -> dict[str, int]:
    page.goto(home)
    expect(page.get_by_test_id("todo")).to_be_visible()
    return dict(page.evaluate(LINES))


def follow(page, key: str, lands_on: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id(f"todo-{key}").click()
    expect(page).to_have_url(path_is(lands_on))


def test_each_role_reads_what_waits_for_it_and_lands_where_it_acts(
    browsing, waiting, kepala, waka, guru, operator, pengawas, guru_lain
):
    # The guru, on a phone: a result to confirm (one: the link opens it) and a follow-up due.
    page = phone_page(browsing)
    log_in(page, guru.user.username)
    assert todo_of(page, "/beranda/guru/") == {"results_to_confirm": 1, "follow_ups_due": 1}
    expect(page.get_by_test_id("todo-results_to_confirm")).to_have_text(
        "1 hasil supervisi perlu dikonfirmasi atau diklarifikasi"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.screenshot(path=str(RESULTS_DIR / "todo-guru-360.png"), full_page=True)
    follow(page, "results_to_confirm", f"/kompetensi/observasi/{waiting['submitted'].pk}/")
    expect(page.get_by_test_id("acknowledge-form").locator("button[type=submit]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    # The Waka: today's supervision and her draft (one: the link opens its entry sheet).
    page = browsing.new_page()
    log_in(page, waka.user.username)
    assert todo_of(page, "/beranda/waka/") == {"observations_today": 1, "drafts": 1}
    expect(page.get_by_test_id("todo-observations_today")).to_have_text("1 supervisi dilaksanakan hari ini")
    follow(page, "drafts", f"/kompetensi/observasi/{waiting['draft'].pk}/isi/")
    expect(page.get_by_test_id("observation-form")).to_be_visible()

    # The Kepala: next semester's programme awaits his approval; the link opens it, approve button there.
    page = browsing.new_page()
    log_in(page, kepala.user.username)
    assert todo_of(page, "/beranda/kepala/") == {"programme_to_approve": 1}
    follow(page, "programme_to_approve", f"/kompetensi/supervisi/program/{waiting['programme'].pk}/")
    expect(page.get_by_test_id("approve")).to_be_visible()

    # The pengawas: the Kepala's PKG to complete; the link opens the sheet with its scores to enter.
    page = browsing.new_page()
    log_in(page, pengawas.user.username)
    assert todo_of(page, "/beranda/pengawas/") == {"appraisals_to_complete": 1}
    follow(page, "appraisals_to_complete", f"/kompetensi/pkg/{waiting['appraisal'].pk}/")
    expect(page.get_by_test_id("score-form")).to_be_visible()

    # The operator, last: everyone else has logged in by now but guru_lain, whose slip is to print.
    page = browsing.new_page()
    log_in(page, operator.user.username)
    assert todo_of(page, "/beranda/operator/") == {"accounts_unused": 1}
    follow(page, "accounts_unused", "/akun/slip/")
    expect(page.get_by_test_id("slip-row")).to_have_count(1)
    expect(page.get_by_test_id("slip-row")).to_contain_text(guru_lain.staff.name)
    assert_no_csp_violations(browsing)
