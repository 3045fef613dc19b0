"""The workflow of a supervision result through HTTP: submit → acknowledge / clarification → final,
the deadline that makes a result "deemed received", bulk finalising, reopening and the history.

`scored_observation` and `submitted_observation` are shared with the follow-up, evidence and
notification tests.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompetensi.models import Item, Observation, ObservationState
from kompetensi.supervision import rules
from kompetensi.supervision.selectors import observations as observation_selectors
from kompetensi.supervision.services import transitions
from kompetensi.supervision.services.observations import observation_save, observation_start
from kompetensi.supervision.tasks import deem_acknowledged
from madrasah.errors import ApplicationError
from madrasah.models import Notification
from madrasah.services import madrasah_deactivate, madrasah_reactivate
from tests.factories.supervision import approved_programme, programme_row

S = ObservationState


def items_of(version) -> list[Item]:
    return list(Item.objects.filter(section__version=version).order_by("section__order", "order", "pk"))


def scored_observation(*, row, supervisor, points=(4, 3, 2), version=None) -> Observation:
    """An observation of `row` with the given points on its items (3 items by default: 75%, Cukup)."""
    version = version or row.instruments.get()
    observation = observation_start(row=row, version=version, user=supervisor.user)
    scores = {item.pk: {"points": p} for item, p in zip(items_of(version), points, strict=False)}
    observation_save(observation=observation, user=supervisor.user, base_revision=0, scores=scores, fields={})
    observation.refresh_from_db()
    return observation


def supervised_row(madrasah, kepala, waka, guru):
    return approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru).rows.get()


def submitted_observation(madrasah, kepala, waka, guru) -> Observation:
    """The Waka's fully scored, submitted result of the guru (75%, Cukup; item 3 scored 2 < 3)."""
    observation = scored_observation(row=supervised_row(madrasah, kepala, waka, guru), supervisor=waka)
    transitions.observation_submit(observation=observation, user=waka.user)
    observation.refresh_from_db()
    return observation


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name: str, observation: Observation) -> str:
    return reverse(f"kompetensi:{name}", args=[observation.pk])


@pytest.fixture
def draft(madrasah, kepala, waka, guru):
    return scored_observation(row=supervised_row(madrasah, kepala, waka, guru), supervisor=waka)


@pytest.fixture
def submitted(madrasah, kepala, waka, guru):
    return submitted_observation(madrasah, kepala, waka, guru)


# --- submit --------------------------------------------------------------------------------------------


def test_the_supervisor_submits_a_fully_scored_result(login, draft, waka, guru):
    response = login(waka).post(url("observation-submit", draft))
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    assert draft.submitted_at is not None
    assert draft.percentage == 75 and draft.predikat == "Cukup"
    assert draft.events.filter(action="submitted", actor=waka.user).exists()
    assert Notification.objects.filter(user=guru.user, url=draft.get_absolute_url()).count() == 1


def test_submitting_with_unscored_items_is_refused_naming_how_many(login, madrasah, kepala, waka, guru):
    observation = scored_observation(row=supervised_row(madrasah, kepala, waka, guru), supervisor=waka, points=(4,))
    response = login(waka).post(url("observation-submit", observation))
    assert response.status_code == 302
    [message] = texts(response)
    assert "2" in message and "belum dinilai" in message
    observation.refresh_from_db()
    assert observation.state == S.DRAFT and observation.submitted_at is None
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("kepala", 403), ("pengawas", 403), ("guru", 404), ("guru_lain", 404)])
def test_only_the_supervisor_submits(request, login, draft, persona, status):
    response = login(request.getfixturevalue(persona)).post(url("observation-submit", draft))
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_a_submitted_result_is_not_submitted_twice(login, submitted, waka):
    response = login(waka).post(url("observation-submit", submitted))
    assert texts(response) == ["Hanya draf yang dapat diajukan."]
    assert submitted.events.filter(action="submitted").count() == 1


