"""PKG scoring from two devices (issue 16, finding 10): the scoring form carries the revision it was
opened on; a save from an older copy writes nothing, keeps the typed scores in the form and shows the
stored ones, and saving again from there is the assessor's choice."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kompetensi.models import AppraisalScore
from tests.factories import appraisal as factories


@pytest.fixture
def appraisal(madrasah, kepala, guru):
    period = factories.appraisal_period(madrasah, madrasah.academic_years.get(), kepala)
    return factories.appraisal(period, guru.staff, kepala.user)


@pytest.fixture
def first(appraisal):
    return factories.items_by_section(appraisal)[0][0]


def device(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def score_url(appraisal) -> str:
    return reverse("kompetensi:appraisal-score", args=[appraisal.pk])


def stored(appraisal) -> dict[int, tuple]:
    return {s.item_id: (s.points, s.note) for s in AppraisalScore.objects.filter(appraisal=appraisal)}


def hidden_version(page: str) -> str:
    return re.search(r'name="version" id="pkg-version" value="(\d+)"', page).group(1)


def test_the_scoring_page_carries_the_version_it_was_opened_on(appraisal, kepala):
    page = device(kepala).get(reverse("kompetensi:appraisal-detail", args=[appraisal.pk])).content.decode()
    assert hidden_version(page) == "0"


def test_a_second_device_with_an_old_form_overwrites_nothing_and_sees_the_stored_scores(appraisal, first, kepala):
    laptop, phone = device(kepala), device(kepala)
    assert laptop.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "2"}).status_code == 302

    response = phone.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "0", f"note-{first.pk}": "HP"})
    assert response.status_code == 409
    assert stored(appraisal) == {first.pk: (2, "")}
    page = response.content.decode()
    assert "perangkat lain" in page  # the Indonesian conflict message
    assert 'data-testid="version-conflict"' in page
    row = page.split('data-testid="version-conflict-row"', 1)[1].split("</div>", 1)[0]
    assert "Tersimpan" in row and re.search(r'data-testid="stored">2\b', row) and "0" in row and "HP" in row
    # The typed score is still in the form, which now carries the stored version and no autosave.
    assert re.search(rf'id="item-{first.pk}-0" name="item-{first.pk}" value="0" checked', page)
    assert "HP</textarea>" in page
    assert hidden_version(page) == "1"
    form = page.split('data-testid="score-form"', 1)[0].rsplit("<form", 1)[1]
    assert "hx-post" not in form


def test_saving_again_from_the_conflict_page_keeps_the_typed_scores(appraisal, first, kepala):
    laptop, phone = device(kepala), device(kepala)
    laptop.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "2"})
    refused = phone.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "0"})
    again = phone.post(
        score_url(appraisal), {"version": hidden_version(refused.content.decode()), f"item-{first.pk}": "0"}
    )
    assert again.status_code == 302
    assert stored(appraisal) == {first.pk: (0, "")}
    appraisal.refresh_from_db()
    assert appraisal.revision == 2


def test_the_autosave_of_an_old_form_is_refused_and_replaces_the_whole_sheet(appraisal, first, kepala):
    laptop, phone = device(kepala), device(kepala)
    laptop.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "2"})
    response = phone.post(
        score_url(appraisal), {"version": "0", f"item-{first.pk}": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200  # htmx swaps only 2xx: the headers point it at the whole sheet
    assert response["HX-Retarget"] == "#pkg-sheet" and response["HX-Reselect"] == "#pkg-sheet"
    assert 'data-testid="version-conflict"' in response.content.decode()
    assert stored(appraisal) == {first.pk: (2, "")}


def test_each_autosave_hands_back_the_new_version(appraisal, first, kepala):
    phone = device(kepala)
    response = phone.post(
        score_url(appraisal), {"version": "0", f"item-{first.pk}": "2"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert re.search(r'id="pkg-version" value="1" hx-swap-oob="true"', body)
    following = phone.post(
        score_url(appraisal), {"version": "1", f"item-{first.pk}": "1"}, headers={"HX-Request": "true"}
    )
    assert 'id="pkg-version" value="2"' in following.content.decode()
    assert stored(appraisal) == {first.pk: (1, "")}


@pytest.mark.parametrize("version", [None, "", "x", "-1", "99999999999999999999"])
def test_a_form_without_a_valid_version_is_refused_in_indonesian(appraisal, first, kepala, version):
    data = {f"item-{first.pk}": "2"} | ({} if version is None else {"version": version})
    response = device(kepala).post(score_url(appraisal), data)
    assert response.status_code == 400
    assert "Buka formulir ini lagi" in response.content.decode()
    assert stored(appraisal) == {}


def test_an_old_form_that_changes_nothing_is_no_conflict_and_keeps_its_old_token(appraisal, first, kepala):
    """ "Simpan" right after the autosaves, before their answer reached the form: nothing to overwrite."""
    laptop, phone = device(kepala), device(kepala)
    laptop.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "2"})
    same = phone.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "2"}, headers={"HX-Request": "true"})
    assert same.status_code == 200 and 'id="pkg-version" value="0"' in same.content.decode()
    assert phone.post(score_url(appraisal), {"version": "0", f"item-{first.pk}": "2"}).status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.revision == 1 and stored(appraisal) == {first.pk: (2, "")}
