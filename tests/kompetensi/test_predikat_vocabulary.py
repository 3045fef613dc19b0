"""One predikat vocabulary per madrasah for its supervision instruments: every new supervision version
takes the madrasah's bands, a change on one unused version is the madrasah's, and versions already
used, and the PKG, keep their own."""

from decimal import Decimal

import pytest

from kompetensi.instruments.rules import Band, supervision_vocabulary
from kompetensi.instruments.seed import instruments_ensure_defaults
from kompetensi.instruments.seed_data import SUPERVISION_BANDS
from kompetensi.instruments.services import instrument_version_freeze
from kompetensi.models import InstrumentVersion, PredikatBand
from madrasah.models import AcademicYear

DEFAULT = [(lower, label) for lower, label in SUPERVISION_BANDS]
CHANGED = "86 Sangat Baik\n70 Baik\n55 Cukup\n0 Kurang"
CHANGED_BANDS = [(Decimal(86), "Sangat Baik"), (Decimal(70), "Baik"), (Decimal(55), "Cukup"), (Decimal(0), "Kurang")]


@pytest.fixture
def year(madrasah):
    return madrasah.semesters.get().academic_year


@pytest.fixture
def versions(madrasah, year):
    instruments_ensure_defaults(madrasah=madrasah, academic_year=year)
    return {
        v.instrument.kind: v for v in InstrumentVersion.objects.filter(academic_year=year).select_related("instrument")
    }


def _bands(version):
    return [(b.lower_bound, b.label) for b in PredikatBand.objects.filter(version=version).order_by("-lower_bound")]


def _settings(bands):
    return {
        "scale_min": 1,
        "scale_max": 4,
        "scale_labels": "1 = Belum ada\n4 = Lengkap",
        "follow_up_below": "3",
        "bands": bands,
    }


def test_the_three_supervision_instruments_start_with_one_vocabulary_and_the_pkg_keeps_its_own(versions):
    assert (
        _bands(versions["perencanaan"]) == _bands(versions["pelaksanaan"]) == _bands(versions["penilaian"]) == DEFAULT
    )
    # 80.92 and 80.69 now read the same on every supervision instrument: both below 81, "Cukup".
    assert [label for _lower, label in _bands(versions["pkg"])] == ["Amat Baik", "Baik", "Cukup", "Sedang", "Kurang"]


def test_changing_one_unused_versions_bands_changes_the_madrasahs_and_leaves_used_ones(
    client, waka, madrasah, versions
):
    instrument_version_freeze(version=versions["penilaian"])
    client.force_login(waka.user)
    response = client.post(f"/kompetensi/instrumen/{versions['perencanaan'].pk}/ubah/", _settings(CHANGED))
    assert response.status_code == 302
    assert _bands(versions["perencanaan"]) == CHANGED_BANDS
    assert _bands(versions["pelaksanaan"]) == CHANGED_BANDS  # not used yet: follows the madrasah
    assert _bands(versions["penilaian"]) == DEFAULT  # already used by records: keeps its meaning
    assert [label for _lower, label in _bands(versions["pkg"])][0] == "Amat Baik"
    madrasah.refresh_from_db()
    assert madrasah.supervision_bands == [["86", "Sangat Baik"], ["70", "Baik"], ["55", "Cukup"], ["0", "Kurang"]]


def test_a_new_year_takes_the_madrasahs_vocabulary_even_from_a_version_with_other_bands(
    client, waka, madrasah, year, versions
):
    # Last year's assessment version was used with the old bands; the madrasah then chose others.
    instrument_version_freeze(version=versions["penilaian"])
    client.force_login(waka.user)
    client.post(f"/kompetensi/instrumen/{versions['pelaksanaan'].pk}/ubah/", _settings(CHANGED))
    next_year = AcademicYear.objects.create(madrasah=madrasah, start_year=year.start_year + 1)
    created = {v.instrument.kind: v for v in instruments_ensure_defaults(madrasah=madrasah, academic_year=next_year)}
    assert _bands(created["penilaian"]) == CHANGED_BANDS
    assert _bands(created["perencanaan"]) == CHANGED_BANDS
    assert _bands(created["pkg"]) == _bands(versions["pkg"])


def test_a_stored_vocabulary_that_is_not_a_valid_set_of_bands_falls_back_to_the_default():
    default = [(Decimal(91), "Amat Baik"), (Decimal(0), "Kurang")]
    assert supervision_vocabulary([], default) == [Band(Decimal(91), "Amat Baik"), Band(Decimal(0), "Kurang")]
    assert supervision_vocabulary([["1e400x", "Baik"]], default)[0].label == "Amat Baik"
    assert supervision_vocabulary([["50", "Baik"]], default)[0].label == "Amat Baik"  # does not start at 0
    assert supervision_vocabulary([["0", "Kurang"], ["80", "Baik"]], default) == [
        Band(Decimal(80), "Baik"),
        Band(Decimal(0), "Kurang"),
    ]
