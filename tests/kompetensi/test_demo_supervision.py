"""seed_demo's supervision: a whole history a principal would recognise, through the real services."""

import datetime as dt

import pytest
from django.db.models import Avg

from kompetensi.instruments.rules import for_display
from kompetensi.models import FollowUp, Observation, ObservationState, Programme
from kompetensi.supervision.selectors.observations import observation_result
from tests.factories.demo import seeded_demo

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(db):
    seeded_demo(teachers=12, semesters=3, seed=3, today=TODAY.isoformat())


def test_every_seeded_semester_has_an_approved_programme_with_a_team(demo):
    programmes = Programme.objects.select_related("semester")
    assert programmes.count() == 3
    assert all(p.is_approved and hasattr(p.semester, "supervision_team") for p in programmes)


def test_the_current_semester_is_under_way_and_past_ones_are_final(demo):
    current = Observation.objects.filter(row__programme__semester__is_active=True)
    past = Observation.objects.exclude(row__programme__semester__is_active=True)
    assert set(past.values_list("state", flat=True)) <= {ObservationState.FINAL, ObservationState.CLARIFICATION}
    assert Observation.objects.filter(state=ObservationState.CLARIFICATION).count() == 1
    assert current.exists()
    assert Programme.objects.get(semester__is_active=True).rows.filter(planned_at__date__gt=TODAY).exists()


def test_follow_ups_are_some_closed_some_overdue(demo):
    assert FollowUp.objects.filter(status="selesai").exists()
    assert FollowUp.objects.filter(status="terbuka", deadline__lt=TODAY).exists()


def test_stored_scores_are_the_scoring_functions_result(demo):
    for observation in Observation.objects.exclude(state=ObservationState.DRAFT)[:20]:
        assert for_display(observation.percentage) == for_display(observation_result(observation).percentage)


def test_some_teachers_improve_and_some_dip(demo):
    first, last = (
        Programme.objects.order_by("semester__start_date")[0],
        Programme.objects.order_by("semester__start_date")[1],
    )
    changes = []
    for teacher_id in set(Observation.objects.values_list("teacher_id", flat=True)):
        before = Observation.objects.filter(row__programme=first, teacher_id=teacher_id).aggregate(a=Avg("percentage"))[
            "a"
        ]
        after = Observation.objects.filter(row__programme=last, teacher_id=teacher_id).aggregate(a=Avg("percentage"))[
            "a"
        ]
        if before is not None and after is not None:
            changes.append(after - before)
    assert any(c > 0 for c in changes) and any(c < 0 for c in changes)


def test_the_demos_planning_and_teaching_instruments_take_kbc_from_2025(db):
    from kompetensi.models import InstrumentVersion

    seeded_demo(teachers=6, semesters=4, seed=3, today=TODAY.isoformat())
    for code in ("perencanaan-km", "pelaksanaan-pembelajaran"):
        titles = {
            v.academic_year.start_year: [s.title for s in v.sections.order_by("order")]
            for v in InstrumentVersion.objects.filter(instrument__code=code).select_related("academic_year")
        }
        assert sorted(titles) == [2024, 2025, 2026]
        assert "Pembelajaran Mendalam" not in titles[2024]
        assert "Pembelajaran Mendalam" in titles[2025] and titles[2026] == titles[2025]
