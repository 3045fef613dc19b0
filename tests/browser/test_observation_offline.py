"""The observation entry sheet in Chromium on a phone-sized screen: autosave, the connection lost
in class (entries kept on the device, the page reopened from the service worker's copy, the draft
restored and sent when the connection returns), and fast mode for copying paper sheets by keyboard.

Assertions use data-testid hooks, form values and the database, not words.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from kompetensi.models import Item, Observation
from kompetensi.supervision.services.observations import observation_save, observation_start
from tests.factories.kompetensi import instrument_version
from tests.factories.supervision import approved_programme

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SW_CACHE = "mutu-observasi-v1"


@pytest.fixture
def observation(madrasah, kepala, waka, guru) -> Observation:
    """The Waka's draft observation of the guru with a six-item instrument that allows N/A."""
    row = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru).rows.get()
    version = instrument_version(
        madrasah=madrasah, academic_year=row.programme.semester.academic_year, code="pelaksanaan-uji", items=6
    )
    type(version).objects.filter(pk=version.pk).update(allow_not_applicable=True)
    row.instruments.set([version])
    return observation_start(row=row, version=version, user=waka.user)


def items_of(observation) -> list[Item]:
    return list(Item.objects.filter(section__version=observation.instrument_version_id).order_by("order", "pk"))


def log_in(page, username: str) -> None:
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()


def choose(page, item: Item, value: str) -> None:
    page.locator(f"label[for='item-{item.pk}-{value}']").click()


def stored(observation) -> dict[int, tuple]:
    return {s.item_id: (s.points, s.not_applicable, s.note) for s in observation.scores.all()}


