"""The Mental Health Support Teams panel of the dashboard (issue 7 item 1): coverage of schools and
pupils by phase, capacity against allocation per team, and activity by function in the period.

The definitions are mhst.metrics' (the coverage and activity pages), applied to every partnership
of the scope at once with a fixed number of queries (no loop over partnerships, teams or schools):

- The scope's schools: education organisations with an active membership of a partnership in the
  scope (mhst.services.schools.member_schools). A school is covered on a day when it has a share
  above 0 WTE in the approved allocation, in effect on that day, of a team of a partnership of
  which it is an active member (mhst.metrics.active_lines). Across several partnerships a school
  is counted once, covered if any of its partnerships covers it; for one partnership the figures
  are exactly the coverage page's.
- Phase: partnership.phases.phase_of. Pupils: the register's pupil numbers; schools without them
  are left out of both sides of the pupil share and counted as "pupil numbers unknown".
- Coverage and capacity are taken on the last day of the period, or today when the period ends
  later ("on" in the tables' descriptions).
- Capacity: qualified direct-work WTE on that day (mhst.services.capacity.classify: EMHPs,
  supervisors, senior practitioners, and trainees from the day their training completes);
  trainees apart. Allocated: the sum of the shares in the team's approved allocation in effect
  (mhst.metrics.capacity_vs_allocation); the status says over- or under-allocated in words.
- Activity: the activities recorded with a date in the period, by function (mhst.metrics.SUMS).

Cells: numbers of schools, WTE and percentages of schools are `Number`s (not people). Pupils are
`Count`s and the pupil share a `Percent`, suppressed below national level. Activity figures are
treated as people: sessions (an evidence-based intervention session is usually one child, so a
number of sessions can stand for a number of children), children reached and adults reached
(mostly parents and carers) are `Count`s, and hours are a `Statistic` on the number of sessions,
shown as * when built on 1-7 sessions.

Filters: the phase and school filters narrow coverage and activity (activity by the phase of the
school where it happened); capacity belongs to a team, not a school, so they do not narrow it and
the notes say so.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count as CountOf
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from partnership.figures import (
    Chart,
    ChartKind,
    Count,
    Filters,
    Number,
    PanelFigures,
    Percent,
    Row,
    Scope,
    Statistic,
    Table,
    Text,
)
from partnership.models import Organisation, OrganisationKind, PartnershipOrganisation
from partnership.phases import phase_key, phase_of

from .metrics import SUMS, ZERO, ActivityRow, CapacityRow, CoverageRow, _row, percent
from .models import Activity, AllocationLine, AllocationStatus, Function, Practitioner, Team
from .services.capacity import classify

CAPACITY_NOTE = "Capacity against allocation is per team: the phase and school filters do not narrow it."


def on_day(filters: Filters, today: datetime.date | None = None) -> datetime.date:
    """Coverage and capacity are taken on the period's last day, or today when the period ends after today."""
    return min(filters.end, today or timezone.localdate())


@dataclass(frozen=True)
class _School:
    """What phase_of and CoverageRow.add read of a school."""

    pk: int
    phase: str
    kind: str
    pupil_count: int | None


def _lines_in_effect(partnership_ids, on):
    """Lines with a share above 0 in the approved allocations in effect on `on` (metrics.active_lines)."""
    return (
        AllocationLine.objects.filter(
            allocation__team__partnership_id__in=partnership_ids,
            allocation__status=AllocationStatus.APPROVED,
            allocation__effective_from__lte=on,
        )
        .annotate(share=Coalesce("adjusted_wte", "calculated_wte"))
        .filter(share__gt=0)
    )


