"""Setting up a partnership's single point of access."""

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import Organisation, OrganisationKind, Partnership, PartnershipOrganisation, User
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.services.permissions import require

from ..models import DEFAULT_REASONS, Channel, NotAcceptedReason, SinglePointOfAccess


def seed_reasons(spa: SinglePointOfAccess) -> None:
    """The default reason codes for not accepting a referral (idempotent; the list stays editable)."""
    for position, (code, label) in enumerate(DEFAULT_REASONS, start=1):
        NotAcceptedReason.objects.get_or_create(spa=spa, code=code, defaults={"label": label, "position": position})


@transaction.atomic
def create_spa(
    *, partnership: Partnership, by: User, provider: Organisation, name: str, **details
) -> SinglePointOfAccess:
    """The area lead sets up the SPA, run by a member NHS CYPMHS provider, with the default reasons."""
    require(by, partnership, Permission.MANAGE_PARTNERSHIP)
    if (
        provider.kind != OrganisationKind.CYPMHS
        or not PartnershipOrganisation.objects.filter(
            partnership=partnership, organisation=provider, status=PartnershipOrganisation.Status.ACTIVE
        ).exists()
    ):
        raise ValidationError({"provider": "Choose the partnership's NHS CYPMHS member"})
    if SinglePointOfAccess.objects.filter(partnership=partnership).exists():
        raise ValidationError("This partnership already has a single point of access.")
    spa = SinglePointOfAccess.objects.create(
        partnership=partnership,
        provider=provider,
        name=name.strip(),
        channels=details.pop("channels", [Channel.ONLINE]),
        **details,
    )
    seed_reasons(spa)
    audit.record(actor=by, action=AuditAction.CREATE, obj=spa, partnership=partnership, detail={"name": spa.name})
    return spa
