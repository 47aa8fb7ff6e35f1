"""Action planning: an action agreed at a workshop targets one CASCADE domain and goes straight
into the partnership's action log (partnership.services.actions), so round 2 reviews it with its
RAG status."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import Action, Organisation, User
from partnership.services.actions import create_action

from ..models import PlannedAction, Workshop
from .scoring import domain_for


@transaction.atomic
def plan_action(
    *,
    workshop: Workshop,
    by: User,
    domain: str,
    title: str,
    owner: User,
    owner_organisation: Organisation,
    due_date: date,
    description: str = "",
) -> PlannedAction:
    """Raise an action on the log for `domain` (its code), agreed at `workshop`. Facilitators and
    the area lead may do this; the log's own rules check the owner and organisation."""
    domain_obj = domain_for(workshop, domain)
    if not title.strip():
        raise ValidationError({"title": "Enter what will be done"})
    action = create_action(
        partnership=workshop.partnership,
        by=by,
        title=title.strip(),
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_date=due_date,
        source=Action.Source.CASCADE_DOMAIN,
        source_detail=f"{domain_obj.title} ({workshop})"[:200],
    )
    return PlannedAction.objects.create(action=action, workshop=workshop, domain=domain_obj)
