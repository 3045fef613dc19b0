"""The clock warning in a browser: a device whose clock is 20 minutes off the server's sees the warning
on the Kepala's and the operator's home pages; a device that agrees with the server sees none."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, path_is

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOMES = {"kepala": "/beranda/kepala/", "operator": "/beranda/operator/"}


@pytest.mark.parametrize("role", list(HOMES))
def test_a_device_clock_twenty_minutes_off_shows_the_warning(browsing, request, role):
    membership = request.getfixturevalue(role)
    page = browsing.new_page()
    log_in(page, membership.user.username, PASSWORD)
    expect(page).to_have_url(path_is(HOMES[role]))
    expect(page.get_by_test_id("clock-warning")).to_be_hidden()

    page.clock.set_system_time(time.time() + 20 * 60)
    page.reload()
    warning = page.get_by_test_id("clock-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("20 menit")
    assert_no_csp_violations(browsing)


def test_a_device_clock_that_agrees_with_the_server_shows_no_warning(browsing, kepala):
    page = browsing.new_page()
    log_in(page, kepala.user.username, PASSWORD)
    expect(page).to_have_url(path_is(HOMES["kepala"]))
    page.clock.set_system_time(time.time() + 60)  # a minute off: within the margin
    page.reload()
    expect(page.get_by_test_id("home-title")).to_be_visible()
    expect(page.get_by_test_id("clock-warning")).to_be_hidden()
    assert_no_csp_violations(browsing)
