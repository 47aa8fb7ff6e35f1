"""Reading table scores out of the database into cascade.results' pure computations.

Callers scope first (`DomainScore.objects.for_user(user, permission)`) and pass the queryset in;
nothing here widens what the caller may see.
"""

from .models import DomainScore, Framework
from .results import Result, TableScore, by_cohort, summarise


def table_scores(scores, *, round: int) -> list[TableScore]:
    rows = scores.filter(table__workshop__round=round).values_list(
        "table__workshop__cohort__name", "table__label", "domain__code", "score"
    )
    return [TableScore(cohort, table, domain, score) for cohort, table, domain, score in rows]


def domain_codes(framework: Framework) -> list[str]:
    return list(framework.domains.order_by("position").values_list("code", flat=True))


def partnership_result(scores, *, partnership, framework: Framework, round: int) -> Result:
    """All tables of all cohorts of the partnership in that round."""
    in_partnership = scores.filter(table__workshop__partnership=partnership, table__workshop__framework=framework)
    return summarise(table_scores(in_partnership, round=round), domain_codes(framework))


def cohort_results(scores, *, partnership, framework: Framework, round: int) -> dict[str, Result]:
    in_partnership = scores.filter(table__workshop__partnership=partnership, table__workshop__framework=framework)
    return by_cohort(table_scores(in_partnership, round=round), domain_codes(framework))


__all__ = ["DomainScore", "cohort_results", "domain_codes", "partnership_result", "table_scores"]
