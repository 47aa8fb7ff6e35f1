"""CASCADE for every partnership: two cohorts, each with a closed round 1 (baseline) and round 2
(eight weeks later) workshop of four tables scoring every domain of the current framework, round 2
a little higher than round 1 on average."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from cascade.models import Cohort, DomainScore, ScoringTable, Workshop
from cascade.services.framework import current_framework

from .copying import Loader
from .world import World

COHORTS = 2
TABLES = "ABCD"


def build(world: World, loader: Loader) -> int:
    framework = current_framework()
    domains = list(framework.domains.order_by("position").values_list("id", flat=True))
    areas = world.areas
    rng = world.child_rng("cascade")
    first_cohort = loader.reserve(Cohort, len(areas) * COHORTS)
    rows = loader.copy(
        Cohort,
        ["id", "partnership_id", "name"],
        (
            (first_cohort + i * COHORTS + c, area.id, f"Cohort {c + 1}")
            for i, area in enumerate(areas)
            for c in range(COHORTS)
        ),
    )
    workshops = []  # (id, area, cohort id, round, held_on)
    first_workshop = loader.reserve(Workshop, len(areas) * COHORTS * 2)
    for i, area in enumerate(areas):
        for c in range(COHORTS):
            baseline = world.today - timedelta(days=rng.randrange(120, 4 * 365))
            for r in (1, 2):
                held = baseline + timedelta(days=56 * (r - 1))
                workshops.append((first_workshop + len(workshops), area, first_cohort + i * COHORTS + c, r, held))
    zone = timezone.get_current_timezone()
    rows += loader.copy(
        Workshop,
        [
            "id",
            "partnership_id",
            "cohort_id",
            "round",
            "framework_id",
            "held_on",
            "venue",
            "status",
            "closed_at",
            "closed_by_id",
        ],
        (
            (
                w_id,
                area.id,
                cohort,
                r,
                framework.pk,
                held,
                "Scale civic centre",
                "closed",
                datetime.combine(held, time(16), zone),
                area.area_lead_id,
            )
            for w_id, area, cohort, r, held in workshops
        ),
    )
    first_table = loader.reserve(ScoringTable, len(workshops) * len(TABLES))
    rows += loader.copy(
        ScoringTable,
        ["id", "workshop_id", "label"],
        (
            (first_table + i * len(TABLES) + t, w[0], label)
            for i, w in enumerate(workshops)
            for t, label in enumerate(TABLES)
        ),
    )

    def scores():
        for i, (_, area, _, r, _) in enumerate(workshops):
            for t in range(len(TABLES)):
                table_id = first_table + i * len(TABLES) + t
                for d, domain_id in enumerate(domains):
                    base = (area.number + d) % 3  # each area has its stronger and weaker domains
                    score = min(3, max(0, base + (r - 1) * rng.choice((0, 0, 1)) + rng.choice((-1, 0, 0, 1))))
                    yield (table_id, domain_id, score, area.area_lead_id)

    first_score = loader.reserve(DomainScore, len(workshops) * len(TABLES) * len(domains))
    rows += loader.copy(
        DomainScore,
        ["id", "table_id", "domain_id", "score", "updated_by_id"],
        ((first_score + i, *row) for i, row in enumerate(scores())),
    )
    return rows
