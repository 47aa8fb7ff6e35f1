"""Setting up and running a partnership's single point of access: its public face (channels,
hours, criteria, thresholds, emergency advice) and its reasons for not accepting a referral.

Editors are the area lead and the SPA's duty lead (LEAD_DUTY_TEAM through a membership at the
provider organisation). Every change is audited with the before and after of the changed fields.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from partnership.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipOrganisation, User
from partnership.models.audit import AuditAction
from partnership.roles import Permission, permissions_for
from partnership.services import audit
from partnership.services.permissions import allowed, require

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


# --- who may change the SPA --------------------------------------------------------------------

EDITOR_REFUSAL = "Only the area lead or the single point of access's duty lead can do this."


def members_holding(partnership_id: int, organisation_id: int, permission: Permission) -> list[User]:
    """The active users of `organisation_id` in the partnership whose roles there grant `permission`,
    by name (e.g. an SPA's duty team: its provider's members holding TRIAGE_REFERRALS)."""
    memberships = Membership.objects.filter(
        partnership_id=partnership_id, organisation_id=organisation_id, is_active=True, user__is_active=True
    ).select_related("user")
    people = {m.user for m in memberships if permission in permissions_for(m.roles)}
    return sorted(people, key=lambda u: ((u.full_name or u.email).lower(), u.pk))


def _holds_at(user: User, spa: SinglePointOfAccess, permission: Permission) -> bool:
    """Whether `user` holds `permission` through an active membership at the SPA's provider."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return any(
        m.partnership_id == spa.partnership_id
        and m.organisation_id == spa.provider_id
        and permission in permissions_for(m.roles)
        for m in user._memberships()
    )


def can_edit_spa(user: User, spa: SinglePointOfAccess) -> bool:
    """The area lead (MANAGE_PARTNERSHIP) or the SPA's duty lead (LEAD_DUTY_TEAM at the provider)."""
    return allowed(user, spa.partnership_id, Permission.MANAGE_PARTNERSHIP) or _holds_at(
        user, spa, Permission.LEAD_DUTY_TEAM
    )


def require_spa_editor(user: User, spa: SinglePointOfAccess) -> None:
    if not can_edit_spa(user, spa):
        raise PermissionDenied(EDITOR_REFUSAL)


def can_read_duty_pages(user: User, spa: SinglePointOfAccess) -> bool:
    """The rota and the reason codes: editors, and the duty team (TRIAGE_REFERRALS)."""
    return can_edit_spa(user, spa) or allowed(user, spa.partnership_id, Permission.TRIAGE_REFERRALS)


# --- the SPA's public face ---------------------------------------------------------------------

EDITABLE_FIELDS = ("channels", "phone", "email", "hours", "acceptance_criteria", "thresholds", "emergency_advice")


def check_contact(channels, phone: str, email: str) -> None:
    """Phone and email are required when the SPA takes referrals by phone or email."""
    errors = {}
    if not channels:
        errors["channels"] = "Select at least one way to make a referral"
    elif any(c not in Channel.values for c in channels):
        errors["channels"] = "Select the ways to make a referral from the list"
    if Channel.PHONE in (channels or []) and not (phone or "").strip():
        errors["phone"] = "Enter the phone number, as referrals are taken by phone"
    if Channel.EMAIL in (channels or []) and not (email or "").strip():
        errors["email"] = "Enter the secure email address, as referrals are taken by email"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_spa(*, spa: SinglePointOfAccess, by: User, **changes) -> SinglePointOfAccess:
    """Change the SPA's channels, contact details, hours, criteria, thresholds or emergency advice.
    Audited with the before and after of each changed field."""
    require_spa_editor(by, spa)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    spa = SinglePointOfAccess.objects.select_for_update().get(pk=spa.pk)
    after = {**{f: getattr(spa, f) for f in EDITABLE_FIELDS}, **changes}
    for name in ("phone", "email", "hours", "acceptance_criteria", "thresholds", "emergency_advice"):
        after[name] = (after[name] or "").strip()
    after["channels"] = [c for c in Channel.values if c in (after["channels"] or [])]
    for name, message in (
        ("hours", "Enter the hours when the duty team answers"),
        ("acceptance_criteria", "Enter the acceptance criteria"),
        ("thresholds", "Enter the thresholds"),
        ("emergency_advice", "Enter the emergency advice"),
    ):
        if not after[name]:
            raise ValidationError({name: message})
    check_contact(after["channels"], after["phone"], after["email"])
    before = {f: getattr(spa, f) for f in EDITABLE_FIELDS}
    changed = audit.changed_fields(before, after)
    if not changed:
        return spa
    for name, value in after.items():
        setattr(spa, name, value)
    spa.save()
    audit.record(actor=by, action=AuditAction.UPDATE, obj=spa, detail={"changed": changed})
    return spa


