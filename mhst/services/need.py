"""The need score and the proposed share of a team's capacity: pure arithmetic, no database, so the
same inputs always give the same result (issue 6 item 2). Every figure is a Decimal.

How a school's need score is reached (published on the allocation method page):

1. Each indicator is scaled to between 0 and 1:
   - pupil numbers: the school's pupils divided by the largest number among the candidates;
   - free school meals: the percentage divided by 100;
   - deprivation: (10 - decile) / 9, so decile 1 (most deprived) scores 1 and decile 10 scores 0;
   - referral rate: the school's referrals per 1,000 pupils over the last 12 months divided by the
     highest rate among the candidates;
   - readiness: checklist items met, out of 10.
2. The need score is 100 x (sum of weight x scaled value) / (sum of the weights used), over the
   indicators the partnership counts (weight above 0) that are known for the school. A missing
   indicator is left out and its weight shared among the others; the page says so.
3. The team's qualified capacity is shared in proportion to need scores, in hundredths of a WTE,
   by the largest-remainder method: each school gets the whole hundredths of its exact share, and
   the hundredths left over go to the largest remainders (ties: higher score, then school name,
   then school id). The shares add up to the capacity exactly.

Handled, never a crash: no candidates, zero capacity, a school with none of the counted
indicators (not scored, no share), every score zero (capacity shared equally among scored
schools), equal scores (marked as ties, ranked equally).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HUNDREDTH = Decimal("0.01")
ZERO = Decimal("0")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    weight_field: str
    missing_note: str


INDICATORS = (
    Indicator("pupils", "Pupil numbers", "pupils_weight", "No pupil numbers"),
    Indicator("fsm", "Free school meals (%)", "fsm_weight", "No free school meals figure"),
    Indicator("deprivation", "Deprivation decile of the school's area", "deprivation_weight", "No deprivation decile"),
    Indicator(
        "referral_rate",
        "Referrals per 1,000 pupils, last 12 months",
        "referral_rate_weight",
        "No referral rate (pupil numbers unknown)",
    ),
    Indicator("readiness", "Readiness checklist items met (of 10)", "readiness_weight", "No readiness figure"),
)


@dataclass(frozen=True)
class SchoolInputs:
    school_id: int
    name: str
    pupils: int | None = None
    fsm_percent: Decimal | None = None
    deprivation_decile: int | None = None
    referral_rate: Decimal | None = None
    readiness_met: int | None = None

    def value(self, key):
        return {
            "pupils": self.pupils,
            "fsm": self.fsm_percent,
            "deprivation": self.deprivation_decile,
            "referral_rate": self.referral_rate,
            "readiness": self.readiness_met,
        }[key]


@dataclass
class LineResult:
    inputs: SchoolInputs
    score: Decimal | None
    workings: dict
    notes: list = field(default_factory=list)
    rank: int | None = None
    tied: bool = False
    share_wte: Decimal = ZERO


@dataclass
class Result:
    lines: list
    capacity_wte: Decimal
    notes: list = field(default_factory=list)

    @property
    def total_wte(self) -> Decimal:
        return sum((line.share_wte for line in self.lines), ZERO)


def _fmt(value: Decimal | None, places="0.0001") -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def weights_of(method) -> dict[str, Decimal]:
    """The indicators a method counts (weight above 0), by key."""
    return {i.key: Decimal(getattr(method, i.weight_field)) for i in INDICATORS if getattr(method, i.weight_field) > 0}


def _scaled(key, value, maxima) -> Decimal:
    value = Decimal(value)
    if key == "fsm":
        return min(max(value / 100, ZERO), Decimal(1))
    if key == "deprivation":
        return (Decimal(10) - value) / Decimal(9)
    if key == "readiness":
        return value / Decimal(10)
    top = maxima[key]
    return value / top if top > 0 else ZERO


def score(inputs: SchoolInputs, weights: dict[str, Decimal], maxima: dict[str, Decimal]) -> LineResult:
    workings, notes, used, points = {}, [], ZERO, ZERO
    for indicator in INDICATORS:
        if indicator.key not in weights:
            continue
        raw = inputs.value(indicator.key)
        if raw is None:
            notes.append(f"{indicator.missing_note}: scored on the other indicators.")
            workings[indicator.key] = {"label": indicator.label, "value": None, "weight": str(weights[indicator.key])}
            continue
        scaled = _scaled(indicator.key, raw, maxima)
        used += weights[indicator.key]
        points += weights[indicator.key] * scaled
        workings[indicator.key] = {
            "label": indicator.label,
            "value": str(raw),
            "scaled": _fmt(scaled),
            "weight": str(weights[indicator.key]),
        }
    if used == 0:
        return LineResult(inputs, None, workings, ["Not scored: none of the counted indicators is known."])
    for w in workings.values():
        if w.get("scaled") is not None:
            w["points"] = _fmt(Decimal(100) * Decimal(w["weight"]) * Decimal(w["scaled"]) / used, "0.01")
    need = (Decimal(100) * points / used).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return LineResult(inputs, need, workings, notes)


def _maxima(candidates) -> dict[str, Decimal]:
    maxima = {}
    for key in ("pupils", "referral_rate"):
        known = [Decimal(c.value(key)) for c in candidates if c.value(key) is not None]
        maxima[key] = max(known, default=ZERO)
    return maxima


def _rank(lines):
    scored = sorted((line for line in lines if line.score is not None), key=lambda line: -line.score)
    by_score: dict[Decimal, list] = {}
    for line in scored:
        by_score.setdefault(line.score, []).append(line)
    rank = 1
    for same in by_score.values():
        for line in same:
            line.rank = rank
            if len(same) > 1:
                line.tied = True
                others = ", ".join(o.inputs.name for o in same if o is not line)
                line.notes.append(f"Tied on need score with {others}.")
        rank += len(same)


def _share(lines, capacity_wte: Decimal, notes: list):
    scored = [line for line in lines if line.score is not None]
    units = int((capacity_wte / HUNDREDTH).to_integral_value())
    if not scored or units <= 0:
        return
    total = sum((line.score for line in scored), ZERO)
    if total == 0:
        notes.append("Every scored school has a need score of 0: the capacity is shared equally.")
        exact = {id(line): Fraction(units, len(scored)) for line in scored}
    else:
        exact = {id(line): Fraction(units) * Fraction(line.score) / Fraction(total) for line in scored}
    given = {id(line): int(exact[id(line)]) for line in scored}
    left = units - sum(given.values())
    order = sorted(
        scored,
        key=lambda line: (-(exact[id(line)] - given[id(line)]), -line.score, line.inputs.name, line.inputs.school_id),
    )
    for line in order[:left]:
        given[id(line)] += 1
    for line in scored:
        line.share_wte = (Decimal(given[id(line)]) * HUNDREDTH).quantize(HUNDREDTH)
    for line in scored:
        if line.tied:
            same = [o for o in scored if o.score == line.score]
            if len({o.share_wte for o in same}) > 1:
                line.notes.append("Tied schools' shares differ by 0.01 WTE from rounding (alphabetical order).")


def allocate(method, capacity_wte: Decimal, candidates) -> Result:
    """Score the candidates with the method's weights and share `capacity_wte` between them.

    The result does not depend on the order of `candidates`."""
    capacity_wte = Decimal(capacity_wte).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    candidates = sorted(candidates, key=lambda c: (c.name, c.school_id))
    weights = weights_of(method)
    maxima = _maxima(candidates)
    lines = [score(c, weights, maxima) for c in candidates]
    result = Result(lines=lines, capacity_wte=capacity_wte)
    if not candidates:
        result.notes.append("No candidate schools: nothing to allocate.")
        return result
    if capacity_wte <= 0:
        result.notes.append("The team has no qualified capacity on this date: every share is 0.")
    _rank(lines)
    _share(lines, capacity_wte, result.notes)
    unscored = [line for line in lines if line.score is None]
    if unscored and len(unscored) == len(lines):
        result.notes.append("No school could be scored: adjust shares by hand, with a reason.")
    for line in unscored:
        line.notes.append("No share: give it time by adjusting, with a reason, if it should have some.")
    return result
