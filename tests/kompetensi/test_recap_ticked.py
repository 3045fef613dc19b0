"""The recap ticks the results the teacher has confirmed, so the Kepala finalises them with one click;
a clarification, a result still waiting for the teacher, or one past its deadline without an answer
stay for the Kepala to weigh."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from kompetensi.models import Observation, ObservationState
from kompetensi.supervision.services import transitions
from tests.factories.madrasah import member
from tests.factories.supervision import approved_programme, programme_row
from tests.kompetensi.test_workflow import scored_observation

RECAP = reverse("kompetensi:observation-recap")
S = ObservationState


@pytest.fixture
def results(madrasah, kepala, waka, guru, guru_lain):
    """One result per state: confirmed, clarification asked, waiting for the teacher, draft."""
    programme = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)
    third = member(madrasah=madrasah, roles=["guru"])
    fourth = member(madrasah=madrasah, roles=["guru"])
    observations = {
        "confirmed": scored_observation(row=programme.rows.get(), supervisor=waka),
        "clarification": scored_observation(
            row=programme_row(programme=programme, teacher=guru_lain, supervisor=waka), supervisor=waka
        ),
        "waiting": scored_observation(
            row=programme_row(programme=programme, teacher=third, supervisor=waka), supervisor=waka
        ),
        "draft": scored_observation(
            row=programme_row(programme=programme, teacher=fourth, supervisor=waka), supervisor=waka
        ),
    }
    for name in ("confirmed", "clarification", "waiting"):
        transitions.observation_submit(observation=observations[name], user=waka.user)
    transitions.observation_acknowledge(observation=observations["confirmed"], user=guru.user)
    transitions.observation_request_clarification(
        observation=observations["clarification"], user=guru_lain.user, text="Mohon dijelaskan butir 3."
    )
    return observations


def _checkbox(body: str, observation: Observation) -> str | None:
    marker = f'name="observation" value="{observation.pk}"'
    if marker not in body:
        return None
    return body.split(marker)[1].split(">")[0]


def test_confirmed_results_are_ticked_and_the_rest_are_not(client, kepala, results):
    client.force_login(kepala.user)
    body = client.get(RECAP).content.decode()
    assert " checked" in _checkbox(body, results["confirmed"])
    assert " checked" not in _checkbox(body, results["clarification"])
    assert _checkbox(body, results["waiting"]) is None  # the teacher still has time
    assert _checkbox(body, results["draft"]) is None


def test_a_result_past_its_deadline_is_offered_but_not_ticked(client, madrasah, kepala, results):
    later = timezone.now() + dt.timedelta(days=madrasah.acknowledge_days + 2)
    with time_machine.travel(later, tick=False):
        client.force_login(kepala.user)
        body = client.get(RECAP).content.decode()
    box = _checkbox(body, results["waiting"])
    assert box is not None and " checked" not in box


def test_one_click_on_what_is_ticked_finalises_the_confirmed_result(client, kepala, results):
    client.force_login(kepala.user)
    response = client.post(reverse("kompetensi:observation-finalise-bulk"), {"observation": [results["confirmed"].pk]})
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert f'data-observation="{results["confirmed"].pk}" data-state="final"' in body
    assert Observation.objects.get(pk=results["clarification"].pk).state == S.CLARIFICATION


def test_the_waka_sees_the_recap_without_boxes(client, waka, results):
    client.force_login(waka.user)
    body = client.get(RECAP).content.decode()
    assert 'name="observation"' not in body and "finalise-selected" not in body
