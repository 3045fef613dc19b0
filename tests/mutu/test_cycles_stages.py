"""Stages through HTTP: Plan → Do → Check → Act → closed, one at a time behind each gate, every move
logged with its actor; no skipping, no going back except the Kepala's reopen with a reason; the Act
decision before closing; "continue" opens the next cycle with the latest measured value as its
baseline (or nothing, with a clear message, when the next period is not recorded)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from mutu.models import ActivityStatus, Cycle, CycleEvent, Decision, FactorTag, Stage
from tests.factories import mutu as f

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ganjil(madrasah):
    return f.semester(madrasah, 2026, "ganjil")


@pytest.fixture
def cycle(kepala, waka, ganjil):
    return f.cycle(
        owner=kepala,
        semester=ganjil,
        instrument=f.planning_version(ganjil.madrasah, ganjil.academic_year),
        team=[waka.staff],
    )


def advance(client, cycle, to=None):
    return client.post(reverse("mutu:cycle-advance", args=[cycle.pk]), {"to": to} if to else {}, follow=True)


def stage_events(cycle) -> list:
    return list(cycle.events.filter(action="stage_changed").values_list("changes", flat=True))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def act(client, cycle, **data):
    values = {"decision": Decision.CONTINUE, "decision_reason": "Belum semua guru mencapai 80."}
    values.update(data)
    return client.post(reverse("mutu:cycle-act", args=[cycle.pk]), values)


# --- the gates ------------------------------------------------------------------------------------------


def test_plan_to_do_needs_an_activity(login, kepala, cycle):
    client = login(kepala)

    refused = advance(client, cycle, "do")

    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLAN and stage_events(cycle) == []
    assert any("activity" in m.lower() or "kegiatan" in m.lower() for m in messages_of(refused))
    f.activity(cycle)
    advance(client, cycle, "do")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.DO
    event = cycle.events.get(action="stage_changed")
    assert (event.actor, event.changes) == (kepala.user, [{"what": "stage", "from": "plan", "to": "do"}])


def test_a_cancelled_activity_does_not_open_do(login, kepala, cycle):
    f.activity(cycle, status=ActivityStatus.CANCELLED)
    advance(login(kepala), cycle, "do")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLAN


def test_do_to_check_needs_progress_or_a_finished_activity(login, kepala, waka, cycle):
    cycle.stage = Stage.DO
    cycle.save()
    activity = f.activity(cycle)
    client = login(waka)  # the Waka may move stages too

    advance(client, cycle, "check")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.DO

    f.progress(activity, author=waka)
    advance(client, cycle, "check")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CHECK
    assert stage_events(cycle) == [[{"what": "stage", "from": "do", "to": "check"}]]


def test_a_done_activity_is_enough_for_check(login, kepala, cycle):
    cycle.stage = Stage.DO
    cycle.save()
    f.activity(cycle, status=ActivityStatus.DONE)
    advance(login(kepala), cycle, "check")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CHECK


def test_check_to_act_needs_a_measurement(login, kepala, cycle):
    cycle.stage = Stage.CHECK
    cycle.save()
    client = login(kepala)

    advance(client, cycle, "act")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CHECK

    client.post(reverse("mutu:cycle-measure", args=[cycle.pk]))
    advance(client, cycle, "act")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.ACT


def test_stages_are_not_skipped(login, kepala, cycle):
    f.activity(cycle, status=ActivityStatus.DONE)

    response = advance(login(kepala), cycle, "check")

    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLAN and stage_events(cycle) == []
    assert response.status_code == 200 and messages_of(response)


def test_a_second_click_does_not_move_the_cycle_twice(login, kepala, cycle):
    f.activity(cycle, status=ActivityStatus.DONE)
    client = login(kepala)
    advance(client, cycle, "do")
    advance(client, cycle, "do")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.DO and len(stage_events(cycle)) == 1


def test_measuring_outside_check_is_refused(login, kepala, cycle):
    login(kepala).post(reverse("mutu:cycle-measure", args=[cycle.pk]))
    assert cycle.measurements.count() == 0


def test_only_editors_move_stages(login, guru, pengawas, cycle):
    cycle.team.add(guru.staff)
    f.activity(cycle)
    for persona in (guru, pengawas):
        client = login(persona)
        assert client.get(cycle.get_absolute_url()).status_code == 200
        assert client.post(reverse("mutu:cycle-advance", args=[cycle.pk]), {"to": "do"}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLAN


# --- Act and closing -------------------------------------------------------------------------------------


def test_closing_without_the_act_decision_is_refused(login, kepala, cycle):
    cycle.stage = Stage.ACT
    cycle.save()
    client = login(kepala)

    by_button = advance(client, cycle, "closed")
    by_form = act(client, cycle, decision_reason="", close="1")

    cycle.refresh_from_db()
    assert cycle.stage == Stage.ACT and cycle.decision == ""
    assert messages_of(by_button)
    assert by_form.status_code == 200 and "decision_reason" in by_form.context["form"].errors
    assert not CycleEvent.objects.filter(action__in=["closed", "act_recorded"]).exists()


def test_the_act_form_is_for_the_act_stage(login, kepala, cycle):
    response = login(kepala).get(reverse("mutu:cycle-act", args=[cycle.pk]))
    assert response.status_code == 302
    act(login(kepala), cycle)
    cycle.refresh_from_db()
    assert cycle.decision == ""


def test_standardise_records_factors_and_closes(login, kepala, cycle):
    cycle.stage = Stage.ACT
    cycle.save()
    client = login(kepala)

    response = act(
        client,
        cycle,
        decision=Decision.STANDARDISE,
        decision_reason="Target tercapai dua semester.",
        supporting_factors="Guru termotivasi; Kepala rutin mendampingi.",
        supporting_tags=[FactorTag.MOTIVATION, FactorTag.LEADERSHIP],
        inhibiting_factors="Sebagian guru tidak punya paket data.",
        inhibiting_tags=[FactorTag.INTERNET],
        close="1",
    )

    cycle.refresh_from_db()
    assert response.status_code == 302 and response.url == cycle.get_absolute_url()
    assert (cycle.stage, cycle.decision, cycle.closed_at) == (Stage.CLOSED, Decision.STANDARDISE, NOW)
    assert cycle.supporting_tags == ["motivasi", "kepemimpinan"] and cycle.inhibiting_tags == ["internet"]
    assert not Cycle.objects.filter(previous=cycle).exists()
    assert list(cycle.events.values_list("action", flat=True)) == ["act_recorded", "closed"]
    assert cycle.events.get(action="closed").changes == [{"what": "stage", "from": "act", "to": "closed"}]


def test_saving_the_decision_keeps_the_cycle_in_act(login, kepala, cycle):
    cycle.stage = Stage.ACT
    cycle.save()
    act(login(kepala), cycle, decision=Decision.STOP, save="1")
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.decision) == (Stage.ACT, Decision.STOP)
    advance(login(kepala), cycle, "closed")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CLOSED


def test_continue_opens_the_next_cycle_with_the_latest_value_as_baseline(login, kepala, waka, cycle, ganjil):
    genap = f.semester(ganjil.madrasah, 2026, "genap")
    cycle.stage = Stage.ACT
    cycle.section_title = "Bagian A"
    cycle.save()
    f.measurement(cycle, by=kepala, value="74.5", n=12, when=NOW - dt.timedelta(days=3))
    f.measurement(cycle, by=kepala, value=None, when=NOW - dt.timedelta(days=1))  # no data: not a value
    client = login(kepala)

    response = act(client, cycle, close="1")

    following = Cycle.objects.get(previous=cycle)
    assert response.status_code == 302 and response.url == following.get_absolute_url()
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CLOSED
    assert (following.stage, following.semester, following.academic_year) == (Stage.PLAN, genap, genap.academic_year)
    assert (following.indicator, following.instrument_id, following.section_title, following.target) == (
        cycle.indicator,
        cycle.instrument_id,
        "Bagian A",
        cycle.target,
    )
    assert (following.baseline, following.baseline_n, following.baseline_period) == (
        Decimal("74.5000"),
        12,
        "2026/2027 Ganjil",
    )
    assert list(following.team.all()) == [waka.staff]
    assert following.events.get().action == "continued_from"
    assert set(cycle.events.values_list("action", flat=True)) >= {"continued", "closed"}
    page = client.get(following.get_absolute_url()).content.decode()
    assert 'data-testid="cycle-baseline" data-value="74.50">74,50<' in page
    assert [c.pk for c in client.get(following.get_absolute_url()).context["chain"]] == [cycle.pk, following.pk]


def test_continue_without_a_recorded_next_semester_creates_nothing(login, kepala, cycle):
    cycle.stage = Stage.ACT
    cycle.save()
    f.measurement(cycle, by=kepala, value="70")

    response = act(login(kepala), cycle, close="1")

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == Stage.ACT and cycle.decision == Decision.CONTINUE  # the decision is kept
    assert Cycle.objects.count() == 1
    assert not cycle.events.filter(action__in=["closed", "continued"]).exists()
    page = login(kepala).get(cycle.get_absolute_url())
    assert page.status_code == 200


def test_a_year_cycle_continues_into_the_next_academic_year(login, kepala, ganjil):
    madrasah = ganjil.madrasah
    year = ganjil.academic_year
    cycle = f.cycle(owner=kepala, academic_year=year, indicator="rata_jp_pkb", target=20, stage=Stage.ACT, title="PKB")
    f.measurement(cycle, by=kepala, value="18", period_semester="")
    client = login(kepala)

    act(client, cycle, close="1")
    assert Cycle.objects.count() == 1  # 2027/2028 is not recorded yet

    next_year = f.semester(madrasah, 2027, "ganjil").academic_year
    act(client, cycle, close="1")

    following = Cycle.objects.get(previous=cycle)
    assert (following.academic_year, following.semester, following.baseline) == (next_year, None, Decimal("18.0000"))


# --- reopening -----------------------------------------------------------------------------------------


def test_the_kepala_reopens_to_the_previous_stage_with_a_reason(login, kepala, cycle):
    cycle.stage = Stage.CHECK
    cycle.save()
    client = login(kepala)
    url = reverse("mutu:cycle-reopen", args=[cycle.pk])

    client.post(url, {"reason": ""})
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CHECK

    client.post(url, {"reason": "Pendampingan kedua belum dicatat."})
    cycle.refresh_from_db()
    assert cycle.stage == Stage.DO
    event = cycle.events.get(action="reopened")
    assert (event.actor, event.changes, event.note) == (
        kepala.user,
        [{"what": "stage", "from": "check", "to": "do"}],
        "Pendampingan kedua belum dicatat.",
    )


def test_only_the_kepala_reopens_and_never_a_closed_cycle(login, kepala, waka, cycle):
    cycle.stage = Stage.DO
    cycle.save()
    url = reverse("mutu:cycle-reopen", args=[cycle.pk])
    assert login(waka).post(url, {"reason": "x"}).status_code == 403
    cycle.stage, cycle.decision, cycle.decision_reason = Stage.CLOSED, Decision.STOP, "selesai"
    cycle.save()
    login(kepala).post(url, {"reason": "Buka lagi"})
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CLOSED and not cycle.events.exists()


def test_a_cycle_in_plan_has_nothing_to_reopen(login, kepala, cycle):
    login(kepala).post(reverse("mutu:cycle-reopen", args=[cycle.pk]), {"reason": "x"})
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLAN and not cycle.events.exists()


def test_the_cycle_page_shows_each_move_in_its_history(login, kepala, cycle):
    client = login(kepala)
    f.activity(cycle)
    advance(client, cycle, "do")

    page = client.get(cycle.get_absolute_url()).content.decode()
    history = page[page.index('data-testid="cycle-history"') :]
    assert history.count('data-testid="cycle-event"') == cycle.events.count()
    assert kepala.staff.full_name in history  # who, by name
    assert "Tahap: Rencana (Plan) → Pelaksanaan (Do)" in history