# --- acknowledge and clarification ----------------------------------------------------------------------


def test_the_teacher_acknowledges_receipt_with_a_response(login, submitted, guru, waka):
    response = login(guru).post(url("observation-acknowledge", submitted), {"response": "Terima kasih, saya perbaiki."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == S.ACKNOWLEDGED
    assert submitted.acknowledged_at is not None
    assert submitted.teacher_response == "Terima kasih, saya perbaiki."
    event = submitted.events.get(action="acknowledged")
    assert event.actor == guru.user and event.note == "Terima kasih, saya perbaiki."
    assert Notification.objects.filter(user=waka.user).count() == 1


def test_the_response_is_optional(login, submitted, guru):
    login(guru).post(url("observation-acknowledge", submitted))
    submitted.refresh_from_db()
    assert submitted.state == S.ACKNOWLEDGED and submitted.teacher_response == ""


@pytest.mark.parametrize(
    ("persona", "status"), [("guru_lain", 404), ("operator", 404), ("waka", 403), ("kepala", 403), ("pengawas", 403)]
)
def test_only_the_observed_teacher_acknowledges(request, login, submitted, persona, status):
    response = login(request.getfixturevalue(persona)).post(url("observation-acknowledge", submitted))
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED


def test_a_draft_cannot_be_acknowledged(login, draft, guru):
    # The teacher does not even see a draft...
    assert login(guru).post(url("observation-acknowledge", draft)).status_code == 404
    # ...and the service refuses it too.
    with pytest.raises(ApplicationError):
        transitions.observation_acknowledge(observation=draft, user=guru.user)
    draft.refresh_from_db()
    assert draft.state == S.DRAFT and not draft.events.filter(action="acknowledged").exists()


def test_the_teacher_asks_for_clarification_and_the_kepala_and_supervisor_are_told(
    login, submitted, guru, kepala, waka
):
    client = login(guru)
    response = client.post(url("observation-clarify", submitted), {"text": "  "})
    assert texts(response) and Observation.objects.get(pk=submitted.pk).state == S.SUBMITTED

    client.post(url("observation-clarify", submitted), {"text": "Mohon observasi ulang: kelas sedang ujian."})
    submitted.refresh_from_db()
    assert submitted.state == S.CLARIFICATION
    assert submitted.clarification_request == "Mohon observasi ulang: kelas sedang ujian."
    assert set(Notification.objects.exclude(user=guru.user).values_list("user", flat=True)) == {
        kepala.user.pk,
        waka.user.pk,
    }
    assert submitted.events.filter(action="clarification_requested", actor=guru.user).exists()


def test_the_teacher_may_still_acknowledge_after_the_clarification(login, submitted, guru):
    client = login(guru)
    client.post(url("observation-clarify", submitted), {"text": "Mohon penjelasan butir 3."})
    client.post(url("observation-acknowledge", submitted), {"response": "Sudah dijelaskan."})
    submitted.refresh_from_db()
    assert submitted.state == S.ACKNOWLEDGED


# --- finalise ---------------------------------------------------------------------------------------------


def acknowledged(observation, guru):
    transitions.observation_acknowledge(observation=observation, user=guru.user, response="")
    return observation


def test_the_kepala_finalises_an_acknowledged_result(login, submitted, guru, kepala):
    acknowledged(submitted, guru)
    response = login(kepala).post(url("observation-finalise", submitted))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == S.FINAL
    assert submitted.finalised_by == kepala.user and submitted.finalised_at is not None
    assert submitted.events.filter(action="finalised", actor=kepala.user).exists()


@pytest.mark.parametrize(("persona", "status"), [("waka", 403), ("pengawas", 403), ("guru", 403), ("guru_lain", 404)])
def test_only_the_kepala_finalises(request, login, submitted, guru, persona, status):
    acknowledged(submitted, guru)
    response = login(request.getfixturevalue(persona)).post(url("observation-finalise", submitted))
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.state == S.ACKNOWLEDGED


def test_a_draft_and_a_final_result_are_not_finalised(login, draft, kepala):
    client = login(kepala)
    assert texts(client.post(url("observation-finalise", draft))) == ["Draf tidak dapat difinalkan."]
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_finalising_over_a_clarification_request_needs_confirmation(login, submitted, guru, kepala):
    transitions.observation_request_clarification(observation=submitted, user=guru.user, text="Mohon dicek butir 2.")
    client = login(kepala)
    refused = client.post(url("observation-finalise", submitted))
    assert texts(refused) and Observation.objects.get(pk=submitted.pk).state == S.CLARIFICATION
    client.post(url("observation-finalise", submitted), {"confirm": "1"})
    assert Observation.objects.get(pk=submitted.pk).state == S.FINAL


def test_a_submitted_result_is_finalised_only_after_the_teachers_time(login, submitted, kepala):
    client = login(kepala)
    response = client.post(url("observation-finalise", submitted))
    assert texts(response)
    assert Observation.objects.get(pk=submitted.pk).state == S.SUBMITTED
    with time_machine.travel(submitted.submitted_at + dt.timedelta(days=7, minutes=1)):
        login(kepala).post(url("observation-finalise", submitted))  # a fresh session a week later
    submitted.refresh_from_db()
    assert submitted.state == S.FINAL
    assert list(submitted.events.values_list("action", flat=True))[-2:] == ["deemed_acknowledged", "finalised"]


def test_the_kepala_finalising_their_own_supervision_is_logged_as_such(login, madrasah, kepala, waka, guru):
    programme = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)
    row = programme_row(programme=programme, teacher=waka, supervisor=kepala)
    observation = scored_observation(row=row, supervisor=kepala)
    transitions.observation_submit(observation=observation, user=kepala.user)
    transitions.observation_acknowledge(observation=observation, user=waka.user)
    login(kepala).post(url("observation-finalise", observation))
    observation.refresh_from_db()
    assert observation.state == S.FINAL
    assert observation.events.filter(action="finalised_own", actor=kepala.user).exists()
    assert not observation.events.filter(action="finalised").exists()


def test_a_final_result_cannot_be_edited(submitted, guru, kepala, waka):
    acknowledged(submitted, guru)
    transitions.observation_finalise(observation=submitted, user=kepala.user)
    item = items_of(submitted.instrument_version)[0]
    with pytest.raises(ApplicationError):
        observation_save(
            observation=submitted,
            user=waka.user,
            base_revision=submitted.revision,
            scores={item.pk: {"points": 1}},
            fields={},
        )
    assert submitted.scores.get(item=item).points == 4


def test_a_claim_lost_to_someone_else_changes_nothing(submitted, guru):
    # Someone moved the record after this copy was read: the conditional update finds no row.
    Observation.objects.filter(pk=submitted.pk).update(state=S.ACKNOWLEDGED)
    stale = Observation.objects.get(pk=submitted.pk)
    stale.state = S.SUBMITTED
    with pytest.raises(ApplicationError):
        transitions.observation_request_clarification(observation=stale, user=guru.user, text="x")
    assert Observation.objects.get(pk=submitted.pk).clarification_request == ""


# --- the recap and bulk finalising ---------------------------------------------------------------------------


@pytest.fixture
def two_results(madrasah, kepala, waka, guru, guru_lain):
    programme = approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)
    first = scored_observation(row=programme.rows.get(), supervisor=waka)
    second = scored_observation(
        row=programme_row(programme=programme, teacher=guru_lain, supervisor=waka), supervisor=waka, points=(4, 4, 4)
    )
    for observation in (first, second):
        transitions.observation_submit(observation=observation, user=waka.user)
    transitions.observation_acknowledge(observation=first, user=guru.user)
    transitions.observation_request_clarification(
        observation=second, user=guru_lain.user, text="Mohon observasi ulang."
    )
    return first, second


