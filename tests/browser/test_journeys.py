"""Journeys through the real login form in Chromium: each role's home and menu, the language switch,
logout, the forced first-login password change, and the operator's account slip.

Assertions use URLs, hrefs and data-testid hooks, not words: the interface is Indonesian by default
and shows English where the translations are not compiled.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Pakong-Madura#2026"

# Per role: nav hrefs that must be there, and hrefs that must not.
NAVIGATION = {
    "kepala": (
        ["/beranda/kepala/", "/pegawai/", "/semester/", "/akun/terkunci/", "/beranda/guru/"],
        ["/beranda/waka/", "/beranda/operator/", "/beranda/pengawas/"],
    ),
    "waka": (
        ["/beranda/waka/", "/pegawai/", "/beranda/guru/"],
        ["/beranda/kepala/", "/semester/", "/akun/terkunci/", "/beranda/operator/"],
    ),
    "guru": (
        ["/beranda/guru/"],
        ["/pegawai/", "/semester/", "/akun/terkunci/", "/beranda/kepala/", "/beranda/operator/"],
    ),
    "operator": (
        ["/beranda/operator/", "/pegawai/", "/semester/", "/akun/terkunci/"],
        ["/beranda/kepala/", "/beranda/waka/", "/beranda/guru/", "/beranda/pengawas/"],
    ),
    "pengawas": (
        ["/beranda/pengawas/", "/pegawai/"],
        ["/semester/", "/akun/terkunci/", "/beranda/guru/", "/beranda/kepala/"],
    ),
}
MOBILE_ROLES = {"guru", "pengawas"}


def path_is(path: str):
    """A URL matcher for exactly `path` on the live server (any query string allowed)."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def log_in(page, username: str, password: str) -> None:
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page, page.locator("main form[method=post] button[type=submit]"))


def submit(page, button) -> None:
    """Click a button that submits a form and wait until the resulting page has loaded."""
    with page.expect_navigation():
        button.click()


def open_menu(page) -> None:
    """On a narrow screen the menu is collapsed behind the navbar toggler: open it."""
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#nav-main")
    if toggler.is_visible() and "show" not in (menu.get_attribute("class") or "").split():
        expect(page.get_by_test_id("nav-links")).to_be_hidden()
        toggler.click()
        expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_test_id("nav-links")).to_be_visible()


def nav_hrefs(page) -> list[str]:
    open_menu(page)
    return page.get_by_test_id("nav-links").locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def log_out(page) -> None:
    open_menu(page)
    submit(page, page.get_by_test_id("logout"))
    expect(page).to_have_url(path_is("/masuk/"))


def change_password(page, new: str) -> None:
    """The forced change right after logging in: the new password twice, the slip's is not asked again."""
    expect(page.locator("input[name=old_password]")).to_have_count(0)
    page.fill("input[name=new_password1]", new)
    page.fill("input[name=new_password2]", new)
    submit(page, page.locator("main form[method=post] button[type=submit]"))


def assert_no_csp_violations(browsing) -> None:
    assert browsing.csp_violations == [], "CSP violations on the console:\n" + "\n".join(browsing.csp_violations)


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_role_logs_in_sees_its_menu_switches_language_and_logs_out(browsing, request, role):
    membership = request.getfixturevalue(role)
    mobile = role in MOBILE_ROLES
    page = browsing.new_page(mobile=mobile)

    log_in(page, membership.user.username, PASSWORD)

    home = f"/beranda/{role}/"
    expect(page).to_have_url(path_is(home))
    expect(page.get_by_test_id("home-title")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")

    if mobile:
        expect(page.locator(".navbar-toggler")).to_be_visible()
    hrefs = nav_hrefs(page)
    present, absent = NAVIGATION[role]
    for href in present:
        assert href in hrefs, f"{role} should see {href} in the menu, got {hrefs}"
    for href in absent:
        assert href not in hrefs, f"{role} should not see {href} in the menu, got {hrefs}"

    page.select_option("#language-select", "en")
    submit(page, page.get_by_test_id("language-submit"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(path_is(home))
    expect(page.get_by_test_id("home-title")).to_be_visible()

    log_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice outlives the session
    page.goto(home)
    expect(page).to_have_url(path_is("/masuk/"))
    assert_no_csp_violations(browsing)


def test_new_account_must_change_password_before_anything_else(browsing, guru):
    user = guru.user
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    page = browsing.new_page(mobile=True)

    log_in(page, user.username, PASSWORD)
    expect(page).to_have_url(path_is("/akun/sandi/"))
    expect(page.get_by_test_id("must-change")).to_be_visible()

    for url in [
        "/",
        "/beranda/guru/",
        f"/pegawai/{guru.staff_id}/",
        "/semester/",
        "/pegawai/",
        "/akun/pilih-madrasah/",
    ]:
        page.goto(url)
        expect(page).to_have_url(path_is("/akun/sandi/"))

    change_password(page, NEW_PASSWORD)
    expect(page).to_have_url(path_is("/beranda/guru/"))
    expect(page.get_by_test_id("home-title")).to_be_visible()
    user.refresh_from_db()
    assert user.must_change_password is False

    page.goto(f"/pegawai/{guru.staff_id}/")
    expect(page).to_have_url(path_is(f"/pegawai/{guru.staff_id}/"))
    log_out(page)
    log_in(page, user.username, NEW_PASSWORD)
    expect(page).to_have_url(path_is("/beranda/guru/"))
    assert_no_csp_violations(browsing)


def test_operator_creates_an_account_and_the_teacher_uses_the_slip(browsing, operator):
    from madrasah.models import Membership
    from tests.factories.madrasah import StaffFactory

    teacher = StaffFactory(madrasah=operator.madrasah, name="Siti Aminah")
    assert not Membership.objects.filter(staff=teacher).exists()
    page = browsing.new_page()

    log_in(page, operator.user.username, PASSWORD)
    expect(page).to_have_url(path_is("/beranda/operator/"))
    page.goto("/pegawai/")
    with page.expect_navigation():
        page.locator(f"#staff-rows a[href='/pegawai/{teacher.pk}/']").click()
    expect(page).to_have_url(path_is(f"/pegawai/{teacher.pk}/"))

    account_form = page.locator(f"form[action='/pegawai/{teacher.pk}/akun/']")
    account_form.locator("input[name=roles][value=guru]").check()
    submit(page, account_form.locator("button[type=submit]"))

    expect(page.get_by_test_id("slip")).to_have_count(1)
    expect(page.get_by_test_id("slip-username")).to_have_text(teacher.login_identifier)
    slip_password = page.get_by_test_id("slip-password").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{10}", slip_password), slip_password
    log_out(page)

    log_in(page, teacher.login_identifier, slip_password)
    expect(page).to_have_url(path_is("/akun/sandi/"))
    expect(page.get_by_test_id("must-change")).to_be_visible()
    page.goto("/beranda/guru/")
    expect(page).to_have_url(path_is("/akun/sandi/"))

    change_password(page, NEW_PASSWORD)
    expect(page).to_have_url(path_is("/beranda/guru/"))
    expect(page.get_by_test_id("home-title")).to_be_visible()
    membership = Membership.objects.get(staff=teacher)
    assert membership.role_set == {"guru"}
    assert membership.user.must_change_password is False
    assert_no_csp_violations(browsing)
