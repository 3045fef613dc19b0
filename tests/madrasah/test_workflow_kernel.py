"""The workflow kernel (`madrasah/workflow.py`) on a real record (a PDCA cycle): a transition moves the
row once, records who moved it from what to what, and tells the others, never the actor; a second
click from the same state is refused and changes nothing."""

import pytest

from kompetensi.growth.notices import APPRECIATION
from madrasah.errors import ApplicationError
from madrasah.models import Notification
from madrasah.workflow import claim, clean_text, locked_state, transition
from mutu.models import Cycle, CycleEvent, Stage
from tests.factories import mutu as f
from tests.factories.supervision import active_semester

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(kepala, madrasah):
    semester = active_semester(madrasah)
    return f.cycle(owner=kepala, semester=semester, instrument=f.planning_version(madrasah, semester.academic_year))


def test_a_transition_moves_the_row_records_the_change_and_notifies_everyone_but_the_actor(cycle, kepala, waka):
    transition(
        cycle,
        field="stage",
        expected=Stage.PLAN,
        to=Stage.DO,
        actor=kepala.user,
        action="advanced",
        event_model=CycleEvent,
        notify_ids=[kepala.user_id, waka.user_id, waka.user_id, None],
        notify_kind=APPRECIATION,
    )

    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.DO
    (event,) = CycleEvent.objects.filter(cycle=cycle)
    assert (event.actor, event.action) == (kepala.user, "advanced")
    assert event.changes == [{"what": "stage", "from": Stage.PLAN, "to": Stage.DO}]
    notified = list(Notification.objects.values_list("user_id", "url"))
    assert notified == [(waka.user_id, cycle.get_absolute_url())]


def test_a_second_click_from_the_same_state_is_refused_and_changes_nothing(cycle, kepala):
    stale = Cycle.objects.get(pk=cycle.pk)
    transition(cycle, field="stage", expected=Stage.PLAN, to=Stage.DO, actor=kepala.user, action="advanced")

    with pytest.raises(ApplicationError, match="Muat ulang halaman"):
        transition(stale, field="stage", expected=Stage.PLAN, to=Stage.CHECK, actor=kepala.user, action="advanced")

    assert Cycle.objects.get(pk=cycle.pk).stage == Stage.DO
    assert stale.stage == Stage.PLAN  # the refused object is left as it was


def test_a_claim_accepts_any_of_several_expected_states_and_its_own_stale_message(cycle):
    claim(cycle, field="stage", expected=(Stage.PLAN, Stage.DO), stage=Stage.CHECK)
    assert cycle.stage == Stage.CHECK

    with pytest.raises(ApplicationError, match="Siklus ini sudah berubah"):
        claim(cycle, field="stage", expected=(Stage.PLAN, Stage.DO), stale="Siklus ini sudah berubah", stage=Stage.ACT)


def test_the_locked_state_is_the_stored_one_not_the_objects(cycle):
    Cycle.objects.filter(pk=cycle.pk).update(stage=Stage.ACT)
    assert cycle.stage == Stage.PLAN
    assert locked_state(Cycle, cycle.pk, field="stage") == Stage.ACT


@pytest.mark.parametrize(
    ("value", "kwargs", "message"),
    [
        ("catatan\x00", {}, "NUL"),
        ("", {"required_message": "Alasan wajib diisi."}, "Alasan wajib diisi."),
        ("x" * 11, {"max_length": 10}, "paling banyak 10"),
    ],
)
def test_typed_text_is_refused_at_its_field(value, kwargs, message):
    with pytest.raises(ApplicationError, match=message) as refused:
        clean_text(value, field="reason", **kwargs)
    assert refused.value.field == "reason"


def test_typed_text_is_stripped():
    assert clean_text("  Bagus sekali  ") == "Bagus sekali"
