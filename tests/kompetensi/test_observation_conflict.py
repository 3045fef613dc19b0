"""Two devices of one supervisor (issue 16, finding 10): a save based on an older revision than the
stored one is a conflict whoever made the newer one; the refused entries are kept, and their author
chooses item by item which to keep."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from kompetensi.models import Item, ObservationConflictCopy
from kompetensi.supervision.services.observations import observation_start
from tests.factories.supervision import approved_programme


@pytest.fixture
def observation(madrasah, kepala, waka, guru):
    """The Waka supervises the guru with the 3-item test instrument (scale 1–4, 2 = "Kurang")."""
    row = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru).rows.get()
    return observation_start(row=row, version=row.instruments.get(), user=waka.user)


@pytest.fixture
def items(observation) -> list[Item]:
    return list(
        Item.objects.filter(section__version=observation.instrument_version).order_by("section__order", "order")
    )


@pytest.fixture
def laptop(waka) -> Client:
    client = Client()
    client.force_login(waka.user)
    return client


@pytest.fixture
def phone(waka) -> Client:
    client = Client()
    client.force_login(waka.user)
    return client


def autosave(client, observation, payload):
    return client.post(
        reverse("kompetensi:observation-autosave", args=[observation.pk]),
        data=json.dumps(payload),
        content_type="application/json",
    )


def stored(observation) -> dict[int, int | None]:
    return {s.item_id: s.points for s in observation.scores.all()}


def choice_url(observation) -> str:
    return reverse("kompetensi:observation-conflict", args=[observation.pk])


@pytest.fixture
def refused(observation, items, laptop, phone):
    """The laptop saves at revision 0 → 1; the phone, still on revision 0, saves other entries."""
    first, second, _third = items
    saved = autosave(
        laptop,
        observation,
        {
            "base_revision": 0,
            "scores": {str(first.pk): {"points": 2}, str(second.pk): {"points": 3}},
            "fields": {"strengths": "Dari laptop"},
        },
    )
    assert saved.status_code == 200 and saved.json()["revision"] == 1
    return autosave(
        phone,
        observation,
        {
            "base_revision": 0,
            "scores": {str(first.pk): {"points": 4}, str(second.pk): {"points": 1, "note": "Dari HP"}},
            "fields": {"strengths": "Dari HP"},
        },
    )


def test_the_second_device_with_an_old_copy_gets_a_conflict_and_overwrites_nothing(observation, items, refused):
    first, second, _third = items
    assert refused.status_code == 409
    data = refused.json()
    assert data["conflict"] is True and data["revision"] == 1
    assert data["choose_url"] == choice_url(observation)
    assert "perangkat lain" in data["error"]  # Indonesian, and it names the other device
    assert {"item": first.pk, "label": "Butir 1", "theirs": "2", "display": "2 — Kurang"} in data["changes"]
    observation.refresh_from_db()
    assert observation.revision == 1 and observation.strengths == "Dari laptop"
    assert stored(observation) == {first.pk: 2, second.pk: 3}


def test_the_refused_entries_are_kept_for_their_author(observation, items, refused, waka):
    first, second, _third = items
    copy = ObservationConflictCopy.objects.get(observation=observation)
    assert copy.author == waka.user and copy.base_revision == 0 and copy.resolved_at is None
    assert copy.scores[str(first.pk)]["points"] == 4
    assert copy.scores[str(second.pk)] == {"points": 1, "na": False, "note": "Dari HP"}
    assert copy.fields == {"strengths": "Dari HP"}


def test_the_choice_page_shows_both_versions_item_by_item(observation, items, refused, phone):
    response = phone.get(choice_url(observation))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pilih isian yang disimpan" in page
    rows = {key: chunk for key, chunk in _rows(page)}
    assert set(rows) == {f"item-{items[0].pk}", f"item-{items[1].pk}", "strengths"}
    assert "4 — Sangat baik" in rows[f"item-{items[0].pk}"] and "2 — Kurang" in rows[f"item-{items[0].pk}"]
    assert "Dari HP" in rows["strengths"] and "Dari laptop" in rows["strengths"]
    assert "Pakai isian saya" in page and "Pakai yang tersimpan" in page


def _rows(page: str):
    for chunk in page.split('data-testid="conflict-row"')[1:]:
        key = chunk.split('data-key="', 1)[1].split('"', 1)[0]
        yield key, chunk.split("</fieldset>", 1)[0]


def test_the_author_keeps_mine_for_one_item_and_the_stored_entry_for_the_others(observation, items, refused, phone):
    first, second, _third = items
    response = phone.post(
        choice_url(observation),
        {
            "revision": "1",
            f"keep-item-{first.pk}": "mine",
            f"keep-item-{second.pk}": "stored",
            "keep-strengths": "stored",
        },
    )
    assert response.status_code == 302 and response.url == reverse("kompetensi:observation-edit", args=[observation.pk])
    observation.refresh_from_db()
    assert stored(observation) == {first.pk: 4, second.pk: 3}
    assert observation.strengths == "Dari laptop" and observation.revision == 2
    assert ObservationConflictCopy.objects.get(observation=observation).resolved_at is not None
    assert observation.events.filter(action="saved").count() == 2


def test_keep_all_stored_sets_the_copy_aside_and_changes_nothing(observation, items, refused, phone):
    response = phone.post(choice_url(observation), {"revision": "1", "all": "stored"})
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.revision == 1 and stored(observation) == {items[0].pk: 2, items[1].pk: 3}
    assert ObservationConflictCopy.objects.get().resolved_at is not None
    assert phone.get(choice_url(observation)).status_code == 302  # nothing left to choose


def test_keep_all_mine_takes_every_refused_entry(observation, items, refused, phone):
    phone.post(choice_url(observation), {"revision": "1", "all": "mine"})
    observation.refresh_from_db()
    assert stored(observation) == {items[0].pk: 4, items[1].pk: 1} and observation.strengths == "Dari HP"


def test_a_sheet_saved_again_while_choosing_is_a_conflict_again(observation, items, refused, laptop, phone):
    again = autosave(laptop, observation, {"base_revision": 1, "scores": {str(items[2].pk): {"points": 3}}})
    assert again.status_code == 200
    response = phone.post(choice_url(observation), {"revision": "1", "all": "mine"})
    assert response.status_code == 409
    assert "disimpan lagi" in response.content.decode()
    observation.refresh_from_db()
    assert observation.revision == 2 and stored(observation) == {items[0].pk: 2, items[1].pk: 3, items[2].pk: 3}
    assert ObservationConflictCopy.objects.get().resolved_at is None  # still there to choose from


def test_the_entry_page_points_to_the_kept_entries(observation, refused, phone):
    page = phone.get(reverse("kompetensi:observation-edit", args=[observation.pk])).content.decode()
    assert 'data-testid="open-copy"' in page and choice_url(observation) in page


def test_overwriting_after_reading_the_conflict_closes_the_copy(observation, items, refused, phone):
    """ "Timpa dengan isian saya" resends the entries on the revision now seen: saved, nothing left to choose."""
    overwrite = autosave(
        phone,
        observation,
        {
            "base_revision": 1,
            "scores": {str(items[0].pk): {"points": 4}, str(items[1].pk): {"points": 1, "note": "Dari HP"}},
            "fields": {"strengths": "Dari HP"},
        },
    )
    assert overwrite.status_code == 200 and overwrite.json()["revision"] == 2
    assert ObservationConflictCopy.objects.get().resolved_at is not None
    page = phone.get(reverse("kompetensi:observation-edit", args=[observation.pk])).content.decode()
    assert 'data-testid="open-copy"' not in page


def test_the_plain_form_from_an_old_copy_is_a_conflict_too(observation, items, laptop, phone):
    edit = reverse("kompetensi:observation-edit", args=[observation.pk])
    assert laptop.post(edit, {"base_revision": "0", f"item-{items[0].pk}": "2"}).status_code == 302
    response = phone.post(edit, {"base_revision": "0", f"item-{items[0].pk}": "4"})
    page = response.content.decode()
    assert 'data-testid="conflict-choose-link"' in page and choice_url(observation) in page
    assert stored(observation) == {items[0].pk: 2}
    assert ObservationConflictCopy.objects.get().scores[str(items[0].pk)]["points"] == 4


def test_a_token_newer_than_the_stored_one_is_refused_and_kept_nowhere(observation, items, phone):
    response = autosave(phone, observation, {"base_revision": 5, "scores": {str(items[0].pk): {"points": 4}}})
    assert response.status_code == 400
    assert not observation.scores.exists() and not ObservationConflictCopy.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("kepala", 403), ("guru", 404), ("pengawas", 403), ("outsider", 404)])
def test_only_the_author_opens_the_choice(request, login, observation, refused, persona, status):
    client = login(request.getfixturevalue(persona))
    assert client.get(choice_url(observation)).status_code == status
    assert client.post(choice_url(observation), {"revision": "1", "all": "mine"}).status_code == status
    assert ObservationConflictCopy.objects.get().resolved_at is None