def scope_coverage(partnership_ids, on, *, phase: str = "", school_id: int | None = None):
    """(total, rows by phase) for the scope's schools: two queries."""
    members = PartnershipOrganisation.objects.filter(
        partnership_id__in=partnership_ids,
        status=PartnershipOrganisation.Status.ACTIVE,
        organisation__kind__in=OrganisationKind.education(),
    )
    if school_id is not None:
        members = members.filter(organisation_id=school_id)
    schools: dict[int, _School] = {}
    memberships: dict[int, set[int]] = defaultdict(set)
    for partnership_id, pk, school_phase, kind, pupils in members.values_list(
        "partnership_id", "organisation_id", "organisation__phase", "organisation__kind", "organisation__pupil_count"
    ):
        schools[pk] = _School(pk, school_phase, kind, pupils)
        memberships[pk].add(partnership_id)
    covered_pairs = set(
        _lines_in_effect(partnership_ids, on).values_list("allocation__team__partnership_id", "school_id")
    )
    total = CoverageRow("All schools" if not phase else f"All {phase} schools")
    phases: dict[str, CoverageRow] = {}
    for school in sorted(schools.values(), key=lambda s: s.pk):
        label = phase_of(school)
        if phase and label != phase:
            continue
        is_covered = any((partnership_id, school.pk) in covered_pairs for partnership_id in memberships[school.pk])
        total.add(school, is_covered)
        phases.setdefault(label, CoverageRow(label)).add(school, is_covered)
    return total, [phases[k] for k in sorted(phases, key=phase_key)]


def _coverage_cells(row: CoverageRow) -> tuple:
    return (
        Number(row.schools),
        Number(row.covered),
        Number(percent(row.covered, row.schools), "%"),
        Count(row.pupils),
        Count(row.pupils_covered),
        Percent(row.pupils_covered, row.pupils),
        Number(row.pupils_unknown),
    )


def _coverage_table(total: CoverageRow, phases: list[CoverageRow], on) -> Table:
    return Table(
        key="coverage",
        title="Coverage of schools and pupils by phase",
        columns=(
            "Phase",
            "Schools",
            "Schools covered",
            "Schools covered (%)",
            "Pupils",
            "Pupils covered",
            "Pupils covered (%)",
            "Schools with pupil numbers unknown",
        ),
        rows=tuple(Row(row.label, _coverage_cells(row)) for row in phases),
        description=(
            f"Member schools and colleges with a share of a team's approved allocation on {on:%-d %B %Y}, "
            "and their pupils (register numbers; schools without them are left out of the pupil figures)."
        ),
        chart=Chart(ChartKind.HBAR, series=(3,), unit="% of schools"),
        total=Row(total.label, _coverage_cells(total)),
    )


def scope_capacity(partnership_ids, on) -> list[CapacityRow]:
    """A CapacityRow for every team of the scope, by partnership and team name: three queries."""
    teams = list(
        Team.objects.filter(partnership_id__in=partnership_ids)
        .select_related("partnership")
        .only("pk", "name", "partnership__name")
        .order_by("partnership__name", "name", "pk")
    )
    practitioners = defaultdict(list)
    for practitioner in (
        Practitioner.objects.filter(team__partnership_id__in=partnership_ids)
        .active_on(on)
        .only("pk", "team_id", "name", "role", "wte", "started_on", "ended_on", "training_completed_on")
    ):
        practitioners[practitioner.team_id].append(practitioner)
    allocated = {
        row["allocation__team_id"]: row
        for row in AllocationLine.objects.filter(
            allocation__team__partnership_id__in=partnership_ids,
            allocation__status=AllocationStatus.APPROVED,
            allocation__effective_from__lte=on,
        )
        .annotate(share=Coalesce("adjusted_wte", "calculated_wte"))
        .values("allocation__team_id")
        .annotate(
            allocation=Max("allocation_id"),
            wte=Sum("share"),
            schools=CountOf("pk", filter=Q(share__gt=0)),
        )
        .order_by()
    }
    rows = []
    for team in teams:
        cap = classify(practitioners.get(team.pk, []), on)
        lines = allocated.get(team.pk)
        rows.append(
            CapacityRow(
                team=team,
                qualified_wte=cap.qualified_wte,
                trainee_wte=cap.trainee_wte,
                allocation=lines["allocation"] if lines else None,
                allocated_wte=lines["wte"] if lines else ZERO,
                schools=lines["schools"] if lines else 0,
            )
        )
    return rows


def _capacity_cells(row: CapacityRow) -> tuple:
    return (
        Number(row.qualified_wte, "WTE"),
        Number(row.trainee_wte, "WTE"),
        Number(row.allocated_wte, "WTE"),
        Number(row.difference_wte, "WTE"),
        Number(row.schools),
        Text(row.status),
    )


