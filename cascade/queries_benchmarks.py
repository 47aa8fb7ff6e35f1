"""Benchmarks: one partnership's results beside the distribution over every partnership.

This is the one deliberately unscoped read of CASCADE scores. It reads the table scores of ALL
partnerships in a round (a user can see only their own), computes each partnership's result with
cascade.results, and returns ONLY anonymised aggregates: for the total and for each domain the
minimum, lower quartile, median, upper quartile, maximum and the number of partnerships. No
partnership's name, slug, id or individual result leaves this module, and the distribution is
withheld altogether (`shown` is False) unless at least MIN_OTHERS partnerships other than the
caller's own have scores, so that no single other partnership can be worked out from it.
Callers must still check that the user may see `partnership`'s own results.
"""

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from .models import DomainScore, Framework
from .queries import domain_codes
from .results import TableScore, summarise

MIN_OTHERS = 3


@dataclass(frozen=True)
class Distribution:
    count: int
    minimum: Fraction
    lower_quartile: Fraction
    median: Fraction
    upper_quartile: Fraction
    maximum: Fraction


@dataclass(frozen=True)
class Benchmark:
    others: int  # partnerships other than the caller's with a complete result in the round
    shown: bool  # False: too few others, so no distribution is given
    total: Distribution | None
    domains: dict[str, Distribution | None]


def quantile(sorted_values: list[Fraction], q: Fraction) -> Fraction:
    """The q-quantile by linear interpolation between closest ranks (the "inclusive" method), exactly."""
    if not sorted_values:
        raise ValueError("no values")
    position = Fraction(q) * (len(sorted_values) - 1)
    below = int(position)
    above = min(below + 1, len(sorted_values) - 1)
    weight = position - below
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * weight


def distribution(values) -> Distribution | None:
    ordered = sorted(Fraction(v) for v in values)
    if not ordered:
        return None
    return Distribution(
        count=len(ordered),
        minimum=ordered[0],
        lower_quartile=quantile(ordered, Fraction(1, 4)),
        median=quantile(ordered, Fraction(1, 2)),
        upper_quartile=quantile(ordered, Fraction(3, 4)),
        maximum=ordered[-1],
    )


def benchmark(*, partnership, framework: Framework, round: int) -> Benchmark:
    """The distribution over all partnerships with scores in `round` (the caller's included),
    anonymised; nothing when fewer than MIN_OTHERS other partnerships have scores."""
    codes = domain_codes(framework)
    rows = DomainScore.objects.filter(table__workshop__round=round, table__workshop__framework=framework).values_list(
        "table__workshop__partnership_id", "table__workshop__cohort__name", "table__label", "domain__code", "score"
    )
    by_partnership: dict[int, list[TableScore]] = defaultdict(list)
    for partnership_id, cohort, table, domain, score in rows:
        by_partnership[partnership_id].append(TableScore(cohort, table, domain, score))
    results = [summarise(scores, codes) for scores in by_partnership.values()]
    others = sum(1 for pid, scores in by_partnership.items() if pid != partnership.pk)
    if others < MIN_OTHERS:
        return Benchmark(others=others, shown=False, total=None, domains={})
    totals = [r.total for r in results if r.total is not None]
    domains = {
        code: distribution(r.domains[code].mean for r in results if r.domains[code].mean is not None) for code in codes
    }
    return Benchmark(others=others, shown=True, total=distribution(totals), domains=domains)
