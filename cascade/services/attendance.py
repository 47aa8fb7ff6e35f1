"""Every write to workshop attendance and the representation target mix: keyword-only, atomic,
permission-checked, audited.

Facilitators and the area lead (RUN_CASCADE_WORKSHOPS) record who came to a workshop, while it is
open. Only the area lead (MANAGE_PARTNERSHIP) sets the target mix by sector.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import Organisation, OrganisationKind, Partnership, PartnershipOrganisation, User
from partnership.models import Sector as MemberSector
from partnership.models.audit import AuditAction
from partnership.models.organisation import SECTOR_OF_KIND
from partnership.roles import Permission
from partnership.services import audit
from partnership.services.permissions import require

from ..models import RepresentationTarget, Sector, Workshop, WorkshopAttendance
from .workshops import locked, require_open

RUN = Permission.RUN_CASCADE_WORKSHOPS
NAME_MAX_LENGTH = 200

#: the partnership's own sectors (partnership.models.organisation.SECTOR_OF_KIND) mapped to CASCADE's;
#: health splits by kind, below
_FROM_MEMBER_SECTOR = {
    MemberSector.EDUCATION: Sector.EDUCATION,
    MemberSector.LOCAL_AUTHORITY: Sector.LOCAL_AUTHORITY,
    MemberSector.VOLUNTARY: Sector.VCSO,
    MemberSector.OTHER: Sector.OTHER,
}
_HEALTH_KINDS = {OrganisationKind.CYPMHS: Sector.NHS_CYPMHS, OrganisationKind.GP_PRACTICE: Sector.GP}


def default_sector(organisation: Organisation) -> Sector:
    """The CASCADE sector an attendee from `organisation` most likely belongs to, from its kind."""
    try:
        kind = OrganisationKind(organisation.kind)
    except ValueError:
        return Sector.OTHER
    member_sector = SECTOR_OF_KIND.get(kind, MemberSector.OTHER)
    if member_sector == MemberSector.HEALTH:
        return _HEALTH_KINDS.get(kind, Sector.OTHER)
    return _FROM_MEMBER_SECTOR.get(member_sector, Sector.OTHER)


def _clean(workshop: Workshop, *, name: str, organisation: Organisation, sector, user: User | None, exclude=None):
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Enter the person's name"})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": f"Name must be {NAME_MAX_LENGTH} characters or fewer"})
    if organisation is None:
        raise ValidationError({"organisation": "Select the person's organisation"})
    if not PartnershipOrganisation.objects.filter(
        partnership_id=workshop.partnership_id, organisation=organisation
    ).exists():
        raise ValidationError({"organisation": f"Not a member of this partnership: {organisation.name}."})
    sector = sector or default_sector(organisation)
    if sector not in Sector.values:
        raise ValidationError({"sector": "Select the person's sector"})
    if user is not None and workshop.partnership_id not in user.partnership_ids():
        raise ValidationError({"user": "That person is not a member of this partnership."})
    others = WorkshopAttendance.objects.filter(workshop=workshop)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if user is not None and others.filter(user=user).exists():
        raise ValidationError({"user": f"{user} is already on this workshop's attendance list."})
    if others.filter(name__iexact=name, organisation=organisation).exists():
        raise ValidationError({"name": f"{name} of {organisation.name} is already on this workshop's attendance list."})
    return name, Sector(sector)


def _detail(row: WorkshopAttendance) -> dict:
    return {
        "name": row.name,
        "organisation": row.organisation_id,
        "sector": row.sector,
        "user": row.user_id,
    }


@transaction.atomic
def add_attendee(
    *,
    workshop: Workshop,
    by: User,
    name: str,
    organisation: Organisation,
    sector: str | None = None,
    user: User | None = None,
) -> WorkshopAttendance:
    """Record that a person came to `workshop`. Without a sector, it follows the organisation's kind."""
    require(by, workshop.partnership_id, RUN)
    workshop = locked(workshop)
    require_open(workshop, "attendance")
    name, sector = _clean(workshop, name=name, organisation=organisation, sector=sector, user=user)
    row = WorkshopAttendance.objects.create(
        workshop=workshop, name=name, organisation=organisation, sector=sector, user=user
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=row,
        partnership=workshop.partnership_id,
        detail={"workshop": workshop.pk, **_detail(row)},
    )
    return row


@transaction.atomic
def update_attendee(
    *,
    attendance: WorkshopAttendance,
    by: User,
    name: str,
    organisation: Organisation,
    sector: str | None = None,
    user: User | None = None,
) -> WorkshopAttendance:
    require(by, attendance.workshop.partnership_id, RUN)
    workshop = locked(attendance.workshop)
    require_open(workshop, "attendance")
    name, sector = _clean(workshop, name=name, organisation=organisation, sector=sector, user=user, exclude=attendance)
    before = _detail(attendance)
    attendance.name, attendance.organisation, attendance.sector, attendance.user = name, organisation, sector, user
    attendance.save(update_fields=["name", "organisation", "sector", "user"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=attendance,
        partnership=workshop.partnership_id,
        detail={"workshop": workshop.pk, **audit.changed_fields(before, _detail(attendance))},
    )
    return attendance


@transaction.atomic
def remove_attendee(*, attendance: WorkshopAttendance, by: User) -> None:
    require(by, attendance.workshop.partnership_id, RUN)
    workshop = locked(attendance.workshop)
    require_open(workshop, "attendance")
    detail = {"workshop": workshop.pk, **_detail(attendance)}
    pk = attendance.pk
    attendance.delete()
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        object_type=WorkshopAttendance._meta.label_lower,
        object_id=pk,
        partnership=workshop.partnership_id,
        detail=detail,
    )


def _clean_percent(sector: str, value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError({sector: "Enter a whole number from 0 to 100"})
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise ValidationError({sector: "Enter a whole number from 0 to 100"})
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError({sector: "Enter a whole number from 0 to 100"})
    return value


@transaction.atomic
def set_representation_targets(*, partnership: Partnership, by: User, percents: dict) -> dict[str, int]:
    """Replace the target mix: {sector: whole-number percent or None for no target}. The targets
    may add up to less than 100 (some attendance left unplanned), never more."""
    require(by, partnership, Permission.MANAGE_PARTNERSHIP)
    unknown = set(percents) - set(Sector.values)
    if unknown:
        raise ValidationError(f"Unknown sectors: {', '.join(sorted(map(str, unknown)))}.")
    cleaned = {}
    for sector in Sector.values:
        value = _clean_percent(sector, percents.get(sector))
        if value is not None:
            cleaned[sector] = value
    total = sum(cleaned.values())
    if total > 100:
        raise ValidationError(f"The targets add up to {total}%: they must not add up to more than 100%.")
    existing = RepresentationTarget.objects.filter(partnership=partnership)
    before = dict(existing.values_list("sector", "percent"))
    existing.exclude(sector__in=cleaned).delete()
    for sector, percent in cleaned.items():
        RepresentationTarget.objects.update_or_create(
            partnership=partnership, sector=sector, defaults={"percent": percent}
        )
    if before != cleaned:
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=partnership,
            detail={"representation_targets": {"before": before, "after": cleaned}},
        )
    return cleaned
