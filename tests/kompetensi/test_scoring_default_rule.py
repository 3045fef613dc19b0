"""A version with the default scoring options gives exactly the results of the rule every stored
result was scored with: pooled points by section weight, predikat on the unrounded value. The rule
is written out below as it stood, and compared on the demo's observations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kompetensi.instruments.rules import predikat
from kompetensi.instruments.selectors import bands_of
from kompetensi.models import InstrumentVersion, Observation, ObservationState
from kompetensi.supervision.selectors.observations import observation_result
from tests.factories.demo import seeded_demo

TODAY = dt.date(2026, 11, 26)


def pooled_rule(observation: Observation) -> tuple[Decimal | None, str | None]:
    """Σ weight × points ÷ Σ weight × (scored applicable items × scale max) × 100; predikat unrounded."""
    version = observation.instrument_version
    scores = {s.item_id: s for s in observation.scores.all()}
    weighted_points = weighted_max = Decimal(0)
    for section in version.sections.prefetch_related("items"):
        counted = [
            scores[i.pk].points
            for i in section.items.all()
            if i.pk in scores and not scores[i.pk].not_applicable and scores[i.pk].points is not None
        ]
        weighted_points += section.weight * Decimal(sum(counted))
        weighted_max += section.weight * Decimal(len(counted) * version.scale_max)
    total = weighted_points / weighted_max * 100 if weighted_max else None
    return total, predikat(total, bands_of(version))


@pytest.fixture
def demo(db):
    seeded_demo(teachers=12, semesters=3, seed=3, today=TODAY.isoformat())


def test_every_demo_version_has_the_default_options(demo):
    assert set(InstrumentVersion.objects.values_list("item_scoring", "section_combining", "band_rounding")) == {
        ("as_given", "pooled", "none")
    }


def test_default_options_give_exactly_the_stored_and_the_pooled_results(demo):
    observations = Observation.objects.exclude(state=ObservationState.DRAFT).select_related("instrument_version")
    assert observations.count() > 20
    for observation in observations:
        result = observation_result(observation)
        expected = pooled_rule(observation)
        assert (result.percentage, result.predikat) == expected
        assert observation.predikat == result.predikat
        assert observation.percentage == result.percentage.quantize(Decimal("0.0001"))  # stored with 4 places
        assert result.band_value == result.percentage