def _capacity_table(rows: list[CapacityRow], on, *, several: bool) -> Table:
    total = CapacityRow(
        team=None,
        qualified_wte=sum((r.qualified_wte for r in rows), ZERO),
        trainee_wte=sum((r.trainee_wte for r in rows), ZERO),
        allocation=True if any(r.allocation is not None for r in rows) else None,
        allocated_wte=sum((r.allocated_wte for r in rows), ZERO),
        schools=sum(r.schools for r in rows),
    )
    return Table(
        key="capacity",
        title="Capacity against allocation by team",
        columns=(
            "Team",
            "Qualified capacity (WTE)",
            "Trainees (WTE)",
            "Allocated to schools (WTE)",
            "Allocated minus capacity (WTE)",
            "Schools allocated",
            "Status",
        ),
        rows=tuple(
            Row(f"{r.team.partnership.name}: {r.team.name}" if several else r.team.name, _capacity_cells(r))
            for r in rows
        ),
        description=(
            f"Each team's qualified direct-work capacity on {on:%-d %B %Y} beside the whole-time equivalents "
            "shared out to schools in its approved allocation in effect (one WTE is ten sessions a week)."
        ),
        chart=Chart(ChartKind.GROUPED, series=(1, 3), unit="WTE"),
        total=Row("All teams", _capacity_cells(total)),
    )


def _phase_school_ids(activities, phase: str) -> list[int]:
    """The schools where the activities happened that are in `phase`: one query."""
    schools = Organisation.objects.filter(pk__in=activities.values("school_id")).only("pk", "phase", "kind")
    return [school.pk for school in schools if phase_of(school) == phase]


def scope_activity(partnership_ids, start, end, *, phase: str = "", school_id: int | None = None):
    """(total, rows by function) of the activity recorded in the period: one query (two with a phase)."""
    activities = Activity.objects.filter(team__partnership_id__in=partnership_ids, date__gte=start, date__lte=end)
    if school_id is not None:
        activities = activities.filter(school_id=school_id)
    if phase:
        activities = activities.filter(school_id__in=_phase_school_ids(activities, phase))
    functions = {v["function"]: v for v in activities.values("function").annotate(**SUMS).order_by()}
    rows = [_row(f.label, f.value, functions.get(f.value, {})) for f in Function]
    total = ActivityRow(
        "All activity",
        sessions=sum(r.sessions for r in rows),
        minutes=sum(r.minutes for r in rows),
        children=sum(r.children for r in rows),
        adults=sum(r.adults for r in rows),
    )
    return total, rows


def _activity_cells(row: ActivityRow) -> tuple:
    return (
        Count(row.sessions),
        Statistic(row.hours, row.sessions, "hours"),
        Count(row.children),
        Count(row.adults),
    )


def _activity_table(total: ActivityRow, rows: list[ActivityRow], start, end) -> Table:
    return Table(
        key="activity",
        title="Activity by function",
        columns=("Function", "Sessions", "Hours", "Children reached", "Adults reached"),
        rows=tuple(Row(r.label, _activity_cells(r)) for r in rows),
        description=(
            f"MHST activity recorded from {start:%-d %B %Y} to {end:%-d %B %Y}, by the three MHST functions. "
            "Children and adults reached are added up over sessions, so one person can be counted more than once."
        ),
        chart=Chart(ChartKind.HBAR, series=(1,), unit="sessions"),
        total=Row(total.label, _activity_cells(total)),
    )


def compute(scope: Scope, filters: Filters) -> PanelFigures:
    on = on_day(filters)
    ids = scope.partnership_ids
    total, phases = scope_coverage(ids, on, phase=filters.phase, school_id=filters.school_id)
    capacity = scope_capacity(ids, on)
    activity_total, functions = scope_activity(
        ids, filters.start, filters.end, phase=filters.phase, school_id=filters.school_id
    )
    notes = [f"Coverage and capacity are as on {on:%-d %B %Y}."]
    if filters.phase or filters.school_id is not None:
        notes.append(CAPACITY_NOTE)
    return PanelFigures(
        tables=(
            _coverage_table(total, phases, on),
            _capacity_table(capacity, on, several=len(ids) > 1),
            _activity_table(activity_total, functions, filters.start, filters.end),
        ),
        refreshed_at=None,
        notes=tuple(notes),
    )