def wait_for_db(check, timeout: float = 15.0):
    """Poll the database (the live server writes from another thread) until `check()` is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def wait_for_offline_copy(page) -> None:
    """The service worker has kept the entry page and its files (asked for on the first visit)."""
    page.wait_for_function(
        """async (name) => {
            if (!navigator.serviceWorker.controller && !(await navigator.serviceWorker.getRegistration())) return false;
            const cache = await caches.open(name);
            const page = await cache.match(location.href, {ignoreVary: true});
            const files = (await cache.keys()).filter((r) => r.url.includes("/static/"));
            return Boolean(page) && files.length >= 4;
        }""",
        arg=SW_CACHE,
        polling=200,
    )


def assert_no_csp_violations(browsing) -> None:
    assert browsing.csp_violations == [], "CSP violations on the console:\n" + "\n".join(browsing.csp_violations)


def test_entries_made_offline_survive_a_reload_and_reach_the_server(browsing, waka, observation):
    items = items_of(observation)
    draft_key = f"mutu-observasi:{observation.pk}:{waka.user_id}"
    page = browsing.new_page(mobile=True)
    context = page.context
    log_in(page, waka.user.username)
    page.goto(f"/kompetensi/observasi/{observation.pk}/isi/")
    status = page.get_by_test_id("save-status")

    # Online: half the items, autosaved.
    for item, value in zip(items[:3], ("4", "3", "2"), strict=True):
        choose(page, item, value)
    expect(status).to_have_attribute("data-state", "saved")
    assert wait_for_db(lambda: len(stored(observation)) == 3), stored(observation)
    expect(page.get_by_test_id("score")).to_have_text("75,00")
    wait_for_offline_copy(page)

    # The connection drops: she goes on; everything is kept on the phone.
    context.set_offline(True)
    choose(page, items[3], "4")
    choose(page, items[4], "na")
    choose(page, items[5], "1")
    note = page.locator(f"[data-item='{items[5].pk}'] details")
    note.locator("summary").click()
    note.locator("textarea").fill("Waktu penutup terlalu singkat")
    expect(status).to_have_attribute("data-state", "offline")
    draft = json.loads(page.evaluate("key => localStorage.getItem(key)", draft_key))
    assert draft["state"]["scores"][str(items[5].pk)] == {
        "points": 1,
        "na": False,
        "note": "Waktu penutup terlalu singkat",
    }
    assert len(stored(observation)) == 3  # nothing reached the server

    # She reloads while still offline: the service worker serves its copy, the draft comes back.
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_test_id("draft-notice")).to_be_visible()
    # The copy was kept before the first saves: what the server confirmed since is put back too.
    for item, value in zip(items[:3], ("4", "3", "2"), strict=True):
        expect(page.locator(f"#item-{item.pk}-{value}")).to_be_checked()
    expect(page.locator(f"#item-{items[3].pk}-4")).to_be_checked()
    expect(page.locator(f"#item-{items[4].pk}-na")).to_be_checked()
    expect(page.locator(f"#note-{items[5].pk}")).to_have_value("Waktu penutup terlalu singkat")
    expect(status).to_have_attribute("data-state", "offline")

    # The connection returns: the draft is sent as it is, then cleared from the phone.
    context.set_offline(False)
    expected = {
        items[0].pk: (4, False, ""),
        items[1].pk: (3, False, ""),
        items[2].pk: (2, False, ""),
        items[3].pk: (4, False, ""),
        items[4].pk: (None, True, ""),
        items[5].pk: (1, False, "Waktu penutup terlalu singkat"),
    }
    assert wait_for_db(lambda: stored(observation) == expected), stored(observation)
    expect(status).to_have_attribute("data-state", "saved")
    assert page.evaluate("key => localStorage.getItem(key)", draft_key) is None
    observation.refresh_from_db()
    assert observation.percentage is not None and observation.predikat
    assert_no_csp_violations(browsing)


def test_fast_mode_fills_a_sheet_from_the_keyboard(browsing, waka, observation):
    items = items_of(observation)
    page = browsing.new_page()
    log_in(page, waka.user.username)
    page.goto(f"/kompetensi/observasi/{observation.pk}/isi/")

    toggle = page.get_by_test_id("fast-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-fast-hint]")).to_be_visible()
    first = page.locator(f"[data-item='{items[0].pk}']")
    expect(first).to_be_focused()
    expect(first).to_have_class(re.compile(r"\bis-current\b"))

    # 4, 3, back, 2, n (not applicable), 1, 9 (outside the scale: ignored), 4, 3
    for key in ("4", "3", "Backspace", "2", "n", "1", "9", "4", "3"):
        page.keyboard.press(key)

    expect(page.locator("#id_strengths")).to_be_focused()  # past the last item: on to the notes
    for item, value in zip(items, ("4", "2", "na", "1", "4", "3"), strict=True):
        expect(page.locator(f"#item-{item.pk}-{value}")).to_be_checked()
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    expected = {
        items[0].pk: (4, False, ""),
        items[1].pk: (2, False, ""),
        items[2].pk: (None, True, ""),
        items[3].pk: (1, False, ""),
        items[4].pk: (4, False, ""),
        items[5].pk: (3, False, ""),
    }
    assert wait_for_db(lambda: stored(observation) == expected), stored(observation)
    expect(page.get_by_test_id("score")).to_have_text("70,00")  # 14 of 20 points on five items
    assert_no_csp_violations(browsing)


def test_a_conflict_is_shown_and_overwritten_only_on_request(browsing, waka, observation):
    items = items_of(observation)
    draft_key = f"mutu-observasi:{observation.pk}:{waka.user_id}"
    page = browsing.new_page(mobile=True)
    log_in(page, waka.user.username)
    page.goto(f"/kompetensi/observasi/{observation.pk}/isi/")
    # Meanwhile the same supervisor saves the sheet from her other device.
    observation_save(
        observation=observation, user=waka.user, base_revision=0, scores={items[0].pk: {"points": 2}}, fields={}
    )
    choose(page, items[0], "4")
    panel = page.get_by_test_id("conflict-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-conflict-list] li")).to_have_count(1)
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "conflict")
    assert stored(observation)[items[0].pk][0] == 2  # nothing overwritten
    # The server kept her entry: the panel links to the item-by-item choice, the device drops its draft.
    choose_link = panel.locator("[data-conflict-choose]")
    expect(choose_link).to_be_visible()
    expect(choose_link).to_have_attribute("href", f"/kompetensi/observasi/{observation.pk}/konflik/")
    assert page.evaluate("key => localStorage.getItem(key)", draft_key) is None

    panel.locator("[data-conflict-overwrite]").click()
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    assert wait_for_db(lambda: stored(observation)[items[0].pk][0] == 4), stored(observation)
    assert_no_csp_violations(browsing)
