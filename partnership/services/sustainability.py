"""The sustainability plan: one per partnership, edited in place, every change audited.

Funding that ends within `ENDING_SOON_MONTHS` months is flagged, as is funding that has ended and
a plan whose review date has passed: `funding_flag` and `review_overdue` are the one definition.
Changing the plan is for an area lead of the partnership (MANAGE_PARTNERSHIP): the services check
it themselves and raise PermissionDenied.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import FundingStream, Partnership, Risk, SustainabilityPlan, User
from ..models.audit import AuditAction
from ..roles import Permission
from . import audit
from .directory import add_months
from .permissions import require

ENDING_SOON_MONTHS = 6
PLAN_FIELDS = ("accountable_owner", "embedding", "funding_summary", "review_date")


def funding_flag(stream: FundingStream, today: date) -> str:
    """ "ended", "ending_soon" or "" for a funding stream."""
    if stream.ends_on < today:
        return "ended"
    if stream.ends_on <= add_months(today, ENDING_SOON_MONTHS):
        return "ending_soon"
    return ""


def review_overdue(plan: SustainabilityPlan, today: date) -> bool:
    return plan.review_date is not None and plan.review_date < today


def _locked_plan(partnership: Partnership, by: User) -> tuple[SustainabilityPlan, bool]:
    plan, created = SustainabilityPlan.objects.select_for_update().get_or_create(
        partnership=partnership, defaults={"updated_by": by}
    )
    if created:
        audit.record(actor=by, action=AuditAction.CREATE, obj=plan, partnership=partnership, detail={"started": True})
    return plan, created


@transaction.atomic
def save_plan(
    *,
    partnership: Partnership,
    by: User,
    accountable_owner: User | None,
    embedding: str,
    funding_summary: str,
    review_date: date | None,
    risks,
) -> SustainabilityPlan:
    """Start the plan if it does not exist yet, then set its fields and linked risks."""
    require(by, partnership, Permission.MANAGE_PARTNERSHIP)
    risks = list(risks)
    if (
        accountable_owner is not None
        and not accountable_owner.memberships.filter(partnership=partnership, is_active=True).exists()
    ):
        raise ValidationError({"accountable_owner": "The accountable owner must be a member of the partnership."})
    if any(risk.partnership_id != partnership.pk for risk in risks):
        raise ValidationError({"risks": "Select risks from this partnership's register."})
    plan, _ = _locked_plan(partnership, by)
    before = {name: getattr(plan, name) for name in PLAN_FIELDS}
    before["risks"] = sorted(r.reference for r in plan.risks.all())
    after = {
        "accountable_owner": accountable_owner,
        "embedding": embedding,
        "funding_summary": funding_summary,
        "review_date": review_date,
    }
    for name, value in after.items():
        setattr(plan, name, value)
    plan.updated_by = by
    plan.save()
    plan.risks.set(risks)
    after["risks"] = sorted(r.reference for r in risks)
    changes = audit.changed_fields(before, after)
    if changes:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=plan, detail={"changed": changes})
    return plan


@transaction.atomic
def add_funding_stream(
    *, partnership: Partnership, by: User, name: str, funder: str, annual_amount: Decimal | None, ends_on: date
) -> FundingStream:
    require(by, partnership, Permission.MANAGE_PARTNERSHIP)
    plan, _ = _locked_plan(partnership, by)
    stream = FundingStream.objects.create(
        plan=plan, name=name, funder=funder, annual_amount=annual_amount, ends_on=ends_on
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=stream,
        detail={"name": name, "funder": funder, "ends_on": ends_on.isoformat()},
    )
    return stream


@transaction.atomic
def remove_funding_stream(*, stream: FundingStream, by: User) -> None:
    stream = FundingStream.objects.select_for_update().select_related("plan").get(pk=stream.pk)
    partnership_id = stream.plan.partnership_id
    require(by, partnership_id, Permission.MANAGE_PARTNERSHIP)
    detail = {"name": stream.name, "funder": stream.funder, "ends_on": stream.ends_on.isoformat()}
    pk = stream.pk
    stream.delete()
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        object_type=FundingStream._meta.label_lower,
        object_id=pk,
        partnership=partnership_id,
        detail=detail,
    )


def linkable_risks(risks_in_scope, plan: SustainabilityPlan | None):
    """The risks the plan may link: the partnership's open risks, and any already linked."""
    linked = [r.pk for r in plan.risks.all()] if plan is not None and plan.pk else []
    return risks_in_scope.filter(status=Risk.Status.OPEN) | risks_in_scope.filter(pk__in=linked)
