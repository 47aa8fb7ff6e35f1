"""The allocation method, proposals, adjustments and the governance board's decision (issue 6 item 2).

The path of every version of a team's allocation:

    proposed --(decision at a held steering group meeting)--> approved (active) | not approved
    proposed --(the team's manager)--> withdrawn
    approved --(a later version approved)--> superseded

Only an approved version is active. Every step is audited; the board's decision is also a
governance Decision (D0001...) recorded at the meeting, so it appears in the meeting's record.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from partnership.models import Decision, Group, Meeting
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.services.numbering import next_number
from referrals.models import Referral, Status

from .. import access
from ..models import (
    Allocation,
    AllocationLine,
    AllocationMethod,
    AllocationStatus,
    Team,
)
from . import need
from .capacity import capacity
from .readiness import progress
from .schools import member_schools

WEIGHT_FIELDS = [i.weight_field for i in need.INDICATORS]
MAX_SHARE_WTE = Decimal("10.00")


# --- the published method -------------------------------------------------------------------------


def current_method(partnership) -> AllocationMethod | None:
    return AllocationMethod.objects.filter(partnership=partnership).order_by("-number").first()


@transaction.atomic
def publish_method(*, partnership, by, explanation: str, **weights) -> AllocationMethod:
    """Publish a new version of the method (the area lead). Earlier proposals keep their version."""
    if not access.holds(by, partnership, Permission.MANAGE_PARTNERSHIP):
        raise PermissionDenied("Only the area lead publishes the allocation method.")
    values = {name: Decimal(weights.get(name) or 0) for name in WEIGHT_FIELDS}
    if all(v <= 0 for v in values.values()):
        raise ValidationError({"pupils_weight": "Give at least one indicator a weight above 0"})
    if any(v < 0 or v > 100 for v in values.values()):
        raise ValidationError({"pupils_weight": "Weights must be between 0 and 100"})
    if not explanation.strip():
        raise ValidationError({"explanation": "Explain why these indicators and weights"})
    number = next_number(AllocationMethod, partnership)
    method = AllocationMethod.objects.create(
        partnership=partnership,
        number=number,
        explanation=explanation.strip(),
        published_by=by,
        published_at=timezone.now(),
        **values,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=method,
        partnership=partnership,
        detail={"version": number, **{k: str(v) for k, v in values.items()}},
    )
    return method


# --- the inputs -----------------------------------------------------------------------------------


def referral_counts(partnership, school_ids, on: datetime.date) -> dict[int, int]:
    """Referrals submitted (not drafts) by each school in the 12 months up to `on`: counts only."""
    since = on - datetime.timedelta(days=365)
    rows = (
        Referral.objects.filter(
            partnership=partnership,
            school_id__in=list(school_ids),
            submitted_at__date__gt=since,
            submitted_at__date__lte=on,
        )
        .exclude(status=Status.DRAFT)
        .values("school_id")
        .annotate(n=Count("pk"))
    )
    return {row["school_id"]: row["n"] for row in rows}


def candidate_inputs(partnership, schools, on: datetime.date) -> list[need.SchoolInputs]:
    """Each school's indicators as they are on `on` (the rate is per 1,000 pupils, 2 decimals)."""
    ids = [s.pk for s in schools]
    referrals = referral_counts(partnership, ids, on)
    readiness = progress(partnership, ids)
    inputs = []
    for school in schools:
        pupils = school.pupil_count
        count = referrals.get(school.pk, 0)
        rate = (Decimal(count) * 1000 / Decimal(pupils)).quantize(Decimal("0.01")) if pupils else None
        inputs.append(
            need.SchoolInputs(
                school_id=school.pk,
                name=school.name,
                pupils=pupils,
                fsm_percent=school.fsm_percent,
                deprivation_decile=school.deprivation_decile,
                referral_rate=rate,
                readiness_met=readiness.get(school.pk, 0),
            )
        )
    return inputs


# --- proposing ------------------------------------------------------------------------------------