# --- reasons for not accepting -----------------------------------------------------------------


def _reasons(spa: SinglePointOfAccess):
    return NotAcceptedReason.objects.filter(spa=spa).order_by("position", "label", "pk")


@transaction.atomic
def add_reason(*, spa: SinglePointOfAccess, by: User, code: str, label: str) -> NotAcceptedReason:
    """A new reason code, last in the list. Codes are unique per SPA and never change."""
    require_spa_editor(by, spa)
    SinglePointOfAccess.objects.select_for_update().filter(pk=spa.pk).first()  # one writer of the list at a time
    code, label = (code or "").strip().lower(), (label or "").strip()
    if not label:
        raise ValidationError({"label": "Enter the reason as the school will read it"})
    if not code:
        raise ValidationError({"code": "Enter a code"})
    if NotAcceptedReason.objects.filter(spa=spa, code=code).exists():
        raise ValidationError({"code": f"The code {code} is already used by another reason: choose a different code"})
    last = _reasons(spa).aggregate(last=Max("position"))["last"] or 0
    reason = NotAcceptedReason.objects.create(spa=spa, code=code, label=label, position=last + 1)
    audit.record(actor=by, action=AuditAction.CREATE, obj=reason, detail={"code": code, "label": label, "spa": spa.pk})
    return reason


@transaction.atomic
def update_reason(*, reason: NotAcceptedReason, by: User, label: str) -> NotAcceptedReason:
    """Change a reason's label (its code stays: decisions already made refer to it)."""
    require_spa_editor(by, reason.spa)
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": "Enter the reason as the school will read it"})
    reason = NotAcceptedReason.objects.select_for_update().get(pk=reason.pk)
    changed = audit.changed_fields({"label": reason.label}, {"label": label})
    if changed:
        reason.label = label
        reason.save(update_fields=["label"])
        audit.record(actor=by, action=AuditAction.UPDATE, obj=reason, detail={"code": reason.code, "changed": changed})
    return reason


@transaction.atomic
def set_reason_active(*, reason: NotAcceptedReason, by: User, is_active: bool) -> NotAcceptedReason:
    """Deactivate (no longer offered at triage) or reactivate a reason. Reasons are never deleted."""
    require_spa_editor(by, reason.spa)
    reason = NotAcceptedReason.objects.select_for_update().get(pk=reason.pk)
    if reason.is_active == is_active:
        return reason
    if not is_active and not _reasons(reason.spa).filter(is_active=True).exclude(pk=reason.pk).exists():
        raise ValidationError("Keep at least one reason active: the duty team needs one to decide not to accept.")
    before = reason.is_active
    reason.is_active = is_active
    reason.save(update_fields=["is_active"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=reason,
        detail={"code": reason.code, "changed": audit.changed_fields({"is_active": before}, {"is_active": is_active})},
    )
    return reason


UP, DOWN = "up", "down"


@transaction.atomic
def move_reason(*, reason: NotAcceptedReason, by: User, direction: str) -> NotAcceptedReason:
    """Move a reason one place up or down the list (positions are renumbered 1..n)."""
    require_spa_editor(by, reason.spa)
    if direction not in (UP, DOWN):
        raise ValidationError("Choose to move the reason up or down")
    SinglePointOfAccess.objects.select_for_update().filter(pk=reason.spa_id).first()
    ordered = list(_reasons(reason.spa))
    index = next(i for i, r in enumerate(ordered) if r.pk == reason.pk)
    target = index - 1 if direction == UP else index + 1
    if not 0 <= target < len(ordered):
        return reason
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=reason,
        detail={"code": reason.code, "moved": direction, "position": target + 1},
    )
    reason.refresh_from_db()
    return reason
