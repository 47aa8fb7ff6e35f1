"""Creating and editing a referral before it is submitted.

A draft belongs to the school of the member who starts it. Creating is idempotent per user and
key: the form sends a key it made when the page was drawn, an API client sends its
Idempotency-Key header, and the same key returns the same referral instead of a second one.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from partnership.models import Organisation, Partnership, User
from partnership.models.audit import AuditAction
from partnership.roles import Permission, permissions_for
from partnership.services import audit

from .. import rollups
from ..models import Referral, SinglePointOfAccess
from ..states import Status

#: the fields of a referral a school fills in (everything else is the duty team's or the system's)
SCHOOL_FIELDS = (
    "urgency",
    "child_first_name",
    "child_last_name",
    "date_of_birth",
    "nhs_number",
    "gender",
    "ethnicity",
    "year_group",
    "postcode",
    "situation",
    "why_now",
    "relevant_history",
    "support_tried",
    "support_duration",
    "other_services",
    "other_services_detail",
    "assessment",
    "impact_attendance",
    "impact_learning",
    "impact_relationships",
    "risk_self_harm",
    "risk_suicidal_thoughts",
    "risk_harm_to_others",
    "safeguarding_concern",
    "dsl_aware",
    "requests",
    "child_views",
    "family_views",
    "consent_by",
    "gillick_considered",
    "consent_share_outcome",
    "consent_date",
)


def schools_of(user: User, partnership: Partnership) -> list[Organisation]:
    """The schools `user` may refer from in `partnership` (their memberships that may submit)."""
    return [
        m.organisation
        for m in user._memberships()
        if m.partnership_id == partnership.pk and Permission.SUBMIT_REFERRALS in permissions_for(m.roles)
    ]


def _fields(values: dict) -> dict:
    unknown = set(values) - set(SCHOOL_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field can't be set by a school"))
    return values


@transaction.atomic
def create_draft(
    *, partnership: Partnership, by: User, school: Organisation, idempotency_key: str, **values
) -> tuple[Referral, bool]:
    """A new draft for `school`, or the referral already made with this key (created=False)."""
    if school not in schools_of(by, partnership):
        raise PermissionDenied("You can only refer children from your own school or college.")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ValidationError({"idempotency_key": "Send an idempotency key of 1 to 100 characters"}, code="invalid")
    existing = Referral.objects.filter(created_by=by, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    spa = SinglePointOfAccess.objects.filter(partnership=partnership).first()
    if spa is None:
        raise ValidationError("This partnership has no single point of access yet: referrals can't be made.")
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                partnership=partnership, spa=spa, school=school, created_by=by, idempotency_key=key, **_fields(values)
            )
    except IntegrityError:  # the same key, at the same moment, from a retry
        return Referral.objects.get(created_by=by, idempotency_key=key), False
    audit.record(actor=by, action=AuditAction.CREATE, obj=referral, partnership=partnership, detail={"draft": True})
    return referral, True


@transaction.atomic
def update_draft(*, referral_id: int, by: User, **values) -> Referral:
    """Save changes to a draft (or to a referral sent back with a question, before it is answered)."""
    mine = Referral.objects.for_user(by, Permission.SUBMIT_REFERRALS)
    referral = mine.select_for_update(of=("self",)).filter(pk=referral_id).first()
    if referral is None:
        raise PermissionDenied("You can't change this referral.")
    if referral.status not in (Status.DRAFT, Status.INFO_REQUESTED):
        raise ValidationError("A submitted referral can't be changed: send the duty team a message instead.")
    for name, value in _fields(values).items():
        setattr(referral, name, value)
    referral.version += 1
    referral.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=referral,
        partnership=referral.partnership_id,
        detail={"fields": sorted(values)},  # names only: never the child's details
    )
    if referral.status != Status.DRAFT:  # sent back with a question: its urgency may have changed
        rollups.mark_stale(referral.partnership_id)
    return referral


@transaction.atomic
def delete_draft(*, referral_id: int, by: User) -> None:
    """Delete a draft that was never sent (a mistake, or a child referred another way). A sent
    referral is never deleted: it has a history. Audited by id only."""
    mine = Referral.objects.for_user(by, Permission.SUBMIT_REFERRALS)
    referral = mine.select_for_update(of=("self",)).filter(pk=referral_id).first()
    if referral is None:
        raise PermissionDenied("You can't delete this referral.")
    if referral.status != Status.DRAFT:
        raise ValidationError("Only a draft that was never sent can be deleted.", code="not_a_draft")
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        obj=referral,
        partnership=referral.partnership_id,
        detail={"draft": True},
    )
    referral.delete()
