"""Every write to cohorts, workshops and tables: keyword-only, atomic, permission-checked, audited.

Facilitators (RUN_CASCADE_WORKSHOPS) set up and run workshops; once a workshop is closed, only the
area lead (MANAGE_PARTNERSHIP) can reopen it, with a reason, so corrections after closing are
deliberate and on the audit trail.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.models import Organisation, Partnership, PartnershipOrganisation, User
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.services.permissions import require

from ..models import Cohort, ScoringTable, Workshop
from .framework import current_framework

RUN = Permission.RUN_CASCADE_WORKSHOPS


def _member_organisations(partnership: Partnership, organisations) -> list[Organisation]:
    organisations = list(organisations)
    member_ids = set(
        PartnershipOrganisation.objects.filter(partnership=partnership, organisation__in=organisations).values_list(
            "organisation_id", flat=True
        )
    )
    outside = [org.name for org in organisations if org.pk not in member_ids]
    if outside:
        raise ValidationError({"organisations": f"Not a member of this partnership: {', '.join(outside)}."})
    return organisations


def _facilitators(partnership: Partnership, facilitators) -> list[User]:
    facilitators = list(facilitators)
    outside = [user for user in facilitators if partnership.pk not in user.partnership_ids(RUN)]
    if outside:
        names = ", ".join(user.get_full_name() or user.email for user in outside)
        raise ValidationError({"facilitators": f"Not able to run workshops in this partnership: {names}."})
    return facilitators


def _check_round_order(cohort_id: int, round: int, held_on: date, exclude: int | None = None) -> None:
    """Round 2 is held after its cohort's round 1 (and round 1 before its round 2)."""
    other = Workshop.objects.filter(cohort_id=cohort_id).exclude(round=round).exclude(pk=exclude).first()
    if other is None:
        return
    if round == Workshop.Round.TWO and held_on <= other.held_on:
        raise ValidationError({"held_on": f"Round 2 must be after round 1 ({other.held_on:%-d %B %Y})"})
    if round == Workshop.Round.ONE and held_on >= other.held_on:
        raise ValidationError({"held_on": f"Round 1 must be before round 2 ({other.held_on:%-d %B %Y})"})


@transaction.atomic
def create_cohort(*, partnership: Partnership, by: User, name: str) -> Cohort:
    require(by, partnership, RUN)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the cohort's name"})
    if Cohort.objects.filter(partnership=partnership, name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a cohort called {name}"})
    cohort = Cohort.objects.create(partnership=partnership, name=name)
    audit.record(actor=by, action=AuditAction.CREATE, obj=cohort, partnership=partnership, detail={"name": name})
    return cohort


@transaction.atomic
def create_workshop(
    *,
    partnership: Partnership,
    by: User,
    cohort: Cohort,
    round: int,
    held_on: date,
    venue: str = "",
    facilitators=(),
) -> Workshop:
    """A cohort's round 1 or round 2 workshop, on the current CASCADE framework."""
    require(by, partnership, RUN)
    if cohort.partnership_id != partnership.pk:
        raise ValidationError({"cohort": "That cohort is not in this partnership."})
    if round not in Workshop.Round.values:
        raise ValidationError({"round": "Choose round 1 or round 2"})
    if Workshop.objects.filter(cohort=cohort, round=round).exists():
        raise ValidationError({"round": f"{cohort.name} already has a round {round} workshop"})
    _check_round_order(cohort.pk, round, held_on)
    people = _facilitators(partnership, facilitators)
    try:
        with transaction.atomic():
            workshop = Workshop.objects.create(
                partnership=partnership,
                cohort=cohort,
                round=round,
                framework=current_framework(),
                held_on=held_on,
                venue=venue.strip(),
            )
    except IntegrityError:  # a concurrent create of the same cohort and round
        raise ValidationError({"round": f"{cohort.name} already has a round {round} workshop"}) from None
    workshop.facilitators.set(people)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=workshop,
        partnership=partnership,
        detail={"cohort": cohort.name, "round": round, "held_on": held_on.isoformat()},
    )
    return workshop


