"""Frameworks and versioned instruments: seeded defaults, edits, frozen versions, copies."""

from decimal import Decimal

import pytest

from kompetensi.instruments.seed import ensure_frameworks, instruments_ensure_defaults
from kompetensi.instruments.services import instrument_version_freeze
from kompetensi.models import Competency, Framework, Indicator, InstrumentVersion, Item
from tests.factories.kompetensi import instrument_version


@pytest.fixture
def year(madrasah):
    return madrasah.semesters.get().academic_year


@pytest.fixture
def version(madrasah, year):
    return instrument_version(madrasah=madrasah, academic_year=year)


def settings_data(**overrides):
    data = {
        "scale_min": 1,
        "scale_max": 4,
        "scale_labels": "1 = Belum ada\n4 = Lengkap",
        "follow_up_below": "3",
        "bands": "91 Amat Baik\n81 Baik\n71 Cukup\n0 Kurang",
    }
    data.update(overrides)
    return data


def test_the_pkg_framework_has_14_competencies_and_78_indicators():
    framework = Framework.objects.get(code="pkg-mapel")
    counts = [c.indicators.count() for c in Competency.objects.filter(framework=framework).order_by("number")]
    assert counts == [6, 6, 4, 11, 7, 6, 5, 5, 5, 8, 3, 3, 3, 6]
    assert [d.code for d in framework.domains.order_by("order")] == [
        "pedagogik",
        "kepribadian",
        "sosial",
        "profesional",
    ]


def test_seeding_the_framework_twice_changes_nothing():
    before = list(Indicator.objects.order_by("pk").values_list("pk", "text"))
    ensure_frameworks()
    assert list(Indicator.objects.order_by("pk").values_list("pk", "text")) == before


def test_seeding_frameworks_already_in_place_only_reads_them(django_assert_num_queries):
    with django_assert_num_queries(4) as queries:  # frameworks, domains, competencies, indicators
        ensure_frameworks()
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries.captured_queries)


def test_seeding_puts_back_what_was_changed_or_removed():
    indicator = Indicator.objects.get(competency__framework__code="pkg-mapel", competency__number=4, number=2)
    text = indicator.text
    Indicator.objects.filter(pk=indicator.pk).update(text="diubah")
    competency = indicator.competency
    Competency.objects.filter(pk=competency.pk).update(name="diubah")
    competency.indicators.filter(number=11).delete()
    count = Indicator.objects.count()

    ensure_frameworks()

    assert Indicator.objects.get(pk=indicator.pk).text == text
    assert Competency.objects.get(pk=competency.pk).name != "diubah"
    assert competency.indicators.filter(number=11).exists()
    assert Indicator.objects.count() == count + 1


def test_the_waka_prepares_and_sees_the_standard_instruments_of_the_active_year(client, waka, year):
    client.force_login(waka.user)
    client.post("/kompetensi/instrumen/bawaan/", {"tahun": year.start_year})
    response = client.get("/kompetensi/instrumen/")
    versions = list(response.context["versions"])
    assert {v.instrument.kind for v in versions} == {"perencanaan", "pelaksanaan", "penilaian", "pkg", "pkkm"}
    pkg = next(v for v in versions if v.instrument.code == "pkg-mapel")
    assert Item.objects.filter(section__version=pkg).count() == 78
    assert pkg.framework.code == "pkg-mapel"
    teaching = next(v for v in versions if v.instrument.code == "pelaksanaan-pembelajaran")
    assert teaching.sections.get(title__icontains="Inti").weight == Decimal(2)
    assert teaching.allow_not_applicable


def test_preparing_defaults_again_adds_nothing(madrasah, year):
    assert len(instruments_ensure_defaults(madrasah=madrasah, academic_year=year)) == 8
    assert instruments_ensure_defaults(madrasah=madrasah, academic_year=year) == []


def test_a_new_year_copies_last_years_versions_forward(madrasah, year):
    from madrasah.models import AcademicYear

    instruments_ensure_defaults(madrasah=madrasah, academic_year=year)
    next_year = AcademicYear.objects.create(madrasah=madrasah, start_year=year.start_year + 1)
    created = instruments_ensure_defaults(madrasah=madrasah, academic_year=next_year)
    assert all(v.copied_from is not None for v in created)


def test_the_waka_edits_scale_and_bands(client, waka, version):
    client.force_login(waka.user)
    response = client.post(
        f"/kompetensi/instrumen/{version.pk}/ubah/", settings_data(bands="86 Sangat Baik\n70 Baik\n55 Cukup\n0 Kurang")
    )
    assert response.status_code == 302
    assert [(b.lower_bound, b.label) for b in version.bands.all()] == [
        (Decimal(86), "Sangat Baik"),
        (Decimal(70), "Baik"),
        (Decimal(55), "Cukup"),
        (Decimal(0), "Kurang"),
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"scale_min": 4, "scale_max": 4}, "scale_max", "harus di atas"),
        ({"scale_min": 4, "scale_max": 1}, "scale_max", "harus di atas"),
        ({"bands": "91 Amat Baik\n71 Cukup"}, "bands", "harus dimulai dari 0"),
        ({"bands": "91 Amat Baik\n91 Baik\n0 Kurang"}, "bands", "batas bawah yang sama"),
        ({"bands": "sembilan puluh\n0 Kurang"}, "bands", "Baris 1"),
        ({"scale_labels": "7 = Istimewa"}, "scale_labels", "di luar skala"),
        ({"follow_up_below": "9"}, "follow_up_below", "dalam skala"),
    ],
)
def test_bad_instrument_settings_are_refused_at_the_field(client, waka, version, overrides, field, message):
    client.force_login(waka.user)
    response = client.post(f"/kompetensi/instrumen/{version.pk}/ubah/", settings_data(**overrides))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert version.bands.count() == 4
    version.refresh_from_db()
    assert (version.scale_min, version.scale_max) == (1, 4)


