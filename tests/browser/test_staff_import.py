"""The operator imports teachers from Excel in Chromium: a file with two bad rows is refused with
both errors listed, the corrected file is imported, the new teachers' first-login slips print, and one
teacher opens the start link of their slip on a phone and lands home."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.madrasah.test_staff_excel import XLSX_MIME, nip_for, person, template_file

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_file(page, name: str, content: bytes) -> None:
    page.locator("input[name=file]").set_input_files({"name": name, "mimeType": XLSX_MIME, "buffer": content})


def test_operator_fixes_a_refused_file_imports_it_and_prints_the_slips(browsing, operator):
    good = [person(i=i, Nama=f"Guru Impor {i}") for i in range(1, 5)]
    bad = list(good)
    bad[1] = person(i=2, Nama="Guru Impor 2", NIP="1985021420100120")  # 16 digits
    bad[3] = person(i=4, Nama="Guru Impor 4", NIP="198513142010012003")  # no 13th month
    page = browsing.new_page()

    log_in(page, operator.user.username, PASSWORD)
    page.goto("/pegawai/")
    with page.expect_navigation():
        page.get_by_test_id("staff-import-link").click()
    expect(page).to_have_url(path_is("/pegawai/impor/"))

    choose_file(page, "guru.xlsx", template_file(*bad))
    submit(page, page.get_by_test_id("import-form").locator("button[type=submit]"))
    errors = page.get_by_test_id("import-error")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("3")
    expect(errors.nth(0)).to_contain_text("NIP")
    expect(errors.nth(1)).to_contain_text("5")
    expect(errors.nth(1)).to_contain_text("19851314")

    choose_file(page, "guru-diperbaiki.xlsx", template_file(*good))
    submit(page, page.get_by_test_id("import-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("import-created")).to_have_text("4")
    expect(page.get_by_test_id("import-accounts")).to_have_text("4")

    # The result page sends the new accounts straight to the confirmation (passwords are replaced).
    expect(page.get_by_test_id("slips-link")).to_contain_text("4")
    submit(page, page.get_by_test_id("slips-link"))
    expect(page.get_by_test_id("slip-confirm")).to_contain_text("4")
    submit(page, page.locator("main form[method=post] button[type=submit]"))

    usernames = sorted(nip_for(i)[0] for i in range(1, 5))
    expect(page.get_by_test_id("slip")).to_have_count(4)
    expect(page.get_by_test_id("slip-password")).to_have_count(4)
    assert sorted(page.get_by_test_id("slip-username").all_inner_texts()) == usernames
    for password in page.get_by_test_id("slip-password").all_inner_texts():
        assert len(password.strip()) == 10
    expect(page.get_by_test_id("slip-start").locator("svg")).to_have_count(4)

    # A new teacher scans the first slip's code on a phone: one password, twice, and they are home.
    first = page.get_by_test_id("slip").first
    name = first.get_by_test_id("slip-username").inner_text().strip()
    phone = browsing.new_page(mobile=True)
    phone.goto(first.get_by_test_id("slip-link").inner_text().strip())
    expect(phone).to_have_url(re.compile(r"/akun/mulai/[^/]+/sandi/$"))
    expect(phone.get_by_test_id("slip-start-username")).to_have_text(name)
    phone.fill("input[name=new_password1]", "Jeruk-Manis-2026")
    phone.fill("input[name=new_password2]", "Jeruk-Manis-2026")
    submit(phone, phone.get_by_test_id("slip-start-save"))
    expect(phone).to_have_url(path_is("/beranda/guru/"))
    assert_no_csp_violations(browsing)
