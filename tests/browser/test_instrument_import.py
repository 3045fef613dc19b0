"""The Waka imports an instrument workbook in Chromium: a workbook with a bad weight is listed with its
sheet, row and column and nothing is saved; the corrected workbook is previewed as the supervisor will
see it and saved on confirmation."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from kompetensi.instruments.workbook import XLSX_CONTENT_TYPE, template_workbook
from kompetensi.models import InstrumentVersion

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def with_weight(weight) -> bytes:
    workbook = load_workbook(BytesIO(template_workbook()))
    workbook["Bagian"]["C2"] = weight
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def choose_file(page, name: str, content: bytes) -> None:
    page.locator("input[name=file]").set_input_files({"name": name, "mimeType": XLSX_CONTENT_TYPE, "buffer": content})


def test_waka_fixes_a_refused_workbook_previews_it_and_saves_it(browsing, waka):
    page = browsing.new_page()
    log_in(page, waka.user.username, PASSWORD)
    page.goto("/kompetensi/instrumen/")
    with page.expect_navigation():
        page.get_by_test_id("import-link").click()
    expect(page).to_have_url(path_is("/kompetensi/instrumen/impor/"))

    choose_file(page, "instrumen.xlsx", with_weight(0))
    submit(page, page.get_by_test_id("import-form").locator("button[type=submit]"))
    errors = page.get_by_test_id("import-error")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("Bagian")
    expect(errors.first).to_contain_text("Bobot")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)

    page.goto("/kompetensi/instrumen/impor/")
    choose_file(page, "instrumen-diperbaiki.xlsx", with_weight(2))
    submit(page, page.get_by_test_id("import-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("preview-section")).to_have_count(1)
    expect(page.get_by_test_id("preview-section")).to_contain_text("Guru menyampaikan tujuan pembelajaran.")
    assert not InstrumentVersion.objects.filter(instrument__code="contoh-instrumen").exists()

    submit(page, page.get_by_test_id("import-confirm"))
    version = InstrumentVersion.objects.get(instrument__code="contoh-instrumen")
    expect(page).to_have_url(path_is(version.get_absolute_url()))
    expect(page.locator("main")).to_contain_text("Guru menyampaikan tujuan pembelajaran.")
    assert_no_csp_violations(browsing)
