"""Aggregate MHST figures for the coverage and activity pages (issue 6 items 6 and 7).

Figures only, never a child's details (MHST data holds none). Each function takes a partnership
and makes a few queries; counts are ints, WTE, hours and percentages Decimals. Views reach the
partnership through the user's scope first (`partnership_for`), then call these.

Rules, as published on the pages:

- The partnership's schools: organisations of an education kind (school, college, alternative
  provision) whose membership of the partnership is active. Lapsed, left or applied members do not
  count, even if a team is allocated to them.
- A school is covered on a day when it has a share above 0 WTE in the approved allocation of one of
  the partnership's teams that took effect on or before that day. Proposals, refusals,
  withdrawals and superseded versions never count.
- Phase: the school's phase of education from the national register (Nursery and Middle deemed
  primary count as Primary, Middle deemed secondary as Secondary); when the register gives none
  (or "Not applicable") the phase its kind implies (primary, secondary, all-through, a college as
  16 plus), otherwise the kind itself (special schools, pupil referral units, independent schools).
- Pupils: the register's pupil numbers; schools without them are counted as "pupils unknown" and
  left out of the pupil figures (both sides of the share).
- Percentages are rounded half up to one decimal place.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from partnership.models import Organisation
from partnership.phases import PHASE_ORDER, phase_of  # noqa: F401 (phase_of re-exported)
from partnership.phases import phase_key as _phase_key

from .models import (
    READINESS_ITEMS,
    Activity,
    AllocationLine,
    AllocationMethod,
    AllocationStatus,
    Function,
    HolidayOffer,
    Team,
)
from .services import allocation
from .services.capacity import capacity
from .services.need import allocate
from .services.readiness import progress
from .services.schools import member_schools

ZERO = Decimal("0")
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


def percent(part, whole) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal place; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def hours(minutes) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- the partnership's schools and which are covered ---------------------------------------------


def schools(partnership) -> list[Organisation]:
    """The partnership's schools: education organisations with an active membership."""
    return list(member_schools(partnership))


def active_lines(partnership, on):
    """Lines with a share above 0 in the approved allocations of the partnership's teams in effect on `on`."""
    return (
        AllocationLine.objects.for_partnership(partnership)
        .filter(allocation__status=AllocationStatus.APPROVED, allocation__effective_from__lte=on)
        .annotate(share=Coalesce("adjusted_wte", "calculated_wte"))
        .filter(share__gt=0)
    )


def covered_ids(partnership, on) -> set[int]:
    return set(active_lines(partnership, on).values_list("school_id", flat=True))


@dataclass
class CoverageRow:
    label: str
    schools: int = 0
    covered: int = 0
    pupils: int = 0  # pupils in schools with known numbers
    pupils_covered: int = 0
    pupils_unknown: int = 0  # schools whose pupil numbers are unknown
    pupils_unknown_covered: int = 0

    @property
    def school_share(self) -> Decimal | None:
        return percent(self.covered, self.schools)

    @property
    def pupil_share(self) -> Decimal | None:
        return percent(self.pupils_covered, self.pupils)

    def add(self, school: Organisation, is_covered: bool):
        self.schools += 1
        self.covered += is_covered
        if school.pupil_count is None:
            self.pupils_unknown += 1
            self.pupils_unknown_covered += is_covered
        else:
            self.pupils += school.pupil_count
            self.pupils_covered += school.pupil_count if is_covered else 0


@dataclass
class Coverage:
    on: datetime.date
    total: CoverageRow
    phases: list[CoverageRow]


def coverage(partnership, on=None) -> Coverage:
    on = on or timezone.localdate()
    covered = covered_ids(partnership, on)
    total = CoverageRow("All schools")
    phases: dict[str, CoverageRow] = {}
    for school in schools(partnership):
        is_covered = school.pk in covered
        total.add(school, is_covered)
        label = phase_of(school)
        phases.setdefault(label, CoverageRow(label)).add(school, is_covered)
    return Coverage(on=on, total=total, phases=[phases[k] for k in sorted(phases, key=_phase_key)])


# --- capacity against allocation -----------------------------------------------------------------


