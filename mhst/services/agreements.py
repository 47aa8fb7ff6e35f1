"""The agreement between a team and a school (issue 6 item 4): the palette of support chosen from the
team's active offer under the three functions, named contacts on both sides, the protocol's
endorsement by the school's senior leadership (who, when) and the review date.

Who may create or change it: the team's own manager (MANAGE_MHST at the team's provider) or the
school's own senior mental health lead (MANAGE_SCHOOL_READINESS at the school). Every change is
audited with the changed fields (the palette as offer titles).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.models import Organisation, User
from partnership.models.audit import AuditAction
from partnership.services import audit

from .. import access
from ..models import Agreement, OfferItem, Practitioner, Team

REFUSAL = "Only the team's manager or the school's senior mental health lead can change this agreement."
FIELDS = (
    "school_contact_name",
    "school_contact_role",
    "school_contact_email",
    "team_contact",
    "endorsed_by",
    "endorsed_on",
    "review_on",
)


def can_edit(user: User, team: Team, school: Organisation) -> bool:
    return access.can_manage_team(user, team) or school.pk in access.my_schools(user, team.partnership)


def agreement_for(team: Team, school: Organisation) -> Agreement | None:
    return Agreement.objects.filter(team=team, school=school).first()


def _snapshot(agreement: Agreement | None, palette) -> dict:
    if agreement is None:
        return {}
    data = {name: getattr(agreement, name) for name in FIELDS}
    data["team_contact"] = agreement.team_contact.name if agreement.team_contact_id else None
    data["palette"] = sorted(item.title for item in palette)
    return data


def _as_ids(values) -> list[int]:
    ids = []
    for value in values or []:
        pk = getattr(value, "pk", value)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({"palette": "Select the support from the team's offer"}) from None
    return ids


@transaction.atomic
def save_agreement(team: Team, school: Organisation, by: User, **fields) -> Agreement:
    """Create or update the team's agreement with the school. `fields`: palette (offer items or their
    ids), school_contact_name, school_contact_role, school_contact_email, team_contact (a practitioner
    of the team, or None), endorsed_by, endorsed_on, review_on. Fields not given stay as they are."""
    if not can_edit(by, team, school):
        raise PermissionDenied(REFUSAL)
    unknown = set(fields) - {*FIELDS, "palette"}
    if unknown:
        raise TypeError(f"Unknown agreement fields: {sorted(unknown)}")

    agreement = Agreement.objects.select_for_update().filter(team=team, school=school).first()
    if agreement is None and school.pk not in access.allocated_schools([team.pk]):
        raise ValidationError("The team has no approved allocation to this school, so there is no agreement to make.")
    errors = {}

    palette = None
    if "palette" in fields:
        ids = _as_ids(fields["palette"])
        palette = list(OfferItem.objects.filter(team=team, is_active=True, pk__in=ids))
        if len(palette) != len(set(ids)):
            errors["palette"] = "Select the support from the team's current offer"

    if "team_contact" in fields:
        contact = fields["team_contact"]
        if contact not in (None, ""):
            pk = getattr(contact, "pk", contact)
            found = Practitioner.objects.filter(team=team, pk=pk).first() if str(pk).isdigit() else None
            if found is None:
                errors["team_contact"] = "Select a practitioner of this team as the team's contact"
            fields["team_contact"] = found
        else:
            fields["team_contact"] = None

    endorsed_on = fields.get("endorsed_on")
    if endorsed_on and endorsed_on > timezone.localdate():
        errors["endorsed_on"] = "The date the protocol was endorsed must be today or in the past"
    if errors:
        raise ValidationError(errors)

    created = agreement is None
    old_palette = [] if created else list(agreement.palette.all())
    before = _snapshot(agreement, old_palette)
    if created:
        agreement = Agreement(team=team, school=school)
    for name in FIELDS:
        if name in fields:
            value = fields[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(agreement, name, value)
    agreement.updated_by = by
    agreement.save()
    if palette is not None:
        agreement.palette.set(palette)
    after = _snapshot(agreement, palette if palette is not None else old_palette)
    changes = audit.changed_fields(before, after)
    if created or changes:
        audit.record(
            actor=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=agreement,
            partnership=team.partnership,
            detail={"team": team.pk, "school": school.pk, "changes": changes},
        )
    return agreement
