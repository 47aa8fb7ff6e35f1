"""Display values for CASCADE results, so templates, exports and charts stay dumb.

Everything here formats what cascade.results computed (exact fractions): it never re-computes a
mean, a total or a band. Rounding is cascade.results.one_decimal (halves away from zero).
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .results import Band, Change, Result, one_decimal

BAND_COLOURS = {Band.VERY_LOW: "red", Band.LOW: "orange", Band.FAIR: "yellow", Band.HIGH: "green"}
NO_VALUE = "No score"


def band_tag(band: Band | None) -> dict:
    """An nhsuk tag: colour AND the band's name, never colour alone."""
    if band is None:
        return {"text": "No total yet", "colour": "grey"}
    return {"text": band.value, "colour": BAND_COLOURS[band]}


def decimal(value: Fraction | None, places: int = 6) -> str:
    """The exact value as a decimal string with `places` places (for exports and the API)."""
    if value is None:
        return ""
    exact = Fraction(value)
    quantum = Decimal(1).scaleb(-places)
    return str((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum))


def shown(value: Fraction | None) -> str:
    """One decimal place, or "No score" when there is no value."""
    return NO_VALUE if value is None else str(one_decimal(value))


def percent(share: Fraction | None) -> str:
    """A share of tables as a percentage to one decimal (33.3%)."""
    return NO_VALUE if share is None else f"{one_decimal(share * 100)}%"


def signed(delta: Fraction | None) -> str:
    """A change to one decimal, signed, with the word: "+0.5 (up)", "-1.0 (down)", "0.0 (no change)"."""
    if delta is None:
        return "Not available"
    rounded = one_decimal(delta)
    if rounded > 0:
        return f"+{rounded} (up)"
    if rounded < 0:
        return f"{rounded} (down)"
    return "0.0 (no change)"


@dataclass(frozen=True)
class DomainRow:
    code: str
    letter: str
    title: str
    tables: int
    mean: Fraction | None
    major_challenge_share: Fraction | None
    widespread_or_better_share: Fraction | None
    distribution: dict

    @property
    def mean_shown(self) -> str:
        return shown(self.mean)

    @property
    def major_shown(self) -> str:
        return percent(self.major_challenge_share)

    @property
    def widespread_shown(self) -> str:
        return percent(self.widespread_or_better_share)

    @property
    def label(self) -> str:
        return f"{self.letter}: {self.title}"


@dataclass(frozen=True)
class ResultView:
    rows: list[DomainRow]
    total: Fraction | None
    band: Band | None
    tables: int  # the most tables scoring any one domain

    @property
    def has_scores(self) -> bool:
        return self.tables > 0

    @property
    def total_shown(self) -> str:
        return shown(self.total)

    @property
    def band_tag(self) -> dict:
        return band_tag(self.band)

    @property
    def band_text(self) -> str:
        return self.band.value if self.band else "No total yet"


def result_view(result: Result, domains) -> ResultView:
    """`domains`: the framework's Domain rows in order (for letters and titles)."""
    rows = []
    for domain in domains:
        d = result.domains[domain.code]
        rows.append(
            DomainRow(
                code=domain.code,
                letter=domain.letter,
                title=domain.title,
                tables=d.tables,
                mean=d.mean,
                major_challenge_share=d.major_challenge_share,
                widespread_or_better_share=d.widespread_or_better_share,
                distribution=d.distribution,
            )
        )
    return ResultView(
        rows=rows, total=result.total, band=result.band, tables=max((row.tables for row in rows), default=0)
    )


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: Fraction | None
    after: Fraction | None
    delta: Fraction | None

    @property
    def before_shown(self) -> str:
        return shown(self.before)

    @property
    def after_shown(self) -> str:
        return shown(self.after)

    @property
    def delta_shown(self) -> str:
        return signed(self.delta)


def domain_changes(first: Result, second: Result, delta: Change, domains) -> list[ChangeRow]:
    return [
        ChangeRow(
            label=f"{domain.letter}: {domain.title}",
            before=first.domains[domain.code].mean,
            after=second.domains[domain.code].mean,
            delta=delta.domains.get(domain.code),
        )
        for domain in domains
    ]