def test_the_recap_shows_every_result_with_clarifications_highlighted(login, two_results, kepala):
    first, second = two_results
    response = login(kepala).get(reverse("kompetensi:observation-recap"))
    assert response.status_code == 200
    body = response.content.decode()
    assert first.teacher.full_name in body and second.teacher.full_name in body
    assert "Mohon observasi ulang." in body
    assert "table-warning" in body
    assert "75,00" in body and "100,00" in body
    assert f'name="observation" value="{first.pk}"' in body
    assert f'name="confirm" value="{second.pk}"' in body


@pytest.mark.parametrize(("persona", "status"), [("waka", 200), ("pengawas", 200), ("guru", 403), ("operator", 403)])
def test_the_recap_is_for_the_kepala_waka_and_pengawas(request, login, two_results, persona, status):
    response = login(request.getfixturevalue(persona)).get(reverse("kompetensi:observation-recap"))
    assert response.status_code == status
    if status == 200:
        assert "finalise-selected" not in response.content.decode()


def test_bulk_finalise_skips_an_unconfirmed_clarification(login, two_results, kepala):
    first, second = two_results
    client = login(kepala)
    response = client.post(reverse("kompetensi:observation-finalise-bulk"), {"observation": [first.pk, second.pk]})
    assert response.status_code == 302
    messages = texts(response)
    assert any("1" in m for m in messages) and any(second.teacher.full_name in m for m in messages)
    assert Observation.objects.get(pk=first.pk).state == S.FINAL
    assert Observation.objects.get(pk=second.pk).state == S.CLARIFICATION

    client.post(reverse("kompetensi:observation-finalise-bulk"), {"observation": [second.pk], "confirm": [second.pk]})
    assert Observation.objects.get(pk=second.pk).state == S.FINAL


