"""The dashboard's charts read at a glance: whole numbers on count axes, PKG scores on their 1–4
scale, no two bars with the same label, and a note where instruments with different predikat bands
stand side by side."""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest

from kompetensi.models import PredikatBand
from kompetensi.supervision.selectors.results import FollowUpCounts
from laporan.dashboard.rules import recap_charts as _charts_of
from laporan.dashboard.selectors import Completion, DomainAverage, PkgSummary
from madrasah.management.commands.seed_demo import DEMO_LOGINS
from madrasah.models import Semester, User
from tests.factories.demo import seeded_demo

DASHBOARD = "/laporan/dasbor/"


@pytest.fixture
def demo(client):
    seeded_demo(teachers=30, semesters=1, seed=1, today="2026-11-26", reset=True)
    kepala = next(x["username"] for x in DEMO_LOGINS if x["role"] == "Kepala Madrasah")
    client.force_login(User.objects.get(username=kepala))
    return client


def _page(client) -> str:
    """The dashboard of the demo's latest semester with finalised results."""
    semester = (
        Semester.objects.filter(supervision_programme__rows__observations__state="final")
        .distinct()
        .select_related("academic_year")
        .order_by("-start_date")
        .first()
    )
    return client.get(DASHBOARD, {"semester": semester.slug}).content.decode()


def _charts(html: str) -> dict[str, str]:
    return dict(re.findall(r'(?s)<svg[^>]*aria-labelledby="(chart-[a-z-]+)-title"[^>]*>(.*?)</svg>', html))


def _ticks(svg: str) -> list[str]:
    return re.findall(r'class="tick">([^<]*)</text>', svg)


def _labels(svg: str) -> list[str]:
    return [re.sub(r"<title>.*?</title>", "", label) for label in re.findall(r'class="bar-label">(.*?)</text>', svg)]


@pytest.mark.django_db
def test_count_charts_tick_in_whole_numbers(demo):
    charts = _charts(_page(demo))
    for key in ("chart-programme", "chart-follow-ups", "chart-distribution"):
        ticks = _ticks(charts[key])
        assert ticks and all(re.fullmatch(r"\d+", tick) for tick in ticks), (key, ticks)


def test_the_pkg_chart_runs_on_the_1_to_4_scale():
    data = SimpleNamespace(
        completion=Completion(),
        follow_ups=FollowUpCounts(),
        clarifications=0,
        instruments=[],
        pkg=PkgSummary(
            teachers=5,
            average_nilai=Decimal("80"),
            domains=[DomainAverage("Pedagogik", 5, Decimal("3.2")), DomainAverage("Sosial", 5, Decimal("1"))],
            hidden=False,
        ),
    )
    svg = _charts_of(data)["pkg"]
    assert _ticks(svg) == ["1", "2", "3", "4"]
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([0-9.]+)"', svg)]
    assert widths[0] > 0 and widths[1] == 0  # a score of 1 is the start of the scale


@pytest.mark.django_db
def test_no_chart_has_two_bars_with_the_same_label_and_none_repeats_its_heading(demo):
    html = _page(demo)
    charts = _charts(html)
    assert {"chart-instruments", "chart-sections", "chart-distribution"} <= set(charts)
    for key, svg in charts.items():
        labels = _labels(svg)
        assert len(labels) == len(set(labels)), (key, labels)
    assert "Perencanaan · " in charts["chart-sections"]
    # The card's heading is the chart's only visible title.
    assert html.count("Program supervisi</h2>") == 1
    assert 'font-weight="bold"' not in charts["chart-programme"]


@pytest.mark.django_db
def test_instruments_read_with_different_bands_side_by_side_get_a_note(demo):
    html = _page(demo)
    assert 'data-testid="bands-note"' not in html  # one vocabulary since the demo's first version
    # A version used with bands of its own (before the madrasah chose one vocabulary).
    teaching = PredikatBand.objects.filter(version__instrument__kind="pelaksanaan", label="Amat Baik")
    teaching.update(label="Sangat Baik")
    html = _page(demo)
    assert html.count('data-testid="bands-note"') == 2  # under the averages and the distribution
    assert "bandingkan nilainya, bukan predikatnya" in html


@pytest.mark.django_db
def test_the_glance_counts_teachers_needing_attention_and_hides_their_names_behind_a_click(demo):
    html = _page(demo)
    count = int(re.search(r'data-testid="attention-count" data-value="(\d+)"', html).group(1))
    assert count == html.count('data-testid="attention-item"') > 0
    assert re.search(r'<details data-testid="dashboard-attention">', html)
