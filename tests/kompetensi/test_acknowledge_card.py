"""The teacher's home leads straight to a result waiting for their confirmation of receipt, at no
query of its own (the growth page's history already holds it)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompetensi.supervision.services import transitions
from tests.kompetensi.test_growth import HOME, supervised

CARD = 'data-testid="acknowledge-card"'


def _home(client, member) -> str:
    client.force_login(member.user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client) -> int:
    client.get(HOME)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def test_a_result_waiting_for_the_teacher_is_a_link_on_their_home(client, madrasah, guru, waka, kepala):
    observation = supervised(madrasah, guru=guru, waka=waka, kepala=kepala)
    body = _home(client, guru)
    assert CARD in body and "Hasil supervisi menunggu konfirmasi Anda" in body
    link = reverse("kompetensi:observation-detail", args=[observation.pk])
    assert f'href="{link}" data-testid="acknowledge-link"' in body
    assert 'data-testid="acknowledge-form"' in client.get(link).content.decode()


def test_the_card_goes_once_the_teacher_has_confirmed(client, madrasah, guru, waka, kepala):
    observation = supervised(madrasah, guru=guru, waka=waka, kepala=kepala)
    transitions.observation_acknowledge(observation=observation, user=guru.user)
    assert CARD not in _home(client, guru)


def test_it_shows_only_the_teachers_own_results(client, madrasah, guru, guru_lain, waka, kepala):
    supervised(madrasah, guru=guru, waka=waka, kepala=kepala)
    assert CARD not in _home(client, guru_lain)
    client.force_login(kepala.user)
    page = client.get(reverse("kompetensi:teacher-page", args=[guru.staff_id]))
    assert page.status_code == 200 and CARD not in page.content.decode()


def test_the_card_costs_no_query(client, madrasah, guru, waka, kepala):
    observation = supervised(madrasah, guru=guru, waka=waka, kepala=kepala)
    client.force_login(guru.user)
    waiting = _queries(client)
    transitions.observation_acknowledge(observation=observation, user=guru.user)
    assert _queries(client) == waiting
