"""Small-number disclosure control (DESIGN.md section 8): one pure function at every boundary.

Below national level:
- a count of 0 shows as 0, 1-7 as `*`, every other count rounded to the nearest 5 (halves up);
- a percentage is computed from the rounded numbers, and shows as `*` when its part or its whole
  is 1-7 (built on 1-7 people);
- a median, percentile or average built on 1-7 people shows as `*`.
At national level the numbers are published as they are.

Every total is computed from the raw figures and then disclosed like any other count, never as
the sum of shown (rounded) parts. Rounding alone is not enough: with two or more rounded parts, a
total at the edge of its rounding window can pin a suppressed part (1 + 13 + 13 = 27 shows as
*, 15, 15 and 25; 25 means 23-27 and 15 + 15 at least 26, so the * is 1). So a total row's count
is withheld (`*`) whenever SOME total its shown parts allow would pin a suppressed part: decided
from the shown parts only, so the withholding itself reveals nothing (secondary suppression).
tests/partnership/test_disclosure.py brute-forces every raw breakdown consistent with a table
and checks no suppressed part is ever pinned to one value.

Not covered, by design: differencing across separate requests or tables (one phase against all
phases, one school against the partnership) is limited by rounding but not made impossible;
the school filter is therefore for area leads only.

`disclose(table, national=...)` is the function the dashboard pages, the CSV/XLSX/PDF exports
and the metrics API all call. Its result holds only shown values.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .figures import Count, Number, Percent, Row, Statistic, Table, Text

SUPPRESSED = "*"
SMALL = range(1, 8)  # 1-7 people
ROUND_TO = 5

FOOTNOTE = (
    "To protect children's privacy, below national level a count of 0 shows as 0, a count of 1 to 7 "
    "shows as *, and every other count is rounded to the nearest 5. Percentages are worked out from "
    "the rounded numbers; percentages, medians and other figures built on 1 to 7 children show as *. "
    "Totals are rounded separately, so parts may not add up to the total; a total also shows as * when "
    "showing it could reveal a small number."
)


def rounded(n: int) -> int:
    """To the nearest 5, halves up (12 -> 10, 13 -> 15)."""
    return ((n + ROUND_TO // 2) // ROUND_TO) * ROUND_TO


def count(n: int, *, national: bool = False) -> int | str:
    if national or n == 0:
        return n
    if n in SMALL:
        return SUPPRESSED
    return rounded(n)


def percent(part: int, whole: int, *, national: bool = False) -> Decimal | str | None:
    """One decimal place, halves up; None when there is nobody to take a share of."""
    if whole == 0:
        return None
    if not national:
        if part in SMALL or whole in SMALL:
            return SUPPRESSED
        part, whole = rounded(part), rounded(whole)
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def statistic(value, people: int, *, national: bool = False):
    if people == 0 or value is None:
        return None
    if not national and people in SMALL:
        return SUPPRESSED
    return value


@dataclass(frozen=True)
class Shown:
    """A cell as published: `value` is an int, Decimal, str ("*" or text) or None (no data)."""

    value: object
    unit: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED

    @property
    def text(self) -> str:
        if self.value is None:
            return "\u2013"  # an en dash: no data
        if self.value == SUPPRESSED or isinstance(self.value, str):
            return self.value
        if self.unit == "%":
            return f"{self.value}%"
        return f"{self.value}{' ' + self.unit if self.unit else ''}"


def shown(cell, *, national: bool = False) -> Shown:
    if isinstance(cell, Count):
        return Shown(count(cell.n, national=national))
    if isinstance(cell, Percent):
        return Shown(percent(cell.part, cell.whole, national=national), "%")
    if isinstance(cell, Statistic):
        return Shown(statistic(cell.value, cell.people, national=national), cell.unit)
    if isinstance(cell, Number):
        return Shown(cell.value, cell.unit)
    if isinstance(cell, Text):
        return Shown(cell.value)
    raise TypeError(f"not a figure: {cell!r}")


@dataclass(frozen=True)
class ShownRow:
    label: str
    cells: tuple[Shown, ...]


@dataclass(frozen=True)
class ShownTable:
    key: str
    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[ShownRow, ...]
    total: ShownRow | None
    chart: object  # figures.Chart | None

    def as_rows(self) -> list[list]:
        """Header first, then one list per row (values, not text): for CSV, XLSX and the API."""
        body = [[row.label, *(c.value for c in row.cells)] for row in self.all_rows]
        return [list(self.columns), *body]

    @property
    def all_rows(self) -> tuple[ShownRow, ...]:
        return self.rows + ((self.total,) if self.total else ())


def _row(row: Row, national: bool) -> ShownRow:
    return ShownRow(row.label, tuple(shown(cell, national=national) for cell in row.cells))


def _could_be(shown) -> tuple[int, int]:
    """The least and most raw count a reader who knows the rule could take a shown count to be."""
    if shown == SUPPRESSED:
        return SMALL[0], SMALL[-1]
    if shown == 0:
        return 0, 0
    return max(SMALL[-1] + 1, shown - ROUND_TO // 2), shown + ROUND_TO // 2


def _pins(total_shown, parts_shown) -> bool:
    """Whether a total shown as `total_shown` narrows a suppressed part to one raw value, given the
    other parts' windows (the part is at least total's low minus the others' highs, and at most
    total's high minus the others' lows)."""
    low, high = _could_be(total_shown)
    windows = [_could_be(p) for p in parts_shown]
    lows, highs = sum(w[0] for w in windows), sum(w[1] for w in windows)
    for shown_part, (least, most) in zip(parts_shown, windows, strict=True):
        if shown_part == SUPPRESSED and min(most, high - (lows - least)) <= max(least, low - (highs - most)):
            return True
    return False


def _withhold_total(parts_shown) -> bool:
    """Withhold a column's total when SOME total the shown parts allow would pin a suppressed part.
    Decided from what is shown only, so that withholding reveals nothing by itself."""
    if SUPPRESSED not in parts_shown:
        return False
    windows = [_could_be(p) for p in parts_shown]
    lows, highs = sum(w[0] for w in windows), sum(w[1] for w in windows)
    return any(_pins(shown, parts_shown) for shown in {count(n) for n in range(lows, highs + 1)})


def _total(table: Table, total: ShownRow) -> ShownRow:
    """Secondary suppression of a total row's counts (below national level)."""
    cells, withheld = list(total.cells), False
    for i, cell in enumerate(table.total.cells):
        parts = [row.cells[i] for row in table.rows]
        countable = isinstance(cell, Count) and all(isinstance(p, Count) for p in parts)
        if countable and _withhold_total([count(p.n) for p in parts]):
            cells[i], withheld = Shown(SUPPRESSED), True
    if withheld:  # a percentage of the totals would give the withheld total away
        cells = [
            Shown(SUPPRESSED, c.unit) if isinstance(raw, Percent) else c
            for raw, c in zip(table.total.cells, cells, strict=True)
        ]
    return ShownRow(total.label, tuple(cells))


def disclose(table: Table, *, national: bool) -> ShownTable:
    """The one boundary: a table of raw figures in, a table of publishable values out."""
    total = _row(table.total, national) if table.total else None
    if total is not None and not national:
        total = _total(table, total)
    return ShownTable(
        key=table.key,
        title=table.title,
        description=table.description,
        columns=table.columns,
        rows=tuple(_row(row, national) for row in table.rows),
        total=total,
        chart=table.chart,
    )