def section_data(title="Bagian B", weight="2", items=("Butir satu", "Butir dua")):
    data = {"title": title, "weight": weight, "items-TOTAL_FORMS": str(len(items) + 1), "items-INITIAL_FORMS": "0"}
    for n, text in enumerate(items):
        data[f"items-{n}-text"] = text
    return data


def test_the_waka_adds_a_weighted_section(client, waka, version):
    client.force_login(waka.user)
    response = client.post(f"/kompetensi/instrumen/{version.pk}/bagian/tambah/", section_data())
    assert response.status_code == 302
    section = version.sections.get(title="Bagian B")
    assert section.weight == Decimal(2)
    assert list(section.items.values_list("text", flat=True)) == ["Butir satu", "Butir dua"]


@pytest.mark.parametrize(("weight", "message"), [("0", "harus di atas 0"), ("-1", "harus di atas 0")])
def test_a_weight_of_zero_or_less_is_refused(client, waka, version, weight, message):
    client.force_login(waka.user)
    response = client.post(f"/kompetensi/instrumen/{version.pk}/bagian/tambah/", section_data(weight=weight))
    assert message in response.context["form"].errors["weight"][0]
    assert version.sections.count() == 1


def test_a_section_without_items_is_refused(client, waka, version):
    client.force_login(waka.user)
    response = client.post(f"/kompetensi/instrumen/{version.pk}/bagian/tambah/", section_data(items=()))
    assert "minimal satu butir" in " ".join(response.context["formset"].non_form_errors())
    assert version.sections.count() == 1


def test_a_frozen_version_refuses_every_edit(client, waka, version):
    instrument_version_freeze(version=version)
    section = version.sections.get()
    client.force_login(waka.user)
    settings_page = client.post(f"/kompetensi/instrumen/{version.pk}/ubah/", settings_data(scale_max=5), follow=True)
    assert "tidak dapat diubah" in " ".join(str(m) for m in settings_page.context["messages"])
    client.post(f"/kompetensi/instrumen/{version.pk}/bagian/{section.pk}/ubah/", section_data(title="Diubah"))
    client.post(f"/kompetensi/instrumen/{version.pk}/bagian/{section.pk}/hapus/")
    client.post(f"/kompetensi/instrumen/{version.pk}/bagian/tambah/", section_data())
    version.refresh_from_db()
    assert version.scale_max == 4
    assert list(version.sections.values_list("title", flat=True)) == ["Bagian A"]


def test_copy_to_next_year_gives_an_editable_version(client, waka, version):
    instrument_version_freeze(version=version)
    client.force_login(waka.user)
    response = client.post(f"/kompetensi/instrumen/{version.pk}/salin/")
    copy = InstrumentVersion.objects.get(copied_from=version)
    assert response.url == f"/kompetensi/instrumen/{copy.pk}/"
    assert copy.academic_year.start_year == version.academic_year.start_year + 1
    assert not copy.is_frozen
    assert [i.text for i in Item.objects.filter(section__version=copy)] == [
        i.text for i in Item.objects.filter(section__version=version)
    ]
    client.post(f"/kompetensi/instrumen/{copy.pk}/ubah/", settings_data(scale_max=5))
    copy.refresh_from_db()
    assert copy.scale_max == 5


def test_copying_twice_to_the_same_year_is_refused(client, waka, version):
    client.force_login(waka.user)
    client.post(f"/kompetensi/instrumen/{version.pk}/salin/")
    response = client.post(f"/kompetensi/instrumen/{version.pk}/salin/", follow=True)
    assert "sudah memiliki versi" in " ".join(str(m) for m in response.context["messages"])
    assert InstrumentVersion.objects.filter(copied_from=version).count() == 1


def test_a_teacher_reads_instruments_but_cannot_edit(client, guru, version):
    client.force_login(guru.user)
    assert client.get(f"/kompetensi/instrumen/{version.pk}/").status_code == 200
    assert client.post(f"/kompetensi/instrumen/{version.pk}/ubah/", settings_data(scale_max=5)).status_code == 403


def test_the_framework_page_lists_every_indicator(client, guru):
    framework = Framework.objects.get(code="pkg-mapel")
    client.force_login(guru.user)
    response = client.get(f"/kompetensi/kerangka/{framework.pk}/")
    assert response.content.decode().count("<li>") >= 78


def test_the_bk_framework_has_the_17_counsellor_competencies_in_four_domains():
    framework = Framework.objects.get(code="pkg-bk")
    assert framework.teacher_type == "bk"
    per_domain = [d.competencies.count() for d in framework.domains.order_by("order")]
    assert per_domain == [3, 4, 3, 7]
    assert framework.competencies.get(number=16).name == "Memiliki kesadaran dan komitmen terhadap etika profesional"


def test_the_defaults_bring_the_bk_examples_titled_as_examples(client, waka, year):
    client.force_login(waka.user)
    client.post("/kompetensi/instrumen/bawaan/", {"tahun": year.start_year})
    body = client.get("/kompetensi/instrumen/").content.decode()
    assert "Contoh Instrumen PKG Guru BK/Konselor" in body
    assert "Contoh Supervisi Perencanaan Layanan BK (RPL)" in body
    bk = InstrumentVersion.objects.get(instrument__code="pkg-bk", academic_year=year)
    assert bk.framework.code == "pkg-bk"
    # Every section scores one competency of the BK framework; no item claims a national indicator.
    assert sorted(bk.sections.values_list("competency__number", flat=True)) == list(range(1, 18))
    assert not Item.objects.filter(section__version=bk, indicator__isnull=False).exists()
