"""A PDCA quality cycle in a browser: the Kepala plans "average planning-instrument score ≥ 80" for the
last finished semester, adds activities funded by DIPA-BOS and by the business unit, logs progress,
measures, records the factors, decides "continue" and finds the next cycle with the measured value
as its baseline.

Assertions use URLs and data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kompetensi.models import Instrument
from kompetensi.supervision.selectors.results import metric_instrument_average
from madrasah.management.commands.seed_demo import DEMO_LOGINS
from madrasah.models import Madrasah, Semester
from mutu.models import Cycle, FundingSource

from .test_journeys import assert_no_csp_violations, log_in, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPALA = next(login for login in DEMO_LOGINS if login["role"] == "Kepala Madrasah")


@pytest.fixture
def demo():
    call_command("seed_demo", teachers=12, semesters=2, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    madrasah = Madrasah.objects.get(memberships__user__username=KEPALA["username"])
    previous, active = Semester.objects.filter(madrasah=madrasah).order_by("start_date")
    planning = Instrument.objects.get(madrasah=madrasah, code="perencanaan-km")
    return madrasah, previous, active, planning


def add_activity(page, *, what: str, start: dt.date, cost: str, source: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id("activity-add").click()
    page.fill("input[name=what]", what)
    page.fill("input[name=who]", "Waka Kurikulum")
    page.fill("input[name=start_date]", start.isoformat())
    page.fill("input[name=end_date]", (start + dt.timedelta(days=2)).isoformat())
    page.fill("input[name=planned_cost]", cost)
    page.select_option("select[name=funding_source]", source)
    submit(page, page.get_by_test_id("activity-save"))


def test_the_kepala_runs_a_cycle_from_plan_to_continue(browsing, demo):
    madrasah, previous, active, planning = demo
    expected = metric_instrument_average(madrasah=madrasah, semester_ids=[previous.pk], instrument_id=planning.pk)
    assert expected.value is not None  # the demo has finalised planning results last semester
    page = browsing.new_page()
    log_in(page, KEPALA["username"], KEPALA["password"])

    # Plan.
    page.goto("/mutu/siklus/")
    with page.expect_navigation():
        page.get_by_test_id("cycle-create").click()
    page.fill("input[name=title]", "Skor perencanaan minimal 80")
    page.fill("input[name=edm_indicator]", "Guru menyusun modul ajar yang lengkap")
    page.select_option("select[name=period]", f"s{previous.pk}")
    page.check("input[name=indicator][value=rata_instrumen]")
    page.select_option("select[name=instrument]", str(planning.pk))
    page.check("input[name=direction][value=min]")
    page.fill("input[name=target]", "80")
    submit(page, page.get_by_test_id("cycle-save"))
    expect(page).to_have_url(re.compile(r"/mutu/siklus/\d+/$"))
    expect(page.get_by_test_id("cycle-stage")).to_have_attribute("data-stage", "plan")
    expect(page.get_by_test_id("cycle-target")).to_have_attribute("data-value", "80.00")

    # Activities funded by DIPA-BOS and by the business unit.
    start = previous.start_date + dt.timedelta(days=10)
    add_activity(page, what="IHT modul ajar", start=start, cost="1.500.000", source=FundingSource.DIPA_BOS)
    add_activity(page, what="Wifi guru", start=start, cost="900000", source=FundingSource.BUSINESS)
    expect(page.get_by_test_id("activity-row")).to_have_count(2)
    sources = page.get_by_test_id("activity-funding").evaluate_all("els => els.map(e => e.dataset.source)")
    assert sorted(sources) == sorted([FundingSource.DIPA_BOS, FundingSource.BUSINESS])

    # Do: log progress.
    submit(page, page.get_by_test_id("cycle-advance"))
    expect(page.get_by_test_id("cycle-stage")).to_have_attribute("data-stage", "do")
    page.get_by_test_id("activity-progress-open").first.click()
    form = page.get_by_test_id("progress-form")
    expect(form).to_be_visible()
    form.locator("textarea[name=note]").fill("IHT terlaksana, 12 guru hadir.")
    submit(page, page.get_by_test_id("progress-save"))
    expect(page.get_by_test_id("progress-entry")).to_have_count(1)

    # Check: measure now.
    submit(page, page.get_by_test_id("cycle-advance"))
    expect(page.get_by_test_id("cycle-stage")).to_have_attribute("data-stage", "check")
    submit(page, page.get_by_test_id("cycle-measure"))
    latest = page.get_by_test_id("cycle-latest")
    expect(latest).to_be_visible()
    # The page shows the stored measurement (four decimals) to two places, half up: from the stored
    # value, not from the exact mean (74.49497 is stored 74.4950 and shown 74.50).
    stored = expected.value.quantize(Decimal("0.0001"))
    assert Decimal(latest.get_attribute("data-value")) == stored.quantize(Decimal("0.01"), ROUND_HALF_UP)
    expect(page.get_by_test_id("measurement-row")).to_have_count(1)

    # Act: factors and the decision to continue.
    submit(page, page.get_by_test_id("cycle-advance"))
    expect(page.get_by_test_id("cycle-stage")).to_have_attribute("data-stage", "act")
    with page.expect_navigation():
        page.get_by_test_id("cycle-act-open").click()
    page.check("input[name=decision][value=lanjutkan]")
    page.fill("textarea[name=decision_reason]", "Skor naik, target belum tercapai.")
    page.fill("textarea[name=supporting_factors]", "Dorongan Kepala dan motivasi guru.")
    page.check("input[name=supporting_tags][value=kepemimpinan]")
    page.fill("textarea[name=inhibiting_factors]", "Sebagian guru tanpa paket data.")
    page.check("input[name=inhibiting_tags][value=internet]")
    submit(page, page.get_by_test_id("act-close"))

    # The next cycle, for the active semester, carries the measured value as its baseline.
    cycle = Cycle.objects.get(madrasah=madrasah, title="Skor perencanaan minimal 80", semester=previous)
    following = Cycle.objects.get(previous=cycle)
    assert cycle.stage == "closed" and cycle.decision == "lanjutkan"
    assert following.semester_id == active.pk and following.stage == "plan"
    page.goto(f"/mutu/siklus/{following.pk}/")
    expect(page.get_by_test_id("cycle-stage")).to_have_attribute("data-stage", "plan")
    baseline = page.get_by_test_id("cycle-baseline")
    assert Decimal(baseline.get_attribute("data-value")) == stored.quantize(Decimal("0.01"), ROUND_HALF_UP)
    expect(page.get_by_test_id("chain-item")).to_have_count(2)
    assert_no_csp_violations(browsing)
