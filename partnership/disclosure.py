"""Small-number disclosure control (DESIGN.md section 8): one pure function at every boundary.

Below national level:
- a count of 0 shows as 0, 1-7 as `*`, every other count rounded to the nearest 5 (halves up);
- a percentage is computed from the rounded numbers, and shows as `*` when its part or its whole
  is 1-7 (built on 1-7 people);
- a median, percentile or average built on 1-7 people shows as `*`.
At national level the numbers are published as they are.

Every total is computed from the raw figures and then disclosed like any other count, never as
the sum of shown (rounded) parts. Rounding every count to 5 means no total minus its shown parts
can pin a suppressed part to one value (tests/partnership/test_disclosure.py proves it).

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
    "Totals are rounded separately, so parts may not add up to the total."
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


def disclose(table: Table, *, national: bool) -> ShownTable:
    """The one boundary: a table of raw figures in, a table of publishable values out."""
    return ShownTable(
        key=table.key,
        title=table.title,
        description=table.description,
        columns=table.columns,
        rows=tuple(_row(row, national) for row in table.rows),
        total=_row(table.total, national) if table.total else None,
        chart=table.chart,
    )
