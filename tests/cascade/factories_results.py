"""CASCADE test helpers for the results area: workshops and scored tables in the shipped framework."""

from datetime import date

from cascade.models import Cohort, DomainScore, ScoringTable, Workshop
from cascade.services.framework import current_framework

from ..factories import UserFactory


def make_workshop(partnership, cohort: str = "North", round: int = 1, held_on: date | None = None, **fields):
    cohort_obj, _ = Cohort.objects.get_or_create(partnership=partnership, name=cohort)
    return Workshop.objects.create(
        partnership=partnership,
        cohort=cohort_obj,
        round=round,
        framework=current_framework(),
        held_on=held_on or date(2026, 3, 2 if round == 1 else 30),
        **fields,
    )


def score_table(workshop, label, scores, *, by=None, notes=None):
    """A table with one score per domain, in framework order (None skips a domain);
    `notes` maps a domain code to a dict of note fields."""
    by = by or UserFactory()
    table = ScoringTable.objects.create(workshop=workshop, label=label)
    for domain, score in zip(workshop.framework.domains.order_by("position"), scores, strict=True):
        if score is None:
            continue
        DomainScore.objects.create(
            table=table, domain=domain, score=score, updated_by=by, **(notes or {}).get(domain.code, {})
        )
    return table
