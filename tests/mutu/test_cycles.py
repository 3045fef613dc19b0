"""Planning a quality cycle through HTTP: the plan and its validation (nothing written on a refusal),
the baseline measured from the previous period, the board, the page of a cycle, closed cycles, and
the principal's summary in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mutu.cycles import rules, selectors
from mutu.models import Cycle, CycleEvent, IndicatorKind, Stage
from tests.factories import mutu as f
from tests.factories.kompetensi import instrument_version
from tests.factories.madrasah import MadrasahFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=WIB)
K = IndicatorKind


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ganjil(madrasah):
    return f.semester(madrasah, 2026, "ganjil")


@pytest.fixture
def version(ganjil):
    return f.planning_version(ganjil.madrasah, ganjil.academic_year)


@pytest.fixture
def plan(kepala, ganjil, version):
    """`plan(**overrides)`: the form data of "average planning score ≥ 80" for 2026/2027 ganjil."""

    def data(**overrides) -> dict:
        values = {
            "title": "Rata-rata nilai perencanaan ≥ 80",
            "standard": "ptk",
            "edm_aspect": "proses_pembelajaran",
            "edm_indicator": "Guru menyusun perencanaan pembelajaran",
            "owner": str(kepala.staff_id),
            "period": f"s{ganjil.pk}",
            "indicator": K.INSTRUMENT_AVERAGE,
            "instrument": str(version.instrument_id),
            "direction": "min",
            "target": "80",
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v is not None}

    return data


def create(client, data):
    return client.post(reverse("mutu:cycle-create"), data)


# --- planning and the baseline --------------------------------------------------------------------------


def test_the_kepala_plans_a_cycle_with_its_baseline_from_the_previous_semester(login, kepala, waka, guru, ganjil, plan):
    genap = f.semester(ganjil.madrasah, 2025, "genap")
    f.final_result(semester=genap, teacher=guru, supervisor=waka, percentage="70")

    response = create(login(kepala), plan(team=[str(waka.staff_id), str(guru.staff_id)]))

    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response.url == cycle.get_absolute_url()
    assert (cycle.stage, cycle.semester, cycle.academic_year) == (Stage.PLAN, ganjil, ganjil.academic_year)
    assert (cycle.baseline, cycle.baseline_n, cycle.baseline_total) == (Decimal("70.0000"), 1, Decimal("70.0000"))
    assert cycle.baseline_period.startswith("2025/2026") and cycle.baseline_measured_at == NOW
    assert set(cycle.team.all()) == {waka.staff, guru.staff}
    event = cycle.events.get()
    assert (event.action, event.actor, event.changes) == (
        "created",
        kepala.user,
        [{"what": "stage", "from": None, "to": "plan"}],
    )


def test_a_year_cycle_takes_its_baseline_from_the_previous_academic_year(login, kepala, waka, guru, guru_lain, plan):
    madrasah = kepala.madrasah
    f.final_result(semester=f.semester(madrasah, 2025, "ganjil"), teacher=guru_lain, supervisor=waka, percentage="60")
    f.final_result(semester=f.semester(madrasah, 2025, "genap"), teacher=guru, supervisor=waka, percentage="70")
    year = f.semester(madrasah, 2026, "ganjil").academic_year

    create(login(kepala), plan(period=f"y{year.pk}"))

    cycle = Cycle.objects.get()
    assert cycle.semester is None and cycle.academic_year == year
    assert (cycle.baseline, cycle.baseline_n, cycle.baseline_period) == (Decimal("65.0000"), 2, "2025/2026")


def test_without_earlier_data_the_baseline_says_belum_ada_data(login, kepala, plan):
    client = login(kepala)
    create(client, plan())

    cycle = Cycle.objects.get()
    assert cycle.baseline is None and cycle.baseline_period == ""
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert 'data-testid="cycle-baseline" data-value="">belum ada data<' in page


def test_the_waka_plans_too_and_the_pengawas_and_teachers_may_not(login, waka, guru, pengawas, operator, plan):
    assert create(login(waka), plan()).status_code == 302
    for persona in (guru, pengawas, operator):
        assert create(login(persona), plan()).status_code == 403
    assert Cycle.objects.count() == 1


def test_the_plan_form_offers_the_active_semester(login, kepala, ganjil):
    response = login(kepala).get(reverse("mutu:cycle-create"))
    assert response.status_code == 200
    assert response.context["form"]["period"].value() == f"s{ganjil.pk}"


# --- bad plans are refused at their field, nothing written ----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target": "100,5"}, "target"),
        ({"target": "-1"}, "target"),
        ({"instrument": None}, "instrument"),
        ({"indicator": K.INSTRUMENT_PREDIKAT}, "predikat"),
        ({"indicator": K.INSTRUMENT_PREDIKAT, "predikat": "Sedang"}, "predikat"),  # not a band of this instrument
        ({"indicator": K.PKG_PREDIKAT, "period": "year"}, "predikat"),
        ({"indicator": K.PKB_AVERAGE_JP, "target": "10"}, "period"),  # counted per academic year
        ({"indicator": K.MANUAL, "target": "5"}, "manual_name"),
        ({"section_title": "Bagian Z"}, "section_title"),
        ({"title": " "}, "title"),
        ({"edm_indicator": ""}, "edm_indicator"),
    ],
)
def test_a_bad_plan_is_refused_at_its_field(login, kepala, ganjil, plan, overrides, field):
    if overrides.get("period") == "year":
        overrides = {**overrides, "period": f"y{ganjil.academic_year_id}"}
    response = create(login(kepala), plan(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Cycle.objects.count() == 0 and CycleEvent.objects.count() == 0


def test_the_target_range_follows_the_indicator(login, kepala, ganjil, plan):
    client = login(kepala)
    year = f"y{ganjil.academic_year_id}"
    refused = create(client, plan(indicator=K.PKB_AVERAGE_JP, period=year, target="1.000,01"))
    assert "target" in refused.context["form"].errors
    assert Cycle.objects.count() == 0
    assert create(client, plan(indicator=K.PKB_AVERAGE_JP, period=year, target="1000")).status_code == 302
    assert create(client, plan(indicator=K.MANUAL, manual_name="Guru memakai wifi", target="25000")).status_code == 302
    assert create(client, plan(target="100")).status_code == 302
    assert sorted(Cycle.objects.values_list("target", flat=True)) == [Decimal(100), Decimal(1000), Decimal(25000)]


def test_another_madrasahs_instrument_or_period_is_refused(login, kepala, plan, outsider):
    other = outsider.madrasah
    foreign_version = instrument_version(
        madrasah=other, academic_year=other.semesters.get().academic_year, code="asing"
    )
    client = login(kepala)

    by_instrument = create(client, plan(instrument=str(foreign_version.instrument_id)))
    by_period = create(client, plan(period=f"s{other.semesters.get().pk}"))
    by_owner = create(client, plan(owner=str(outsider.staff_id)))

    assert "instrument" in by_instrument.context["form"].errors
    assert "period" in by_period.context["form"].errors
    assert "owner" in by_owner.context["form"].errors
    assert Cycle.objects.count() == 0


# --- changing the plan ----------------------------------------------------------------------------------


def test_changing_the_target_is_logged_from_and_to(login, kepala, plan):
    client = login(kepala)
    create(client, plan())
    cycle = Cycle.objects.get()

    response = client.post(reverse("mutu:cycle-update", args=[cycle.pk]), plan(target="85", version="0"))

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.target == Decimal(85)
    event = cycle.events.get(action="plan_changed")
    assert event.changes == [{"what": "target", "from": "80,00", "to": "85,00"}]


def test_after_plan_the_indicator_and_period_stay(login, kepala, ganjil, version, plan):
    cycle = f.cycle(owner=kepala, semester=ganjil, instrument=version, stage=Stage.DO)
    other = f.semester(ganjil.madrasah, 2026, "genap")

    response = login(kepala).post(
        reverse("mutu:cycle-update", args=[cycle.pk]),
        plan(indicator=K.ROWS_ON_TIME, period=f"s{other.pk}", title="Judul baru", version="0"),
    )

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.title, cycle.indicator, cycle.semester) == ("Judul baru", K.INSTRUMENT_AVERAGE, ganjil)


def test_a_linked_cycle_keeps_its_carried_baseline_when_its_plan_is_saved(login, kepala, ganjil, version, plan):
    previous = f.cycle(owner=kepala, semester=f.semester(ganjil.madrasah, 2025, "genap"), instrument=version)
    cycle = f.cycle(
        owner=kepala,
        semester=ganjil,
        instrument=version,
        previous=previous,
        baseline=Decimal("77.5"),
        baseline_n=3,
        baseline_start_year=2025,
        baseline_semester="genap",
        baseline_measured_at=NOW,
    )

    login(kepala).post(reverse("mutu:cycle-update", args=[cycle.pk]), plan(target="82", version="0"))

    cycle.refresh_from_db()
    assert (cycle.baseline, cycle.baseline_n, cycle.target) == (Decimal("77.5"), 3, Decimal(82))


# --- closed cycles ---------------------------------------------------------------------------------------


def test_a_closed_cycle_cannot_be_changed(login, kepala, ganjil, version, plan, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cycle = f.cycle(
        owner=kepala, semester=ganjil, instrument=version, stage=Stage.CLOSED, decision="hentikan", decision_reason="x"
    )
    activity = f.activity(cycle)
    client = login(kepala)
    before = (CycleEvent.objects.count(), cycle.activities.count(), cycle.measurements.count())

    responses = [
        client.post(reverse("mutu:cycle-update", args=[cycle.pk]), plan(target="90")),
        client.post(reverse("mutu:cycle-advance", args=[cycle.pk])),
        client.post(reverse("mutu:cycle-measure", args=[cycle.pk])),
        client.post(reverse("mutu:cycle-act", args=[cycle.pk]), {"decision": "lanjutkan", "decision_reason": "y"}),
        client.post(reverse("mutu:activity-create", args=[cycle.pk]), {"what": "Baru"}),
        client.post(reverse("mutu:activity-update", args=[activity.pk]), {"what": "Ubah"}),
        client.post(reverse("mutu:activity-delete", args=[activity.pk])),
        client.post(reverse("mutu:activity-progress", args=[activity.pk]), {"note": "Catatan"}),
    ]

    assert [r.status_code for r in responses] == [302] * len(responses)
    cycle.refresh_from_db()
    assert (cycle.target, cycle.stage, cycle.decision) == (Decimal(80), Stage.CLOSED, "hentikan")
    assert (CycleEvent.objects.count(), cycle.activities.count(), cycle.measurements.count()) == before
    assert not activity.progress.exists()
    page = client.get(cycle.get_absolute_url(), follow=True).content.decode()
    assert 'data-testid="cycle-closed">Siklus ini sudah ditutup dan tidak dapat diubah lagi.' in page


def test_another_madrasahs_cycle_is_not_found(login, kepala, outsider, ganjil, version):
    cycle = f.cycle(owner=kepala, semester=ganjil, instrument=version)
    client = login(outsider)
    assert client.get(cycle.get_absolute_url()).status_code == 404
    assert client.post(reverse("mutu:cycle-advance", args=[cycle.pk])).status_code == 404


# --- the board and the page -----------------------------------------------------------------------------


def test_the_board_shows_cycles_by_stage_for_the_current_year(login, kepala, ganjil, version):
    f.cycle(owner=kepala, semester=ganjil, instrument=version, title="Siklus A")
    checked = f.cycle(owner=kepala, semester=ganjil, instrument=version, title="Siklus B", stage=Stage.CHECK)
    f.measurement(checked, by=kepala, value="82.5")
    f.cycle(owner=kepala, semester=f.semester(ganjil.madrasah, 2025, "genap"), instrument=version, title="Lama")

    response = login(kepala).get(reverse("mutu:cycle-list"))

    groups = {g.stage: [c.title for c in g.cycles] for g in response.context["groups"]}
    assert groups == {"plan": ["Siklus A"], "do": [], "check": ["Siklus B"], "act": [], "closed": []}
    page = response.content.decode()
    assert 'data-testid="board-column-check"' in page
    assert 'data-testid="card-latest" data-value="82.50">82,50<' in page
    every = login(kepala).get(reverse("mutu:cycle-list"), {"period": "all"})
    assert sum(len(g.cycles) for g in every.context["groups"]) == 3


def test_a_teacher_sees_only_the_cycles_of_their_team(login, kepala, guru, guru_lain, ganjil, version):
    mine = f.cycle(owner=kepala, semester=ganjil, instrument=version, team=[guru.staff], title="Tim saya")
    f.cycle(owner=kepala, semester=ganjil, instrument=version, title="Lain")

    seen = login(guru).get(reverse("mutu:cycle-list"))
    assert [c.title for g in seen.context["groups"] for c in g.cycles] == ["Tim saya"]
    assert login(guru).get(mine.get_absolute_url()).status_code == 200
    assert login(guru_lain).get(mine.get_absolute_url()).status_code == 403
    assert [c for g in login(guru_lain).get(reverse("mutu:cycle-list")).context["groups"] for c in g.cycles] == []


def test_the_nav_offers_quality_cycles_to_the_leadership(login, kepala, guru, pengawas):
    assert reverse("mutu:cycle-list") in login(kepala).get(reverse("mutu:cycle-list")).content.decode()
    nav = login(pengawas).get(reverse("mutu:cycle-list")).content.decode()
    assert 'data-testid="nav-cycles"' in nav
    assert 'data-testid="nav-cycles"' not in login(guru).get(reverse("mutu:cycle-list")).content.decode()


def test_the_page_shows_target_latest_chain_and_trend(login, kepala, pengawas, ganjil, version):
    first = f.cycle(
        owner=kepala,
        semester=f.semester(ganjil.madrasah, 2025, "genap"),
        instrument=version,
        stage=Stage.CLOSED,
        decision="lanjutkan",
        decision_reason="Belum tercapai",
        baseline=Decimal(60),
        baseline_start_year=2025,
        baseline_semester="ganjil",
        baseline_measured_at=NOW,
    )
    f.measurement(first, by=kepala, value="72", period_start_year=2025, period_semester="genap")
    second = f.cycle(owner=kepala, semester=ganjil, instrument=version, previous=first, stage=Stage.CHECK)
    f.measurement(second, by=kepala, value="81.25")

    response = login(pengawas).get(second.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="cycle-target" data-value="80.00" data-direction="min">≥ 80,00<' in page
    assert 'data-testid="cycle-latest" data-value="81.25">81,25' in page
    assert [c.pk for c in response.context["chain"]] == [first.pk, second.pk]
    rows = response.context["trend"]["rows"]
    assert [(r["period"], r["value_raw"]) for r in rows] == [
        ("2025/2026 Ganjil", "60.00"),
        (rules.chart_label(first), "72.00"),
        (rules.chart_label(second), "81.25"),
    ]
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page and 'data-testid="trend-table"' in page
    assert 'data-testid="cycle-actions"' not in page  # the pengawas reads only


# --- the principal's summary -----------------------------------------------------------------------------


def test_cycle_summary_groups_the_semesters_cycles_in_two_queries(kepala, ganjil, version):
    madrasah = ganjil.madrasah
    year_cycle = f.cycle(owner=kepala, academic_year=ganjil.academic_year, instrument=version, title="Setahun")
    checked = f.cycle(owner=kepala, semester=ganjil, instrument=version, stage=Stage.CHECK, title="Semester ini")
    f.measurement(checked, by=kepala, value="70", when=NOW - dt.timedelta(days=2))
    f.measurement(checked, by=kepala, value="85", when=NOW - dt.timedelta(days=1))
    f.cycle(owner=kepala, semester=f.semester(madrasah, 2026, "genap"), instrument=version, title="Genap")
    other = MadrasahFactory()
    f.semester(other, 2026, "ganjil")

    with CaptureQueriesContext(connection) as queries:
        groups = selectors.cycle_summary(madrasah=madrasah, semester=ganjil)

    assert len(queries) <= 2
    assert [g.stage for g in groups] == ["plan", "do", "check", "act", "closed"]
    (planned,) = groups[0].cycles
    (measured,) = groups[2].cycles
    assert (planned.pk, planned.value, planned.met) == (year_cycle.pk, None, None)
    assert (measured.pk, measured.value, measured.met, measured.target, measured.direction) == (
        checked.pk,
        Decimal("85.0000"),
        True,
        Decimal(80),
        "min",
    )
    assert measured.value_shown == "85,00" and measured.target_shown == "≥ 80,00"


def test_the_page_costs_the_same_queries_with_more_activities(login, kepala, waka, ganjil, version):
    cycle = f.cycle(owner=kepala, semester=ganjil, instrument=version, stage=Stage.CHECK, team=[waka.staff])
    client = login(kepala)
    client.get(cycle.get_absolute_url())  # warm the session and membership caches
    counts = []
    for added in (1, 5):
        for _ in range(added):
            activity = f.activity(cycle)
            f.progress(activity, author=kepala)
            f.progress(activity, author=waka)
        f.measurement(cycle, by=kepala, value="70")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(cycle.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_board_costs_the_same_queries_with_more_cycles(login, kepala, guru, ganjil, version):
    counts = {"kepala": [], "guru": []}
    clients = {"kepala": login(kepala), "guru": login(guru)}
    url = reverse("mutu:cycle-list")
    for client in clients.values():
        client.get(url)  # warm the session and membership caches
    for added in (1, 5):
        for _ in range(added):
            cycle = f.cycle(owner=kepala, semester=ganjil, instrument=version, team=[guru.staff])
            f.cycle(owner=kepala, academic_year=ganjil.academic_year, instrument=version, team=[guru.staff])
            f.activity(cycle)
            f.measurement(cycle, by=kepala, value="70")
        for who, client in clients.items():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[who].append(len(queries))
    assert counts["kepala"][0] == counts["kepala"][1]
    assert counts["guru"][0] == counts["guru"][1]
