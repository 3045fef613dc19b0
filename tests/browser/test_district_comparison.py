"""The pengawas compares the madrasah they oversee on a phone: from their home to the table, sorted
by a column heading and back, then into one madrasah's page. No script is needed: the headings are links.

Assertions use URLs and data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories.madrasah import UserFactory
from tests.laporan.test_district import a_madrasah, oversee

from .test_journeys import assert_no_csp_violations, log_in, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"  # UserFactory's


def madrasah_order(page) -> list[str]:
    return page.get_by_test_id("comparison-row").evaluate_all("rows => rows.map(r => r.dataset.madrasah)")


def test_the_pengawas_sorts_the_comparison_by_a_column(browsing):
    user = UserFactory(username="196805101994031004")
    low, _ = a_madrasah("MTs Negeri 1 Pamekasan", percentage=62, overdue=2)
    high, _ = a_madrasah("MTs Negeri 2 Pamekasan", percentage=91, overdue=0)
    oversee(user, low)
    oversee(user, high)

    page = browsing.new_page(mobile=True)
    log_in(page, user.username, PASSWORD)
    page.locator("main form input[type=radio]").first.check()  # which madrasah to work in
    submit(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(path_is("/beranda/pengawas/"))

    with page.expect_navigation():
        page.get_by_test_id("to-district-comparison").click()
    expect(page).to_have_url(path_is("/laporan/pengawas/perbandingan/"))
    assert madrasah_order(page) == [str(low.pk), str(high.pk)]  # by name

    with page.expect_navigation():
        page.get_by_test_id("sort-score").click()
    assert "sort=score" in page.url
    assert madrasah_order(page) == [str(low.pk), str(high.pk)]
    with page.expect_navigation():
        page.get_by_test_id("sort-score").click()  # the same heading again: the other way round
    assert "sort=-score" in page.url
    assert madrasah_order(page) == [str(high.pk), str(low.pk)]

    with page.expect_navigation():
        page.get_by_test_id("comparison-row").first.get_by_role("link").click()
    expect(page).to_have_url(path_is(f"/laporan/pengawas/{high.pk}/"))
    assert_no_csp_violations(browsing)
