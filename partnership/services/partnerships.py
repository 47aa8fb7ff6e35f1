from django.db import transaction
from django.forms.models import model_to_dict

from ..models import Partnership
from ..models.audit import AuditAction
from ..roles import Permission
from . import audit

EDITABLE_FIELDS = (
    "name",
    "lead_body",
    "region",
    "rurality",
    "transformation_plan_reference",
    "lead_confirmation_months",
    "publishes_public_pages",
)


@transaction.atomic
def update_partnership_details(*, partnership: Partnership, by, **changes) -> Partnership:
    """Change a partnership's descriptive details; the area lead only."""
    if partnership.pk not in by.partnership_ids(Permission.MANAGE_PARTNERSHIP):
        raise PermissionError("Only the partnership's area lead can change its details.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    before = model_to_dict(locked, fields=EDITABLE_FIELDS)
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.full_clean()
    locked.save()
    diff = audit.changed_fields(before, model_to_dict(locked, fields=EDITABLE_FIELDS))
    if diff:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=locked, detail={"changed": diff})
    return locked