@transaction.atomic
def update_workshop(*, workshop: Workshop, by: User, held_on: date, venue: str, facilitators) -> Workshop:
    require(by, workshop.partnership_id, RUN)
    workshop = locked(workshop)
    require_open(workshop)
    _check_round_order(workshop.cohort_id, workshop.round, held_on, exclude=workshop.pk)
    people = _facilitators(workshop.partnership, facilitators)
    before = {"held_on": workshop.held_on.isoformat(), "venue": workshop.venue}
    workshop.held_on, workshop.venue = held_on, venue.strip()
    workshop.save(update_fields=["held_on", "venue"])
    workshop.facilitators.set(people)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=workshop,
        partnership=workshop.partnership_id,
        detail={"before": before, "after": {"held_on": held_on.isoformat(), "venue": workshop.venue}},
    )
    return workshop


def locked(workshop: Workshop) -> Workshop:
    """The workshop re-read under a row lock, so it can't be closed while a change is made."""
    return Workshop.objects.select_for_update().get(pk=workshop.pk)


def require_open(workshop: Workshop, what: str = "scores") -> None:
    if not workshop.is_open:
        raise ValidationError(
            {"workshop": f"This workshop is closed, so its {what} can't be changed. Ask the area lead to reopen it."}
        )


@transaction.atomic
def add_table(*, workshop: Workshop, by: User, label: str, organisations=()) -> ScoringTable:
    require(by, workshop.partnership_id, RUN)
    workshop = locked(workshop)
    require_open(workshop)
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Enter the table's label, for example 1 or Blue"})
    if workshop.tables.filter(label__iexact=label).exists():
        raise ValidationError({"label": f"There is already a table {label} at this workshop"})
    orgs = _member_organisations(workshop.partnership, organisations)
    table = ScoringTable.objects.create(workshop=workshop, label=label)
    table.organisations.set(orgs)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=table,
        partnership=workshop.partnership_id,
        detail={"workshop": workshop.pk, "label": label, "organisations": [o.pk for o in orgs]},
    )
    return table


@transaction.atomic
def update_table(*, table: ScoringTable, by: User, label: str, organisations) -> ScoringTable:
    require(by, table.workshop.partnership_id, RUN)
    require_open(locked(table.workshop))
    label = label.strip()
    if not label:
        raise ValidationError({"label": "Enter the table's label, for example 1 or Blue"})
    if table.workshop.tables.exclude(pk=table.pk).filter(label__iexact=label).exists():
        raise ValidationError({"label": f"There is already a table {label} at this workshop"})
    orgs = _member_organisations(table.workshop.partnership, organisations)
    before = table.label
    table.label = label
    table.save(update_fields=["label"])
    table.organisations.set(orgs)
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=table,
        partnership=table.workshop.partnership_id,
        detail={"label": [before, label], "organisations": [o.pk for o in orgs]},
    )
    return table


@transaction.atomic
def close_workshop(*, workshop: Workshop, by: User) -> Workshop:
    """A facilitator closes the workshop: its scores are final unless the area lead reopens it."""
    require(by, workshop.partnership_id, RUN)
    workshop = locked(workshop)
    if not workshop.is_open:
        raise ValidationError({"workshop": "This workshop is already closed."})
    workshop.status, workshop.closed_at, workshop.closed_by = Workshop.Status.CLOSED, timezone.now(), by
    workshop.save(update_fields=["status", "closed_at", "closed_by"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=workshop,
        partnership=workshop.partnership_id,
        detail={"from": Workshop.Status.OPEN, "to": Workshop.Status.CLOSED},
    )
    return workshop


@transaction.atomic
def reopen_workshop(*, workshop: Workshop, by: User, reason: str) -> Workshop:
    """Only the area lead reopens a closed workshop, saying why; the corrections that follow are audited."""
    require(by, workshop.partnership_id, Permission.MANAGE_PARTNERSHIP)
    workshop = locked(workshop)
    if workshop.is_open:
        raise ValidationError({"workshop": "This workshop is already open."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the workshop is being reopened"})
    workshop.status = Workshop.Status.OPEN
    workshop.save(update_fields=["status"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=workshop,
        partnership=workshop.partnership_id,
        detail={"from": Workshop.Status.CLOSED, "to": Workshop.Status.OPEN, "reason": reason},
    )
    return workshop
