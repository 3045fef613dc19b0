"""'Supervisi saya' on a 360 px phone: a Waka with a semester's worth of rows behind her opens the page
and sees today's supervisions on the first screen, not weeks of past rows; the other weeks come on a
tap, in place. The screenshot is kept in test-results/ for a look at the layout."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import supervision
from tests.factories.madrasah import StaffFactory

from .conftest import RESULTS_DIR, TIMEOUT_MS
from .test_observation_offline import assert_no_csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def today_rows(madrasah, kepala, waka, guru):
    """Twenty rows of earlier weeks, two today (the second after the first) and one in a later week."""
    today = timezone.localdate()
    programme = supervision.approved_programme(
        madrasah=madrasah, kepala=kepala, waka=waka, guru=guru, planned_at=at(today, 7, 30)
    )
    first = programme.rows.get()
    second = supervision.programme_row(
        programme=programme,
        teacher=StaffFactory(madrasah=madrasah, name="Nur Hayati"),
        supervisor=waka,
        planned_at=at(today, 9, 30),
        class_name="IX-B",
    )
    for n in range(20):
        supervision.programme_row(
            programme=programme,
            teacher=StaffFactory(madrasah=madrasah, name=f"Guru Lalu {n:02}"),
            supervisor=waka,
            planned_at=at(today - dt.timedelta(days=8 + n), 7, 30),
        )
    supervision.programme_row(
        programme=programme,
        teacher=StaffFactory(madrasah=madrasah, name="Guru Nanti"),
        supervisor=waka,
        planned_at=at(today + dt.timedelta(days=14), 7, 30),
    )
    return first, second


def test_today_is_on_the_first_screen_of_a_360_px_phone(browser, browsing, waka, today_rows):
    first, second = today_rows
    context = browser.new_context(
        base_url=browsing.base_url, locale="id-ID", viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.tracing.start(screenshots=True, snapshots=True)  # as `browsing.new_page` does, at 360 px
    browsing.contexts.append(context)
    page = context.new_page()
    page.on("console", browsing._on_console)
    browsing.pages.append(page)
    log_in(page, waka.user.username)
    page.goto("/kompetensi/supervisi/saya/")

    today = page.get_by_test_id("today")
    expect(today.get_by_role("heading", name="Hari ini")).to_be_in_viewport(ratio=1)
    expect(page.locator(f"#row-{first.pk}")).to_be_in_viewport(ratio=1)
    expect(page.locator(f"#row-{first.pk} [data-testid=row-status]")).to_have_text("Terjadwal")
    expect(page.locator(f"#row-{first.pk} [data-testid=observation-start]")).to_be_in_viewport()
    expect(today.locator("li[data-status]")).to_have_count(2)
    expect(today.locator(f"#row-{second.pk}")).to_contain_text("kelas IX-B")
    # Past weeks are not on the page until asked for; a tap brings them in place.
    expect(page.get_by_text("Guru Lalu 00")).to_have_count(0)
    page.screenshot(path=str(RESULTS_DIR / "today-360.png"))

    page.get_by_test_id("others-load").click()
    expect(page.get_by_text("Guru Lalu 00")).to_be_visible()
    expect(page.get_by_text("Guru Nanti")).to_have_count(1)
    expect(page.get_by_test_id("others-load")).to_have_count(0)
    assert page.url.endswith("/kompetensi/supervisi/saya/")  # loaded in place, no navigation
    assert_no_csp_violations(browsing)
