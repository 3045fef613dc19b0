"""The Kepala's dashboard at a glance, on a laptop (1366×768): "Perlu tindakan", strengths, completion
and the number of teachers needing attention are read without scrolling; the names wait behind a
click; no two chart bars read alike.

Assertions use data-testid hooks and geometry, not words (see test_journeys.py).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from madrasah.management.commands.seed_demo import DEMO_LOGINS

from .conftest import TIMEOUT_MS
from .test_journeys import assert_no_csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
KEPALA = next(login for login in DEMO_LOGINS if login["role"] == "Kepala Madrasah")
GLANCE = ("todo", "dashboard-strengths", "glance-completion", "glance-attention")

# Each bar's label as the reader sees it (the full name of a shortened one sits in a <title>).
VISIBLE_BAR_LABELS = """() => [...document.querySelectorAll('svg .bar-label')].map(label =>
  [...label.childNodes].filter(node => node.nodeType === Node.TEXT_NODE).map(node => node.textContent).join(''))"""


@pytest.fixture
def demo():
    call_command("seed_demo", teachers=30, semesters=1, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())


def _laptop_page(browsing):
    context = browsing.browser.new_context(base_url=browsing.base_url, locale="id-ID", viewport=LAPTOP)
    context.set_default_timeout(TIMEOUT_MS)
    browsing.contexts.append(context)
    page = context.new_page()
    page.on("console", browsing._on_console)
    browsing.pages.append(page)
    return page


def _assert_above_the_fold(page, testids) -> None:
    for testid in testids:
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None, testid
        assert box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], (testid, box)


def test_the_kepala_reads_the_glance_without_scrolling_and_tells_every_bar_apart(browsing, demo):
    page = _laptop_page(browsing)
    log_in(page, KEPALA["username"], KEPALA["password"])
    page.goto("/beranda/kepala/")
    expect(page.get_by_test_id("dashboard-strengths")).to_be_visible()
    _assert_above_the_fold(page, GLANCE)
    assert int(page.get_by_test_id("attention-count").get_attribute("data-value")) > 0

    # The names only after a click: the dashboard is often on a projector.
    names = page.get_by_test_id("attention-item")
    expect(names.first).to_be_hidden()
    page.get_by_test_id("dashboard-attention").locator("summary").click()
    expect(names.first).to_be_visible()

    labels = page.evaluate(VISIBLE_BAR_LABELS)
    assert len(labels) > 10
    assert sorted(label for label in set(labels) if labels.count(label) > 1) == []

    # The full dashboard and its meeting mode open on the same glance.
    for address in ("/laporan/dasbor/", "/laporan/dasbor/rapat/"):
        page.goto(address)
        expect(page.get_by_test_id("dashboard-strengths")).to_be_visible()
        _assert_above_the_fold(page, GLANCE[1:])  # no "Perlu tindakan" here
        labels = page.evaluate(VISIBLE_BAR_LABELS)
        assert len(labels) == len(set(labels)), address
    expect(page.get_by_test_id("attention-item")).to_have_count(0)  # meeting mode: a count, no names
    assert_no_csp_violations(browsing)
