"""CASCADE results, always computed from table scores, never typed (DESIGN.md section 5).

Pure functions over plain data, so the pages, the API, exports and imports share one definition:

- domain mean: the mean of that domain's table scores over every table given (all tables of all
  cohorts of a partnership in a round, or one cohort's, or one table's);
- total: the sum of the seven domain means (0-21), shown to one decimal place;
- band of the total: Very low < 4.0 <= Low < 5.0 <= Fair < 6.0 <= High, decided on the exact
  total (so a total of 3.95 is Very low even though it is shown as 4.0 to one decimal);
- per domain: the share of tables at Major challenge (0) and at Widespread good practice or
  better (2 or 3);
- change from round 1 to round 2, per domain and in total.

Arithmetic is exact (fractions): rounding happens only for display, half away from zero.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from fractions import Fraction

LEVELS = (0, 1, 2, 3)
MAJOR_CHALLENGE = 0
WIDESPREAD_GOOD_PRACTICE = 2


class Band(Enum):
    VERY_LOW = "Very low"
    LOW = "Low"
    FAIR = "Fair"
    HIGH = "High"


#: (lower bound inclusive, band), highest first
BAND_FLOORS = ((Fraction(6), Band.HIGH), (Fraction(5), Band.FAIR), (Fraction(4), Band.LOW))


def band_for(total) -> Band:
    exact = Fraction(total) if not isinstance(total, float) else Fraction(str(total))
    for floor, band in BAND_FLOORS:
        if exact >= floor:
            return band
    return Band.VERY_LOW


def one_decimal(value) -> Decimal:
    """For display: one decimal place, halves rounded up (2.25 -> 2.3)."""
    exact = Fraction(value)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TableScore:
    """One table's score for one domain. `table` identifies the table within its cohort."""

    cohort: str
    table: str
    domain: str
    score: int

    def __post_init__(self):
        if self.score not in LEVELS:
            raise ValueError(f"A score is 0, 1, 2 or 3, not {self.score!r}")


@dataclass(frozen=True)
class DomainResult:
    domain: str
    tables: int
    mean: Fraction | None
    major_challenge_share: Fraction | None  # of tables scoring 0
    widespread_or_better_share: Fraction | None  # of tables scoring 2 or 3
    distribution: dict[int, int] = field(default_factory=dict)  # score -> number of tables

    @property
    def mean_rounded(self) -> Decimal | None:
        return None if self.mean is None else one_decimal(self.mean)


@dataclass(frozen=True)
class Result:
    domains: dict[str, DomainResult]

    @property
    def complete(self) -> bool:
        """Every domain has at least one score (otherwise there is no total)."""
        return all(d.mean is not None for d in self.domains.values())

    @property
    def total(self) -> Fraction | None:
        if not self.complete:
            return None
        return sum((d.mean for d in self.domains.values()), Fraction(0))

    @property
    def total_rounded(self) -> Decimal | None:
        return None if self.total is None else one_decimal(self.total)

    @property
    def band(self) -> Band | None:
        return None if self.total is None else band_for(self.total)


def summarise(scores: Iterable[TableScore], domains: Sequence[str]) -> Result:
    """The result of the given table scores over the framework's `domains` (in order)."""
    by_domain: dict[str, list[int]] = defaultdict(list)
    for item in scores:
        if item.domain not in domains:
            raise ValueError(f"Unknown domain {item.domain!r}")
        by_domain[item.domain].append(item.score)
    results = {}
    for code in domains:
        values = by_domain.get(code, [])
        count = len(values)
        distribution = {level: values.count(level) for level in LEVELS}
        results[code] = DomainResult(
            domain=code,
            tables=count,
            mean=Fraction(sum(values), count) if count else None,
            major_challenge_share=Fraction(distribution[MAJOR_CHALLENGE], count) if count else None,
            widespread_or_better_share=(
                Fraction(sum(n for level, n in distribution.items() if level >= WIDESPREAD_GOOD_PRACTICE), count)
                if count
                else None
            ),
            distribution=distribution,
        )
    return Result(domains=results)


def by_cohort(scores: Iterable[TableScore], domains: Sequence[str]) -> dict[str, Result]:
    grouped: dict[str, list[TableScore]] = defaultdict(list)
    for item in scores:
        grouped[item.cohort].append(item)
    return {cohort: summarise(items, domains) for cohort, items in sorted(grouped.items())}


@dataclass(frozen=True)
class Change:
    """Round 2 minus round 1: per domain (None where either round has no score) and in total."""

    domains: dict[str, Fraction | None]
    total: Fraction | None


def change(round1: Result, round2: Result) -> Change:
    per_domain = {}
    for code, first in round1.domains.items():
        second = round2.domains.get(code)
        per_domain[code] = (
            None if first.mean is None or second is None or second.mean is None else second.mean - first.mean
        )
    total = None if round1.total is None or round2.total is None else round2.total - round1.total
    return Change(domains=per_domain, total=total)


#: cohorts are grouped by their round-1 total to see where the gains are
COHORT_GROUP_THRESHOLD = Fraction(6)


def cohort_groups(round1: dict[str, Result], round2: dict[str, Result]) -> dict[str, dict[str, Change]]:
    """{"below 6": {cohort: change}, "6 or more": {...}} for cohorts with a total in both rounds."""
    groups: dict[str, dict[str, Change]] = {"below 6": {}, "6 or more": {}}
    for cohort, first in round1.items():
        second = round2.get(cohort)
        if first.total is None or second is None or second.total is None:
            continue
        key = "below 6" if first.total < COHORT_GROUP_THRESHOLD else "6 or more"
        groups[key][cohort] = change(first, second)
    return groups