@dataclass
class CapacityRow:
    team: Team
    qualified_wte: Decimal
    trainee_wte: Decimal
    allocation: object  # the approved Allocation in effect, or None
    allocated_wte: Decimal
    schools: int

    @property
    def capacity_sessions(self) -> Decimal:
        return self.qualified_wte * 10

    @property
    def allocated_sessions(self) -> Decimal:
        return self.allocated_wte * 10

    @property
    def difference_wte(self) -> Decimal:
        """Allocated minus qualified capacity: above 0 over-allocated, below 0 under-allocated."""
        return self.allocated_wte - self.qualified_wte

    @property
    def status(self) -> str:
        if self.allocation is None:
            return "No approved allocation"
        diff = self.difference_wte
        if diff > 0:
            return f"Over-allocated by {diff} WTE ({diff * 10} sessions a week)"
        if diff < 0:
            return f"Under-allocated by {-diff} WTE ({-diff * 10} sessions a week)"
        return "Allocated to capacity"

    @property
    def tag_colour(self) -> str:
        if self.allocation is None:
            return "grey"
        diff = self.difference_wte
        return "red" if diff > 0 else "yellow" if diff < 0 else "green"


def capacity_vs_allocation(partnership, on=None) -> list[CapacityRow]:
    on = on or timezone.localdate()
    lines = defaultdict(list)
    allocations = {}
    for line in (
        AllocationLine.objects.for_partnership(partnership)
        .filter(allocation__status=AllocationStatus.APPROVED, allocation__effective_from__lte=on)
        .select_related("allocation")
    ):
        lines[line.allocation.team_id].append(line)
        allocations[line.allocation.team_id] = line.allocation
    rows = []
    for team in Team.objects.for_partnership(partnership).order_by("name", "pk"):
        cap = capacity(team, on)
        team_lines = lines.get(team.pk, [])
        rows.append(
            CapacityRow(
                team=team,
                qualified_wte=cap.qualified_wte,
                trainee_wte=cap.trainee_wte,
                allocation=allocations.get(team.pk),
                allocated_wte=sum((line.share_wte for line in team_lines), ZERO),
                schools=sum(1 for line in team_lines if line.share_wte > 0),
            )
        )
    return rows


# --- activity ------------------------------------------------------------------------------------


@dataclass
class ActivityRow:
    label: str
    key: object = None
    sessions: int = 0
    minutes: int = 0
    children: int = 0
    adults: int = 0

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass
class ActivitySummary:
    start: datetime.date
    end: datetime.date
    total: ActivityRow
    by_function: list[ActivityRow]
    by_school: list[ActivityRow]
    by_month: list[ActivityRow]


SUMS = {
    "sessions": Count("pk"),
    "minutes": Sum("duration_minutes"),
    "children": Sum("children_reached"),
    "adults": Sum("adults_reached"),
}


