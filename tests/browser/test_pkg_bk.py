"""A guru BK completes a PKG to Disahkan in Chromium and appears in the recap: the Kepala assigns the
Waka as the BK teacher's assessor (the BK instrument of the year is taken, not the subject teachers'),
the Waka scores the last indicators in the page and submits, the guru BK signs, the Kepala approves;
on the Kepala's dashboard the BK teacher counts in the PKG figures, and the page says that the BK
domain table is not shown for fewer than 3 teachers.

Assertions use URLs and data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kompetensi.appraisal.services.scores import appraisal_scores_save
from kompetensi.appraisal.services.setup import appraisal_period_create
from kompetensi.instruments.seed import instruments_ensure_defaults
from kompetensi.models import Appraisal, AppraisalStage, CompetencyResult, Item
from madrasah.models import TeacherType
from tests.factories import appraisal as appraisal_factory
from tests.factories.madrasah import StaffFactory, member

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, log_out, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_IN_PAGE = 2


@pytest.fixture
def period(madrasah, kepala):
    year = madrasah.semesters.get().academic_year
    instruments_ensure_defaults(madrasah=madrasah, academic_year=year)
    period = appraisal_period_create(
        madrasah_id=madrasah.pk,
        academic_year=year,
        start_date=year.start_date,
        end_date=year.end_date,
        user=kepala.user,
    )
    for score in (4, 3, 3):  # three subject teachers already approved: the figures are shown
        made = appraisal_factory.appraisal(
            period, StaffFactory(madrasah=madrasah), kepala.user, stage=AppraisalStage.APPROVED, nilai=score * 25
        )
        CompetencyResult.objects.bulk_create(
            CompetencyResult(appraisal=made, competency=c, percentage=Decimal(score * 25), score=score)
            for c in made.instrument_version.framework.competencies.all()
        )
    return period


@pytest.fixture
def bk(madrasah):
    return member(
        madrasah=madrasah, roles=["guru"], staff=StaffFactory(madrasah=madrasah, teacher_type=TeacherType.COUNSELLOR)
    )


def test_a_bk_teacher_completes_a_pkg_to_disahkan_and_appears_in_the_recap(browsing, period, kepala, waka, bk):
    page = browsing.new_page(mobile=True)

    log_in(page, kepala.user.username, PASSWORD)
    page.goto(reverse("kompetensi:appraisal-period-detail", args=[period.pk]))
    row = page.locator(f"tr[data-teacher='{bk.staff_id}']")
    row.locator("select[name=assessor]").select_option(str(waka.user_id))
    submit(page, row.locator("button[type=submit]"))
    appraisal = Appraisal.objects.get(period=period, teacher=bk.staff)
    assert appraisal.instrument_version.framework.code == "pkg-bk"
    log_out(page)

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
    page.once("dialog", lambda dialog: dialog.accept())
    submit(page, page.get_by_test_id("appraisal-submit-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("appraisal-stage-badge")).to_have_attribute("data-stage", AppraisalStage.SUBMITTED)
    log_out(page)

    log_in(page, bk.user.username, PASSWORD)
    page.goto(detail)
    submit(page, page.get_by_test_id("appraisal-sign-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("appraisal-stage-badge")).to_have_attribute("data-stage", AppraisalStage.SIGNED)
    log_out(page)

    log_in(page, kepala.user.username, PASSWORD)
    page.goto(detail)
    submit(page, page.get_by_test_id("appraisal-approve-form").locator("button[type=submit]"))
    expect(page.get_by_test_id("appraisal-stage-badge")).to_have_attribute("data-stage", AppraisalStage.APPROVED)
    # Competency 17 at 50 % → 2: 66 / 68 → 97,06.
    expect(page.get_by_test_id("pkg-nilai")).to_have_text("97,06")

    # The recap counts four teachers (the BK teacher among them) and names the hidden BK domains.
    page.goto(reverse("laporan:dashboard"))
    pkg = page.get_by_test_id("recap-pkg")
    expect(pkg.locator("td[data-value='4']")).to_have_count(1)
    expect(page.get_by_test_id("hidden-breakdowns")).to_contain_text(appraisal.instrument_version.framework.name)
    assert_no_csp_violations(browsing)
