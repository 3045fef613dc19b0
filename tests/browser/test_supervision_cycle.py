"""A whole supervision cycle in Chromium on a phone-sized screen: the Waka submits a scored result,
the teacher sees the notification badge, opens the result and acknowledges it with a response, and
the Kepala finalises it in bulk from the semester recap. And a phone photo shrinks before upload.

Assertions use URLs and data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

import io
import random
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from kompetensi.models import Evidence, Observation, ObservationState
from kompetensi.supervision.services.transitions import observation_acknowledge, observation_submit
from tests.factories.supervision import approved_programme, programme_row
from tests.kompetensi.test_workflow import scored_observation

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, log_out, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def results(madrasah, kepala, waka, guru, guru_lain):
    """Two fully scored drafts of the Waka: the guru's (through the browser) and guru_lain's (already
    acknowledged), so that the Kepala finalises two at once."""
    programme = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)
    mine = scored_observation(row=programme.rows.get(), supervisor=waka)
    other = scored_observation(
        row=programme_row(programme=programme, teacher=guru_lain, supervisor=waka), supervisor=waka, points=(4, 4, 3)
    )
    observation_submit(observation=other, user=waka.user)
    observation_acknowledge(observation=other, user=guru_lain.user, response="Diterima.")
    return mine, other


def test_a_result_goes_from_the_waka_to_the_teacher_to_the_kepalas_bulk_finalise(browsing, results, waka, guru, kepala):
    mine, other = results
    detail = mine.get_absolute_url()

    # The Waka submits the fully scored result.
    page = browsing.new_page(mobile=True)
    log_in(page, waka.user.username, PASSWORD)
    page.goto(detail)
    expect(page.get_by_test_id("observation-state")).to_have_attribute("data-state", "draft")
    page.once("dialog", lambda dialog: dialog.accept())  # "Submit this result to the teacher?"
    submit(page, page.get_by_test_id("submit-form").locator("button[type=submit]"))
    expect(page).to_have_url(path_is(detail))
    expect(page.get_by_test_id("observation-state")).to_have_attribute("data-state", "diajukan")
    expect(page.get_by_test_id("whatsapp-share")).to_have_attribute("href", re.compile(r"^https://wa\.me/\?text="))
    log_out(page)

    # The teacher sees the badge, opens the notification and acknowledges with a response.
    log_in(page, guru.user.username, PASSWORD)
    expect(page.get_by_test_id("notification-badge")).to_have_text("1")
    with page.expect_navigation():
        page.get_by_test_id("notification-link").click()
    expect(page).to_have_url(path_is("/pemberitahuan/"))
    with page.expect_navigation():
        page.get_by_test_id("notification").first.locator("a").first.click()
    expect(page).to_have_url(path_is(detail))
    expect(page.get_by_test_id("notification-badge")).to_have_count(0)
    expect(page.get_by_test_id("observation-detail")).to_be_visible()
    form = page.get_by_test_id("acknowledge-form")
    form.locator("textarea[name=response]").fill("Terima kasih, modul ajar akan saya lengkapi.")
    submit(page, form.locator("button[type=submit]"))
    expect(page.get_by_test_id("observation-state")).to_have_attribute("data-state", "diterima")
    expect(page.get_by_test_id("teacher-response")).to_contain_text("modul ajar akan saya lengkapi")
    log_out(page)

    # The Kepala opens the recap and finalises both results at once.
    log_in(page, kepala.user.username, PASSWORD)
    page.goto("/kompetensi/observasi/rekap/")
    expect(page.get_by_test_id("recap-row")).to_have_count(2)
    for observation in (mine, other):
        page.locator(f"input[name=observation][value='{observation.pk}']").check()
    submit(page, page.get_by_test_id("finalise-selected"))
    expect(page.locator("[data-testid=recap-row][data-state=final]")).to_have_count(2)
    assert_no_csp_violations(browsing)

    assert set(Observation.objects.values_list("state", flat=True)) == {ObservationState.FINAL}
    mine.refresh_from_db()
    assert mine.finalised_by == kepala.user
    assert mine.teacher_response == "Terima kasih, modul ajar akan saya lengkapi."
    assert list(mine.events.values_list("action", flat=True))[-3:] == ["submitted", "acknowledged", "finalised"]


def test_a_phone_photo_is_shrunk_before_upload(browsing, results, waka, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    mine, _ = results
    # A 12-megapixel-like photo: shapes and grain, about 1–2 MB as a camera JPEG.
    rng = random.Random(7)
    photo = Image.new("RGB", (3000, 2000), "white")
    draw = ImageDraw.Draw(photo)
    for _ in range(400):
        x, y = rng.randrange(3000), rng.randrange(2000)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(20, 300), y + rng.randrange(20, 300)), fill=colour)
    grain = Image.effect_noise((3000, 2000), 40).convert("RGB")
    photo = Image.blend(photo, grain, 0.25)
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=92)
    original = buffer.getvalue()
    assert 900_000 < len(original) < 5 * 1024 * 1024
    path = tmp_path / "IMG_20260803_073000.jpg"
    path.write_bytes(original)

    page = browsing.new_page(mobile=True)
    log_in(page, waka.user.username, PASSWORD)
    page.goto(mine.get_absolute_url())
    form = page.get_by_test_id("evidence-form")
    file_input = form.locator("input[type=file][data-downscale]")
    file_input.set_input_files(str(path))
    expect(file_input).to_have_attribute("data-downscaled", re.compile(r"^\d+$"))
    submit(page, form.locator("button[type=submit]"))
    assert_no_csp_violations(browsing)

    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/jpeg"
    assert evidence.size <= 320 * 1024 < len(original)
    assert evidence.original_name == "IMG_20260803_073000.jpg"
    with Image.open(evidence.file.path) as stored:
        assert max(stored.size) <= 1600
