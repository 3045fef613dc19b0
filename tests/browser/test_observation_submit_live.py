"""The observation sheet in Chromium on a phone: "Submit to the teacher" enables itself the moment
the last applicable item is scored and saved, its "n items not scored yet" counter follows every
save without a reload, and while offline the running score says it is the server's last one, to be
recalculated once online (the page never computes a score itself)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kompetensi.models import Observation
from kompetensi.supervision.services.observations import observation_start
from tests.factories.kompetensi import instrument_version
from tests.factories.supervision import approved_programme

from .test_observation_offline import assert_no_csp_violations, choose, items_of, log_in, stored, wait_for_db

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def observation(madrasah, kepala, waka, guru) -> Observation:
    """The Waka's draft of the guru with a four-item instrument that allows "not applicable"."""
    row = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru).rows.get()
    version = instrument_version(
        madrasah=madrasah, academic_year=row.programme.semester.academic_year, code="pelaksanaan-live", items=4
    )
    type(version).objects.filter(pk=version.pk).update(allow_not_applicable=True)
    row.instruments.set([version])
    return observation_start(row=row, version=version, user=waka.user)


def test_submit_enables_itself_when_the_last_item_is_saved(browsing, waka, observation):
    items = items_of(observation)
    page = browsing.new_page(mobile=True)
    log_in(page, waka.user.username)
    page.goto(f"/kompetensi/observasi/{observation.pk}/isi/")
    submit = page.get_by_test_id("submit-form").locator("button[type=submit]")
    note = page.get_by_test_id("unscored-note")
    status = page.get_by_test_id("save-status")
    expect(submit).to_be_disabled()
    expect(note).to_have_text("4 butir belum dinilai.")

    choose(page, items[0], "4")
    expect(note).to_have_text("3 butir belum dinilai.")
    choose(page, items[1], "na")  # not applicable: one item fewer to score
    expect(note).to_have_text("2 butir belum dinilai.")
    choose(page, items[2], "3")
    expect(note).to_have_text("1 butir belum dinilai.")
    expect(submit).to_be_disabled()

    choose(page, items[3], "2")
    expect(status).to_have_attribute("data-state", "saved")
    expect(submit).to_be_enabled()
    expect(note).to_be_hidden()
    assert wait_for_db(lambda: len(stored(observation)) == 4)
    expect(page.get_by_test_id("score")).to_have_text("75,00")  # 9 of 12 points, from the server

    page.once("dialog", lambda dialog: dialog.accept())  # "Submit this result to the teacher?"
    with page.expect_navigation():
        submit.click()
    observation.refresh_from_db()
    assert observation.state == "diajukan"
    assert_no_csp_violations(browsing)


def test_offline_the_running_score_says_it_waits_for_the_connection(browsing, waka, observation):
    items = items_of(observation)
    page = browsing.new_page(mobile=True)
    log_in(page, waka.user.username)
    page.goto(f"/kompetensi/observasi/{observation.pk}/isi/")
    score, stale = page.get_by_test_id("score"), page.get_by_test_id("score-stale")
    status = page.get_by_test_id("save-status")

    choose(page, items[0], "4")
    expect(status).to_have_attribute("data-state", "saved")
    expect(score).to_have_text("100,00")
    expect(stale).to_be_hidden()

    page.context.set_offline(True)
    choose(page, items[1], "1")
    expect(status).to_have_attribute("data-state", "offline")
    expect(stale).to_be_visible()
    expect(stale).to_have_text("Nilai dihitung ulang saat tersambung kembali.")
    expect(score).to_have_text("100,00")  # still the server's last score, not a guess

    page.context.set_offline(False)
    expect(status).to_have_attribute("data-state", "saved")
    expect(score).to_have_text("62,50")  # 5 of 8 points, recalculated by the server
    expect(stale).to_be_hidden()
    assert_no_csp_violations(browsing)
