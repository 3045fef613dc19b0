"""Server-side SVG charts: pure functions returning safe SVG markup to drop into a template.

Rules every chart here keeps, so the pages stay within the strict Content Security Policy and read
the same in every language:

- no script and no `style=` attribute: only presentation attributes (fill, stroke, font-size, …);
- every text that comes from data (labels, titles, units) is escaped with `django.utils.html.escape`
  before the markup is marked safe;
- numbers inside SVG coordinates are written with a dot decimal through `_num` (an f-string), never
  through Django's localization, so an active Indonesian locale cannot turn `12.50` into `12,50`;
- numbers shown to people are written the Indonesian way (`82,50`) through `format_decimal_id`;
- each chart is `role="img"` with a `<title>` (and a `<desc>` listing the values) referenced by
  `aria-labelledby` / `aria-describedby`, a `viewBox` and `width="100%"` so it scales with its box.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from .formatting import Number, format_decimal_id

SVG_NS = "http://www.w3.org/2000/svg"
# Translated at render time (Indonesian by default: "belum dinilai", "belum ada data").
NOT_ASSESSED = gettext_lazy("not yet assessed")
NO_DATA = gettext_lazy("no data yet")

# Colours with at least 4.5:1 contrast on white (WCAG AA for text and graphics).
TEXT_COLOUR = "#1f2937"
MUTED_COLOUR = "#4b5563"
GRID_COLOUR = "#d1d5db"
BAND_COLOUR = "#6b7280"
PALETTE = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0f766e", "#374151")
# Series are told apart by dash pattern as well as colour (for readers who cannot tell the colours).
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4")

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHAR_WIDTH = 0.58  # average glyph width as a fraction of the font size, for layout estimates


def _num(x: Number) -> str:
    """A coordinate for SVG: always a dot decimal, two places, whatever the active language."""
    return f"{float(x):.2f}"


def _ratio(value: Number, max_value: Number) -> float:
    """`value / max_value`, clamped to 0…1."""
    return min(max(float(value) / float(max_value), 0.0), 1.0)


def _value_text(value: Number | None, unit: str, places: int = 2) -> str:
    if value is None:
        return str(NOT_ASSESSED)
    text = format_decimal_id(value, places)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _tick_text(value: Decimal) -> str:
    return format_decimal_id(value, 0 if value == value.to_integral_value() else 2)


def _ticks(max_value: Number, count: int = 4, min_value: Number = 0) -> list[Decimal]:
    bottom, top = Decimal(str(min_value)), Decimal(str(max_value))
    return [bottom + (top - bottom) * i / count for i in range(count + 1)]


NICE_STEPS = (1, 2, 5)


def integer_ticks(top: Number, *, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 for a count axis reaching at least `top`, at most `most` of them, on a
    step of 1, 2 or 5 times a power of ten (0, 5, 10, 15 for 14; never 5,25 or 10,50): a count of
    teachers has no fractions."""
    top_int = max(int(Decimal(str(top)).to_integral_value(rounding="ROUND_CEILING")), 1)
    scale = 1
    while True:
        for nice in NICE_STEPS:
            step = nice * scale
            intervals = -(-top_int // step)
            if intervals + 1 <= most:
                return [step * i for i in range(intervals + 1)]
        scale *= 10


def _truncate(text: str, max_chars: int) -> str:
    if max_chars < 2 or len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "…"


def distinct_labels(labels: list[str], max_chars: int) -> list[str]:
    """The labels as shown in `max_chars`: shortened with "…", and numbered (" (2)") wherever two
    would read the same, so that no two bars of a chart carry the same visible label."""
    shown = [_truncate(str(label), max_chars) for label in labels]
    seen: dict[str, int] = {}
    for text in shown:
        seen[text] = seen.get(text, 0) + 1
    counter: dict[str, int] = {}
    result = []
    for label, text in zip(labels, shown, strict=True):
        if seen[text] == 1:
            result.append(text)
            continue
        counter[text] = counter.get(text, 0) + 1
        suffix = f" ({counter[text]})"
        result.append(_truncate(str(label), max(max_chars - len(suffix), 2)) + suffix)
    return result


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH


def _chart_id(chart_id: str | None) -> str:
    return chart_id or f"chart-{secrets.token_hex(4)}"


def _check_max(max_value: Number) -> None:
    if max_value is None or float(max_value) <= 0:
        raise ValueError("max_value must be greater than zero")


def _svg(
    *, chart_id: str, width: float, height: float, title: str, desc: str, body: list[str], show_title: bool = True
) -> SafeString:
    cid = escape(chart_id)
    # The visible title is left out under a heading that already says it (read twice otherwise); the
    # <title> stays for screen readers.
    visible_title = (
        f'<text x="0" y="18" font-size="14" font-weight="bold" fill="{TEXT_COLOUR}">{escape(title)}</text>'
        if show_title
        else ""
    )
    parts = [
        f'<svg xmlns="{SVG_NS}" role="img" width="100%" viewBox="0 0 {_num(width)} {_num(height)}"'
        f' preserveAspectRatio="xMinYMin meet" aria-labelledby="{cid}-title" aria-describedby="{cid}-desc"'
        f' font-family="{escape(FONT_FAMILY)}" class="chart">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        visible_title,
        *body,
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every piece of data above went through escape()  # nosec B308 B703


def bar_chart(
    *,
    items: list[tuple[str, Number | None]],
    max_value: Number = 100,
    title: str,
    unit: str = "",
    width: int = 640,
    bar_height: int = 22,
    bands: list[tuple[Decimal, str]] | None = None,
    chart_id: str | None = None,
    places: int = 2,
    min_value: Number = 0,
    show_title: bool = True,
    label_share: float = 0.34,
) -> SafeString:
    """Horizontal bars, one per `(label, value)`, drawn from `min_value` (the start of the scale: 1 for
    a PKG competency score of 1–4) so that `max_value` fills the bar area.

    A `None` value is written "belum dinilai" and gets no bar. `bands` are `(lower bound, label)`
    pairs (for example the predicate thresholds); each lower bound above zero gets a dashed vertical
    line, and each band's label is written above the bars, in the middle of its range.
    Counts (`places=0`) get whole-number ticks (`integer_ticks`), the axis reaching the next tick.
    Labels take `label_share` of the width; no two read the same (`distinct_labels`).
    `show_title=False` leaves the visible title out (the page's heading says it).
    Bars carry `class="bar"`, their labels `class="bar-label"`.
    """
    _check_max(max_value)
    if float(min_value) >= float(max_value):
        raise ValueError("min_value must be below max_value")
    chart_id = _chart_id(chart_id)
    bands = sorted(bands or [], key=lambda b: Decimal(str(b[0])))
    if places == 0 and float(min_value) == 0:
        ticks: list = integer_ticks(max_value)
        max_value = ticks[-1]
    elif float(min_value) != 0 and float(max_value) - float(min_value) <= 10:
        # A short scale such as 1–4: one tick per whole score.
        ticks = _ticks(max_value, int(float(max_value) - float(min_value)), min_value)
    else:
        ticks = _ticks(max_value, 4, min_value)
    font = 12
    label_width = round(width * label_share)
    value_width = 96
    left = label_width + 8
    bar_area = max(width - left - value_width, 40)
    pitch = bar_height + 8
    top = (30 if show_title else 8) + (2 * 14 + 4 if bands else 0)
    rows = max(len(items), 1)
    axis_y = top + rows * pitch
    height = axis_y + 24
    span = Decimal(str(max_value)) - Decimal(str(min_value))

    def ratio(value: Number) -> float:
        return _ratio(Decimal(str(value)) - Decimal(str(min_value)), span)

    def x_of(value: Number) -> float:
        return left + bar_area * ratio(value)

    body: list[str] = []
    # Grid and ticks.
    for tick in ticks:
        x = _num(x_of(tick))
        body.append(
            f'<line x1="{x}" y1="{_num(top - 4)}" x2="{x}" y2="{_num(axis_y)}" stroke="{GRID_COLOUR}"'
            f' stroke-width="1"/>'
        )
        body.append(
            f'<text x="{x}" y="{_num(axis_y + 16)}" font-size="10" text-anchor="middle" fill="{MUTED_COLOUR}"'
            f' class="tick">{escape(_tick_text(Decimal(str(tick))))}</text>'
        )
    # Bands: a dashed line at each lower bound, the label centred in its range, on alternating rows.
    band_top = top - (2 * 14 + 4)
    for index, (lower, label) in enumerate(bands):
        upper = bands[index + 1][0] if index + 1 < len(bands) else max_value
        if ratio(lower) > 0:
            x = _num(x_of(lower))
            body.append(
                f'<line x1="{x}" y1="{_num(top - 6)}" x2="{x}" y2="{_num(axis_y)}" stroke="{BAND_COLOUR}"'
                f' stroke-width="1" stroke-dasharray="4 3" class="band"/>'
            )
        middle = (x_of(max(Decimal(str(lower)), Decimal(str(min_value)))) + x_of(upper)) / 2
        y = band_top + 10 + (index % 2) * 14
        body.append(
            f'<text x="{_num(middle)}" y="{_num(y)}" font-size="10" text-anchor="middle" fill="{MUTED_COLOUR}"'
            f' class="band-label">{escape(label)}</text>'
        )
    # Bars.
    max_label_chars = int(label_width / (font * CHAR_WIDTH))
    shown_labels = distinct_labels([str(label) for label, _value in items], max_label_chars)
    desc_parts = []
    for row, ((label, value), shown) in enumerate(zip(items, shown_labels, strict=True)):
        y = top + row * pitch
        text_y = _num(y + bar_height / 2 + font * 0.35)
        full = f"<title>{escape(label)}</title>" if shown != str(label) else ""
        body.append(
            f'<text x="{_num(label_width)}" y="{text_y}" font-size="{font}" text-anchor="end" fill="{TEXT_COLOUR}"'
            f' class="bar-label">{full}{escape(shown)}</text>'
        )
        value_text = _value_text(value, unit, places)
        desc_parts.append(f"{label}: {value_text}")
        if value is None:
            body.append(
                f'<text x="{_num(left + 4)}" y="{text_y}" font-size="{font}" font-style="italic"'
                f' fill="{MUTED_COLOUR}" class="bar-value">{escape(value_text)}</text>'
            )
            continue
        bar_width = bar_area * ratio(value)
        body.append(
            f'<rect x="{_num(left)}" y="{_num(y)}" width="{_num(bar_width)}" height="{_num(bar_height)}"'
            f' fill="{PALETTE[0]}" class="bar"><title>{escape(label)}: {escape(value_text)}</title></rect>'
        )
        body.append(
            f'<text x="{_num(left + bar_width + 6)}" y="{text_y}" font-size="{font}" fill="{TEXT_COLOUR}"'
            f' stroke="#ffffff" stroke-width="3" paint-order="stroke" class="bar-value">{escape(value_text)}</text>'
        )
    if not items:
        body.append(
            f'<text x="{_num(left + 4)}" y="{_num(top + bar_height / 2 + font * 0.35)}" font-size="{font}"'
            f' font-style="italic" fill="{MUTED_COLOUR}">{NO_DATA}</text>'
        )
    body.append(
        f'<line x1="{_num(left)}" y1="{_num(top - 4)}" x2="{_num(left)}" y2="{_num(axis_y)}"'
        f' stroke="{MUTED_COLOUR}" stroke-width="1"/>'
    )
    desc = "; ".join(desc_parts) if desc_parts else str(NO_DATA)
    return _svg(chart_id=chart_id, width=width, height=height, title=title, desc=desc, body=body, show_title=show_title)


def line_chart(
    *,
    series: list[tuple[str, list[tuple[str, Number | None]]]],
    max_value: Number = 100,
    title: str,
    width: int = 640,
    height: int = 260,
    chart_id: str | None = None,
) -> SafeString:
    """A trend across periods: one line per `(name, [(period, value), …])`.

    The x axis lists the periods in the order they first appear. A `None` value leaves a gap: each
    unbroken run of two or more values is one `<polyline class="series-line">`, and every value gets
    a `<circle class="point">` (so a value standing alone between gaps still shows).
    """
    _check_max(max_value)
    chart_id = _chart_id(chart_id)
    periods: list[str] = []
    for _name, points in series:
        for period, _value in points:
            if period not in periods:
                periods.append(period)

    font = 11
    left, right = 44, 16
    plot_width = max(width - left - right, 40)
    step = plot_width / len(periods) if periods else plot_width
    widest = max((_text_width(p, font) for p in periods), default=0)
    rotate = widest > step - 4
    x_label_height = (min(widest, 140) * 0.6 + 14) if rotate else 18

    # Legend: horizontal entries, wrapped to the width.
    legend_rows: list[list[tuple[int, str, float]]] = [[]]
    cursor = left
    for index, (name, _points) in enumerate(series):
        entry_width = 28 + _text_width(name, font) + 16
        if legend_rows[-1] and cursor + entry_width > width - right:
            legend_rows.append([])
            cursor = left
        legend_rows[-1].append((index, name, cursor))
        cursor += entry_width
    legend_height = 18 * len(legend_rows) if series else 0

    top = 34
    plot_bottom = height - x_label_height - legend_height - 8
    if plot_bottom - top < 60:  # a small height still leaves a readable plot
        plot_bottom = top + 60
    total_height = plot_bottom + x_label_height + legend_height + 8
    plot_height = plot_bottom - top

    def x_of(index: int) -> float:
        return left + step * (index + 0.5)

    def y_of(value: Number) -> float:
        return plot_bottom - plot_height * _ratio(value, max_value)

    body: list[str] = []
    for tick in _ticks(max_value):
        y = _num(y_of(tick))
        body.append(
            f'<line x1="{_num(left)}" y1="{y}" x2="{_num(left + plot_width)}" y2="{y}" stroke="{GRID_COLOUR}"'
            f' stroke-width="1"/>'
        )
        body.append(
            f'<text x="{_num(left - 6)}" y="{_num(y_of(tick) + 3.5)}" font-size="10" text-anchor="end"'
            f' fill="{MUTED_COLOUR}">{escape(_tick_text(tick))}</text>'
        )
    for index, period in enumerate(periods):
        x = x_of(index)
        y = plot_bottom + 14
        if rotate:
            shown = _truncate(period, int(140 / (font * CHAR_WIDTH)))
            body.append(
                f'<text x="{_num(x)}" y="{_num(y)}" font-size="{font}" text-anchor="end" fill="{TEXT_COLOUR}"'
                f' transform="rotate(-35 {_num(x)} {_num(y)})" class="period-label">{escape(shown)}</text>'
            )
        else:
            body.append(
                f'<text x="{_num(x)}" y="{_num(y)}" font-size="{font}" text-anchor="middle" fill="{TEXT_COLOUR}"'
                f' class="period-label">{escape(period)}</text>'
            )
    body.append(
        f'<line x1="{_num(left)}" y1="{_num(plot_bottom)}" x2="{_num(left + plot_width)}" y2="{_num(plot_bottom)}"'
        f' stroke="{MUTED_COLOUR}" stroke-width="1"/>'
    )

    desc_parts = []
    for index, (name, points) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        by_period = dict(points)
        runs: list[list[tuple[float, float]]] = [[]]
        markers = []
        values_text = []
        for p_index, period in enumerate(periods):
            value = by_period.get(period)
            values_text.append(f"{period} {_value_text(value, '')}")
            if value is None:
                if runs[-1]:
                    runs.append([])
                continue
            point = (x_of(p_index), y_of(value))
            runs[-1].append(point)
            markers.append(
                f'<circle cx="{_num(point[0])}" cy="{_num(point[1])}" r="3.5" fill="{colour}" class="point">'
                f"<title>{escape(name)}, {escape(period)}: {escape(format_decimal_id(value))}</title></circle>"
            )
        desc_parts.append(f"{name}: " + ", ".join(values_text))
        for run in runs:
            if len(run) < 2:
                continue
            coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
            body.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}'
                f' stroke-linejoin="round" class="series-line"/>'
            )
        body.extend(markers)

    legend_top = plot_bottom + x_label_height + 8
    for row_index, row in enumerate(legend_rows):
        y = legend_top + row_index * 18 + 9
        for index, name, x in row:
            colour = PALETTE[index % len(PALETTE)]
            dash = DASHES[index % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<line x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x + 22)}" y2="{_num(y)}" stroke="{colour}"'
                f' stroke-width="2"{dash_attr} class="legend-swatch"/>'
            )
            body.append(
                f'<text x="{_num(x + 28)}" y="{_num(y + 4)}" font-size="{font}" fill="{TEXT_COLOUR}"'
                f' class="legend-label">{escape(name)}</text>'
            )
    if not periods:
        body.append(
            f'<text x="{_num(left + 8)}" y="{_num(top + plot_height / 2)}" font-size="{font}" font-style="italic"'
            f' fill="{MUTED_COLOUR}">{NO_DATA}</text>'
        )
    desc = "; ".join(desc_parts) if desc_parts else str(NO_DATA)
    return _svg(chart_id=chart_id, width=width, height=total_height, title=title, desc=desc, body=body)
