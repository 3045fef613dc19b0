"""Observation entry through HTTP: starting, the entry sheet (plain form and JSON autosave),
conflicts, refused payloads, the read-only sheet, the blank sheet for paper and the row buttons."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kompetensi.models import Item, Observation, ObservationScore, ObservationState, Programme
from kompetensi.supervision.services.observations import observation_save, observation_start
from madrasah.models import Role
from tests.factories.kompetensi import instrument_version
from tests.factories.supervision import approved_programme


@pytest.fixture
def row(madrasah, kepala, waka, guru):
    """The Waka supervises the guru with the 3-item test instrument (scale 1–4, bands 91/81/71/0)."""
    return approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru).rows.get()


@pytest.fixture
def version(row):
    return row.instruments.get()


@pytest.fixture
def observation(row, version, waka):
    return observation_start(row=row, version=version, user=waka.user)


def items_of(version) -> list[Item]:
    return list(Item.objects.filter(section__version=version).order_by("section__order", "order", "pk"))


def autosave(client, observation, payload, **extra):
    return client.post(
        reverse("kompetensi:observation-autosave", args=[observation.pk]),
        data=payload if isinstance(payload, str | bytes) else json.dumps(payload),
        content_type="application/json",
        **extra,
    )


def indonesian(msgid: str, **params) -> str:
    """The Indonesian text of `msgid`, checked to be translated (the interface is Indonesian)."""
    with translation.override("id"):
        text = gettext(msgid)
    assert text != msgid, f"no Indonesian translation for {msgid!r}"
    return text % params if params else text


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- start ------------------------------------------------------------------------------------------


def test_the_supervisor_starts_and_lands_on_the_entry_page(login, waka, row, version):
    response = login(waka).post(reverse("kompetensi:observation-start", args=[row.pk, version.pk]))
    observation = Observation.objects.get(row=row, instrument_version=version)
    assert response.status_code == 302
    assert response.url == reverse("kompetensi:observation-edit", args=[observation.pk])
    assert observation.supervisor == waka.user and observation.teacher == row.teacher


def test_starting_twice_continues_the_same_observation(login, waka, row, version, observation):
    response = login(waka).post(reverse("kompetensi:observation-start", args=[row.pk, version.pk]))
    assert response.url == reverse("kompetensi:observation-edit", args=[observation.pk])
    assert Observation.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("kepala", 403), ("guru", 403), ("guru_lain", 403), ("outsider", 404)])
def test_only_the_rows_supervisor_may_start(request, login, row, version, persona, status):
    response = login(request.getfixturevalue(persona)).post(
        reverse("kompetensi:observation-start", args=[row.pk, version.pk])
    )
    assert response.status_code == status
    assert not Observation.objects.exists()


def test_an_instrument_not_planned_for_the_row_is_404(login, waka, row, madrasah):
    other = instrument_version(madrasah=madrasah, academic_year=row.programme.semester.academic_year, code="lain")
    response = login(waka).post(reverse("kompetensi:observation-start", args=[row.pk, other.pk]))
    assert response.status_code == 404


def test_starting_on_a_draft_programme_is_refused_with_a_message(login, waka, row, version):
    Programme.objects.filter(pk=row.programme_id).update(status="draft")
    response = login(waka).post(reverse("kompetensi:observation-start", args=[row.pk, version.pk]))
    assert response.status_code == 302
    assert not Observation.objects.exists()
    assert texts(response) == [
        indonesian("Observations start only on an approved programme and a row that is not cancelled.")
    ]


# --- entry page ---------------------------------------------------------------------------------------


def test_the_entry_page_shows_every_item_with_the_scale_labels(login, waka, observation, version, row):
    response = login(waka).get(reverse("kompetensi:observation-edit", args=[observation.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for item in items_of(version):
        assert item.text in body
        for value in (1, 2, 3, 4):
            assert f'name="item-{item.pk}" value="{value}"' in body
        assert f'name="item-{item.pk}" value="na"' not in body  # the test instrument has no N/A
    for label in ("Belum ada", "Kurang", "Baik", "Sangat baik"):
        assert label in body
    assert row.teacher.full_name in body and "VIII-A" in body and "Senin, 20 Juli 2026" in body
    assert "0 dari 3 butir terisi" in body
    assert f'data-revision="{observation.revision}"' in body


def test_the_not_applicable_choice_appears_where_the_version_allows_it(login, waka, observation, version):
    type(version).objects.filter(pk=version.pk).update(allow_not_applicable=True)
    body = login(waka).get(reverse("kompetensi:observation-edit", args=[observation.pk])).content.decode()
    assert f'name="item-{items_of(version)[0].pk}" value="na"' in body
    assert "tidak berlaku" in body


def test_a_plain_form_post_saves_and_comes_back(login, waka, observation, version):
    first, second, third = items_of(version)
    client = login(waka)
    url = reverse("kompetensi:observation-edit", args=[observation.pk])
    response = client.post(
        url,
        {
            "base_revision": "0",
            f"item-{first.pk}": "4",
            f"item-{second.pk}": "3",
            f"note-{second.pk}": "Apersepsi singkat",
            "strengths": "Kelas tertib",
            "observed_on": "2026-07-20",
        },
    )
    assert response.status_code == 302 and response.url == url
    observation.refresh_from_db()
    assert observation.revision == 1 and observation.strengths == "Kelas tertib"
    assert str(observation.observed_on) == "2026-07-20"
    assert {s.item_id: (s.points, s.note) for s in observation.scores.all()} == {
        first.pk: (4, ""),
        second.pk: (3, "Apersepsi singkat"),
    }
    page = client.get(url).content.decode()
    assert "87,50" in page and "Baik" in page and "2 dari 3 butir terisi" in page
    assert 'value="1" data-base-revision' in page


def test_a_plain_form_post_with_a_bad_score_shows_the_error_and_keeps_the_entries(login, waka, observation, version):
    first, second, _ = items_of(version)
    response = login(waka).post(
        reverse("kompetensi:observation-edit", args=[observation.pk]),
        {"base_revision": "0", f"item-{first.pk}": "9", f"item-{second.pk}": "3", "strengths": "Rapi"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="errors"' in body
    assert indonesian("A score must lie between %(min)s and %(max)s.", min=1, max=4) in body
    assert f'name="item-{second.pk}" value="3" checked' in body and ">Rapi</textarea>" in body
    assert not ObservationScore.objects.exists()


def test_the_entry_page_is_only_for_the_supervisor(login, observation, kepala, guru, guru_lain, pengawas, outsider):
    url = reverse("kompetensi:observation-edit", args=[observation.pk])
    assert login(kepala).get(url).status_code == 403
    assert login(pengawas).get(url).status_code == 403
    assert login(guru).get(url).status_code == 404  # the observed teacher: not before it is submitted
    assert login(guru_lain).get(url).status_code == 404
    assert login(outsider).get(url).status_code == 404


def test_a_submitted_observation_is_not_edited(login, waka, observation, version):
    Observation.objects.filter(pk=observation.pk).update(state=ObservationState.SUBMITTED)
    client = login(waka)
    response = client.get(reverse("kompetensi:observation-edit", args=[observation.pk]))
    assert response.status_code == 302 and response.url == observation.get_absolute_url()
    assert texts(response) == [indonesian("This observation has been submitted: it can no longer be changed here.")]
    item = items_of(version)[0]
    answer = autosave(client, observation, {"base_revision": 0, "scores": {str(item.pk): {"points": 3}}})
    assert answer.status_code == 400
    assert answer.json()["error"] == indonesian("This observation has been submitted and can no longer be changed.")
    assert not ObservationScore.objects.exists()


# --- autosave -----------------------------------------------------------------------------------------


def test_autosave_returns_the_new_revision_and_the_running_score(login, waka, observation, version):
    first, second, _ = items_of(version)
    payload = {
        "base_revision": 0,
        "scores": {str(first.pk): {"points": 4, "na": False, "note": ""}, str(second.pk): {"points": 3, "note": "ok"}},
        "fields": {"pre_notes": "RPP sudah dibaca", "observed_on": "2026-07-20"},
    }
    response = autosave(login(waka), observation, payload)
    assert response.status_code == 200
    assert response.json() == {"revision": 1, "percentage": "87,50", "predikat": "Baik", "scored": 2, "applicable": 3}
    observation.refresh_from_db()
    assert observation.pre_notes == "RPP sudah dibaca" and observation.scores.get(item=second).note == "ok"


def test_autosave_also_takes_the_form_encoding(login, waka, observation, version):
    item = items_of(version)[0]
    response = login(waka).post(
        reverse("kompetensi:observation-autosave", args=[observation.pk]),
        {"base_revision": "0", f"item-{item.pk}": "2"},
    )
    assert response.status_code == 200 and response.json()["percentage"] == "50,00"


def test_consecutive_autosaves_each_based_on_the_last_answer_go_through(login, waka, observation, version):
    item = items_of(version)[0]
    client = login(waka)
    first = autosave(client, observation, {"base_revision": 0, "scores": {str(item.pk): {"points": 1}}})
    assert first.status_code == 200
    again = autosave(
        client, observation, {"base_revision": first.json()["revision"], "scores": {str(item.pk): {"points": 4}}}
    )
    assert again.status_code == 200 and again.json()["revision"] == 2
    assert observation.scores.get(item=item).points == 4


def test_a_stale_autosave_after_another_persons_save_is_a_conflict(login, waka, kepala, observation, version):
    first, second, _ = items_of(version)
    # The Kepala corrected the sheet (through the service, as a reopened record would be).
    observation_save(
        observation=observation,
        user=kepala.user,
        base_revision=0,
        scores={first.pk: {"points": 2}},
        fields={"strengths": "Versi kepala"},
    )
    response = autosave(
        login(waka),
        observation,
        {
            "base_revision": 0,
            "scores": {str(first.pk): {"points": 4}, str(second.pk): {"points": 3}},
            "fields": {"strengths": "Versi waka"},
        },
    )
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] is True and data["revision"] == 1
    assert {"item": first.pk, "label": "Butir 1", "theirs": "2", "display": "2 — Kurang"} in data["changes"]
    assert any(c.get("field") == "strengths" and c["display"] == "Versi kepala" for c in data["changes"])
    observation.refresh_from_db()
    assert observation.revision == 1 and observation.strengths == "Versi kepala"
    assert {s.item_id: s.points for s in observation.scores.all()} == {first.pk: 2}

    # "Timpa dengan isian saya": the same entries, based on the revision now seen, go through.
    overwrite = autosave(
        login(waka),
        observation,
        {"base_revision": 1, "scores": {str(first.pk): {"points": 4}}, "fields": {"strengths": "Versi waka"}},
    )
    assert overwrite.status_code == 200 and overwrite.json()["revision"] == 2
    observation.refresh_from_db()
    assert observation.strengths == "Versi waka"


@pytest.mark.parametrize(
    ("make_payload", "message"),
    [
        (
            lambda items, foreign: {"base_revision": 0, "scores": {str(items[0].pk): {"points": 5}}},
            ("A score must lie between %(min)s and %(max)s.", {"min": 1, "max": 4}),
        ),
        (
            lambda items, foreign: {"base_revision": 0, "scores": {str(items[0].pk): {"points": 0}}},
            ("A score must lie between %(min)s and %(max)s.", {"min": 1, "max": 4}),
        ),
        (
            lambda items, foreign: {"base_revision": 0, "scores": {str(foreign.pk): {"points": 3}}},
            ("An item does not belong to this instrument version.", {}),
        ),
        (lambda items, foreign: {"base_revision": 0, "scores": {"abc": {"points": 3}}}, ("Unknown item.", {})),
        (
            lambda items, foreign: {"base_revision": 0, "scores": {str(items[0].pk): {"points": "x"}}},
            ("A score must be a whole number.", {}),
        ),
        (
            lambda items, foreign: {"base_revision": 0, "scores": {str(items[0].pk): {"points": 2.5}}},
            ("A score must be a whole number.", {}),
        ),
        (
            lambda items, foreign: {"base_revision": 0, "scores": {str(items[0].pk): {"points": True}}},
            ("A score must be a whole number.", {}),
        ),
        (
            lambda items, foreign: {"base_revision": 0, "scores": {str(items[0].pk): {"na": True}}},
            ("This instrument does not allow “not applicable”.", {}),
        ),
        (
            lambda items, foreign: {"scores": {str(items[0].pk): {"points": 3}}},
            ("The sheet does not say which version it started from. Reload the page.", {}),
        ),
        (
            lambda items, foreign: {"base_revision": 0, "fields": {"observed_on": "20-07-2026"}},
            ("The observation date is not a valid date.", {}),
        ),
        (lambda items, foreign: "{not json", ("The data sent could not be read. Reload the page.", {})),
        (lambda items, foreign: [1, 2], ("The data sent could not be read. Reload the page.", {})),
    ],
    ids=[
        "above",
        "below",
        "foreign-item",
        "unknown-item",
        "text",
        "fraction",
        "boolean",
        "na",
        "no-revision",
        "date",
        "malformed",
        "list",
    ],
)
def test_bad_payloads_are_refused_in_indonesian_and_nothing_is_written(
    login, waka, observation, version, madrasah, make_payload, message
):
    foreign = items_of(instrument_version(madrasah=madrasah, academic_year=version.academic_year, code="lain"))[0]
    response = autosave(login(waka), observation, make_payload(items_of(version), foreign))
    assert response.status_code == 400
    msgid, params = message
    assert response.json() == {"error": indonesian(msgid, **params)}
    observation.refresh_from_db()
    assert observation.revision == 0 and not observation.scores.exists() and observation.observed_on is None


def test_autosave_is_refused_to_anyone_but_the_supervisor(login, observation, kepala, guru, outsider, version):
    payload = {"base_revision": 0, "scores": {str(items_of(version)[0].pk): {"points": 3}}}
    assert autosave(login(kepala), observation, payload).status_code == 403
    assert autosave(login(guru), observation, payload).status_code == 404
    assert autosave(login(outsider), observation, payload).status_code == 404
    assert not ObservationScore.objects.exists()


# --- read-only sheet ------------------------------------------------------------------------------------


def test_the_detail_page_shows_scores_total_and_predikat(login, waka, kepala, pengawas, observation, version):
    first, second, third = items_of(version)
    observation_save(
        observation=observation,
        user=waka.user,
        base_revision=0,
        scores={first.pk: {"points": 4}, second.pk: {"points": 3, "note": "Perlu variasi"}, third.pk: {"points": 3}},
        fields={"strengths": "Tertib"},
    )
    for persona in (waka, kepala, pengawas):
        response = login(persona).get(reverse("kompetensi:observation-detail", args=[observation.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "83,33" in body and "Baik" in body and "Perlu variasi" in body and "Tertib" in body
        assert "3 dari 3 butir terisi" in body


def test_the_detail_page_is_hidden_from_other_teachers_and_from_the_teacher_while_draft(
    login, observation, guru, guru_lain, operator, outsider
):
    url = reverse("kompetensi:observation-detail", args=[observation.pk])
    assert login(guru_lain).get(url).status_code == 404
    assert login(guru).get(url).status_code == 404
    assert login(operator).get(url).status_code == 404
    assert login(outsider).get(url).status_code == 404
    Observation.objects.filter(pk=observation.pk).update(state=ObservationState.SUBMITTED)
    assert login(guru).get(url).status_code == 200
    assert login(guru_lain).get(url).status_code == 404


# --- blank sheet ----------------------------------------------------------------------------------------


def test_the_blank_sheet_names_the_teacher_and_has_both_signature_blocks(login, waka, guru, row, version):
    response = login(waka).get(reverse("kompetensi:observation-blank-sheet", args=[row.pk, version.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert guru.staff.full_name in body and waka.staff.full_name in body
    assert f"NIP. {guru.staff.nip_display}" in body and f"NIP. {waka.staff.nip_display}" in body
    assert guru.staff.nip_display.count(" ") == 3  # 19700101 199803 1 002
    assert "MTs Negeri 3 Pamekasan" in body and "Senin, 20 Juli 2026" in body
    assert "Guru yang disupervisi," in body and "Pamekasan, ...." in body
    assert body.count('class="sheet-box"') == 3 * 4  # three items, scale 1–4
    for item in items_of(version):
        assert item.text in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [("kepala", 200), ("pengawas", 200), ("guru", 200), ("guru_lain", 404), ("operator", 404), ("outsider", 404)],
)
def test_who_may_print_the_blank_sheet(request, login, row, version, persona, status):
    url = reverse("kompetensi:observation-blank-sheet", args=[row.pk, version.pk])
    assert login(request.getfixturevalue(persona)).get(url).status_code == status


# --- row buttons and the service worker ---------------------------------------------------------------


def _buttons(row, membership) -> str:
    return render_to_string(
        "kompetensi/observation/_row_buttons.html",
        {
            "row": row,
            "observations": row.observations.all(),
            "user": membership.user,
            "membership": membership,
            "roles": membership.role_set,
            "Role": Role,
        },
    )


def test_row_buttons_offer_start_then_continue_to_the_supervisor_only(row, version, waka, guru, kepala):
    start_url = reverse("kompetensi:observation-start", args=[row.pk, version.pk])
    assert start_url in _buttons(row, waka) and "Mulai observasi" in _buttons(row, waka)
    assert start_url not in _buttons(row, kepala) and start_url not in _buttons(row, guru)
    observation = observation_start(row=row, version=version, user=waka.user)
    assert reverse("kompetensi:observation-edit", args=[observation.pk]) in _buttons(row, waka)
    assert "Lanjutkan" in _buttons(row, waka)
    assert observation.get_absolute_url() in _buttons(row, kepala)
    assert observation.get_absolute_url() not in _buttons(row, guru)  # a draft is not the teacher's yet
    assert reverse("kompetensi:observation-blank-sheet", args=[row.pk, version.pk]) in _buttons(row, guru)


def test_the_service_worker_is_javascript_served_from_the_observation_folder(client):
    url = reverse("kompetensi:observation-service-worker")
    response = client.get(url)
    assert url == "/kompetensi/observasi/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b'addEventListener("fetch"' in response.content
