"""Mental Health Support Teams covering about half of the schools: in each partnership a random
half of its schools is shared out among teams of about 20 schools. Each team is run by the
partnership's CYPMHS trust, has its directory service, a manager (its service lead, with an MHST
manager membership), eight practitioners (about 6.5 WTE for direct work) and an approved allocation
(version 1, approved at a held steering group meeting, recorded as a decision) with a line per
school sharing the team's capacity by pupil numbers."""

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from mhst.models import Allocation, AllocationLine, AllocationMethod, AllocationStatus, Practitioner, Team
from partnership.models import DirectoryService, Group, Meeting
from partnership.models.meetings import Decision
from partnership.roles import Role

from .copying import Loader
from .people import add_memberships, add_users
from .services import SERVICE_COLUMNS, service_row
from .world import World

SCHOOLS_PER_TEAM = 20
STAFF = [("senior", "1.00"), ("supervisor", "1.00"), ("emhp", "1.00"), ("emhp", "1.00"), ("emhp", "0.80"),
         ("emhp", "0.60"), ("trainee", "1.00"), ("administrator", "0.60")]  # fmt: skip
DIRECT = {"senior", "supervisor", "emhp", "trainee"}
CAPACITY = sum((Decimal(w) for role, w in STAFF if role in DIRECT), Decimal("0"))
CENT = Decimal("0.01")


