"""The observation service: version tokens, conflicts, validation, scoring, history."""

import datetime as dt

import pytest
from django.utils import timezone

from kompetensi.models import Observation, ObservationState, Programme, ProgrammeRow
from kompetensi.supervision.selectors.observations import observation_result
from kompetensi.supervision.services.observations import ConflictError, observation_save, observation_start
from madrasah.errors import ApplicationError
from tests.factories.kompetensi import instrument_version


@pytest.fixture
def setup(madrasah, kepala, waka, guru):
    semester = madrasah.semesters.select_related("academic_year").get()
    version = instrument_version(madrasah=madrasah, academic_year=semester.academic_year, items=4)
    programme = Programme.objects.create(
        madrasah=madrasah,
        semester=semester,
        purpose="p",
        targets="t",
        techniques="k",
        status="disahkan",
        created_by=waka.user,
    )
    row = ProgrammeRow.objects.create(
        programme=programme,
        teacher=guru.staff,
        supervisor=waka.user,
        planned_at=timezone.make_aware(dt.datetime(semester.start_date.year, 8, 3, 7, 30)),
    )
    row.instruments.add(version)
    return row, version


def items_of(version):
    return list(version.sections.get().items.order_by("order"))


def test_starting_freezes_the_instrument_version(setup, waka):
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    version.refresh_from_db()
    assert version.is_frozen
    assert observation_start(row=row, version=version, user=waka.user) == observation


def test_observations_start_only_on_an_approved_programme(setup, waka):
    row, version = setup
    Programme.objects.filter(pk=row.programme_id).update(status="draft")
    row.refresh_from_db()
    with pytest.raises(ApplicationError):
        observation_start(row=row, version=version, user=waka.user)
    assert not Observation.objects.exists()


def test_saving_scores_computes_the_running_score(setup, waka):
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    items = items_of(version)
    saved = observation_save(
        observation=observation,
        user=waka.user,
        base_revision=0,
        scores={items[0].pk: {"points": 4}, items[1].pk: {"points": 2}},
        fields={"strengths": "Apersepsi baik"},
    )
    assert saved.revision == 1
    observation.refresh_from_db()
    assert observation.percentage == saved.result.percentage == 75
    assert observation.predikat == "Cukup"  # 75 reaches the band from 71
    assert observation.strengths == "Apersepsi baik"
    assert observation_result(observation).scored == 2


def test_a_save_from_an_older_copy_is_a_conflict_even_from_the_same_person(setup, waka):
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    item = items_of(version)[0]
    observation_save(
        observation=observation, user=waka.user, base_revision=0, scores={item.pk: {"points": 1}}, fields={}
    )
    # Her other device still has revision 0: it must not overwrite what she saved since.
    with pytest.raises(ConflictError) as conflict:
        observation_save(
            observation=observation, user=waka.user, base_revision=0, scores={item.pk: {"points": 3}}, fields={}
        )
    assert conflict.value.revision == 1 and conflict.value.changes[0]["theirs"] == "1"
    assert observation.scores.get(item=item).points == 1
    kept = conflict.value.copy
    assert kept.author == waka.user and kept.scores[str(item.pk)]["points"] == 3 and kept.resolved_at is None


def test_resending_entries_equal_to_the_stored_ones_is_no_conflict(setup, waka):
    """A save whose answer was lost is sent again on the old token: it changes nothing, so it is no
    conflict, and the token stays old so that the device's next real change is still checked."""
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    item = items_of(version)[0]
    observation_save(
        observation=observation, user=waka.user, base_revision=0, scores={item.pk: {"points": 3}}, fields={}
    )
    again = observation_save(
        observation=observation, user=waka.user, base_revision=0, scores={item.pk: {"points": 3}}, fields={}
    )
    assert again.revision == 0
    observation.refresh_from_db()
    assert observation.revision == 1 and not observation.conflict_copies.exists()


def test_another_persons_save_is_a_conflict_and_writes_nothing(setup, waka, kepala):
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    item = items_of(version)[0]
    observation_save(
        observation=observation, user=waka.user, base_revision=0, scores={item.pk: {"points": 4}}, fields={}
    )
    with pytest.raises(ConflictError) as conflict:
        observation_save(
            observation=observation, user=kepala.user, base_revision=0, scores={item.pk: {"points": 1}}, fields={}
        )
    assert conflict.value.changes[0]["theirs"] == "4"
    assert observation.scores.get(item=item).points == 4


@pytest.mark.parametrize(
    "score",
    [{"points": 5}, {"points": 0}, {"points": "x"}, {"na": True}],
)
def test_bad_scores_are_refused_and_nothing_changes(setup, waka, score):
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    item = items_of(version)[0]
    payload = {item.pk: score}
    with pytest.raises(ApplicationError):
        observation_save(observation=observation, user=waka.user, base_revision=0, scores=payload, fields={})
    assert not observation.scores.exists()


def test_an_item_of_another_version_is_refused(setup, waka, madrasah):
    row, version = setup
    other = instrument_version(madrasah=madrasah, academic_year=version.academic_year, code="lain")
    observation = observation_start(row=row, version=version, user=waka.user)
    foreign = items_of(other)[0]
    with pytest.raises(ApplicationError, match="does not belong|bukan milik"):
        observation_save(
            observation=observation, user=waka.user, base_revision=0, scores={foreign.pk: {"points": 3}}, fields={}
        )


def test_a_submitted_observation_cannot_be_saved(setup, waka):
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    Observation.objects.filter(pk=observation.pk).update(state=ObservationState.SUBMITTED)
    with pytest.raises(ApplicationError):
        observation_save(observation=observation, user=waka.user, base_revision=0, scores={}, fields={"strengths": "x"})


def test_history_records_each_score_change(setup, waka):
    row, version = setup
    observation = observation_start(row=row, version=version, user=waka.user)
    item = items_of(version)[0]
    observation_save(
        observation=observation, user=waka.user, base_revision=0, scores={item.pk: {"points": 2}}, fields={}
    )
    observation_save(
        observation=observation, user=waka.user, base_revision=1, scores={item.pk: {"points": 3}}, fields={}
    )
    events = list(observation.events.filter(action="saved"))
    assert [e.changes for e in events] == [
        [{"what": "item", "item": item.pk, "from": None, "to": "2"}],
        [{"what": "item", "item": item.pk, "from": "2", "to": "3"}],
    ]
    assert all(e.actor == waka.user for e in events)
