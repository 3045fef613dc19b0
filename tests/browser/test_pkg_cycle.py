"""A whole PKG cycle in Chromium on a phone-sized screen: the Kepala assigns the Waka as the guru's
assessor on the period page; the Waka scores the last indicators in the page (the others are
pre-filled through the service to keep it fast), adds an evidence note and submits; the guru signs
as received; the Kepala approves; the guru sees Nilai PKG and predikat, also on the home page.

Assertions use URLs and data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kompetensi.appraisal.services.scores import appraisal_scores_save
from kompetensi.models import Appraisal, AppraisalEvidence, AppraisalStage, Item
from tests.factories.appraisal import period_with_defaults

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, log_out, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_IN_PAGE = 3  # indicators scored through the page; the rest through the service


@pytest.fixture
def period(madrasah, kepala):
    return period_with_defaults(madrasah=madrasah, kepala=kepala)


def test_a_pkg_goes_from_assignment_to_the_teachers_standing(browsing, period, kepala, waka, guru):
    page = browsing.new_page(mobile=True)

    # The Kepala assigns the Waka as the guru's assessor.
    log_in(page, kepala.user.username, PASSWORD)
    page.goto(reverse("kompetensi:appraisal-period-detail", args=[period.pk]))
    row = page.locator(f"tr[data-teacher='{guru.staff_id}']")
    row.locator("select[name=assessor]").select_option(str(waka.user_id))
    submit(page, row.locator("button[type=submit]"))
    appraisal = Appraisal.objects.get(period=period, teacher=guru.staff)
    assert appraisal.assessor_id == waka.user_id
    log_out(page)

    # Most indicators are already scored 2; the Waka scores the last three 1 in the page.
    items = list(Item.objects.filter(section__version=appraisal.instrument_version).order_by("section__order", "order"))
    appraisal_scores_save(
        appraisal=appraisal, user=waka.user, scores={i.pk: {"points": 2} for i in items[:-LAST_IN_PAGE]}
    )
    detail = appraisal.get_absolute_url()
    log_in(page, waka.user.username, PASSWORD)
    page.goto(detail)
    form = page.get_by_test_id("score-form")
    for item in items[-LAST_IN_PAGE:]:
        form.locator(f"label[for='item-{item.pk}-1']").click()
    submit(page, form.locator("button[type=submit]").last)
    expect(page).to_have_url(path_is(detail))
    evidence = page.get_by_test_id("evidence-form")
    evidence.locator("select[name=section]").select_option(str(items[-1].section_id))
    evidence.locator("textarea[name=note]").fill("Guru menulis refleksi setiap akhir bab.")
    submit(page, evidence.locator("button[type=submit]"))
    assert AppraisalEvidence.objects.filter(appraisal=appraisal).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())  # "Submit this appraisal to the teacher?"
    submit(page, page.get_by_test_id("appraisal-submit-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("appraisal-stage-badge")).to_have_attribute("data-stage", AppraisalStage.SUBMITTED)
    log_out(page)

    # The guru signs as received.
    log_in(page, guru.user.username, PASSWORD)
    page.goto(detail)
    sign = page.get_by_test_id("appraisal-sign-form")
    sign.locator("textarea[name=response]").fill("Terima kasih.")
    submit(page, sign.locator("button[type=submit]"))
    expect(page.get_by_test_id("appraisal-stage-badge")).to_have_attribute("data-stage", AppraisalStage.SIGNED)
    log_out(page)

    # The Kepala approves.
    log_in(page, kepala.user.username, PASSWORD)
    page.goto(detail)
    submit(page, page.get_by_test_id("appraisal-approve-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("appraisal-stage-badge")).to_have_attribute("data-stage", AppraisalStage.APPROVED)
    expect(page.get_by_test_id("appraisal-history").locator("[data-action=approved]")).to_have_count(1)
    log_out(page)

    # The guru sees the result (competency 14 at 75% → 3: 55 / 56 → 98,21 Amat Baik) and the standing.
    log_in(page, guru.user.username, PASSWORD)
    page.goto(detail)
    expect(page.get_by_test_id("pkg-nilai")).to_have_text("98,21")
    expect(page.get_by_test_id("pkg-predikat")).to_have_text("Amat Baik")
    page.goto(reverse("madrasah:home-guru"))
    expect(page.get_by_test_id("standing-card")).to_contain_text("98,21")
    expect(page.get_by_test_id("standing-card")).to_contain_text("Amat Baik")
    page.goto(reverse("kompetensi:appraisal-print-summary", args=[appraisal.pk]))
    expect(page.get_by_test_id("summary-nilai")).to_have_text("98,21")
    expect(page.get_by_test_id("signature-kepala")).to_contain_text(kepala.staff.nip_display)
    assert_no_csp_violations(browsing)
