"""Workshops and tables for the scoring tests, on the shipped CASCADE framework."""

from datetime import date

from django.utils import timezone

from cascade.models import Cohort, ScoringTable, Workshop
from cascade.services.framework import current_framework


def make_workshop(partnership, *, cohort="North", round=1, closed=False, held_on=None) -> Workshop:
    cohort, _ = Cohort.objects.get_or_create(partnership=partnership, name=cohort)
    workshop = Workshop.objects.create(
        partnership=partnership,
        cohort=cohort,
        round=round,
        framework=current_framework(),
        held_on=held_on or date(2026, 3, 10),
        venue="Town hall",
    )
    if closed:
        workshop.status, workshop.closed_at = Workshop.Status.CLOSED, timezone.now()
        workshop.save()
    return workshop


def make_table(partnership=None, *, workshop=None, label="1", **workshop_fields) -> ScoringTable:
    workshop = workshop or make_workshop(partnership, **workshop_fields)
    return ScoringTable.objects.create(workshop=workshop, label=label)
