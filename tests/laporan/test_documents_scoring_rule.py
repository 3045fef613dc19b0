"""The supervision PDFs state each instrument's scoring rule under its table, and print a score as its
predikat was read. The instrument is `document_world.version_with_two_sections` (1–4, bands
91/81/71/0, section A three items, section B two) set to normalised items, the weighted mean of the
sections and a predikat read from a whole number, before anyone used it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from kompetensi.instruments.scoring import scoring_rule_sentence
from kompetensi.models import InstrumentVersion, Observation
from kompetensi.supervision.selectors.results import (
    instrument_results,
    metric_instrument_average,
    metric_instrument_predikat_share,
    strongest_items,
)
from tests.factories import supervision
from tests.laporan.document_helpers import build, semester_period
from tests.laporan.document_world import NOW, name_people, observe, version_with_two_sections, wib

OPTIONS = {"item_scoring": "normalised", "section_combining": "section_mean", "band_rounding": "whole"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def semester(madrasah, kepala, waka, guru, guru_lain):
    """Badrus (guru) scored 4 4 3 | 3 3: A (3 + 3 + 2) ÷ 9 = 88,89 %, B (2 + 2) ÷ 6 = 66,67 %, mean
    77,78 → read as 78, Cukup (the default rule: 17 ÷ 20 = 85,00, Baik)."""
    name_people(kepala, waka, guru, guru_lain)
    semester = supervision.active_semester(madrasah)
    version = version_with_two_sections(madrasah, semester.academic_year)
    InstrumentVersion.objects.filter(pk=version.pk).update(**OPTIONS)
    version.refresh_from_db()
    supervision.team(madrasah=madrasah, semester=semester, members=[waka])
    programme = supervision.approve(
        supervision.programme(madrasah=madrasah, semester=semester, created_by=waka), kepala=kepala
    )
    observe(
        programme,
        guru,
        waka,
        version,
        [4, 4, 3, 3, 3],
        planned_at=wib(2026, 8, 17, 7, 30),
        observed_on=dt.date(2026, 8, 17),
    )
    return semester


def rule() -> str:
    with translation.override("id"):
        return scoring_rule_sentence(**OPTIONS, scale_min=1, scale_max=4)


def test_the_filled_sheet_states_the_rule_and_the_score_as_read(madrasah, semester, guru):
    context, text, _pages = build("lembar-isi", madrasah=madrasah, period=semester_period(semester), teacher=guru.staff)
    [sheet] = context["sheets"]
    assert (sheet.shown, sheet.predikat) == ("78", "Cukup")
    assert (sheet.points, sheet.maximum) == (12, 15)  # counted from the lowest score
    assert "88,89" in text and "66,67" in text and "12 / 15" in text
    assert rule() in text
    assert "85,00" not in text and "77,78" not in text


def test_the_analysis_states_the_rule_under_the_instruments_table(madrasah, semester):
    context, text, _pages = build("analisis", madrasah=madrasah, period=semester_period(semester))
    [analysis] = context["instruments"]
    assert analysis.rule == rule()
    assert rule() in text
    assert [(r.shown, r.predikat) for r in analysis.rows] == [("78", "Cukup")]


def test_the_teacher_record_states_the_rule(madrasah, semester, guru):
    context, text, _pages = build("guru", madrasah=madrasah, period=semester_period(semester), teacher=guru.staff)
    assert context["rules"] == [rule()]
    assert rule() in text
    assert [r["score"] for r in context["results"]] == ["78"]


def test_the_blank_sheet_states_the_rule(madrasah, semester):
    _context, text, _pages = build("lembar-kosong", madrasah=madrasah, period=semester_period(semester))
    assert rule() in text


@pytest.mark.parametrize("code", ["program", "semester"])
def test_the_programme_and_the_semester_recap_state_the_rule(code, madrasah, semester):
    context, text, _pages = build(code, madrasah=madrasah, period=semester_period(semester))
    assert context["rules"] == [rule()]
    assert rule() in text


def test_the_dashboards_section_and_item_figures_count_normalised_points(madrasah, semester):
    version = InstrumentVersion.objects.get()
    ids = {"madrasah_id": madrasah.pk, "semester_ids": [semester.pk]}
    [group] = instrument_results(**ids, sections_for=semester.pk)
    assert [(title, round(total, 2)) for title, _order, total, _n in group.sections] == [
        ("Bagian A", Decimal("88.89")),
        ("Bagian B", Decimal("66.67")),
    ]
    items = strongest_items(**ids, instrument_ids=[version.instrument_id], limit=5)
    assert [round(i.average, 2) for i in items] == [100, 100, Decimal("66.67"), Decimal("66.67"), Decimal("66.67")]
    measure = metric_instrument_average(
        madrasah=madrasah, semester_ids=[semester.pk], instrument_id=version.instrument_id, section_title="Bagian B"
    )
    assert round(measure.value, 2) == Decimal("66.67")


def test_the_share_reaching_a_predikat_reads_each_result_as_its_version_does(madrasah, semester):
    # A result stored as 80.5 on a version reading whole numbers is Baik (from 81); unrounded it is not.
    version = InstrumentVersion.objects.get()
    Observation.objects.update(percentage=Decimal("80.5"), predikat="Baik")
    share = {"madrasah": madrasah, "semester_ids": [semester.pk], "instrument_id": version.instrument_id}
    assert metric_instrument_predikat_share(**share, predikat="Baik").value == 100
    InstrumentVersion.objects.update(band_rounding="none")
    assert metric_instrument_predikat_share(**share, predikat="Baik").value == 0
