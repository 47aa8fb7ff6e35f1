"""The CASCADE panel of the dashboard (issue 7 item 1): latest totals and bands, change by domain.

Every result is cascade.results' own computation (`summarise`, `change`, `band_for` through
`Result.band`, `one_decimal`) over the current framework's table scores, so a partnership's row
here is what its CASCADE results page shows for the same workshops. Definitions:

- Latest round: a partnership's latest round (1 or 2) with any table score, as the results page
  opens by default. Its total is the sum of the seven domain means over every table of every cohort
  of the partnership in that round (0-21, one decimal place), and its band is decided on the exact
  total (Very low < 4 <= Low < 5 <= Fair < 6 <= High). A round in which some domain has no score
  has no total and no band ("No total yet").
- Change from round 1 to round 2, per domain: round 2's domain mean minus round 1's, for each
  partnership scored in both rounds (the results page's progress section). Above one partnership
  (a commissioner's partnerships, or national) each column is the plain average over the
  partnerships that have that domain scored in both rounds, and the "Partnerships" column says
  how many that is. The total row averages the partnerships with a total in both rounds.

Cells: scores, totals, changes and numbers of partnerships are `Number`s (none is a count of
children); bands and rounds are `Text`, written in words. CASCADE describes the partnership as a
whole, so the panel ignores the period, phase and school filters (the notes say so).

Query discipline: four queries whatever the scope (the framework, its domains, the partnerships'
names, and the table scores grouped by partnership, round, domain and score in the database),
never one per partnership or per score.
"""

from collections import defaultdict
from fractions import Fraction

from django.db.models import Count

from partnership.figures import Chart, ChartKind, Filters, Number, PanelFigures, Row, Scope, Table, Text
from partnership.models import Partnership

from .models import DomainScore, Framework
from .results import Result, TableScore, change, one_decimal, summarise
from .services.framework import FRAMEWORK_CODE

ROUNDS = (1, 2)
NO_TOTAL = "No total yet"
NO_SCORES = "Not scored yet"
BAND_ORDER = ("High", "Fair", "Low", "Very low", NO_TOTAL)
NOTE = (
    "CASCADE results are each partnership's latest workshops, whatever the period; "
    "the phase and school filters do not apply to them."
)


def _value(value: Fraction | None) -> Number:
    return Number(None if value is None else one_decimal(value))


def _has_scores(result: Result) -> bool:
    return any(d.tables for d in result.domains.values())


def scope_results(partnership_ids, framework: Framework, codes: list[str]) -> dict[int, dict[int, Result]]:
    """{partnership id: {round: Result}} for the partnerships and rounds with any score: one query.

    The database counts the tables at each score per partnership, round and domain; the counts are
    expanded back into table scores for cascade.results.summarise (a domain's mean is the mean of
    its table scores, so which table gave which score does not change any result)."""
    rows = (
        DomainScore.objects.filter(
            table__workshop__partnership_id__in=partnership_ids, table__workshop__framework=framework
        )
        .values("table__workshop__partnership_id", "table__workshop__round", "domain__code", "score")
        .annotate(tables=Count("pk"))
        .order_by()
    )
    scores: dict[tuple[int, int], list[TableScore]] = defaultdict(list)
    for row in rows:
        key = (row["table__workshop__partnership_id"], row["table__workshop__round"])
        scores[key].extend(TableScore("", str(n), row["domain__code"], row["score"]) for n in range(row["tables"]))
    results: dict[int, dict[int, Result]] = defaultdict(dict)
    for (partnership_id, round_), items in scores.items():
        results[partnership_id][round_] = summarise(items, codes)
    return results


def latest_round(results: dict[int, Result]) -> int | None:
    scored = [n for n in ROUNDS if n in results and _has_scores(results[n])]
    return scored[-1] if scored else None


