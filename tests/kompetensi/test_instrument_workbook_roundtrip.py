"""An instrument version exported as a workbook and imported into another year or madrasah is the same
instrument: the parsed specs and every cell value are identical, for each standard instrument and
each KBC example."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from kompetensi.instruments import seed_data, selectors
from kompetensi.instruments.examples import EXAMPLES
from kompetensi.instruments.seed import instrument_create_from_spec
from kompetensi.instruments.services import instrument_import
from kompetensi.instruments.workbook import spec_workbook, workbook_read
from kompetensi.instruments.workbook.layout import DATA_SHEETS
from tests.factories.madrasah import AcademicYearFactory


def cell_values(data: bytes) -> dict:
    workbook = load_workbook(BytesIO(data))
    return {name: [[c.value for c in row] for row in workbook[name].iter_rows()] for name in DATA_SHEETS}


def round_trip(version, madrasah, academic_year):
    spec = selectors.instrument_version_spec(version=version)
    exported = spec_workbook(spec)
    read, issues = workbook_read(exported, frameworks=selectors.framework_indexes())
    assert issues == []
    assert read == spec
    imported = instrument_import(madrasah=madrasah, academic_year=academic_year, data=exported)
    assert selectors.instrument_version_spec(version=imported) == spec
    assert cell_values(spec_workbook(selectors.instrument_version_spec(version=imported))) == cell_values(exported)
    return imported


@pytest.mark.parametrize("spec", seed_data.ALL_INSTRUMENTS, ids=lambda s: s["code"])
def test_each_standard_instrument_survives_a_round_trip_to_another_year_and_madrasah(spec, madrasah, other_madrasah):
    year = madrasah.semesters.get().academic_year
    version = instrument_create_from_spec(madrasah=madrasah, academic_year=year, spec=spec)
    next_year = AcademicYearFactory(madrasah=madrasah, start_year=year.start_year + 1)
    copy = round_trip(version, madrasah, next_year)
    assert copy.instrument == version.instrument
    other_year = other_madrasah.semesters.get().academic_year
    foreign = round_trip(version, other_madrasah, other_year)
    assert foreign.instrument.madrasah == other_madrasah


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_each_kbc_example_survives_a_round_trip(key, madrasah, other_madrasah):
    year = AcademicYearFactory(madrasah=madrasah, start_year=2025)
    version = instrument_import(madrasah=madrasah, academic_year=year, data=EXAMPLES[key].data())
    assert selectors.instrument_version_spec(version=version) == {**EXAMPLES[key].spec}
    round_trip(version, other_madrasah, AcademicYearFactory(madrasah=other_madrasah, start_year=2025))


def test_the_scoring_options_and_an_unlabelled_value_survive_a_round_trip(madrasah, other_madrasah):
    year = madrasah.semesters.get().academic_year
    version = instrument_create_from_spec(madrasah=madrasah, academic_year=year, spec=seed_data.PENILAIAN)
    version.item_scoring, version.section_combining, version.band_rounding = "normalised", "section_mean", "whole"
    version.scale_labels = {**version.scale_labels, str(version.scale_min): ""}
    version.save()
    imported = round_trip(version, other_madrasah, other_madrasah.semesters.get().academic_year)
    assert (imported.item_scoring, imported.section_combining, imported.band_rounding) == (
        "normalised",
        "section_mean",
        "whole",
    )