def test_bulk_finalise_is_for_the_kepala_and_their_madrasah_only(login, two_results, waka, outsider):
    first, _ = two_results
    data = {"observation": [first.pk]}
    assert login(waka).post(reverse("kompetensi:observation-finalise-bulk"), data).status_code == 403
    login(outsider).post(reverse("kompetensi:observation-finalise-bulk"), data)
    assert Observation.objects.get(pk=first.pk).state == S.ACKNOWLEDGED


# --- reopen and the history ----------------------------------------------------------------------------------


def test_reopen_with_a_reason_then_a_score_change_shows_in_the_history(login, submitted, guru, kepala, waka):
    acknowledged(submitted, guru)
    transitions.observation_finalise(observation=submitted, user=kepala.user)
    client = login(kepala)

    refused = client.post(url("observation-reopen", submitted), {"reason": ""})
    assert texts(refused) and Observation.objects.get(pk=submitted.pk).state == S.FINAL

    client.post(url("observation-reopen", submitted), {"reason": "Butir 3 salah input."})
    submitted.refresh_from_db()
    assert submitted.state == S.DRAFT
    assert submitted.finalised_at is None and submitted.submitted_at is None
    assert Notification.objects.filter(user=waka.user, kind="observation_reopened").exists()

    third = items_of(submitted.instrument_version)[2]
    observation_save(
        observation=submitted,
        user=waka.user,
        base_revision=submitted.revision,
        scores={third.pk: {"points": 3}},
        fields={},
    )
    page = login(kepala).get(submitted.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "Butir 3: 2 → 3" in body
    assert waka.staff.full_name in body
    assert "Butir 3 salah input." in body


def test_reopening_a_draft_is_refused(login, draft, kepala):
    response = login(kepala).post(url("observation-reopen", draft), {"reason": "x"})
    assert texts(response)
    assert not draft.events.filter(action="reopened").exists()


def test_the_history_lists_who_did_what(submitted, guru, kepala):
    acknowledged(submitted, guru)
    history = observation_selectors.observation_history(observation=submitted)
    actions = [row["event"].action for row in history]
    assert actions == ["created", "saved", "submitted", "acknowledged"]
    saved = history[1]
    assert saved["changes"] == ["Butir 1: – → 4", "Butir 2: – → 3", "Butir 3: – → 2"]
    assert history[3]["actor"] == guru.staff.full_name


def test_the_history_costs_the_same_queries_for_one_or_three_people(submitted, guru, kepala):
    with CaptureQueriesContext(connection) as one:
        observation_selectors.observation_history(observation=submitted)
    acknowledged(submitted, guru)
    transitions.observation_reopen(observation=submitted, user=kepala.user, reason="Salah input.")
    with CaptureQueriesContext(connection) as three:
        history = observation_selectors.observation_history(observation=submitted)
    assert {row["actor"] for row in history} >= {guru.staff.full_name, kepala.staff.full_name}
    assert len(three) == len(one)


# --- the deadline ---------------------------------------------------------------------------------------------


def test_an_unanswered_result_is_deemed_received_after_the_madrasahs_days(madrasah, kepala, waka, guru):
    madrasah.acknowledge_days = 3
    madrasah.save(update_fields=["acknowledge_days"])
    start = timezone.make_aware(dt.datetime(2026, 8, 3, 9, 0))
    with time_machine.travel(start, tick=False):
        observation = submitted_observation(madrasah, kepala, waka, guru)
    assert transitions.observations_deem_acknowledged(now=start + dt.timedelta(days=2, hours=23)) == 0
    with time_machine.travel(start + dt.timedelta(days=3, minutes=1), tick=False):
        assert deem_acknowledged() == 1
    observation.refresh_from_db()
    assert observation.state == S.DEEMED_ACKNOWLEDGED
    assert observation.events.filter(action="deemed_acknowledged", actor=None).count() == 1
    assert Notification.objects.filter(user=guru.user, kind="observation_deemed").count() == 1
    # Idempotent: nothing left to do, no second event.
    assert transitions.observations_deem_acknowledged(now=start + dt.timedelta(days=30)) == 0
    assert observation.events.filter(action="deemed_acknowledged").count() == 1


def test_the_deadline_leaves_the_results_of_an_inactive_madrasah_alone(madrasah, kepala, waka, guru):
    start = timezone.make_aware(dt.datetime(2026, 8, 3, 9, 0))
    with time_machine.travel(start, tick=False):
        observation = submitted_observation(madrasah, kepala, waka, guru)
    madrasah_deactivate(madrasah=madrasah, actor=None)
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        assert deem_acknowledged() == 0
    observation.refresh_from_db()
    assert observation.state == S.SUBMITTED
    madrasah_reactivate(madrasah=madrasah, actor=None)
    with time_machine.travel(start + dt.timedelta(days=30), tick=False):
        assert deem_acknowledged() == 1


def test_the_deadline_leaves_answered_results_alone(madrasah, kepala, waka, guru):
    start = timezone.make_aware(dt.datetime(2026, 8, 3, 9, 0))
    with time_machine.travel(start, tick=False):
        answered = submitted_observation(madrasah, kepala, waka, guru)
        transitions.observation_acknowledge(observation=answered, user=guru.user)
    assert transitions.observations_deem_acknowledged(now=start + dt.timedelta(days=8)) == 0
    assert Observation.objects.get(pk=answered.pk).state == S.ACKNOWLEDGED


def test_the_deadline_task_runs_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["deem-acknowledged"]
    assert entry["task"] == "kompetensi.tasks.deem_acknowledged" == deem_acknowledged.name
    assert entry["schedule"] == 3600


def test_the_acknowledgement_deadline_follows_acknowledge_days(submitted):
    assert rules.acknowledge_deadline(submitted) == submitted.submitted_at + dt.timedelta(days=7)
