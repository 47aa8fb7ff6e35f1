"""Server-rendered SVG charts for the MHST coverage and activity pages (no JavaScript, nothing
inline that the CSP forbids), in the manner of cascade/charts.py.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` (named by aria-labelledby),
axis labels, and every value written beside its bar, so nothing is told by colour alone: where
bars belong to two series (capacity and allocation) the series is written in the bar's label too.
Pages always show a table with the same figures next to the chart. All text is escaped here.
"""

from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from markupsafe import Markup, escape

WIDTH = 720
LABEL_WIDTH = 250
VALUE_SPACE = 150
BAR_HEIGHT = 22
GAP = 12
TOP = 16
AXIS_SPACE = 46
COLOURS = ("#005eb8", "#330072", "#007f3b")  # NHS blue, purple, green: all dark enough for white text nearby
_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    text: str  # what is written beside the bar, e.g. "3 of 5 (60.0%)"
    series: int = 0  # which colour


def nice_step(maximum) -> Decimal:
    """A tick step of 1, 2 or 5 times a power of ten giving at most five steps up to `maximum`."""
    maximum = Decimal(maximum)
    if maximum <= 0:
        return Decimal(1)
    step = Decimal("0.1")
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            if maximum / candidate <= 5:
                return candidate
        step *= 10


def _num(value) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def bar_chart(*, title: str, description: str, bars: list[Bar], axis_label: str, maximum=None) -> Markup:
    """Horizontal bars from 0, with gridlines at round numbers and the value written beside each bar."""
    chart_id = f"mhst-chart-{next(_ids)}"
    top_value = max([Decimal(b.value) for b in bars] + [Decimal(maximum or 0), Decimal(0)])
    step = nice_step(top_value)
    ticks = [Decimal(0)]
    while ticks[-1] < top_value:
        ticks.append(ticks[-1] + step)
    span = ticks[-1] or Decimal(1)
    plot_left = LABEL_WIDTH
    plot_width = WIDTH - LABEL_WIDTH - VALUE_SPACE
    plot_bottom = TOP + len(bars) * (BAR_HEIGHT + GAP)
    height = plot_bottom + AXIS_SPACE

    def x(value) -> float:
        return plot_left + float(Decimal(value) / span) * plot_width

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in ticks:
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{plot_bottom}" stroke="#aeb7bd" '
            f'stroke-width="1" stroke-dasharray="{"none" if tick == 0 else "3 3"}"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{plot_bottom + 16}" text-anchor="middle" font-size="13" '
            f'fill="#212b32">{_num(tick)}</text>'
        )
    for n, bar in enumerate(bars):
        y = TOP + n * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{plot_left - 8}" y="{middle:.1f}" text-anchor="end" font-size="13" fill="#212b32">'
            f"{escape(_short(bar.label))}</text>"
        )
        end = x(bar.value)
        if Decimal(bar.value) > 0:
            parts.append(
                f'<rect x="{plot_left}" y="{y}" width="{max(end - plot_left, 1):.1f}" height="{BAR_HEIGHT}" '
                f'fill="{COLOURS[bar.series % len(COLOURS)]}">'
                f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            )
        parts.append(
            f'<text x="{end + 6:.1f}" y="{middle:.1f}" font-size="13" font-weight="bold" fill="#212b32">'
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


def _shown(value) -> str:
    return "not known" if value is None else f"{value}%"


# --- the pages' charts ---------------------------------------------------------------------------


def coverage_chart(coverage) -> Markup | None:
    """Schools covered per phase, each bar written as "covered of all (share)"."""
    if not coverage.phases:
        return None
    bars = [
        Bar(row.label, row.covered, f"{row.covered} of {row.schools} ({_shown(row.school_share)})")
        for row in coverage.phases
    ]
    described = "; ".join(f"{b.label}: {b.text}" for b in bars)
    return bar_chart(
        title="Schools covered by an MHST, by phase",
        description=f"Schools with an approved MHST allocation, out of the partnership's schools. {described}.",
        bars=bars,
        maximum=max(row.schools for row in coverage.phases),
        axis_label="Schools covered",
    )


def capacity_chart(rows) -> Markup | None:
    """Per team, qualified capacity and allocated time in sessions a week (two bars each)."""
    if not rows:
        return None
    bars = []
    for row in rows:
        bars.append(Bar(f"{row.team.name}: capacity", row.capacity_sessions, f"{_num(row.capacity_sessions)}", 0))
        bars.append(Bar(f"{row.team.name}: allocated", row.allocated_sessions, f"{_num(row.allocated_sessions)}", 1))
    described = "; ".join(
        f"{row.team.name}: capacity {_num(row.capacity_sessions)}, allocated {_num(row.allocated_sessions)} "
        f"sessions a week ({row.status.lower()})"
        for row in rows
    )
    return bar_chart(
        title="Qualified capacity and allocated time per team",
        description=f"Sessions a week (one whole-time equivalent is ten sessions). {described}.",
        bars=bars,
        axis_label="Sessions a week",
    )


def activity_chart(rows, *, title: str, what: str) -> Markup | None:
    """Sessions of activity per row (function, school or month)."""
    if not rows:
        return None
    bars = [Bar(row.label, row.sessions, f"{row.sessions} ({_num(row.hours)} h)") for row in rows]
    described = "; ".join(f"{row.label}: {row.sessions} sessions, {_num(row.hours)} hours" for row in rows)
    return bar_chart(
        title=title,
        description=f"Activity recorded {what}: sessions and hours. {described}.",
        bars=bars,
        axis_label="Sessions recorded",
    )


def readiness_chart(progress) -> Markup | None:
    if not progress.schools:
        return None
    bars = [Bar(f"{met} of 10 met", schools, str(schools)) for met, schools in progress.distribution]
    described = "; ".join(f"{met} items met: {schools} schools" for met, schools in progress.distribution)
    return bar_chart(
        title="Readiness checklist items met by covered schools",
        description=f"Number of covered schools by checklist items met. {described}. "
        f"{progress.ready} of {progress.schools} schools are ready (all 10 met).",
        bars=bars,
        axis_label="Schools",
    )
