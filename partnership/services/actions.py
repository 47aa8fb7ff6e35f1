"""The action log: raising and editing actions, recording progress, reminders.

RAG is never stored: it is computed from the status, the due date, the at-risk flag and today
(`rag_for` in Python, `ActionQuerySet.with_rag` in SQL), so an action turns red by itself when its
due date passes.

Raising and editing actions is for an area lead of the partnership (MANAGE_PARTNERSHIP); progress
is recorded by the area lead or by the action's owner (UPDATE_OWN_ACTIONS), but only the area lead
may cancel an action. The services check this themselves and raise PermissionDenied.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import Action, ActionUpdate, Meeting, Membership, Partnership, Risk, SentNotification, User
from ..models.audit import AuditAction
from ..roles import Permission
from . import audit, notifications
from .numbering import next_number
from .permissions import allowed, require

#: an open action due within this many days gets one "due soon" reminder
DUE_SOON_DAYS = 7


def _check_owner(partnership: Partnership, owner: User, owner_organisation) -> None:
    if not owner.memberships.filter(partnership=partnership, organisation=owner_organisation, is_active=True).exists():
        raise ValidationError({"owner": "The owner must be a member of the partnership acting for that organisation."})


def _check_source(partnership: Partnership, *, source: str, source_risk: Risk | None, source_detail: str) -> None:
    if source_risk is not None and source_risk.partnership_id != partnership.pk:
        raise ValidationError({"source_risk": "That risk is not in this partnership."})
    if source == Action.Source.RISK and source_risk is None:
        raise ValidationError({"source_risk": "Select the risk the action mitigates"})
    if source in (Action.Source.CASCADE_DOMAIN, Action.Source.WORKSHOP) and not source_detail.strip():
        raise ValidationError({"source_detail": "Enter the CASCADE domain or workshop the action came from"})


CASCADE_SOURCES = (Action.Source.CASCADE_DOMAIN, Action.Source.WORKSHOP)


@transaction.atomic
def create_action(
    *,
    partnership: Partnership,
    by: User,
    title: str,
    owner: User,
    owner_organisation,
    due_date: date,
    description: str = "",
    source: str = Action.Source.OTHER,
    source_meeting: Meeting | None = None,
    source_risk: Risk | None = None,
    source_detail: str = "",
    at_risk: bool = False,
) -> Action:
    """Raise an action. The owner must be an active member of the partnership, acting for
    `owner_organisation`; a meeting or risk source must belong to the same partnership.
    Workshop facilitators may raise the actions a CASCADE workshop agrees; everything else
    needs the area lead."""
    if not (source in CASCADE_SOURCES and allowed(by, partnership, Permission.RUN_CASCADE_WORKSHOPS)):
        require(by, partnership, Permission.MANAGE_PARTNERSHIP)
    _check_owner(partnership, owner, owner_organisation)
    if source_meeting is not None and source_meeting.group.partnership_id != partnership.pk:
        raise ValidationError({"source_meeting": "That meeting is not in this partnership."})
    if source_risk is not None and source_risk.partnership_id != partnership.pk:
        raise ValidationError({"source_risk": "That risk is not in this partnership."})
    if source_meeting is not None:
        source = Action.Source.MEETING
    elif source_risk is not None:
        source = Action.Source.RISK
    action = Action.objects.create(
        partnership=partnership,
        number=next_number(Action, partnership),
        title=title,
        description=description,
        owner=owner,
        owner_organisation=owner_organisation,
        due_date=due_date,
        source=source,
        source_meeting=source_meeting,
        source_risk=source_risk,
        source_detail=source_detail,
        at_risk=at_risk,
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=action,
        partnership=partnership,
        detail={"reference": action.reference, "source": source},
    )
    return action


def _snapshot(action: Action) -> dict:
    return {
        "title": action.title,
        "description": action.description,
        "owner": action.owner_id,
        "owner_organisation": action.owner_organisation_id,
        "due_date": action.due_date,
        "source": action.source,
        "source_risk": action.source_risk_id,
        "source_detail": action.source_detail,
    }


@transaction.atomic
def update_action(
    *,
    action: Action,
    by: User,
    title: str,
    description: str,
    owner: User,
    owner_organisation,
    due_date: date,
    source: str,
    source_risk: Risk | None = None,
    source_detail: str = "",
) -> Action:
    """The area lead corrects an action's details. A meeting-sourced action keeps its meeting.
    A new due date is also written on the progress timeline."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    require(by, action.partnership_id, Permission.MANAGE_PARTNERSHIP)
    partnership = action.partnership
    _check_owner(partnership, owner, owner_organisation)
    if action.source_meeting_id is not None:
        source = Action.Source.MEETING
    elif source == Action.Source.MEETING:
        raise ValidationError({"source": "Only an action raised at a meeting can have a meeting as its source"})
    else:
        _check_source(partnership, source=source, source_risk=source_risk, source_detail=source_detail)
    if source != Action.Source.RISK:
        source_risk = None
    before = _snapshot(action)
    old_due = action.due_date
    action.title = title
    action.description = description
    action.owner = owner
    action.owner_organisation = owner_organisation
    action.due_date = due_date
    action.source = source
    action.source_risk = source_risk
    action.source_detail = source_detail
    changes = audit.changed_fields(before, _snapshot(action))
    if not changes:
        return action
    action.save()
    if old_due != due_date:
        ActionUpdate.objects.create(
            action=action,
            by=by,
            text="The due date was changed when the action's details were edited.",
            due_date_from=old_due,
            due_date_to=due_date,
        )
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=action,
        detail={"reference": action.reference, "changed": changes},
    )
    return action