def _latest_table(names: list[tuple[int, str]], results: dict[int, dict[int, Result]]) -> tuple[Table, dict]:
    rows, bands = [], dict.fromkeys(BAND_ORDER, 0)
    for pk, name in names:
        own = results.get(pk, {})
        latest = latest_round(own)
        if latest is None:
            rows.append(Row(name, (Text(NO_SCORES), Number(None), Text(NO_TOTAL))))
            bands[NO_TOTAL] += 1
            continue
        result = own[latest]
        band = result.band.value if result.band else NO_TOTAL
        bands[band] += 1
        rows.append(Row(name, (Text(f"Round {latest}"), _value(result.total), Text(band))))
    table = Table(
        key="latest",
        title="Latest CASCADE total and band",
        columns=("Partnership", "Latest round", "Total (0 to 21)", "Band"),
        rows=tuple(rows),
        description=(
            "Each partnership's latest round with scores: the sum of the seven domain means over all its "
            "tables, and its band (Very low below 4, Low from 4, Fair from 5, High from 6)."
        ),
    )
    return table, bands


def _bands_table(bands: dict) -> Table:
    return Table(
        key="bands",
        title="Partnerships by CASCADE band",
        columns=("Band", "Partnerships"),
        rows=tuple(Row(band, (Number(n),)) for band, n in bands.items()),
        description="How many partnerships are in each band at their latest round with scores.",
        chart=Chart(ChartKind.HBAR, series=(1,), unit="partnerships"),
        total=Row("All partnerships", (Number(sum(bands.values())),)),
    )


def _average(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _change_table(domains: list[tuple[str, str, str]], results: dict[int, dict[int, Result]]) -> Table:
    both = [(own[1], own[2]) for own in results.values() if all(n in own and _has_scores(own[n]) for n in ROUNDS)]
    changes = [(first, second, change(first, second)) for first, second in both]
    rows = []
    for code, letter, title in domains:
        usable = [(f, s, c) for f, s, c in changes if c.domains.get(code) is not None]
        rows.append(
            Row(
                f"{letter}: {title}",
                (
                    _value(_average([f.domains[code].mean for f, _, _ in usable])),
                    _value(_average([s.domains[code].mean for _, s, _ in usable])),
                    _value(_average([c.domains[code] for _, _, c in usable])),
                    Number(len(usable)),
                ),
            )
        )
    complete = [(f, s, c) for f, s, c in changes if c.total is not None]
    total = Row(
        "Total (0 to 21)",
        (
            _value(_average([f.total for f, _, _ in complete])),
            _value(_average([s.total for _, s, _ in complete])),
            _value(_average([c.total for _, _, c in complete])),
            Number(len(complete)),
        ),
    )
    return Table(
        key="change",
        title="Change from round 1 to round 2 by domain",
        columns=("Domain", "Round 1 mean", "Round 2 mean", "Change", "Partnerships"),
        rows=tuple(rows),
        description=(
            "Domain means (0 to 3) in round 1 and round 2 and the change between them, for partnerships "
            "scored in both rounds; across several partnerships, the average of their figures."
        ),
        chart=Chart(ChartKind.GROUPED, series=(1, 2), unit="mean score"),
        total=total,
    )


def compute(scope: Scope, filters: Filters) -> PanelFigures:
    names = list(
        Partnership.objects.filter(pk__in=scope.partnership_ids).order_by("name", "pk").values_list("pk", "name")
    )
    framework = Framework.objects.filter(code=FRAMEWORK_CODE, is_current=True).first()
    domains = list(framework.domains.order_by("position").values_list("code", "letter", "title")) if framework else []
    codes = [code for code, _, _ in domains]
    results = scope_results(scope.partnership_ids, framework, codes) if framework else {}
    latest, bands = _latest_table(names, results)
    tables = [latest]
    if len(names) > 1:
        tables.append(_bands_table(bands))
    tables.append(_change_table(domains, results))
    return PanelFigures(tables=tuple(tables), refreshed_at=None, notes=(NOTE,))
