"""Server-rendered SVG charts for CASCADE results (no JavaScript, nothing inline the CSP forbids).

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` (named by aria-labelledby),
axis labels, and every value written beside its bar, so nothing is told by colour alone. Pages
always show a table with the same numbers next to the chart. All text is escaped here.
"""

from dataclasses import dataclass
from fractions import Fraction
from itertools import count

from markupsafe import Markup, escape

WIDTH = 720
LABEL_WIDTH = 250
VALUE_SPACE = 110
BAR_HEIGHT = 22
GAP = 12
TOP = 16
AXIS_SPACE = 46
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Fraction | None  # None: no value (drawn as no bar, with the text saying so)
    text: str  # what is written beside the bar, e.g. "2.3" or "+0.5 (up)"


def _num(value) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def bar_chart(*, title: str, description: str, bars: list[Bar], maximum, axis_label: str, minimum=0) -> Markup:
    """Horizontal bars from `minimum` to `maximum` (a negative minimum draws a zero line, for changes)."""
    chart_id = f"chart-{next(_ids)}"
    plot_left = LABEL_WIDTH
    plot_width = WIDTH - LABEL_WIDTH - VALUE_SPACE
    span = Fraction(maximum) - Fraction(minimum) or Fraction(1)
    height = TOP + len(bars) * (BAR_HEIGHT + GAP) + AXIS_SPACE

    def x(value) -> float:
        return plot_left + float((Fraction(value) - Fraction(minimum)) / span) * plot_width

    zero = x(0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    # gridlines and tick labels at whole numbers
    tick = int(Fraction(minimum))
    plot_bottom = TOP + len(bars) * (BAR_HEIGHT + GAP)
    while tick <= Fraction(maximum):
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{plot_bottom}" stroke="#aeb7bd" '
            f'stroke-width="1" stroke-dasharray="{"none" if tick == 0 else "3 3"}"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{plot_bottom + 16}" text-anchor="middle" font-size="13" '
            f'fill="#212b32">{tick}</text>'
        )
        tick += 1
    for n, bar in enumerate(bars):
        y = TOP + n * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{plot_left - 8}" y="{middle:.1f}" text-anchor="end" font-size="13" fill="#212b32">'
            f"{escape(_short(bar.label))}</text>"
        )
        if bar.value is not None:
            end = x(bar.value)
            left, right = min(zero, end), max(zero, end)
            negative = bar.value < 0
            parts.append(
                f'<rect x="{left:.1f}" y="{y}" width="{max(right - left, 1):.1f}" height="{BAR_HEIGHT}" '
                f'fill="{"#d5281b" if negative else "#005eb8"}">'
                f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            )
            text_x = right + 6
        else:
            text_x = zero + 6
        parts.append(
            f'<text x="{text_x:.1f}" y="{middle:.1f}" font-size="13" font-weight="bold" fill="#212b32">'
            f"{escape(bar.text)}</text>"
        )
    parts.append(
        f'<text x="{plot_left + plot_width / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="13" '
        f'fill="#212b32">{escape(axis_label)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text above went through escape())


def _short(label: str, limit: int = 36) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def domain_means_chart(view, *, title: str) -> Markup:
    """The seven domain means of a `presenters.ResultView`, on the 0-3 scale."""
    bars = [Bar(row.label, row.mean, row.mean_shown) for row in view.rows]
    described = "; ".join(f"{row.label}: {row.mean_shown.lower()}" for row in view.rows)
    return bar_chart(
        title=title,
        description=f"Mean score per domain, from 0 (Major challenge) to 3 (Gold standard). {described}. "
        f"Total {view.total_shown}, band {view.band_text}.",
        bars=bars,
        maximum=3,
        axis_label="Mean score (0 Major challenge to 3 Gold standard)",
    )


def change_chart(rows, *, title: str) -> Markup:
    """Round 1 to round 2 change per row (`presenters.ChangeRow`), on a -3 to +3 scale."""
    bars = [Bar(row.label, row.delta, row.delta_shown) for row in rows]
    described = "; ".join(f"{row.label}: {row.delta_shown}" for row in rows)
    return bar_chart(
        title=title,
        description=f"Change in mean score from round 1 to round 2. {described}.",
        bars=bars,
        minimum=-3,
        maximum=3,
        axis_label="Change in mean score, round 1 to round 2",
    )
