"""Recording one piece of MHST activity through the API (issue 6 items 5 and 8).

The rules and the write are mhst.services.activity.record (the same as the pages and the CSV
import). This module adds the API's optional Idempotency-Key (per user), kept in the audit event's
detail, so a retry returns the activity it made instead of a second one."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from partnership.models import AuditEvent, Organisation
from partnership.models.audit import AuditAction
from partnership.roles import Permission

from ..access import can_manage_team
from ..models import Activity, Practitioner
from ..services import activity as service

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
        school = Organisation.objects.filter(pk=school_id).first()
        practitioner = Practitioner.objects.for_user(by, RECORD).filter(team=team, pk=practitioner_id).first()
        extra = {"via": "api", **({"idempotency_key": idempotency_key} if idempotency_key else {})}
        try:
            activity = service.record(team, by, audit_detail=extra, school=school, practitioner=practitioner, **values)
        except ValidationError as error:
            raise ValidationError(
                {k: v if isinstance(v, list) else [v] for k, v in error.message_dict.items()}
            ) from None
    return activity, True
