"""The one way to write an audit event.

Every service that changes partnership data calls `record()` inside its transaction, with the
acting user. There is no default actor: code that acts for nobody says so with SYSTEM, and
unauthenticated events (a failed sign-in) say ANONYMOUS. Never put a child's details in `detail`.
"""

from django.db import models

from .. import request_context
from ..models.audit import AuditAction, AuditEvent


class _Actor:
    def __init__(self, label: str):
        self.label = label

    def __repr__(self):
        return f"<{self.label} actor>"


SYSTEM = _Actor("system")
ANONYMOUS = _Actor("anonymous")


def record(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    partnership=None,
    detail: dict | None = None,
) -> AuditEvent:
    if actor is None:
        raise ValueError("An audit event needs an actor: a user, SYSTEM or ANONYMOUS.")
    if isinstance(actor, _Actor):
        user, label = None, actor.label
    else:
        if not getattr(actor, "pk", None):
            raise ValueError("The acting user must be saved before it can be audited.")
        user, label = actor, actor.email
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
        if partnership is None:
            partnership = _partnership_of(obj)
    context = request_context.current()
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        action=AuditAction(action),
        object_type=object_type,
        object_id="" if object_id in (None, "") else str(object_id),
        partnership_id=getattr(partnership, "pk", partnership),
        request_id=context.request_id,
        ip_address=context.ip_address,
        detail=detail or {},
    )


def _partnership_of(obj):
    """The partnership an object belongs to, by its scoped queryset's path (e.g. member__partnership)."""
    if obj._meta.label_lower == "partnership.partnership":
        return obj.pk
    queryset_class = getattr(obj._meta.default_manager, "_queryset_class", None)
    path = getattr(queryset_class, "partnership_path", "partnership")
    *through, last = path.split("__")
    current = obj
    for step in through:
        current = getattr(current, step, None)
        if current is None:
            return None
    return getattr(current, f"{last}_id", None)


def changed_fields(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed; values as strings, for the detail column."""
    return {key: [str(before.get(key)), str(after.get(key))] for key in after if before.get(key) != after.get(key)}
