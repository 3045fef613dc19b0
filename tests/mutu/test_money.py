"""Money through HTTP: the funding view of a period (totals per source against hand-computed values,
cancelled activities out of the planned totals, the share depending on BOS, an empty period), its
RKAM workbook (the same numbers as the page), and the entrepreneurship log (validated at its fields,
nothing written on a refusal, yearly totals per unit, another madrasah's entry 404)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from mutu.models import ActivityStatus, BusinessActivity, FundingSource
from mutu.money import selectors as selectors_money
from tests.factories.madrasah import AcademicYearFactory, SemesterFactory
from tests.factories.mutu_money import activity, business_entry, cycle

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# 1 October 2026: academic year 2026/2027, semester ganjil (the active one of the `madrasah` fixture).
TODAY = dt.datetime(2026, 10, 1, 9, 0, tzinfo=WIB)
FUNDING = reverse("mutu:funding")
EXPORT = reverse("mutu:funding-export")
BUSINESS = reverse("mutu:business-list")
CREATE = reverse("mutu:business-create")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def ganjil(madrasah):
    return madrasah.semesters.select_related("academic_year").get()


@pytest.fixture
def genap(ganjil):
    return SemesterFactory(
        academic_year=ganjil.academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
        is_active=False,
    )


@pytest.fixture
def costed(kepala, ganjil, genap, outsider, other_madrasah):
    """Hand-computed world, year 2026/2027:

    | cycle      | activity | source     | status    | planned   | spent     | RKAM                       |
    |------------|----------|------------|-----------|-----------|-----------|----------------------------|
    | whole year | IHT      | DIPA-BOS   | running   | 3.000.000 | 1.250.000 | Pengembangan profesi guru  |
    | whole year | MGMP     | komite     | planned   | 1.000.000 |         0 | Pengembangan profesi guru  |
    | whole year | Lokakarya| DIPA-BOS   | planned   |   800.000 |         0 | Pengembangan profesi guru  |
    | ganjil     | Supervisi| DIPA-BOS   | done      | 2.000.000 | 2.000.000 | Supervisi akademik         |
    | ganjil     | Bazar    | unit usaha | running   |   500.000 |   250.000 | (none)                     |
    | ganjil     | Studi    | DIPA-BOS   | cancelled | 4.000.000 |   150.000 | Supervisi akademik         |

    Year: BOS planned 5.800.000 (cancelled out), spent 3.400.000; komite 1.000.000 / 0; unit usaha
    500.000 / 250.000; total planned 7.300.000, spent 3.650.000; BOS share 5,8/7,3 = 79,45%.
    Ganjil: the lokakarya (genap) is out: BOS planned 5.000.000, total 6.500.000, share 76,92%.
    The lokakarya starts in February 2027 (genap). Noise that must never count: another year's cycle
    and another madrasah's cycle.
    """
    year = ganjil.academic_year
    whole = cycle(owner=kepala, academic_year=year, title="Siklus modul ajar")
    semester = cycle(owner=kepala, academic_year=year, semester=ganjil, title="Siklus supervisi")
    prof = "Pengembangan profesi guru"
    activity(whole, planned=3_000_000, spent=1_250_000, rkam=prof, status=ActivityStatus.RUNNING, what="IHT")
    activity(whole, planned=1_000_000, source=FundingSource.KOMITE, rkam=prof, what="MGMP")
    activity(whole, planned=800_000, rkam=prof, start=dt.date(2027, 2, 10), what="Lokakarya")
    activity(
        semester, planned=2_000_000, spent=2_000_000, rkam="Supervisi akademik", status="selesai", what="Supervisi"
    )
    activity(semester, planned=500_000, spent=250_000, source=FundingSource.BUSINESS, status="berjalan", what="Bazar")
    activity(semester, planned=4_000_000, spent=150_000, rkam="Supervisi akademik", status="batal", what="Studi")
    # Noise.
    last_year = AcademicYearFactory(madrasah=kepala.madrasah, start_year=2025)
    activity(cycle(owner=kepala, academic_year=last_year), planned=9_999_000, start=dt.date(2025, 8, 1))
    their_year = other_madrasah.academic_years.get()
    activity(cycle(owner=outsider, academic_year=their_year), planned=7_777_000, spent=7_777_000)
    # The entrepreneurship log: two entries in the year (one in each semester), one the year before.
    business_entry(kepala.madrasah, kepala.user, date=dt.date(2026, 9, 5), income=1_500_000, expense=400_000)
    business_entry(kepala.madrasah, kepala.user, date=dt.date(2027, 3, 5), income=700_000, unit="Kantin")
    business_entry(kepala.madrasah, kepala.user, date=dt.date(2026, 6, 30), income=5_000_000)
    business_entry(other_madrasah, outsider.user, date=dt.date(2026, 9, 5), income=8_888_000)
    return year


def values(html: str, testid: str) -> list[str]:
    """The data-value attributes inside the element(s) marked `data-testid=testid` (rows or cells)."""
    found = []
    for match in re.finditer(rf'<(\w+)[^>]*data-testid="{testid}"[^>]*>(.*?)</\1>', html, re.S):
        whole = match.group(0)
        found += re.findall(r'data-value="([^"]*)"', whole)
    return found


def source_rows(html: str) -> dict[str, tuple[Decimal, Decimal]]:
    rows = {}
    for source, body in re.findall(r'data-testid="source-row" data-source="(\w+)">(.*?)</tr>', html, re.S):
        planned, spent = re.findall(r'data-value="([^"]*)"', body)
        rows[source] = (Decimal(planned), Decimal(spent))
    return rows


# --- the funding view ------------------------------------------------------------------------------


def test_the_year_shows_totals_per_source_as_computed_by_hand(login, kepala, costed):
    response = login(kepala).get(FUNDING)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["period"].key == "2026"  # the year of the active semester by default
    assert source_rows(html) == {
        "dipa_bos": (Decimal("5800000.00"), Decimal("3400000.00")),
        "dipa_non_bos": (Decimal("0"), Decimal("0")),
        "komite": (Decimal("1000000.00"), Decimal("0")),
        "unit_usaha": (Decimal("500000.00"), Decimal("250000.00")),
        "donatur": (Decimal("0"), Decimal("0")),
        "lainnya": (Decimal("0"), Decimal("0")),
    }
    assert values(html, "planned-total") == ["7300000.00"]
    assert values(html, "spent-total") == ["3650000.00"]
    assert values(html, "bos-share") == ["79.45"]
    assert "Rp 7.300.000" in html
    assert "Rp 3.650.000" in html
    assert "79,45%" in html


def test_cancelled_activities_are_listed_but_left_out_of_the_planned_totals(login, kepala, costed):
    html = login(kepala).get(FUNDING).content.decode()
    # The page says so, in Indonesian.
    assert "Kegiatan yang dibatalkan tidak dihitung dalam total rencana" in html
    assert "1 kegiatan batal tidak dihitung" in html
    assert "Studi" in html and "Rp 4.000.000" in html  # still listed
    subtotals = values(html, "rkam-subtotal")
    # Pengembangan profesi guru, Supervisi akademik, then activities without an RKAM activity.
    assert subtotals == ["4800000.00", "1250000.00", "2000000.00", "2150000.00", "500000.00", "250000.00"]


def test_a_semester_counts_its_own_cycles_and_whole_year_activities_starting_in_it(login, kepala, costed):
    ganjil = login(kepala).get(FUNDING, {"periode": "2026-2027-ganjil"})
    html = ganjil.content.decode()
    assert source_rows(html)["dipa_bos"] == (Decimal("5000000.00"), Decimal("3400000.00"))
    assert values(html, "planned-total") == ["6500000.00"]
    assert values(html, "bos-share") == ["76.92"]
    assert "Lokakarya" not in html
    genap = login(kepala).get(FUNDING, {"periode": "2026-2027-genap"}).content.decode()
    assert values(genap, "planned-total") == ["800000.00"]
    assert values(genap, "bos-share") == ["100.00"]
    assert "Lokakarya" in genap and "Bazar" not in genap


def test_business_income_of_the_period_is_shown_beside_the_business_unit_funding(login, kepala, costed):
    html = login(kepala).get(FUNDING).content.decode()
    # Income 1.500.000 + 700.000, expense 400.000 (the entry of June 2026 belongs to last year).
    assert values(html, "business-income") == ["2200000.00", "400000.00", "1800000.00"]
    assert values(html, "business-funding") == ["500000.00", "250000.00"]
    ganjil = login(kepala).get(FUNDING, {"periode": "2026-2027-ganjil"}).content.decode()
    assert values(ganjil, "business-income") == ["1500000.00", "400000.00", "1100000.00"]


def test_an_empty_period_says_no_data_yet(login, kepala, genap):
    response = login(kepala).get(FUNDING, {"periode": "2026-2027-genap"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="funding-empty"' in html
    assert re.search(r'data-testid="bos-share" data-value="">\s*belum ada data', html)
    assert values(html, "planned-total") == ["0.00"]
    assert 'id="chart-funding' not in html  # no chart of zeros


def test_nothing_planned_but_cancelled_gives_no_bos_share(kepala, ganjil):
    activity(cycle(owner=kepala, academic_year=ganjil.academic_year), planned=1_000, status="batal")
    period = selectors_money.Period(academic_year=ganjil.academic_year)
    summary = selectors_money.funding_summary(madrasah=kepala.madrasah, period=period)
    assert summary.planned_total == 0
    assert summary.bos_share is None
    assert summary.cancelled_count == 1


def test_the_chart_comes_with_its_table(login, kepala, costed):
    html = login(kepala).get(FUNDING).content.decode()
    assert html.count('class="bar"') == len(FundingSource.values)
    assert 'data-testid="source-table"' in html


def test_the_totals_take_a_fixed_number_of_queries(kepala, costed, django_assert_num_queries):
    period = selectors_money.Period(academic_year=costed)
    # Sources and totals; RKAM subtotals; the activities with their cycles; the business income.
    with django_assert_num_queries(4):
        selectors_money.funding_summary(madrasah=kepala.madrasah, period=period)


def test_an_unknown_period_is_404(login, kepala, costed):
    assert login(kepala).get(FUNDING, {"periode": "2030"}).status_code == 404
    assert login(kepala).get(EXPORT, {"periode": "2030-2031-ganjil"}).status_code == 404


@pytest.mark.parametrize("persona", ["guru", "operator"])
def test_teachers_and_the_operator_do_not_see_the_funding_view(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get(FUNDING).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_the_pengawas_and_the_waka_read_it(login, waka, pengawas, costed):
    for persona in (waka, pengawas):
        assert values(login(persona).get(FUNDING).content.decode(), "planned-total") == ["7300000.00"]


def test_the_outsider_sees_only_their_own_madrasah(login, outsider, costed):
    html = login(outsider).get(FUNDING).content.decode()
    assert values(html, "planned-total") == ["7777000.00"]
    assert "Pengembangan profesi guru" not in html


# --- the RKAM workbook -------------------------------------------------------------------------------


def _workbook(client, **params):
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content)).active


def _rows_after(sheet, title: str) -> list[tuple]:
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    return rows[start + 1 :]


@pytest.mark.parametrize("period", ["2026", "2026-2027-ganjil"])
def test_the_workbook_has_the_numbers_of_the_page(login, kepala, costed, period):
    client = login(kepala)
    html = client.get(FUNDING, {"periode": period}).content.decode()
    sheet = _workbook(client, periode=period)
    screen = source_rows(html)
    totals = _rows_after(sheet, "Total per sumber dana")
    by_label = {row[0]: row[1:3] for row in totals[1:8]}
    summary = selectors_money.funding_summary(
        madrasah=kepala.madrasah,
        period=selectors_money.funding_period_chosen(
            periods=selectors_money.funding_periods(madrasah=kepala.madrasah), key=period
        ),
    )
    for source in summary.sources:
        planned, spent = by_label[source.label]
        assert (Decimal(planned), Decimal(spent)) == screen[source.source]
    planned_total, spent_total = by_label["Jumlah"]
    assert Decimal(planned_total) == Decimal(values(html, "planned-total")[0])
    assert Decimal(spent_total) == Decimal(values(html, "spent-total")[0])
    share_row = totals[8]
    assert Decimal(str(share_row[1])) == Decimal(values(html, "bos-share")[0])
    subtotals = [row for row in sheet.iter_rows(values_only=True) if str(row[0]).startswith("Subtotal")]
    assert [Decimal(v) for row in subtotals for v in row[7:9]] == [Decimal(v) for v in values(html, "rkam-subtotal")]


def test_the_workbook_lists_every_activity_under_its_rkam_activity(login, kepala, costed):
    sheet = _workbook(login(kepala), periode="2026")
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    assert header[:3] == ("Kegiatan RKAM", "Siklus mutu", "Kegiatan")
    studi = next(row for row in rows if row[2] == "Studi")
    assert studi[0] == "Supervisi akademik"
    assert studi[5] == "DIPA-BOS"
    assert "tidak dihitung" in studi[6]
    assert (studi[7], studi[8]) == (4_000_000, 150_000)
    bazar = next(row for row in rows if row[2] == "Bazar")
    assert bazar[0] == "(tanpa kegiatan RKAM)"
    assert "Rp" in sheet.cell(row=rows.index(bazar) + 1, column=8).number_format
    assert not any(row[2] == "IHT" and row[7] == 9_999_000 for row in rows)  # last year's noise


def test_the_workbook_of_an_empty_period_says_no_data_yet(login, kepala, genap):
    sheet = _workbook(login(kepala), periode="2026-2027-genap")
    rows = list(sheet.iter_rows(values_only=True))
    share = next(row for row in rows if row[0] == "Bagian yang bergantung pada BOS (persen)")
    assert share[1] == "belum ada data"


# --- the entrepreneurship log ------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "date": "2026-09-20",
        "unit": "Koperasi siswa",
        "description": "Penjualan seragam",
        "income": "1.250.000",
        "expense": "Rp 300.000",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["kepala", "operator"])
def test_the_kepala_and_the_operator_record_a_business_activity(request, login, persona):
    member = request.getfixturevalue(persona)
    response = login(member).post(CREATE, form_data())
    assert response.status_code == 302
    assert response.url == f"{BUSINESS}?tahun=2026"
    entry = BusinessActivity.objects.get()
    assert (entry.unit, entry.description) == ("Koperasi siswa", "Penjualan seragam")
    assert (entry.income, entry.expense) == (Decimal("1250000.00"), Decimal("300000.00"))
    assert entry.recorded_by == member.user
    assert entry.madrasah == member.madrasah


def test_amounts_with_cents_and_spaces_in_the_unit_are_tidied(login, kepala):
    login(kepala).post(CREATE, form_data(unit="  Koperasi   siswa ", income="1.250.000,50", expense="0"))
    entry = BusinessActivity.objects.get()
    assert entry.unit == "Koperasi siswa"
    assert entry.income == Decimal("1250000.50")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"income": "-5000"}, "income", "Pemasukan tidak boleh negatif."),
        ({"expense": "-1"}, "expense", "Pengeluaran tidak boleh negatif."),
        ({"date": "2099-01-01"}, "date", "Tanggal tidak boleh di masa depan"),
        ({"date": "2026-10-02"}, "date", "Tanggal tidak boleh di masa depan"),
        ({"unit": ""}, "unit", "Bidang ini tidak boleh kosong."),
        ({"unit": "   "}, "unit", "Bidang ini tidak boleh kosong."),
        ({"income": "sejuta"}, "income", "Masukkan angka."),
        ({"income": "99999999999999"}, "income", None),
    ],
    ids=["negative-income", "negative-expense", "far-future", "tomorrow", "no-unit", "blank-unit", "words", "huge"],
)
def test_bad_input_is_refused_at_its_field_in_indonesian_and_nothing_is_written(
    login, kepala, overrides, field, message
):
    response = login(kepala).post(CREATE, form_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert message in " ".join(errors[field])
    assert not BusinessActivity.objects.exists()


def test_a_refused_change_leaves_the_entry_as_it_was(login, kepala):
    entry = business_entry(kepala.madrasah, kepala.user, date=dt.date(2026, 9, 1), income=100_000)
    url = reverse("mutu:business-update", args=[entry.pk])
    response = login(kepala).post(url, form_data(income="-1", unit="Kantin"))
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.unit, entry.income) == ("Koperasi", Decimal("100000.00"))


def test_the_form_shows_the_amounts_back_as_written(login, kepala):
    entry = business_entry(kepala.madrasah, kepala.user, date=dt.date(2026, 9, 1), income=1_250_000)
    html = login(kepala).get(reverse("mutu:business-update", args=[entry.pk])).content.decode()
    assert 'value="1250000"' in html
    assert 'list="business-units"' in html and '<option value="Koperasi">' in html


def test_an_entry_is_changed_and_deleted(login, kepala):
    entry = business_entry(kepala.madrasah, kepala.user, date=dt.date(2026, 9, 1), income=100_000)
    client = login(kepala)
    response = client.post(reverse("mutu:business-update", args=[entry.pk]), form_data())
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.income == Decimal("1250000.00")
    assert entry.recorded_by == kepala.user
    response = client.post(reverse("mutu:business-delete", args=[entry.pk]))
    assert response.status_code == 302
    assert not BusinessActivity.objects.exists()


def test_the_list_gives_yearly_totals_per_unit(login, waka, kepala):
    m, u = kepala.madrasah, kepala.user
    business_entry(m, u, date=dt.date(2026, 8, 1), unit="Koperasi", income=1_000_000, expense=250_000)
    business_entry(m, u, date=dt.date(2027, 5, 1), unit="Koperasi", income=500_000)
    business_entry(m, u, date=dt.date(2026, 9, 1), unit="Kantin", income=300_000, expense=400_000)
    business_entry(m, u, date=dt.date(2026, 6, 30), unit="Koperasi", income=9_000_000)  # 2025/2026
    html = login(waka).get(BUSINESS).content.decode()
    units = dict(re.findall(r'data-testid="unit-row" data-unit="([^"]+)">(.*?)</tr>', html, re.S))
    assert re.findall(r'data-value="([^"]*)"', units["Koperasi"]) == ["1500000.00", "250000.00", "1250000.00"]
    assert re.findall(r'data-value="([^"]*)"', units["Kantin"]) == ["300000.00", "400000.00", "-100000.00"]
    assert values(html, "unit-total") == ["1800000.00", "650000.00", "1150000.00"]
    assert "-Rp 100.000" in html
    assert 'data-testid="business-create"' not in html  # the Waka reads only
    last_year = login(waka).get(BUSINESS, {"tahun": "2025"}).content.decode()
    assert values(last_year, "unit-total") == ["9000000.00", "0.00", "9000000.00"]


@pytest.mark.parametrize("persona", ["waka", "pengawas", "guru"])
def test_only_the_kepala_and_the_operator_write_the_log(request, login, kepala, persona):
    entry = business_entry(kepala.madrasah, kepala.user, date=dt.date(2026, 9, 1), income=100_000)
    client = login(request.getfixturevalue(persona))
    assert client.post(CREATE, form_data()).status_code == 403
    assert client.post(reverse("mutu:business-update", args=[entry.pk]), form_data()).status_code == 403
    assert client.post(reverse("mutu:business-delete", args=[entry.pk])).status_code == 403
    assert BusinessActivity.objects.get().income == Decimal("100000.00")


def test_another_madrasahs_entry_is_404(login, kepala, outsider, other_madrasah):
    theirs = business_entry(other_madrasah, outsider.user, date=dt.date(2026, 9, 1), income=100_000)
    client = login(kepala)
    assert client.get(reverse("mutu:business-update", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("mutu:business-update", args=[theirs.pk]), form_data()).status_code == 404
    assert client.post(reverse("mutu:business-delete", args=[theirs.pk])).status_code == 404
    assert BusinessActivity.objects.get().income == Decimal("100000.00")
    assert "100.000" not in client.get(BUSINESS).content.decode()


def test_the_pages_are_in_the_navigation(login, waka, operator, guru):
    page = reverse("madrasah:password-change")
    waka_nav = login(waka).get(page).content.decode()
    assert f'href="{FUNDING}"' in waka_nav and f'href="{BUSINESS}"' in waka_nav
    operator_nav = login(operator).get(page).content.decode()
    assert f'href="{BUSINESS}"' in operator_nav and f'href="{FUNDING}"' not in operator_nav
    guru_nav = login(guru).get(page).content.decode()
    assert f'href="{BUSINESS}"' not in guru_nav and f'href="{FUNDING}"' not in guru_nav
