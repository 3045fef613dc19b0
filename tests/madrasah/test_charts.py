"""Server-side SVG charts: proportional bars, escaped labels, Indonesian value text, dot coordinates."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import override

from madrasah.charts import bar_chart, distinct_labels, integer_ticks, line_chart
from madrasah.formatting import format_decimal_id

NS = {"svg": "http://www.w3.org/2000/svg"}
NUMBER_ATTRS = ("x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy", "r")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:rect[@class='bar']", NS)


def texts(root: ET.Element, cls: str) -> list[str]:
    return ["".join(t.itertext()) for t in root.findall(f".//svg:text[@class='{cls}']", NS)]


def own_text(element: ET.Element) -> str:
    """Text of an element without its <title> tooltip child."""
    return (element.text or "") + "".join(child.tail or "" for child in element)


@pytest.mark.parametrize(
    "value, places, expected",
    [
        (Decimal("82.5"), 2, "82,50"),
        (82.125, 2, "82,13"),
        (Decimal("1234.5"), 2, "1.234,50"),
        (1234567, 0, "1.234.567"),
        (Decimal("-3.456"), 1, "-3,5"),
        (Decimal("-0.001"), 2, "0,00"),
        (None, 2, ""),
    ],
)
def test_format_decimal_id(value, places, expected):
    assert format_decimal_id(value, places) == expected


def test_bar_lengths_are_proportional_to_values():
    svg = bar_chart(
        items=[("A", Decimal("100")), ("B", Decimal("50")), ("C", 25.0), ("D", Decimal("0"))], title="Nilai"
    )
    assert isinstance(svg, SafeString)
    widths = [float(r.get("width")) for r in bars(parse(svg))]
    assert len(widths) == 4
    full = widths[0]
    assert full > 0
    assert widths[1] == pytest.approx(full / 2, abs=0.01)
    assert widths[2] == pytest.approx(full / 4, abs=0.01)
    assert widths[3] == 0
    # All bars start at the same axis.
    assert len({r.get("x") for r in bars(parse(svg))}) == 1


def test_bar_scale_follows_max_value_and_clamps():
    svg = bar_chart(items=[("A", 2), ("B", 4), ("C", 9), ("D", -1)], max_value=4, title="Skala 1-4")
    a, b, c, d = (float(r.get("width")) for r in bars(parse(svg)))
    assert a == pytest.approx(b / 2, abs=0.01)
    assert c == b  # above the maximum: a full bar, not past the edge
    assert d == 0


def test_labels_title_and_unit_are_escaped():
    svg = bar_chart(items=[("<script>alert(1)</script>", 70)], title="A & B <b>", unit="<u>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)  # still well-formed XML
    assert root.find("svg:title", NS).text == "A & B <b>"
    assert texts(root, "bar-label") == ["<script>alert(1)</script>"]
    assert texts(root, "bar-value") == ["70,00 <u>"]


def test_none_is_written_not_assessed_without_a_bar():
    root = parse(bar_chart(items=[("Dinilai", Decimal("82.5")), ("Belum", None)], title="Nilai", unit="%"))
    assert len(bars(root)) == 1
    assert texts(root, "bar-value") == ["82,50%", "belum dinilai"]


def test_coordinates_use_a_dot_decimal_in_indonesian():
    with override("id"):
        assert number_format(Decimal("1.5"), 1) == "1,5"  # localization is really active here
        svg = bar_chart(
            items=[("A", Decimal("33.333")), ("B", 66.5)],
            title="Nilai",
            bands=[(Decimal("0"), "Kurang"), (Decimal("70.5"), "Baik")],
        )
        line = line_chart(
            series=[("S", [("2025/2026 Ganjil", Decimal("77.7")), ("2025/2026 Genap", 81.25)])], title="T"
        )
    for markup in (svg, line):
        root = parse(markup)
        for element in list(root.iter())[1:]:  # the root's width is "100%"
            for attr in NUMBER_ATTRS:
                if attr in element.attrib:
                    assert re.fullmatch(r"-?\d+(\.\d+)?", element.get(attr)), (element.tag, attr, element.get(attr))
        assert re.fullmatch(r"[\d. ]+", root.get("viewBox"))
        for polyline in root.findall(".//svg:polyline", NS):
            for pair in polyline.get("points").split():
                assert re.fullmatch(r"\d+\.\d{2},\d+\.\d{2}", pair)
    assert texts(parse(svg), "bar-value") == ["33,33", "66,50"]


def test_bands_draw_lines_and_labels():
    root = parse(
        bar_chart(
            items=[("A", 80)],
            title="Nilai",
            bands=[(Decimal("90"), "Sangat baik"), (Decimal("0"), "Kurang"), (Decimal("70"), "Cukup")],
        )
    )
    lines = root.findall(".//svg:line[@class='band']", NS)
    assert len(lines) == 2  # no line at zero: that is the axis
    bar = bars(root)[0]
    x0, full = float(bar.get("x")), float(bar.get("width")) / 0.8
    assert sorted(float(line.get("x1")) for line in lines) == [
        pytest.approx(x0 + full * 0.7, abs=0.02),
        pytest.approx(x0 + full * 0.9, abs=0.02),
    ]
    assert texts(root, "band-label") == ["Kurang", "Cukup", "Sangat baik"]


def test_svg_is_accessible_and_responsive_without_inline_style():
    svg = bar_chart(items=[("A", 1)], title="Judul", chart_id="rekap")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 640")
    assert root.get("aria-labelledby") == "rekap-title"
    assert root.find("svg:title", NS).get("id") == "rekap-title"
    assert root.find("svg:desc", NS).text == "A: 1,00"
    assert "style" not in svg and "<script" not in svg
    for markup in (svg, line_chart(series=[("S", [("P", 1)])], title="T")):
        assert all("style" not in element.attrib for element in parse(markup).iter())


def test_each_chart_gets_its_own_ids():
    first = parse(bar_chart(items=[], title="A"))
    second = parse(bar_chart(items=[], title="A"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")
    assert "belum ada data" in "".join(first.itertext())


def test_long_labels_are_shortened_with_the_full_label_as_tooltip():
    label = "Pendidikan Pancasila dan Kewarganegaraan untuk Madrasah Tsanawiyah"
    root = parse(bar_chart(items=[(label, 90)], title="Nilai"))
    text = root.find(".//svg:text[@class='bar-label']", NS)
    assert own_text(text).endswith("…")
    assert text.find("svg:title", NS).text == label


def test_line_chart_points_and_gaps():
    series = [
        ("Guru A", [("P1", Decimal("70")), ("P2", Decimal("75")), ("P3", None), ("P4", Decimal("80")), ("P5", 85)]),
        ("Guru B", [("P1", None), ("P2", Decimal("60")), ("P3", None), ("P4", Decimal("65")), ("P5", None)]),
    ]
    root = parse(line_chart(series=series, title="Tren"))
    points = root.findall(".//svg:circle[@class='point']", NS)
    assert len(points) == 4 + 2
    polylines = root.findall(".//svg:polyline[@class='series-line']", NS)
    # Guru A: P1–P2 and P4–P5 (gap at P3); Guru B: only isolated points, no line.
    assert [len(p.get("points").split()) for p in polylines] == [2, 2]
    assert texts(root, "period-label") == ["P1", "P2", "P3", "P4", "P5"]
    assert texts(root, "legend-label") == ["Guru A", "Guru B"]
    # A line never spans a gap: the x of P3 is between the two runs.
    first, second = ([float(pair.split(",")[0]) for pair in p.get("points").split()] for p in polylines)
    assert first[1] < second[0]


def test_line_chart_positions_values_against_max():
    root = parse(line_chart(series=[("S", [("P1", 0), ("P2", 50), ("P3", 100)])], max_value=100, title="T"))
    ys = [float(c.get("cy")) for c in root.findall(".//svg:circle[@class='point']", NS)]
    assert ys[0] > ys[1] > ys[2]
    assert ys[0] - ys[1] == pytest.approx(ys[1] - ys[2], abs=0.02)


def test_line_chart_escapes_names_and_periods():
    svg = line_chart(series=[("<b>x</b>", [("<i>p</i>", 1)])], title="<t>")
    assert "<b>" not in svg and "<i>" not in svg
    root = parse(svg)
    assert texts(root, "legend-label") == ["<b>x</b>"]
    assert texts(root, "period-label") == ["<i>p</i>"]


def test_max_value_must_be_positive():
    with pytest.raises(ValueError):
        bar_chart(items=[("A", 1)], max_value=0, title="T")


# --- count axes, scales that start above 0, labels (issue 19) -----------------------------------------


def _tick_texts(svg: str) -> list[str]:
    return re.findall(r'class="tick">([^<]*)</text>', svg)


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(1, [0, 1]), (3, [0, 1, 2, 3]), (5, [0, 1, 2, 3, 4, 5]), (14, [0, 5, 10, 15]), (21, [0, 5, 10, 15, 20, 25])],
)
def test_count_axes_tick_in_whole_numbers(top, ticks):
    assert integer_ticks(top) == ticks


def test_a_count_chart_never_shows_a_fraction_on_its_axis():
    svg = bar_chart(items=[("Selesai", 21), ("Terlambat", 7)], max_value=21, title="Program", places=0)
    assert _tick_texts(svg) == ["0", "5", "10", "15", "20", "25"]


def test_a_pkg_score_chart_runs_from_1_to_4():
    svg = bar_chart(
        items=[("Pedagogik", Decimal("3.50")), ("Sosial", Decimal("1"))], min_value=1, max_value=4, title="PKG"
    )
    assert _tick_texts(svg) == ["1", "2", "3", "4"]
    widths = [float(w) for w in re.findall(r'<rect[^>]*width="([0-9.]+)"', svg)]
    assert widths[1] == 0  # a score of 1 is the bottom of the scale, not a third of the bar
    assert widths[0] > 0


def test_no_two_bars_read_the_same_even_when_shortened():
    long = "Supervisi Administrasi Perencanaan Pembelajaran"
    labels = [f"{long} · Dokumen", f"{long} · Modul", "Baik", "Baik"]
    shown = distinct_labels(labels, 20)
    assert len(set(shown)) == 4
    assert all(len(text) <= 20 for text in shown)


def test_a_chart_under_a_heading_leaves_its_title_to_screen_readers():
    svg = bar_chart(items=[("A", 1)], title="Program supervisi", show_title=False)
    assert svg.count("Program supervisi") == 1  # the <title> only
