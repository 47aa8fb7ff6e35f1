"""Server-rendered SVG charts of a dashboard table (no JavaScript, nothing inline the CSP forbids).

`table_chart(table, chart_id=...)` draws a disclosed `ShownTable` as its `figures.Chart` asks:
vertical bars (BAR, e.g. referrals by month), horizontal bars (HBAR, e.g. reasons not accepted) or
several series side by side (GROUPED, e.g. round 1 and round 2 by domain).

In the manner of cascade/charts.py and mhst/charts.py: an `<svg role="img">` with a `<title>` and
a `<desc>` (named by aria-labelledby) that lists every value, axis labels, and every value written
beside its bar. Nothing is told by colour alone: a series is named in each bar's value label and
has a pattern as well as a colour in the legend. A suppressed value (`*`) is drawn as a labelled
gap (a dashed outline with the `*`), never as a bar of 0; a missing value says "no data". Only
SVG presentation attributes are used (no style attributes), and every text is escaped here. The
page shows a table with the same numbers beside the chart.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from markupsafe import Markup, escape

from ..disclosure import SUPPRESSED, Shown, ShownTable
from ..figures import ChartKind

WIDTH = 720
INK = "#212b32"
GRID = "#aeb7bd"
FONT = 13
#: per series: (fill colour, pattern drawn over it, what the legend calls the pattern)
SERIES = (
    ("#005eb8", "", "solid"),
    ("#330072", "M0,6 L6,0", "diagonal stripes"),
    ("#007f3b", "M0,3 L6,3", "horizontal stripes"),
    ("#7c2855", "M3,0 L3,6", "vertical stripes"),
    ("#425563", "M0,0 L6,6", "reversed diagonal stripes"),
)
SUPPRESSED_NOTE = "* means a small number (1 to 7 children, or a figure built on them): not shown"
GAP_TEXT = "* not shown"


@dataclass(frozen=True)
class Value:
    """One bar: a number to draw, or a gap written as text (suppressed or no data)."""

    row: str
    series: str
    number: Decimal | None
    text: str
    suppressed: bool = False


def _number(shown: Shown) -> Decimal | None:
    value = shown.value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _value(row: str, series: str, shown: Shown | None) -> Value:
    if shown is None or shown.value is None:
        return Value(row, series, None, "no data")
    if shown.suppressed:
        return Value(row, series, None, SUPPRESSED, suppressed=True)
    return Value(row, series, _number(shown), shown.text)


def _values(table: ShownTable) -> tuple[list[str], list[list[Value]]]:
    """The series names, and per row (the total row is not drawn) one Value per series."""
    series = [i for i in table.chart.series if 0 < i < len(table.columns)]
    names = [table.columns[i] for i in series]
    rows = []
    for row in table.rows:
        cells = []
        for i, name in zip(series, names, strict=True):
            shown = row.cells[i - 1] if i - 1 < len(row.cells) else None
            cells.append(_value(row.label, name, shown))
        rows.append(cells)
    return names, rows


def nice_step(span: Decimal) -> Decimal:
    """A tick step of 1, 2 or 5 times a power of ten giving at most five steps over `span`."""
    if span <= 0:
        return Decimal(1)
    step = Decimal(10) ** (math.floor(math.log10(float(span))) - 1)
    while True:
        for factor in (1, 2, 5):
            if span / (step * factor) <= 5:
                return step * factor
        step *= 10


def _ticks(numbers: list[Decimal], percent: bool) -> list[Decimal]:
    low = min([Decimal(0), *numbers])
    high = max([Decimal(0), *numbers, Decimal(100) if percent and numbers and max(numbers) <= 100 else Decimal(0)])
    if high == low:
        high = low + 1
    step = nice_step(high - low)
    start = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    ticks = [start]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def _num(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def _axis_label(table: ShownTable, names: list[str]) -> str:
    unit = table.chart.unit
    if len(names) == 1:
        return f"{names[0]} ({unit})" if unit and unit.lower() not in names[0].lower() else names[0]
    return unit or "Value"


def _describe(table: ShownTable, names: list[str], rows: list[list[Value]]) -> str:
    parts = []
    for cells in rows:
        if len(names) == 1:
            parts.append(f"{cells[0].row}: {_spoken(cells[0])}")
        else:
            parts.append(f"{cells[0].row}: " + ", ".join(f"{v.series} {_spoken(v)}" for v in cells))
    text = f"{table.description} " if table.description else ""
    text += "; ".join(parts) + "."
    if any(v.suppressed for cells in rows for v in cells):
        text += f" {SUPPRESSED_NOTE}."
    return text


def _spoken(value: Value) -> str:
    return "not shown (small number)" if value.suppressed else value.text


def _svg_open(chart_id: str, height: int, title: str, description: str, series: int) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    if series > 1:
        parts.append("<defs>")
        for n in range(1, series):
            colour, path, _ = SERIES[n % len(SERIES)]
            parts.append(
                f'<pattern id="{chart_id}-p{n}" patternUnits="userSpaceOnUse" width="6" height="6">'
                f'<rect width="6" height="6" fill="{colour}"/>'
                f'<path d="{path}" stroke="#ffffff" stroke-width="1.5"/></pattern>'
            )
        parts.append("</defs>")
    return parts


def _fill(chart_id: str, series: int) -> str:
    colour, path, _ = SERIES[series % len(SERIES)]
    return f"url(#{chart_id}-p{series})" if path and series else colour


def _text(x: float, y: float, text: str, *, anchor: str = "start", bold: bool = False, rotate: int = 0) -> str:
    extra = ' font-weight="bold"' if bold else ""
    if rotate:
        extra += f' transform="rotate({rotate} {x:.1f} {y:.1f})"'
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{FONT}" fill="{INK}"{extra}>'
        f"{escape(text)}</text>"
    )


def _legend(chart_id: str, names: list[str], y: float) -> list[str]:
    if len(names) < 2:
        return []
    parts = []
    x = 10.0
    for n, name in enumerate(names):
        pattern = SERIES[n % len(SERIES)][2]
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" fill="{_fill(chart_id, n)}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        label = f"{_short(name, 28)} ({pattern})"
        parts.append(_text(x + 20, y, label))
        x += 20 + len(label) * 7 + 18
    return parts


def _gap_rect(x: float, y: float, width: float, height: float, label: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="none" stroke="{INK}" '
        f'stroke-width="1" stroke-dasharray="3 3"><title>{escape(label)}</title></rect>'
    )


# --- horizontal bars (HBAR, GROUPED) --------------------------------------------------------------

LABEL_WIDTH = 220
VALUE_SPACE = 180
BAR_HEIGHT = 20
GAP = 14


def _horizontal(chart_id: str, table: ShownTable, names: list[str], rows: list[list[Value]], percent: bool) -> str:
    numbers = [v.number for cells in rows for v in cells if v.number is not None]
    ticks = _ticks(numbers, percent)
    low, high = ticks[0], ticks[-1]
    plot_left, plot_width = LABEL_WIDTH, WIDTH - LABEL_WIDTH - VALUE_SPACE
    legend = 28 if len(names) > 1 else 0
    top = 16 + legend
    group = len(names) * BAR_HEIGHT + GAP
    plot_bottom = top + len(rows) * group
    height = plot_bottom + 46

    def x(value: Decimal) -> float:
        return plot_left + float((value - low) / (high - low)) * plot_width

    zero = x(Decimal(0))
    parts = _svg_open(chart_id, height, table.title, _describe(table, names, rows), len(names))
    parts += _legend(chart_id, names, 20)
    for tick in ticks:
        tx = x(tick)
        dash = "none" if tick == 0 else "3 3"
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{plot_bottom}" stroke="{GRID}" '
            f'stroke-width="1" stroke-dasharray="{dash}"/>'
        )
        parts.append(_text(tx, plot_bottom + 16, _num(tick), anchor="middle"))
    for r, cells in enumerate(rows):
        y0 = top + r * group
        parts.append(_text(plot_left - 8, y0 + len(names) * BAR_HEIGHT / 2 + 5, _short(cells[0].row, 32), anchor="end"))
        for s, value in enumerate(cells):
            y = y0 + s * BAR_HEIGHT + 2
            middle = y + BAR_HEIGHT / 2 + 3
            said = value.text if len(names) == 1 else f"{_short(value.series, 16)}: {value.text}"
            if value.number is not None:
                end = x(value.number)
                left, right = min(zero, end), max(zero, end)
                parts.append(
                    f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(right - left, 1):.1f}" height="{BAR_HEIGHT - 4}" '
                    f'fill="{_fill(chart_id, s)}"><title>{escape(value.row)}, {escape(value.series)}: '
                    f"{escape(value.text)}</title></rect>"
                )
                parts.append(_text(right + 6, middle, said, bold=True))
            elif value.suppressed:
                parts.append(_gap_rect(zero, y, 18, BAR_HEIGHT - 4, f"{value.row}, {value.series}: not shown"))
                gap = GAP_TEXT if len(names) == 1 else f"{_short(value.series, 16)}: {GAP_TEXT}"
                parts.append(_text(zero + 24, middle, gap, bold=True))
            else:
                parts.append(_text(zero + 6, middle, said))
    parts.append(_text(plot_left + plot_width / 2, height - 6, _axis_label(table, names), anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


# --- vertical bars (BAR) -----------------------------------------------------------------------

LEFT = 70
RIGHT = 16
PLOT_HEIGHT = 220
TOP = 64  # room for value labels above the tallest bar


def _vertical(chart_id: str, table: ShownTable, names: list[str], rows: list[list[Value]], percent: bool) -> str:
    values = [cells[0] for cells in rows]
    numbers = [v.number for v in values if v.number is not None]
    ticks = _ticks(numbers, percent)
    low, high = ticks[0], ticks[-1]
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(values), 1)
    bar = max(slot * 0.7, 2)
    rotated = slot < 40
    plot_bottom = TOP + PLOT_HEIGHT
    label_space = 72 if rotated else 30
    height = int(plot_bottom + label_space + 28)

    def y(value: Decimal) -> float:
        return TOP + PLOT_HEIGHT - float((value - low) / (high - low)) * PLOT_HEIGHT

    zero = y(Decimal(0))
    parts = _svg_open(chart_id, height, table.title, _describe(table, names, [[v] for v in values]), 1)
    for tick in ticks:
        ty = y(tick)
        dash = "none" if tick == 0 else "3 3"
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" stroke="{GRID}" '
            f'stroke-width="1" stroke-dasharray="{dash}"/>'
        )
        parts.append(_text(LEFT - 6, ty + 4, _num(tick), anchor="end"))
    for n, value in enumerate(values):
        left = LEFT + n * slot + (slot - bar) / 2
        centre = left + bar / 2
        if value.number is not None:
            end = y(value.number)
            top, bottom = min(zero, end), max(zero, end)
            parts.append(
                f'<rect x="{left:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{max(bottom - top, 1):.1f}" '
                f'fill="{_fill(chart_id, 0)}"><title>{escape(value.row)}: {escape(value.text)}</title></rect>'
            )
            said, above = value.text, top
        elif value.suppressed:
            parts.append(_gap_rect(left, zero - 14, bar, 14, f"{value.row}: not shown (small number)"))
            said, above = SUPPRESSED, zero - 14
        else:
            said, above = "no data", zero
        if rotated:
            parts.append(_text(centre + 4, above - 4, said, bold=True, rotate=-90))
        else:
            parts.append(_text(centre, above - 4, said, anchor="middle", bold=True))
        if rotated:
            parts.append(_text(centre + 4, plot_bottom + 8, _short(value.row, 12), anchor="end", rotate=-60))
        else:
            parts.append(_text(centre, plot_bottom + 18, _short(value.row, 14), anchor="middle"))
    axis = _axis_label(table, names)
    parts.append(_text(16, TOP + PLOT_HEIGHT / 2, axis, anchor="middle", rotate=-90))
    parts.append(_text(LEFT + plot_width / 2, height - 6, table.columns[0], anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)


def table_chart(table: ShownTable, *, chart_id: str) -> Markup | None:
    """The chart `table.chart` asks for, or None (no chart, or no rows to draw). `chart_id` must be
    unique on the page (it names the title, the description and the patterns)."""
    if table.chart is None or not table.rows:
        return None
    names, rows = _values(table)
    if not names:
        return None
    percent = table.chart.unit == "%" or all(
        (row.cells[i - 1].unit == "%") for row in table.rows for i in table.chart.series if 0 < i <= len(row.cells)
    )
    chart_id = "".join(c if c.isalnum() or c in "-_" else "-" for c in chart_id)
    if table.chart.kind == ChartKind.BAR and len(names) == 1:
        svg = _vertical(chart_id, table, names, rows, percent)
    else:
        svg = _horizontal(chart_id, table, names, rows, percent)
    return Markup(svg)  # noqa: S704 (every text above went through escape())
