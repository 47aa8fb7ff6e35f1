"""The action log: raising actions, recording progress, reminders."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Action, Meeting, Partnership, Risk, User
from ..models.audit import AuditAction
from . import audit
from .numbering import next_number


@transaction.atomic
def create_action(
    *,
    partnership: Partnership,
    by: User,
    title: str,
    owner: User,
    owner_organisation,
    due_date: date,
    description: str = "",
    source: str = Action.Source.OTHER,
    source_meeting: Meeting | None = None,
    source_risk: Risk | None = None,
    source_detail: str = "",
    at_risk: bool = False,
) -> Action:
    """Raise an action. The owner must be an active member of the partnership, acting for
    `owner_organisation`; a meeting or risk source must belong to the same partnership."""
    if not owner.memberships.filter(partnership=partnership, organisation=owner_organisation, is_active=True).exists():
        raise ValidationError({"owner": "The owner must be a member of the partnership acting for that organisation."})
    if source_meeting is not None and source_meeting.group.partnership_id != partnership.pk:
        raise ValidationError({"source_meeting": "That meeting is not in this partnership."})
    if source_risk is not None and source_risk.partnership_id != partnership.pk:
        raise ValidationError({"source_risk": "That risk is not in this partnership."})
    if source_meeting is not None:
        source = Action.Source.MEETING
    elif source_risk is not None:
        source = Action.Source.RISK
    action = Action.objects.create(
        partnership=partnership,
        number=next_number(Action, partnership),
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_date=due_date,
        source=source,
        source_meeting=source_meeting,
        source_risk=source_risk,
        source_detail=source_detail,
        at_risk=at_risk,
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=action,
        partnership=partnership,
        detail={"reference": action.reference, "source": source},
    )
    return action
