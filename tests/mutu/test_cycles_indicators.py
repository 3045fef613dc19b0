"""Check through HTTP: "Ukur sekarang" measures every indicator of the catalogue over the cycle's own
period (a semester → that semester; a year → all its semesters; PKB → the academic start year; PKG →
the academic year) and stores value, n, sum, target, met and gap. Values are hand-computed from a
small fixture; the metric math itself is tested with the metrics (the kompetensi selectors)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kompetensi.appraisal.services.closing import appraisal_period_close, appraisal_period_reopen
from kompetensi.instruments.rules import Measure
from mutu.cycles import indicators
from mutu.models import Direction, IndicatorKind, Measurement, Stage
from tests.factories import mutu as f

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=WIB)  # in 2026/2027 ganjil
PDF = b"%PDF-1.4\n%%EOF\n"
K = IndicatorKind


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ganjil(madrasah):
    return f.semester(madrasah, 2026, "ganjil")


@pytest.fixture
def year(ganjil):
    return ganjil.academic_year


def measure(client, cycle) -> Measurement:
    response = client.post(reverse("mutu:cycle-measure", args=[cycle.pk]))
    assert response.status_code == 302
    return cycle.measurements.get()


def check_cycle(kepala, **kwargs):
    return f.cycle(owner=kepala, stage=Stage.CHECK, **kwargs)


# --- each indicator against hand-computed values ---------------------------------------------------------


def test_instrument_average_of_a_semester(login, kepala, waka, guru, guru_lain, ganjil):
    f.final_result(semester=ganjil, teacher=guru, supervisor=waka, percentage="80")
    f.final_result(semester=ganjil, teacher=guru_lain, supervisor=waka, percentage="90")
    # Another semester's result does not count in this one.
    f.final_result(semester=f.semester(ganjil.madrasah, 2025, "genap"), teacher=guru, supervisor=waka, percentage="10")
    cycle = check_cycle(kepala, semester=ganjil, instrument=f.planning_version(ganjil.madrasah, ganjil.academic_year))

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total) == (Decimal("85.0000"), 2, Decimal("170.0000"))
    assert (m.target, m.met, m.gap) == (Decimal("80.00"), True, Decimal("5.0000"))
    assert m.period_label.startswith("2026/2027")
    assert m.measured_at == NOW and m.measured_by == kepala.user


def test_instrument_average_of_a_year_counts_every_semester_of_it(login, kepala, waka, guru, guru_lain, madrasah):
    # 2025/2026: guru_lain 60 in ganjil, guru 70 in genap → 65 over the year.
    f.final_result(semester=f.semester(madrasah, 2025, "ganjil"), teacher=guru_lain, supervisor=waka, percentage="60")
    f.final_result(semester=f.semester(madrasah, 2025, "genap"), teacher=guru, supervisor=waka, percentage="70")
    year = f.semester(madrasah, 2025, "ganjil").academic_year
    cycle = check_cycle(kepala, academic_year=year, instrument=f.planning_version(madrasah, year), target=70)

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total, m.met, m.gap) == (
        Decimal("65.0000"),
        2,
        Decimal("130.0000"),
        False,
        Decimal("-5.0000"),
    )
    assert m.period_label == "2025/2026"


def test_instrument_predikat_share(login, kepala, waka, guru, guru_lain, ganjil):
    # Bands of the test instrument: 91 Amat Baik, 81 Baik, 71 Cukup, 0 Kurang.
    f.final_result(semester=ganjil, teacher=guru, supervisor=waka, percentage="80", predikat="Cukup")
    f.final_result(semester=ganjil, teacher=guru_lain, supervisor=waka, percentage="90", predikat="Baik")
    cycle = check_cycle(
        kepala,
        semester=ganjil,
        indicator=K.INSTRUMENT_PREDIKAT,
        instrument=f.planning_version(ganjil.madrasah, ganjil.academic_year),
        predikat="Baik",
        target=75,
    )

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total, m.met, m.gap) == (
        Decimal("50.0000"),
        2,
        Decimal("1.0000"),
        False,
        Decimal("-25.0000"),
    )


def test_pkg_predikat_share_uses_the_academic_years_frozen_figures(login, kepala, waka, guru, guru_lain, year):
    f.approved_pkg(academic_year=year, teacher=guru, assessor=kepala, nilai="95", predikat="Amat Baik")
    f.approved_pkg(academic_year=year, teacher=guru_lain, assessor=kepala, nilai="80", predikat="Baik")
    f.approved_pkg(academic_year=year, teacher=waka, assessor=kepala, nilai="92", predikat="Amat Baik")
    # Measured from the figures frozen when the Kepala closed the year's PKG, which a late
    # appraisal does not move (two measurements would otherwise give away that teacher's predikat).
    appraisal_period_close(period=year.appraisal_periods.get(), user=kepala.user)
    appraisal_period_reopen(period=year.appraisal_periods.get(), user=kepala.user)
    f.approved_pkg(academic_year=year, teacher=kepala, assessor=waka, nilai="60", predikat="Kurang")
    cycle = check_cycle(kepala, academic_year=year, indicator=K.PKG_PREDIKAT, predikat="Amat Baik", target=50)

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total, m.met, m.gap) == (
        Decimal("66.6667"),
        3,
        Decimal("2.0000"),
        True,
        Decimal("16.6667"),
    )


def test_pkg_predikat_share_of_a_year_not_closed_has_no_data(login, kepala, waka, guru, guru_lain, year):
    for teacher in (guru, guru_lain, waka):
        f.approved_pkg(academic_year=year, teacher=teacher, assessor=kepala, nilai="95", predikat="Amat Baik")
    cycle = check_cycle(kepala, academic_year=year, indicator=K.PKG_PREDIKAT, predikat="Amat Baik", target=50)

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total) == (None, 0, None)


def test_rows_observed_on_time(login, kepala, waka, guru, guru_lain, ganjil):
    on_time = dt.datetime(2026, 7, 20, 7, 30, tzinfo=WIB)
    late = dt.datetime(2026, 7, 21, 7, 30, tzinfo=WIB)
    f.final_result(
        semester=ganjil, teacher=guru, supervisor=waka, percentage="80", planned_at=on_time, observed_on=on_time.date()
    )
    f.final_result(
        semester=ganjil,
        teacher=guru_lain,
        supervisor=waka,
        percentage="80",
        planned_at=late,
        observed_on=dt.date(2026, 7, 25),
    )
    cycle = check_cycle(kepala, semester=ganjil, indicator=K.ROWS_ON_TIME, target=90)

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total, m.met) == (Decimal("50.0000"), 2, Decimal("1.0000"), False)


def test_follow_ups_closed_by_their_deadline(login, kepala, waka, guru, ganjil):
    observation = f.final_result(semester=ganjil, teacher=guru, supervisor=waka, percentage="80")
    f.follow_up(observation, deadline=dt.date(2026, 8, 1), closed_on=dt.date(2026, 7, 30))  # on time
    f.follow_up(observation, deadline=dt.date(2026, 8, 1))  # open and overdue on 1 October
    f.follow_up(observation, deadline=dt.date(2026, 8, 10), closed_on=dt.date(2026, 8, 15))  # late
    f.follow_up(observation, deadline=dt.date(2026, 12, 1))  # not due yet: not counted
    cycle = check_cycle(kepala, semester=ganjil, indicator=K.FOLLOW_UPS_ON_TIME, target=90)

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total, m.met) == (Decimal("33.3333"), 3, Decimal("1.0000"), False)
    assert m.gap == Decimal("-56.6667")


def test_pkb_average_jp_over_the_active_teachers(login, kepala, waka, guru, guru_lain, year):
    f.verified_pkb(guru, jp=24, start=dt.date(2026, 8, 3))
    f.verified_pkb(guru_lain, jp=10, start=dt.date(2026, 9, 1))
    f.verified_pkb(guru, jp=40, start=dt.date(2026, 6, 1))  # the previous academic year
    cycle = check_cycle(kepala, academic_year=year, indicator=K.PKB_AVERAGE_JP, target=20)

    m = measure(login(kepala), cycle)

    # Four active teachers (the Kepala, the Waka and two gurus): 34 JP / 4.
    assert (m.value, m.n, m.total, m.met, m.gap) == (
        Decimal("8.5000"),
        4,
        Decimal("34.0000"),
        False,
        Decimal("-11.5000"),
    )


def test_pkb_share_of_civil_servants_reaching_20_jp(login, kepala, waka, guru, guru_lain, year):
    f.verified_pkb(guru, jp=24, start=dt.date(2026, 8, 3))
    f.verified_pkb(guru_lain, jp=19, start=dt.date(2026, 9, 1))
    cycle = check_cycle(kepala, academic_year=year, indicator=K.PKB_PNS_REACHED, target=25)

    m = measure(login(kepala), cycle)

    assert (m.value, m.n, m.total, m.met) == (Decimal("25.0000"), 4, Decimal("1.0000"), True)


def test_a_manual_indicator_is_entered_with_its_evidence(login, kepala, ganjil, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cycle = check_cycle(kepala, semester=ganjil, indicator=K.MANUAL, manual_name="Guru memakai wifi", target=30)
    client = login(kepala)
    url = reverse("mutu:cycle-measure", args=[cycle.pk])

    without_evidence = client.post(url, {"value": "35"})
    assert without_evidence.status_code == 200
    assert "note" in without_evidence.context["measure_form"].errors
    assert Measurement.objects.count() == 0
    out_of_range = client.post(url, {"value": "-1", "note": "Absensi wifi"})
    assert "value" in out_of_range.context["measure_form"].errors
    assert Measurement.objects.count() == 0

    upload = SimpleUploadedFile("absen.pdf", PDF, content_type="application/pdf")
    response = client.post(url, {"value": "35,5", "note": "Absensi wifi Oktober", "evidence": upload})

    assert response.status_code == 302
    m = cycle.measurements.get()
    assert (m.value, m.n, m.total, m.met, m.gap) == (Decimal("35.5000"), 0, None, True, Decimal("5.5000"))
    assert m.evidence and m.evidence_name == "absen.pdf"
    download = client.get(reverse("mutu:measurement-evidence", args=[m.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


# --- direction, no data, the period mapping ---------------------------------------------------------------


def test_at_most_targets_have_a_positive_gap_when_better(login, kepala, waka, guru, ganjil):
    f.final_result(semester=ganjil, teacher=guru, supervisor=waka, percentage="15")
    cycle = check_cycle(
        kepala,
        semester=ganjil,
        instrument=f.planning_version(ganjil.madrasah, ganjil.academic_year),
        direction=Direction.AT_MOST,
        target=20,
    )

    m = measure(login(kepala), cycle)

    assert (m.value, m.met, m.gap) == (Decimal("15.0000"), True, Decimal("5.0000"))


def test_no_data_is_stored_as_no_value_and_shown_as_belum_ada_data(login, kepala, ganjil):
    cycle = check_cycle(kepala, semester=ganjil, instrument=f.planning_version(ganjil.madrasah, ganjil.academic_year))
    client = login(kepala)

    m = measure(client, cycle)

    assert (m.value, m.n, m.total, m.met, m.gap) == (None, 0, None, None, None)
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert 'data-testid="cycle-latest" data-value=""' in page
    assert "belum ada data" in page


@pytest.mark.parametrize(
    ("kind", "metric", "extra"),
    [
        (K.INSTRUMENT_AVERAGE, "metric_instrument_average", {}),
        (K.INSTRUMENT_PREDIKAT, "metric_instrument_predikat_share", {"predikat": "Baik"}),
        (K.ROWS_ON_TIME, "metric_rows_on_time", {}),
        (K.FOLLOW_UPS_ON_TIME, "metric_follow_ups_on_time", {}),
        (K.PKG_PREDIKAT, "metric_pkg_predikat_share", {"predikat": "Baik"}),
        (K.PKB_AVERAGE_JP, "metric_pkb_average_jp", {}),
        (K.PKB_PNS_REACHED, "metric_pkb_pns_reached", {}),
    ],
)
def test_each_kind_maps_the_year_onto_its_metric(monkeypatch, kepala, madrasah, kind, metric, extra):
    ganjil, genap = f.semester(madrasah, 2026, "ganjil"), f.semester(madrasah, 2026, "genap")
    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return Measure(Decimal(1), 1, Decimal(1))

    monkeypatch.setattr(indicators, metric, spy)
    version = f.planning_version(madrasah, ganjil.academic_year)
    cycle = f.cycle(
        owner=kepala,
        academic_year=ganjil.academic_year,
        indicator=kind,
        instrument=version,
        section_title="Bagian A" if kind == K.INSTRUMENT_AVERAGE else "",
        subject_group="PAI" if kind in (K.INSTRUMENT_AVERAGE, K.INSTRUMENT_PREDIKAT) else "",
        **extra,
    )

    indicators.measure_indicator(cycle=cycle, period=indicators.cycle_period(cycle), now=NOW)

    (call,) = calls
    assert call["madrasah"] == madrasah
    expected = {
        K.INSTRUMENT_AVERAGE: {
            "semester_ids": [ganjil.pk, genap.pk],
            "instrument_id": version.instrument_id,
            "section_title": "Bagian A",
            "competency_id": None,
            "subject_group": "PAI",
        },
        K.INSTRUMENT_PREDIKAT: {
            "semester_ids": [ganjil.pk, genap.pk],
            "instrument_id": version.instrument_id,
            "predikat": "Baik",
            "subject_group": "PAI",
        },
        K.ROWS_ON_TIME: {"semester_ids": [ganjil.pk, genap.pk], "now": NOW},
        K.FOLLOW_UPS_ON_TIME: {"semester_ids": [ganjil.pk, genap.pk], "today": NOW.date()},
        K.PKG_PREDIKAT: {"academic_year_id": ganjil.academic_year_id, "predikat": "Baik"},
        K.PKB_AVERAGE_JP: {"start_year": 2026},
        K.PKB_PNS_REACHED: {"start_year": 2026},
    }[kind]
    assert {k: v for k, v in call.items() if k != "madrasah"} == expected


def test_a_semester_cycle_measures_its_semester_and_its_baseline_the_previous_one(monkeypatch, kepala, madrasah):
    previous, ganjil = f.semester(madrasah, 2026, "genap"), f.semester(madrasah, 2027, "ganjil")
    f.semester(madrasah, 2026, "ganjil")
    calls = []

    def spy(**kwargs):
        calls.append(kwargs["semester_ids"])
        return Measure(None, 0, None)

    monkeypatch.setattr(indicators, "metric_instrument_average", spy)
    cycle = f.cycle(owner=kepala, semester=ganjil, instrument=f.planning_version(madrasah, ganjil.academic_year))

    indicators.measure_indicator(cycle=cycle, period=indicators.cycle_period(cycle), now=NOW)
    indicators.measure_indicator(cycle=cycle, period=indicators.previous_period(cycle), now=NOW)

    assert calls == [[ganjil.pk], [previous.pk]]


def shows_number(html: str, number: str) -> bool:
    """Whether the page's text or an attribute value carries `number` as a figure (72, 72,0, 72.00),
    not as part of another number such as an id (164), an id in a link (/mutu/siklus/72/) or a token."""
    return re.search(rf"(?<![\w.,/]){number}(?:[.,]\d+)?(?![\w/])", html) is not None


# --- confidential values ---------------------------------------------------------------------------------


def test_a_team_teacher_never_sees_values_computed_from_colleagues_supervision_results(
    login, kepala, waka, guru, guru_lain, ganjil
):
    """Two teachers observed: the average (and its difference after a third) would give a colleague's
    result away to a teacher of the cycle's team. The Kepala measures; the team teacher sees no number."""
    f.final_result(semester=ganjil, teacher=guru, supervisor=waka, percentage="80")
    f.final_result(semester=ganjil, teacher=guru_lain, supervisor=waka, percentage="64")
    cycle = check_cycle(kepala, semester=ganjil, instrument=f.planning_version(ganjil.madrasah, ganjil.academic_year))
    cycle.team.add(guru.staff)
    measure(login(kepala), cycle)

    kepala_page = login(kepala).get(cycle.get_absolute_url())  # also shows the measuring message
    team_page = login(guru).get(cycle.get_absolute_url())

    assert team_page.status_code == 200
    assert team_page.context["scores_hidden"] is True
    body = team_page.content.decode()
    # Neither the mean nor the colleague's result, as a number anywhere on the page (ids and tokens aside).
    assert not shows_number(body, "72") and not shows_number(body, "64")
    assert "hanya Kepala, Waka, dan pengawas" in body
    assert kepala_page.context["scores_hidden"] is False
    assert shows_number(kepala_page.content.decode(), "72")
