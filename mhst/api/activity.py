"""Recording one piece of MHST activity through the API (issue 6 items 5 and 8).

A minimal service for the API only; the lead switches it to the shared mhst.services.activity at
merge. It checks the rule again (RECORD_MHST_ACTIVITY at the team's provider), the relations the
serializer cannot (the school is an active education member of the team's partnership, the
practitioner is the team's and in post on the date), writes the row and its audit event in one
transaction. An optional Idempotency-Key (per user) is kept in the audit event's detail, so a retry
returns the activity it made instead of a second one."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from partnership.models import AuditEvent, PartnershipOrganisation
from partnership.models.audit import AuditAction
from partnership.models.organisation import OrganisationKind
from partnership.roles import Permission
from partnership.services import audit

from ..access import can_manage_team
from ..models import Activity, Practitioner

RECORD = Permission.RECORD_MHST_ACTIVITY


class KeyReused(Exception):
    """The Idempotency-Key made an activity with other details."""


FIELDS = ("date", "function", "type", "duration_minutes", "children_reached", "adults_reached")


def _lock(user, key: str) -> None:
    """Serialise requests of one user with one key until the transaction ends."""
    digest = hashlib.sha256(f"mhst-activity:{user.pk}:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def _made_with(user, key: str):
    event = (
        AuditEvent.objects.filter(
            actor=user, action=AuditAction.CREATE, object_type="mhst.activity", detail__idempotency_key=key
        )
        .order_by("-pk")
        .first()
    )
    if event is None:
        return None
    return Activity.objects.for_user(user, RECORD).filter(pk=event.object_id).first()


def _same(activity: Activity, team, school_id, practitioner_id, values) -> bool:
    return (
        activity.team_id == team.pk
        and activity.school_id == school_id
        and activity.practitioner_id == practitioner_id
        and all(getattr(activity, name) == values[name] for name in FIELDS)
    )


def record_activity(*, by, team, school_id: int, practitioner_id: int, idempotency_key: str = "", **values):
    """Create an activity for `team`; returns (activity, created). Raises PermissionDenied when `by`
    does not record activity for the team, ValidationError (by field) for a bad school or
    practitioner, and KeyReused when the key made an activity with other details."""
    if not can_manage_team(by, team, RECORD):
        raise PermissionDenied("You can only record activity for your own team.")
    with transaction.atomic():
        if idempotency_key:
            _lock(by, idempotency_key)
            earlier = _made_with(by, idempotency_key)
            if earlier is not None:
                if not _same(earlier, team, school_id, practitioner_id, values):
                    raise KeyReused()
                return earlier, False
        errors = {}
        member = (
            PartnershipOrganisation.objects.for_user(by, RECORD)
            .filter(
                partnership=team.partnership,
                organisation_id=school_id,
                status=PartnershipOrganisation.Status.ACTIVE,
                organisation__kind__in=list(OrganisationKind.education()),
            )
            .select_related("organisation")
            .first()
        )
        if member is None:
            errors["school"] = ["Choose a school or college that is an active member of the team's partnership"]
        practitioner = Practitioner.objects.for_user(by, RECORD).filter(team=team, pk=practitioner_id).first()
        if practitioner is None:
            errors["practitioner"] = ["Choose a practitioner of this team"]
        elif not practitioner.is_active_on(values["date"]):
            errors["practitioner"] = ["The practitioner was not in post with the team on that date"]
        if errors:
            raise ValidationError(errors)
        activity = Activity(team=team, school=member.organisation, practitioner=practitioner, recorded_by=by, **values)
        activity.save()
        detail = {name: str(getattr(activity, name)) for name in FIELDS}
        detail.update(team=team.pk, school=school_id, practitioner=practitioner_id, via="api")
        if idempotency_key:
            detail["idempotency_key"] = idempotency_key
        audit.record(actor=by, action=AuditAction.CREATE, obj=activity, detail=detail)
    return activity, True