def open_proposal(team) -> Allocation | None:
    return Allocation.objects.filter(team=team, status=AllocationStatus.PROPOSED).first()


def active_allocation(team) -> Allocation | None:
    return Allocation.objects.filter(team=team, status=AllocationStatus.APPROVED).first()


@transaction.atomic
def propose(*, team, by, school_ids, effective_from: datetime.date, rationale: str, on=None) -> Allocation:
    """Calculate version N+1 of the team's allocation from today's inputs and the published method,
    and save it as a proposal (not active until the board approves it)."""
    partnership = team.partnership
    if not access.can_manage_team(by, team):
        raise PermissionDenied("Only the team's MHST manager proposes its allocation.")
    method = current_method(partnership)
    if method is None:
        raise ValidationError("The partnership has not published its allocation method yet: ask the area lead.")
    errors = {}
    eligible = {school.pk: school for school in member_schools(partnership)}
    wanted = list(dict.fromkeys(int(i) for i in school_ids))
    chosen = [eligible[i] for i in wanted if i in eligible]
    if not wanted:
        errors["schools"] = "Choose at least one school"
    elif len(chosen) != len(wanted):
        errors["schools"] = "Choose only the partnership's member schools and colleges"
    if effective_from is None:
        errors["effective_from"] = "Enter the date the allocation would start"
    if not rationale.strip():
        errors["rationale"] = "Explain the proposal: members read this once it is approved"
    if errors:
        raise ValidationError(errors)
    Team.objects.select_for_update().get(pk=team.pk)  # one proposal at a time per team
    waiting = open_proposal(team)
    if waiting is not None:
        raise ValidationError(f"Version {waiting.number} is still waiting for the board's decision: withdraw it first.")
    on = on or timezone.localdate()
    cap = capacity(team, max(on, effective_from))
    result = need.allocate(method, cap.qualified_wte, candidate_inputs(partnership, chosen, on))
    number = (Allocation.objects.filter(team=team).aggregate(n=Max("number"))["n"] or 0) + 1
    allocation = Allocation.objects.create(
        team=team,
        number=number,
        method=method,
        capacity_on=max(on, effective_from),
        capacity_wte=result.capacity_wte,
        effective_from=effective_from,
        rationale=rationale.strip(),
        notes=result.notes,
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    referrals = referral_counts(partnership, [s.pk for s in chosen], on)
    AllocationLine.objects.bulk_create(
        AllocationLine(
            allocation=allocation,
            school_id=line.inputs.school_id,
            pupils=line.inputs.pupils,
            fsm_percent=line.inputs.fsm_percent,
            deprivation_decile=line.inputs.deprivation_decile,
            referrals_12m=referrals.get(line.inputs.school_id, 0),
            referral_rate=line.inputs.referral_rate,
            readiness_met=line.inputs.readiness_met,
            need_score=line.score,
            rank=line.rank,
            tied=line.tied,
            workings=line.workings,
            notes=line.notes,
            calculated_wte=line.share_wte,
        )
        for line in result.lines
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=allocation,
        partnership=partnership,
        detail={
            "team": team.pk,
            "version": number,
            "method_version": method.number,
            "schools": len(chosen),
            "capacity_wte": str(result.capacity_wte),
        },
    )
    return allocation


def _proposal_for_update(allocation) -> Allocation:
    locked = Allocation.objects.select_for_update().select_related("team__partnership").get(pk=allocation.pk)
    if locked.status != AllocationStatus.PROPOSED:
        raise ValidationError(
            f"Version {locked.number} is {locked.get_status_display().lower()}: only a proposal can change."
        )
    return locked


def can_adjust(user, allocation) -> bool:
    """The team's manager, or those who approve (the board may change a proposal at its meeting)."""
    return access.can_manage_team(user, allocation.team) or access.holds(
        user, allocation.team.partnership, Permission.APPROVE_MHST_ALLOCATIONS
    )


@transaction.atomic
def adjust(*, line: AllocationLine, by, wte, reason: str) -> AllocationLine:
    """Change one school's share of a proposal, with a written reason (audited)."""
    allocation = _proposal_for_update(line.allocation)
    if not can_adjust(by, allocation):
        raise PermissionDenied("Only the team's manager or the steering group adjusts a proposal.")
    try:
        value = Decimal(str(wte).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"wte": "Enter the share as a number of whole-time equivalents, like 0.40"}) from None
    errors = {}
    if value < 0 or value > MAX_SHARE_WTE:
        errors["wte"] = f"Enter a share between 0 and {MAX_SHARE_WTE} WTE"
    if not reason.strip():
        errors["reason"] = "Explain why the share changes: members read it with the allocation"
    if errors:
        raise ValidationError(errors)
    locked = AllocationLine.objects.select_for_update().get(pk=line.pk)
    before = str(locked.share_wte)
    locked.adjusted_wte = value
    locked.adjustment_reason = reason.strip()
    locked.adjusted_by = by
    locked.adjusted_at = timezone.now()
    locked.save(update_fields=["adjusted_wte", "adjustment_reason", "adjusted_by", "adjusted_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=allocation,
        partnership=allocation.team.partnership,
        detail={
            "version": allocation.number,
            "school": locked.school_id,
            "changed": {"share_wte": [before, str(value)]},
            "reason": locked.adjustment_reason,
        },
    )
    return locked


# --- the board's decision -------------------------------------------------------------------------


def decision_meetings(partnership):
    """Held meetings of the partnership's steering group, most recent first: where allocations are decided."""
    return (
        Meeting.objects.filter(
            group__partnership=partnership, group__kind=Group.Kind.STEERING, status=Meeting.Status.HELD
        )
        .select_related("group")
        .order_by("-starts_at")
    )


@transaction.atomic
def decide(*, allocation, by, meeting, approve: bool, decision_text: str, note: str = "") -> Allocation:
    """Record the steering group's decision on a proposal, at a meeting it held: approved (it becomes
    the team's active allocation and the previous one is superseded) or not approved."""
    partnership = allocation.team.partnership
    if not access.holds(by, partnership, Permission.APPROVE_MHST_ALLOCATIONS):
        raise PermissionDenied("Only the area lead or a steering group member records the board's decision.")
    locked = _proposal_for_update(allocation)
    errors = {}
    if meeting is None or not decision_meetings(partnership).filter(pk=meeting.pk).exists():
        errors["meeting"] = "Choose a steering group meeting that has been held"
    if not decision_text.strip():
        errors["decision_text"] = "Enter the decision as minuted"
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        meeting=meeting,
        partnership=partnership,
        number=next_number(Decision, partnership),
        text=decision_text.strip(),
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=decision,
        partnership=partnership,
        detail={"reference": decision.reference, "meeting": meeting.pk},
    )
    superseded = None
    if approve:
        superseded = active_allocation(locked.team)
        if superseded is not None:
            superseded.status = AllocationStatus.SUPERSEDED
            superseded.save(update_fields=["status", "updated_at"])
    locked.status = AllocationStatus.APPROVED if approve else AllocationStatus.NOT_APPROVED
    locked.meeting = meeting
    locked.decision = decision
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()
    locked.save(
        update_fields=["status", "meeting", "decision", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=locked,
        partnership=partnership,
        detail={
            "version": locked.number,
            "to": locked.status,
            "decision": decision.reference,
            "meeting": meeting.pk,
            "superseded_version": superseded.number if superseded else None,
        },
    )
    return locked


@transaction.atomic
def withdraw(*, allocation, by, reason: str) -> Allocation:
    locked = _proposal_for_update(allocation)
    if not access.can_manage_team(by, locked.team):
        raise PermissionDenied("Only the team's MHST manager withdraws its proposal.")
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the proposal is withdrawn"})
    locked.status = AllocationStatus.WITHDRAWN
    locked.decision_note = reason.strip()
    locked.save(update_fields=["status", "decision_note", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=locked,
        partnership=locked.team.partnership,
        detail={"version": locked.number, "to": locked.status, "reason": locked.decision_note},
    )
    return locked
