"""Organisations' membership of a partnership: application, approval, lapse, leaving, reinstatement.

Every change is a STATE_CHANGE audit event with `from` and `to`. An invalid transition raises
ValidationError with a plain-English message that the page shows; only the area lead
(MANAGE_PARTNERSHIP) changes membership.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from ..models import Organisation, OrganisationKind, Partnership, PartnershipOrganisation, Sector, User
from ..models.audit import AuditAction
from ..models.organisation import SECTOR_OF_KIND
from ..roles import Permission
from . import audit

Status = PartnershipOrganisation.Status

SEARCH_LIMIT = 20

# What each action does: the statuses it may start from, the status it leads to, and its wording.
TRANSITIONS = {
    "approve": ({Status.APPLIED}, Status.ACTIVE, "approved"),
    "decline": ({Status.APPLIED}, Status.LEFT, "declined"),
    "lapse": ({Status.ACTIVE}, Status.LAPSED, "marked as lapsed"),
    "leave": ({Status.ACTIVE, Status.LAPSED}, Status.LEFT, "marked as having left"),
    "reinstate": ({Status.LAPSED}, Status.ACTIVE, "reinstated"),
}

# The kinds a new organisation added by hand may have: schools and colleges come from the register.
NON_SCHOOL_KINDS = [
    (value, label) for value, label in OrganisationKind.choices if value not in OrganisationKind.education()
]


def _require_manager(partnership: Partnership, by: User) -> None:
    if partnership.pk not in by.partnership_ids(Permission.MANAGE_PARTNERSHIP):
        raise PermissionError("Only the partnership's area lead can change its membership.")


def can_transition(member: PartnershipOrganisation, action: str) -> bool:
    allowed_from, _, _ = TRANSITIONS[action]
    return member.status in allowed_from


def transition_error(member: PartnershipOrganisation, action: str) -> str:
    _, _, wording = TRANSITIONS[action]
    return f"{member.organisation.name} cannot be {wording}: its membership is {member.get_status_display().lower()}."


# --- the register -------------------------------------------------------------------------------


def search_register(query: str, *, limit: int = SEARCH_LIMIT):
    """Organisations in the register whose name contains `query`, or whose URN is `query`.

    The register may hold every school in England: this returns at most `limit` rows, as a
    queryset filtered by primary key so that a form field can validate a choice against it.
    """
    query = (query or "").strip()
    numeric = query.isascii() and query.isdigit()
    if (len(query) < 2 and not numeric) or "\x00" in query:  # PostgreSQL cannot compare with a NUL
        return Organisation.objects.none()
    condition = Q(name__icontains=query)
    if numeric and len(query) <= 9:
        condition |= Q(urn=int(query))
    if len(query) <= 10:
        condition |= Q(ods_code__iexact=query) | Q(charity_number=query)
    ids = list(Organisation.objects.filter(condition).order_by("name").values_list("pk", flat=True)[:limit])
    return Organisation.objects.filter(pk__in=ids).order_by("name")


# --- application --------------------------------------------------------------------------------


@transaction.atomic
def record_application(
    *,
    partnership: Partnership,
    by: User,
    organisation: Organisation | None = None,
    new_organisation: dict | None = None,
    note: str = "",
) -> PartnershipOrganisation:
    """Record an organisation's application to join: one already in the register, or a new
    (non-school) organisation described by `new_organisation` (name, kind, ods_code, charity_number)."""
    _require_manager(partnership, by)
    if (organisation is None) == (new_organisation is None):
        raise ValueError("Give either an organisation from the register or a new organisation.")
    if new_organisation is not None:
        organisation = _add_organisation(partnership=partnership, by=by, **new_organisation)
    existing = PartnershipOrganisation.objects.filter(partnership=partnership, organisation=organisation).first()
    if existing is not None:
        raise ValidationError(
            f"{organisation.name} is already a member of this partnership "
            f"(status: {existing.get_status_display().lower()}). It cannot apply again."
        )
    try:
        with transaction.atomic():
            member = PartnershipOrganisation.objects.create(
                partnership=partnership,
                organisation=organisation,
                status=Status.APPLIED,
                applied_on=timezone.localdate(),
                applied_by=by,
                application_note=note,
            )
    except IntegrityError:
        raise ValidationError(f"{organisation.name} has already applied to this partnership.") from None
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=member,
        detail={"from": None, "to": Status.APPLIED.value, "organisation": organisation.pk},
    )
    return member


def _add_organisation(*, partnership, by, name: str, kind: str, ods_code: str = "", charity_number: str = ""):
    if kind in OrganisationKind.education():
        raise ValidationError("Schools and colleges come from the register: search for them by name or URN.")
    ods_code = (ods_code or "").strip().upper()
    charity_number = (charity_number or "").strip()
    if ods_code and Organisation.objects.filter(ods_code__iexact=ods_code).exists():
        raise ValidationError(f"An organisation with ODS code {ods_code} is already in the register: search for it.")
    if charity_number and Organisation.objects.filter(charity_number=charity_number).exists():
        raise ValidationError(
            f"An organisation with charity number {charity_number} is already in the register: search for it."
        )
    organisation = Organisation(name=name.strip(), kind=kind, ods_code=ods_code, charity_number=charity_number)
    organisation.full_clean()
    organisation.save()
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=organisation,
        partnership=partnership,
        detail={"name": organisation.name, "kind": kind},
    )
    return organisation


# --- transitions ----------------------------------------------------------------------------------


def approve(*, member: PartnershipOrganisation, by: User) -> PartnershipOrganisation:
    now = timezone.now()
    return _transition(
        member,
        by,
        "approve",
        approved_by=by,
        approved_at=now,
        joined_on=timezone.localdate(now),
        status_note="",
    )


def decline(*, member: PartnershipOrganisation, by: User, reason: str) -> PartnershipOrganisation:
    return _transition(member, by, "decline", left_on=timezone.localdate(), status_note=_reason(reason))


def lapse(*, member: PartnershipOrganisation, by: User, reason: str) -> PartnershipOrganisation:
    return _transition(member, by, "lapse", lapsed_on=timezone.localdate(), status_note=_reason(reason))


def leave(*, member: PartnershipOrganisation, by: User, reason: str) -> PartnershipOrganisation:
    return _transition(member, by, "leave", left_on=timezone.localdate(), status_note=_reason(reason))


def reinstate(*, member: PartnershipOrganisation, by: User, note: str = "") -> PartnershipOrganisation:
    return _transition(member, by, "reinstate", lapsed_on=None, status_note=(note or "").strip())


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Enter the reason")
    return reason


@transaction.atomic
def _transition(member: PartnershipOrganisation, by: User, action: str, **fields) -> PartnershipOrganisation:
    _require_manager(member.partnership, by)
    locked = PartnershipOrganisation.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    if not can_transition(locked, action):
        raise ValidationError(transition_error(locked, action))
    _, to, _ = TRANSITIONS[action]
    before = locked.status
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    detail = {"from": before, "to": to.value, "action": action}
    if locked.status_note:
        detail["note"] = locked.status_note
    audit.record(actor=by, action=AuditAction.STATE_CHANGE, obj=locked, detail=detail)
    return locked


# --- the membership list --------------------------------------------------------------------------


def sector_order():
    """An annotation giving each membership its sector's position in Sector's order."""
    position = {sector: index for index, sector in enumerate(Sector)}
    return Case(
        *[When(organisation__kind=kind, then=Value(position[sector])) for kind, sector in SECTOR_OF_KIND.items()],
        default=Value(len(position)),
        output_field=IntegerField(),
    )


def with_sector(queryset):
    return queryset.annotate(sector_position=sector_order()).order_by("sector_position", "organisation__name")


def sector_counts(queryset) -> dict:
    """{Sector: count} over `queryset` (already filtered), every sector present."""
    counts = dict.fromkeys(Sector, 0)
    rows = (
        queryset.order_by().annotate(sector_position=sector_order()).values("sector_position").annotate(n=Count("pk"))
    )
    sectors = list(Sector)
    for row in rows:
        index = row["sector_position"]
        sector = sectors[index] if index < len(sectors) else Sector.OTHER
        counts[sector] += row["n"]
    return counts
