"""The risk register: risks scored likelihood x impact on the 5 x 5 matrix, common risks seeded
from the evidence as `proposed` for the area lead to keep or remove, and mitigating actions.

Only an area lead of the risk's partnership (MANAGE_PARTNERSHIP) may change the register: the
services check it themselves and raise PermissionDenied. Seeding acts for the system.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ..models import Partnership, Risk, User
from ..models.audit import AuditAction
from ..models.risks import rating_for
from ..roles import Permission
from . import audit
from .numbering import next_number
from .permissions import require

LIKELIHOOD = {
    1: ("Rare", "May happen only in exceptional circumstances."),
    2: ("Unlikely", "Not expected, but it could happen."),
    3: ("Possible", "Might happen at some point."),
    4: ("Likely", "Will probably happen, but it is not a persistent issue."),
    5: ("Almost certain", "Will almost certainly happen, perhaps often."),
}
IMPACT = {
    1: ("Negligible", "Little or no effect on the partnership's work."),
    2: ("Minor", "A short delay or small extra work, handled within the partnership."),
    3: ("Moderate", "Work is delayed or reduced; children wait longer for support."),
    4: ("Major", "A key part of the partnership's work stops or fails for a while."),
    5: ("Catastrophic", "The partnership cannot deliver its purpose; serious harm is possible."),
}


@dataclass(frozen=True)
class CommonRisk:
    key: str
    title: str
    description: str
    likelihood: int = 3
    impact: int = 3


#: Risks to joint working that the evidence finds in most partnerships. A new partnership starts
#: with these as `proposed`, for the area lead to keep (and re-score) or remove.
COMMON_RISKS = (
    CommonRisk(
        "staff_turnover",
        "Staff turnover in schools and CYPMHS",
        "Named leads and links leave or change role, so relationships, knowledge of the pathway and "
        "agreed ways of working are lost and have to be rebuilt.",
        likelihood=4,
        impact=3,
    ),
    CommonRisk(
        "school_capacity",
        "Lack of capacity in schools",
        "Senior mental health leads and pastoral staff have too little protected time to take part in "
        "consultation, training and partnership meetings.",
    ),
    CommonRisk(
        "cypmhs_capacity",
        "Lack of capacity in CYPMHS",
        "Demand and waiting lists leave CYPMHS clinicians too little time for consultation, liaison and "
        "joint work with schools.",
        likelihood=4,
        impact=3,
    ),
    CommonRisk(
        "funding_change",
        "Changes to funding",
        "Short-term or reduced funding for posts, MHSTs or voluntary sector services ends work the "
        "partnership depends on.",
        impact=4,
    ),
    CommonRisk(
        "leadership_change",
        "Leadership change",
        "A change of headteacher, service manager, commissioner or partnership lead shifts priorities "
        "and loses sponsorship for joint working.",
    ),
    CommonRisk(
        "restructuring",
        "Organisational restructuring",
        "Restructuring of the local authority, ICB, trust or academy trusts changes who is responsible "
        "for what and interrupts agreed arrangements.",
    ),
)

#: a seeded risk is first reviewed this many days after it is proposed (about three months)
SEED_REVIEW_DAYS = 91


@transaction.atomic
def seed_common_risks(partnership: Partnership, *, by=audit.SYSTEM) -> list[Risk]:
    """Add the common risks to `partnership` as `proposed`. Idempotent by seed key: a risk whose
    key the partnership already holds is not added again. Returns the risks it created."""
    existing = set(Risk.objects.for_partnership(partnership).exclude(seed_key="").values_list("seed_key", flat=True))
    review_date = timezone.localdate() + timedelta(days=SEED_REVIEW_DAYS)
    created = []
    for common in COMMON_RISKS:
        if common.key in existing:
            continue
        risk = Risk.objects.create(
            partnership=partnership,
            number=next_number(Risk, partnership),
            title=common.title,
            description=common.description,
            likelihood=common.likelihood,
            impact=common.impact,
            review_date=review_date,
            status=Risk.Status.PROPOSED,
            seed_key=common.key,
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            obj=risk,
            partnership=partnership,
            detail={"reference": risk.reference, "seeded": common.key},
        )
        created.append(risk)
    return created


def _check(partnership: Partnership, *, likelihood: int, impact: int, owner: User | None) -> None:
    errors = {}
    if likelihood not in LIKELIHOOD:
        errors["likelihood"] = "Select a likelihood between 1 and 5"
    if impact not in IMPACT:
        errors["impact"] = "Select an impact between 1 and 5"
    if owner is not None and not owner.memberships.filter(partnership=partnership, is_active=True).exists():
        errors["owner"] = "The owner must be a member of the partnership"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_risk(
    *,
    partnership: Partnership,
    by: User,
    title: str,
    likelihood: int,
    impact: int,
    review_date: date,
    description: str = "",
    owner: User | None = None,
    controls: str = "",
) -> Risk:
    require(by, partnership, Permission.MANAGE_PARTNERSHIP)
    _check(partnership, likelihood=likelihood, impact=impact, owner=owner)
    risk = Risk.objects.create(
        partnership=partnership,
        number=next_number(Risk, partnership),
        title=title,
        description=description,
        likelihood=likelihood,
        impact=impact,
        owner=owner,
        controls=controls,
        review_date=review_date,
        status=Risk.Status.OPEN,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=risk,
        detail={"reference": risk.reference, "score": likelihood * impact},
    )
    return risk


def _locked(risk: Risk, by: User) -> Risk:
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    require(by, locked.partnership_id, Permission.MANAGE_PARTNERSHIP)
    return locked


def _snapshot(risk: Risk) -> dict:
    return {
        "title": risk.title,
        "description": risk.description,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "owner": risk.owner_id,
        "controls": risk.controls,
        "review_date": risk.review_date,
        "status": risk.status,
    }


@transaction.atomic
def update_risk(
    *,
    risk: Risk,
    by: User,
    title: str,
    likelihood: int,
    impact: int,
    review_date: date,
    description: str = "",
    owner: User | None = None,
    controls: str = "",
    status: str | None = None,
) -> Risk:
    """Edit a risk. Open risks are closed (status), never deleted; a proposed risk is kept or
    removed with `keep_risk` / `remove_risk`, so its status does not change here."""
    risk = _locked(risk, by)
    _check(risk.partnership, likelihood=likelihood, impact=impact, owner=owner)
    if status is None or risk.status == Risk.Status.PROPOSED:
        status = risk.status
    elif status not in (Risk.Status.OPEN, Risk.Status.CLOSED):
        raise ValidationError({"status": "Select open or closed"})
    before = _snapshot(risk)
    risk.title, risk.description, risk.controls = title, description, controls
    risk.likelihood, risk.impact, risk.owner, risk.review_date = likelihood, impact, owner, review_date
    risk.status = status
    changes = audit.changed_fields(before, _snapshot(risk))
    if not changes:
        return risk
    risk.save()
    risk.refresh_from_db(fields=["score"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE if "status" in changes else AuditAction.UPDATE,
        obj=risk,
        detail={"reference": risk.reference, "changed": changes},
    )
    return risk


@transaction.atomic
def keep_risk(*, risk: Risk, by: User) -> Risk:
    """A proposed (seeded) risk joins the register as open."""
    risk = _locked(risk, by)
    if risk.status != Risk.Status.PROPOSED:
        raise ValidationError("Only a proposed risk can be kept: this one is already on the register.")
    risk.status = Risk.Status.OPEN
    risk.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=risk,
        detail={"reference": risk.reference, "status": [Risk.Status.PROPOSED, Risk.Status.OPEN]},
    )
    return risk


@transaction.atomic
def remove_risk(*, risk: Risk, by: User) -> None:
    """Delete a proposed risk the area lead does not want. Open risks are closed, not deleted."""
    risk = _locked(risk, by)
    if risk.status != Risk.Status.PROPOSED:
        raise ValidationError("Only a proposed risk can be removed. Close an open risk instead.")
    if risk.actions.exists():
        raise ValidationError("This risk has mitigating actions, so it cannot be removed. Keep it, then close it.")
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        obj=risk,
        detail={"reference": risk.reference, "title": risk.title, "seed_key": risk.seed_key},
    )
    risk.delete()


# --- presentation ------------------------------------------------------------------------------


def review_overdue(risk: Risk, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return risk.status != Risk.Status.CLOSED and risk.review_date < today


def matrix(risks) -> list[dict]:
    """The 5 x 5 summary: one row per likelihood (5 at the top), one cell per impact (1 to 5),
    each with the number of risks in it and the rating of its score."""
    counts = {
        (row["likelihood"], row["impact"]): row["n"]
        for row in risks.order_by().values("likelihood", "impact").annotate(n=Count("pk"))
    }
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for impact in range(1, 6):
            score = likelihood * impact
            cells.append(
                {
                    "impact": impact,
                    "score": score,
                    "rating": rating_for(score),
                    "count": counts.get((likelihood, impact), 0),
                }
            )
        rows.append({"likelihood": likelihood, "label": LIKELIHOOD[likelihood][0], "cells": cells})
    return rows