def can_update_progress(user: User, action: Action) -> bool:
    """The area lead may update any action; a member with UPDATE_OWN_ACTIONS only the ones they own."""
    if allowed(user, action.partnership_id, Permission.MANAGE_PARTNERSHIP):
        return True
    return action.owner_id == user.pk and allowed(user, action.partnership_id, Permission.UPDATE_OWN_ACTIONS)


def can_cancel(user: User, action: Action) -> bool:
    """Cancelling takes an overdue action off red: that is the area lead's call, not the owner's."""
    return allowed(user, action.partnership_id, Permission.MANAGE_PARTNERSHIP)


def status_choices(user: User, action: Action) -> list[tuple[str, str]]:
    """The statuses `user` may set on `action` when recording progress."""
    cancel = can_cancel(user, action)
    return [(value, label) for value, label in Action.Status.choices if cancel or value != Action.Status.CANCELLED]


CANCEL_REFUSED = "Only the area lead can cancel an action. Record why it should be cancelled and ask them to."


@transaction.atomic
def record_progress(
    *,
    action: Action,
    by: User,
    text: str,
    status: str = "",
    at_risk: bool | None = None,
    due_date: date | None = None,
    reason: str = "",
) -> ActionUpdate:
    """Add an entry to the action's progress timeline, optionally changing its status, its at-risk
    flag or its due date (a new due date needs a reason). Completing sets `completed_at`;
    reopening clears it. Entries are never edited or deleted: a correction is a new entry."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if not can_update_progress(by, action):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the progress update"})
    if status and status not in Action.Status.values:
        raise ValidationError({"status": "Select a status"})
    new_status = status if status and status != action.status else ""
    if new_status == Action.Status.CANCELLED and not can_cancel(by, action):
        raise ValidationError({"status": CANCEL_REFUSED})
    new_due = due_date if due_date is not None and due_date != action.due_date else None
    if new_due is not None:
        if new_due < timezone.localdate():
            raise ValidationError({"due_date": "The new due date must be today or in the future"})
        if not reason.strip():
            raise ValidationError({"reason": "Enter the reason for the new due date"})
    lines = [text]
    if new_due is not None:
        lines.append(f"Reason for the new due date: {reason.strip()}")
    flag_changed = at_risk is not None and at_risk != action.at_risk
    if flag_changed:
        lines.append("Flagged as at risk." if at_risk else "No longer flagged as at risk.")
    update = ActionUpdate.objects.create(
        action=action,
        by=by,
        text="\n\n".join(lines),
        status_from=action.status if new_status else "",
        status_to=new_status,
        due_date_from=action.due_date if new_due else None,
        due_date_to=new_due,
    )
    changed = {}
    if new_status:
        changed["status"] = [action.status, new_status]
        # Completing sets completed_at; reopening (or cancelling) clears it.
        action.completed_at = timezone.now() if new_status == Action.Status.COMPLETE else None
        action.status = new_status
    if new_due is not None:
        changed["due_date"] = [str(action.due_date), str(new_due)]
        action.due_date = new_due
    if flag_changed:
        changed["at_risk"] = [str(action.at_risk), str(at_risk)]
        action.at_risk = at_risk
    if changed:
        action.save()
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE if "status" in changed else AuditAction.UPDATE,
        obj=action,
        detail={"reference": action.reference, "progress_update": update.pk, "changed": changed},
    )
    return update


# --- reminders ---------------------------------------------------------------------------------


def reminder_key(kind: str, action: Action) -> str:
    return f"action-{kind}:{action.pk}:{action.due_date.isoformat()}"


def send_action_reminders(*, today: date | None = None) -> int:
    """Email each owner once when an open action falls due within DUE_SOON_DAYS ("due soon") and
    once when it is overdue, per action and due date: a new due date means new reminders.
    Idempotent: a SentNotification row is written in the same transaction as the email."""
    today = today or timezone.localdate()
    sent = 0
    candidates = (
        Action.objects.open()
        .filter(partnership__is_active=True, owner__is_active=True, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("partnership", "owner")
        .order_by("due_date", "pk")
    )
    for action in candidates.iterator(chunk_size=500):
        if not _owner_is_member(action):
            continue
        kind = "overdue" if action.due_date < today else "due-soon"
        if _send_reminder(action=action, kind=kind):
            sent += 1
    return sent


def _owner_is_member(action: Action) -> bool:
    return Membership.objects.filter(partnership=action.partnership_id, user=action.owner_id, is_active=True).exists()


def _send_reminder(*, action: Action, kind: str) -> bool:
    key = reminder_key(kind, action)
    if SentNotification.objects.filter(key=key).exists():
        return False
    link = settings.SITE_URL + reverse("action_detail", args=[action.partnership.slug, action.pk])
    due = f"{action.due_date:%-d %B %Y}"
    if kind == "overdue":
        subject = f"Action {action.reference} is overdue: {action.partnership.name}"
        opening = f"Action {action.reference}, which you own, was due on {due} and is not complete."
    else:
        subject = f"Action {action.reference} is due on {due}: {action.partnership.name}"
        opening = f"Action {action.reference}, which you own, is due on {due}."
    return notifications.send_once(
        key=key,
        subject=subject,
        message=(
            f"{opening}\n\n{action.title}\n\n"
            "Record progress, complete the action or ask for a new due date here:\n"
            f"{link}\n"
        ),
        recipients=[action.owner.email],
        obj=action,
        detail={"notification": f"action_{kind.replace('-', '_')}", "reference": action.reference},
    )