def _row(label, key, values) -> ActivityRow:
    return ActivityRow(
        label=label,
        key=key,
        sessions=values.get("sessions") or 0,
        minutes=values.get("minutes") or 0,
        children=values.get("children") or 0,
        adults=values.get("adults") or 0,
    )


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of each month from `start`'s month to `end`'s month."""
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def activity_summary(partnership, start, end, team=None) -> ActivitySummary:
    """Activity recorded between `start` and `end` (both included), for one team or all teams."""
    qs = Activity.objects.for_partnership(partnership).filter(date__gte=start, date__lte=end)
    if team is not None:
        qs = qs.filter(team=team)
    total = _row("All activity", None, qs.aggregate(**SUMS))
    functions = {v["function"]: v for v in qs.values("function").annotate(**SUMS).order_by()}
    by_function = [_row(f.label, f.value, functions.get(f.value, {})) for f in Function]
    by_school = [
        _row(v["school__name"], v["school_id"], v)
        for v in qs.values("school_id", "school__name").annotate(**SUMS).order_by("school__name", "school_id")
    ]
    months = {
        v["month"].date() if hasattr(v["month"], "date") else v["month"]: v
        for v in qs.annotate(month=TruncMonth("date")).values("month").annotate(**SUMS).order_by()
    }
    by_month = [_row(m.strftime("%B %Y"), m, months.get(m, {})) for m in months_between(start, end)]
    return ActivitySummary(start, end, total, by_function, by_school, by_month)


# --- readiness -----------------------------------------------------------------------------------


@dataclass
class ReadinessProgress:
    schools: int
    ready: int
    distribution: list[tuple[int, int]]  # (items met, schools), for 0..10

    @property
    def ready_share(self) -> Decimal | None:
        return percent(self.ready, self.schools)


def readiness_progress(partnership, on=None) -> ReadinessProgress:
    """For the covered schools (as on the coverage page): how many checklist items each has met."""
    on = on or timezone.localdate()
    ids = covered_ids(partnership, on) & {s.pk for s in schools(partnership)}
    met = progress(partnership, ids)
    counts = [min(met.get(pk, 0), READINESS_ITEMS) for pk in ids]
    distribution = [(n, counts.count(n)) for n in range(READINESS_ITEMS + 1)]
    return ReadinessProgress(schools=len(ids), ready=counts.count(READINESS_ITEMS), distribution=distribution)


# --- unmet need ----------------------------------------------------------------------------------

TOP_QUARTILE_RULE = (
    "A school is in the top quarter of need when its need score, calculated with the published "
    "allocation method over all the partnership's schools, is at least the score of the school ranked "
    "at a quarter of the scored schools (rounded up: 1 of 1 to 4 schools, 2 of 5 to 8, and so on); "
    "schools tied with that school are included. Schools that could not be scored are left out."
)


@dataclass
class NeedRow:
    school: Organisation
    score: Decimal
    rank: int
    tied: bool
    notes: list


@dataclass
class UnmetNeed:
    method: AllocationMethod | None
    scored: int = 0
    unscored: int = 0
    threshold: Decimal | None = None
    top: int = 0  # schools in the top quarter, covered or not
    rows: list[NeedRow] = field(default_factory=list)


def unmet_need(partnership, on=None) -> UnmetNeed:
    """Every member school scored as a proposal would score it (the same inputs and arithmetic:
    mhst.services.allocation.candidate_inputs and need.allocate), top quarter without a share."""
    on = on or timezone.localdate()
    method = allocation.current_method(partnership)
    result = UnmetNeed(method=method)
    if method is None:
        return result
    school_list = schools(partnership)
    by_id = {s.pk: s for s in school_list}
    lines = allocate(method, ZERO, allocation.candidate_inputs(partnership, school_list, on)).lines
    scored = [line for line in lines if line.score is not None]
    scored.sort(key=lambda line: (-line.score, line.inputs.name))
    result.scored, result.unscored = len(scored), len(lines) - len(scored)
    if not scored:
        return result
    result.threshold = scored[math.ceil(len(scored) / 4) - 1].score
    top = [line for line in scored if line.score >= result.threshold]
    result.top = len(top)
    covered = covered_ids(partnership, on)
    result.rows = [
        NeedRow(by_id[line.inputs.school_id], line.score, line.rank, line.tied, line.notes)
        for line in top
        if line.inputs.school_id not in covered
    ]
    return result


# --- holiday cover -------------------------------------------------------------------------------


@dataclass
class HolidayGap:
    school: Organisation
    teams: list  # [(team, the team's next HolidayOffer or None)]


def holiday_gaps(partnership, on=None) -> list[HolidayGap]:
    """Covered schools that none of their teams includes in its next holiday offer (the first by
    start date that has not ended on `on`), including schools whose teams have no such offer."""
    on = on or timezone.localdate()
    member_schools = {s.pk: s for s in schools(partnership)}
    teams_of = defaultdict(set)
    for school_id, team_id in active_lines(partnership, on).values_list("school_id", "allocation__team_id"):
        if school_id in member_schools:
            teams_of[school_id].add(team_id)
    team_ids = set().union(*teams_of.values()) if teams_of else set()
    teams = {t.pk: t for t in Team.objects.for_partnership(partnership).filter(pk__in=team_ids)}
    next_offer = {}
    for offer in (
        HolidayOffer.objects.for_partnership(partnership)
        .filter(team_id__in=team_ids, ends_on__gte=on)
        .order_by("starts_on", "pk")
        .prefetch_related("schools")
    ):
        next_offer.setdefault(offer.team_id, offer)
    included = {pk: {s.pk for s in offer.schools.all()} for pk, offer in next_offer.items()}
    gaps = []
    for school_id in sorted(teams_of, key=lambda pk: (member_schools[pk].name, pk)):
        mine = sorted(teams_of[school_id], key=lambda pk: (teams[pk].name, pk))
        if any(school_id in included.get(team_id, set()) for team_id in mine):
            continue
        gaps.append(HolidayGap(member_schools[school_id], [(teams[pk], next_offer.get(pk)) for pk in mine]))
    return gaps


# --- shared by both pages ------------------------------------------------------------------------


def default_period(today=None) -> tuple[datetime.date, datetime.date]:
    """The last six calendar months, this one included: the first of the month five months ago to today."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _ in range(5):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return start, today