def build(world: World, loader: Loader) -> int:
    rng = world.child_rng("mhst")
    zone = timezone.get_current_timezone()
    teams = []  # (area, number in area, [schools])
    for area in world.areas:
        covered = sorted(rng.sample(area.schools, round(len(area.schools) / 2)), key=lambda s: s.id)
        if not covered:
            continue
        count = max(1, round(len(covered) / SCHOOLS_PER_TEAM))
        for k in range(count):
            teams.append((area, k + 1, covered[k::count]))
    areas = sorted({id(t[0]): t[0] for t in teams}.values(), key=lambda a: a.number)

    # governance: a steering group per partnership, one held meeting, a decision per team
    first_group = loader.reserve(Group, len(areas))
    first_meeting = loader.reserve(Meeting, len(areas))
    for i, area in enumerate(areas):
        area.group_id, area.meeting_id = first_group + i, first_meeting + i
    approved_on = world.today - timedelta(days=200)
    approved_at = datetime.combine(approved_on, time(11), zone)
    rows = loader.copy(
        Group,
        ["id", "partnership_id", "name", "kind", "summary", "is_active"],
        ((a.group_id, a.id, "Steering group", "steering", "The partnership's steering group.", True) for a in areas),
    )
    rows += loader.copy(
        Meeting,
        ["id", "group_id", "starts_at", "status", "minutes"],
        ((a.meeting_id, a.group_id, approved_at, "held", "MHST allocations approved.") for a in areas),
    )
    first_method = loader.reserve(AllocationMethod, len(areas))
    method_of = {a.number: first_method + i for i, a in enumerate(areas)}
    rows += loader.copy(
        AllocationMethod,
        ["id", "partnership_id", "number", "explanation", "published_by_id", "published_at"],
        (
            (
                method_of[a.number],
                a.id,
                1,
                "Need first: pupils, free school meals and deprivation.",
                a.area_lead_id,
                approved_at - timedelta(days=30),
            )
            for a in areas
        ),
    )

    managers = add_users(
        loader, world, [(f"mhst.manager.{a.number}.{k}", f"MHST Manager {a.number}-{k}") for a, k, _ in teams]
    )
    rows += len(managers) + add_memberships(
        loader,
        [(m, a.id, a.cypmhs_id, [Role.MHST_MANAGER.value]) for m, (a, _, _) in zip(managers, teams, strict=True)],
    )
    first_service = loader.reserve(DirectoryService, len(teams))
    first_team = loader.reserve(Team, len(teams))
    rows += loader.copy(
        DirectoryService,
        SERVICE_COLUMNS,
        (
            service_row(
                world,
                a,
                first_service + i,
                a.cypmhs_id,
                f"Mental Health Support Team {a.number}-{k}",
                ["getting_help"],
                21,
            )
            for i, (a, k, _) in enumerate(teams)
        ),
    )
    rows += loader.copy(
        Team,
        ["id", "partnership_id", "provider_id", "name", "wave", "service_lead_id", "started_on", "service_id"],
        (
            (
                first_team + i,
                a.id,
                a.cypmhs_id,
                f"Scale MHST {a.number}-{k}",
                f"Wave {1 + (a.number + k) % 12}",
                managers[i],
                world.today - timedelta(days=900 + 30 * k),
                first_service + i,
            )
            for i, (a, k, _) in enumerate(teams)
        ),
    )
    for i, (area, _, schools) in enumerate(teams):
        for school in schools:
            area.mhst_service_of[school.id] = first_service + i

    first_practitioner = loader.reserve(Practitioner, len(teams) * len(STAFF))
    rows += loader.copy(
        Practitioner,
        ["id", "team_id", "name", "role", "wte", "started_on", "training_completed_on"],
        (
            (
                first_practitioner + i * len(STAFF) + s,
                first_team + i,
                f"Practitioner {teams[i][0].number}-{teams[i][1]}-{s + 1}",
                role,
                Decimal(wte),
                world.today - timedelta(days=800),
                world.today + timedelta(days=200) if role == "trainee" else None,
            )
            for i in range(len(teams))
            for s, (role, wte) in enumerate(STAFF)
        ),
    )

    decision_numbers = {}
    decisions = []
    for area, k, _ in teams:
        decision_numbers[area.number] = decision_numbers.get(area.number, 0) + 1
        decisions.append((area, decision_numbers[area.number], f"Approved Scale MHST {area.number}-{k} allocation."))
    first_decision = loader.reserve(Decision, len(decisions))
    rows += loader.copy(
        Decision,
        ["id", "meeting_id", "partnership_id", "number", "text", "created_by_id"],
        ((first_decision + i, a.meeting_id, a.id, n, text, a.area_lead_id) for i, (a, n, text) in enumerate(decisions)),
    )
    first_allocation = loader.reserve(Allocation, len(teams))
    rows += loader.copy(
        Allocation,
        [
            "id",
            "team_id",
            "number",
            "status",
            "method_id",
            "capacity_on",
            "capacity_wte",
            "effective_from",
            "rationale",
            "proposed_by_id",
            "proposed_at",
            "meeting_id",
            "decision_id",
            "decided_by_id",
            "decided_at",
        ],
        (
            (
                first_allocation + i,
                first_team + i,
                1,
                AllocationStatus.APPROVED.value,
                method_of[a.number],
                approved_on,
                CAPACITY,
                approved_on,
                "Shared by pupil numbers.",
                managers[i],
                approved_at - timedelta(days=14),
                a.meeting_id,
                first_decision + i,
                a.area_lead_id,
                approved_at,
            )
            for i, (a, _, _) in enumerate(teams)
        ),
    )

    def lines():
        for i, (_, _, schools) in enumerate(teams):
            pupils = sum(s.pupils for s in schools) or 1
            ranked = sorted(schools, key=lambda s: (-s.pupils, s.id))
            for rank, school in enumerate(ranked, start=1):
                share = (CAPACITY * school.pupils / pupils).quantize(CENT, ROUND_HALF_UP)
                need = (Decimal(100) * school.pupils / max(s.pupils for s in schools)).quantize(CENT, ROUND_HALF_UP)
                yield (first_allocation + i, school.id, school.pupils, rank, need, share)

    count = sum(len(t[2]) for t in teams)
    first_line = loader.reserve(AllocationLine, count)
    rows += loader.copy(
        AllocationLine,
        ["id", "allocation_id", "school_id", "pupils", "rank", "need_score", "calculated_wte"],
        ((first_line + i, *row) for i, row in enumerate(lines())),
    )
    return rows
