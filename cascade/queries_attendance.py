"""Attendance reports: representation by sector against the target mix, and who came to which
round of a cohort (both, dropped out, joined at round 2) for follow-up.

Callers scope first (`WorkshopAttendance.objects.for_user(user, permission)`) and pass the
queryset in; nothing here widens what the caller may see. The matching and the arithmetic are
pure functions over plain values, so the pages and the CSV export share one definition.

A person is the same person in round 1 and round 2 when both records are linked to the same user
account; when either record has no account, when the names (ignoring case and extra spaces) and
organisations match. Two records linked to different accounts are never the same person.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .models import Sector, Workshop, WorkshopAttendance

# --- matching across rounds ------------------------------------------------------------------


def normalised_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def same_person(first, second) -> bool:
    """`first` and `second` are attendance records (anything with name, organisation_id, user_id)."""
    if first.user_id is not None and second.user_id is not None:
        return first.user_id == second.user_id
    return first.organisation_id == second.organisation_id and normalised_name(first.name) == normalised_name(
        second.name
    )


@dataclass
class FollowUp:
    """One cohort's attendance across its two rounds."""

    both: list[tuple] = field(default_factory=list)  # (round 1 record, round 2 record)
    dropped_out: list = field(default_factory=list)  # round 1 only
    joined: list = field(default_factory=list)  # round 2 only


def follow_up(round_one, round_two) -> FollowUp:
    """Pair round-1 and round-2 records: accounts first (the surer match), then name and organisation."""
    result = FollowUp()
    unmatched_two = list(round_two)
    pairs: dict[int, object] = {}
    first_round = list(round_one)
    for strict in (True, False):
        for index, first in enumerate(first_round):
            if index in pairs:
                continue
            for second in unmatched_two:
                linked = first.user_id is not None and second.user_id is not None
                if linked == strict and same_person(first, second):
                    pairs[index] = second
                    unmatched_two.remove(second)
                    break
    for index, first in enumerate(first_round):
        if index in pairs:
            result.both.append((first, pairs[index]))
        else:
            result.dropped_out.append(first)
    result.joined = unmatched_two
    return result


@dataclass
class CohortFollowUp:
    cohort: object
    round_one: Workshop | None
    round_two: Workshop | None
    lists: FollowUp


def cohort_follow_ups(attendance, workshops) -> list[CohortFollowUp]:
    """Per cohort with any workshop in `workshops` (scoped by the caller), who came to which round."""
    rows = defaultdict(lambda: {1: [], 2: []})
    for row in attendance.select_related("organisation", "user", "workshop").order_by("name", "pk"):
        rows[row.workshop.cohort_id][row.workshop.round].append(row)
    by_cohort: dict[int, dict] = {}
    for workshop in workshops.select_related("cohort").order_by("cohort__name", "round"):
        by_cohort.setdefault(workshop.cohort_id, {"cohort": workshop.cohort, 1: None, 2: None})[workshop.round] = (
            workshop
        )
    return [
        CohortFollowUp(
            cohort=entry["cohort"],
            round_one=entry[1],
            round_two=entry[2],
            lists=follow_up(rows[cohort_id][1], rows[cohort_id][2]),
        )
        for cohort_id, entry in by_cohort.items()
    ]


FOLLOW_UP_STATUS = {
    "both": "Attended both rounds",
    "dropped_out": "Dropped out after round 1",
    "joined": "Joined at round 2",
}


def follow_up_rows(cohorts: list[CohortFollowUp]):
    """Rows for the follow-up CSV: cohort, status, name, organisation, sector, email, round dates."""

    def email(record):
        return record.user.email if record.user_id else ""

    def held(workshop):
        return workshop.held_on.isoformat() if workshop else ""

    for item in cohorts:
        for first, second in item.lists.both:
            yield [
                item.cohort.name,
                FOLLOW_UP_STATUS["both"],
                second.name,
                second.organisation.name,
                second.get_sector_display(),
                email(second) or email(first),
                held(item.round_one),
                held(item.round_two),
            ]
        for first in item.lists.dropped_out:
            yield [
                item.cohort.name,
                FOLLOW_UP_STATUS["dropped_out"],
                first.name,
                first.organisation.name,
                first.get_sector_display(),
                email(first),
                held(item.round_one),
                "",
            ]
        for second in item.lists.joined:
            yield [
                item.cohort.name,
                FOLLOW_UP_STATUS["joined"],
                second.name,
                second.organisation.name,
                second.get_sector_display(),
                email(second),
                "",
                held(item.round_two),
            ]


FOLLOW_UP_HEADER = ["Cohort", "Status", "Name", "Organisation", "Sector", "Email", "Round 1 date", "Round 2 date"]


# --- representation --------------------------------------------------------------------------


def whole_percent(value: Fraction) -> int:
    """For display: a share as a whole percentage, halves rounded up (12.5% -> 13%)."""
    exact = value * 100
    return int((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class SectorRepresentation:
    sector: Sector
    count: int
    share: Fraction | None  # of all attendances; None when nobody attended
    target: int | None  # percent, None when the area lead set none

    @property
    def percent(self) -> int | None:
        return None if self.share is None else whole_percent(self.share)

    @property
    def difference(self) -> Fraction | None:
        """Percentage points above (positive) or below (negative) the target."""
        if self.share is None or self.target is None:
            return None
        return self.share * 100 - self.target

    @property
    def difference_text(self) -> str:
        if self.target is None:
            return "No target set"
        if self.share is None:
            return "No attendance yet"
        points = whole_percent(abs(self.difference) / 100)
        if points == 0:
            return "On target"
        word = "point" if points == 1 else "points"
        return f"{points} {word} {'above' if self.difference > 0 else 'below'} target"


def representation(counts: dict[str, int], targets: dict[str, int]) -> list[SectorRepresentation]:
    """Per sector (in the framework's order): attendances, share of all attendances, target, difference."""
    total = sum(counts.values())
    return [
        SectorRepresentation(
            sector=sector,
            count=counts.get(sector.value, 0),
            share=Fraction(counts.get(sector.value, 0), total) if total else None,
            target=targets.get(sector.value),
        )
        for sector in Sector
    ]


def sector_counts(attendance) -> dict[str, int]:
    """{sector: number of attendances} of a (scoped) WorkshopAttendance queryset."""
    counts: dict[str, int] = defaultdict(int)
    for sector in attendance.values_list("sector", flat=True):
        counts[sector] += 1
    return dict(counts)


def targets_of(targets) -> dict[str, int]:
    """{sector: percent} of a (scoped) RepresentationTarget queryset."""
    return dict(targets.values_list("sector", "percent"))


__all__ = [
    "FOLLOW_UP_HEADER",
    "CohortFollowUp",
    "FollowUp",
    "SectorRepresentation",
    "WorkshopAttendance",
    "cohort_follow_ups",
    "follow_up",
    "follow_up_rows",
    "representation",
    "same_person",
    "sector_counts",
    "targets_of",
]
