"""The shape of dashboard figures: what an app's panel hands to the dashboard (DESIGN.md section 8).

Each app computes its panels' figures from its own rollups and tables and returns them as
`Table`s of typed cells. The dashboard (pages, CSV/XLSX, the PDF board pack and the metrics API)
never sees a raw number of people: every table passes through `partnership.disclosure` first.

Cells say what a number is, because the disclosure rule depends on it:

- `Count`: a number of children and young people (referrals, pupils). Disclosure-controlled.
- `Percent`: a share of people, `part` out of `whole` (both raw counts). Computed after rounding.
- `Statistic`: a median, a percentile or an average built on `people` people (e.g. median days
  to first contact). Shown as `*` when built on 1-7 people.
- `Number`: a figure that is not a count of people (schools, WTE, CASCADE scores, actions, risks).
  Shown as it is.
- `Text`: a label or a RAG written out in words.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True)
class Count:
    n: int


@dataclass(frozen=True)
class Percent:
    part: int
    whole: int


@dataclass(frozen=True)
class Statistic:
    value: Decimal | int | None
    people: int
    unit: str = ""


@dataclass(frozen=True)
class Number:
    value: Decimal | int | None
    unit: str = ""


@dataclass(frozen=True)
class Text:
    value: str


Cell = Count | Percent | Statistic | Number | Text


class ChartKind(StrEnum):
    BAR = "bar"  # vertical bars, one per row (e.g. referrals by month)
    HBAR = "hbar"  # horizontal bars, one per row (e.g. reasons not accepted)
    GROUPED = "grouped"  # several series side by side per row (e.g. round 1 and round 2 by domain)


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    #: indexes into Table.columns (0 is the row label column) of the values to draw
    series: tuple[int, ...] = (1,)
    unit: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    key: str  # unique within the panel; used in export file names and the API
    title: str
    columns: tuple[str, ...]  # the first names the row labels
    rows: tuple[Row, ...]
    description: str = ""  # one or two sentences: what is counted, and from when
    chart: Chart | None = None
    total: Row | None = None  # a total row, computed from the raw figures, suppressed like any row


@dataclass(frozen=True)
class PanelFigures:
    tables: tuple[Table, ...]
    #: when the rollups these figures come from were last refreshed (None: computed live)
    refreshed_at: datetime.datetime | None = None
    notes: tuple[str, ...] = ()


class Level(StrEnum):
    PARTNERSHIP = "partnership"
    COMMISSIONER = "commissioner"  # every partnership the user commissions
    NATIONAL = "national"


@dataclass(frozen=True)
class Scope:
    """Whose figures: one partnership, a commissioner's partnerships, or all of them (national)."""

    level: Level
    partnership_ids: tuple[int, ...]
    label: str

    @property
    def national(self) -> bool:
        """Only the national level is published without small-number suppression."""
        return self.level == Level.NATIONAL


@dataclass(frozen=True)
class Filters:
    """The period is whole months: `start` is the first day of the first month, `end` the last day
    of the last. `phase` is a phase label from `partnership.phases` ("" for all); `school_id`
    narrows to one school (area leads, partnership level only)."""

    start: datetime.date
    end: datetime.date
    phase: str = ""
    school_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)
