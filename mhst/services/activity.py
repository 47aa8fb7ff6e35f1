"""The activity log of a Mental Health Support Team (issue 6 item 5): record, correct and delete one
piece of work in a school. Counts only: an activity holds no child's details, and there is
deliberately no free-text field where they could be typed.

Who: a membership holding RECORD_MHST_ACTIVITY at the team's provider (the team's manager and
practitioners). A manager (MANAGE_MHST at the provider) may change or delete any of the team's
activities; anyone else only those they recorded themselves.

Rules (`problems()`, also used row by row by the CSV import):
- the school is an active education member of the team's partnership;
- the practitioner belongs to this team and is in post on the date;
- the date is not in the future and not before the team started;
- duration 1 to 600 minutes; children and adults reached 0 to 5,000 each;
- at least one child or adult reached, except for a consultation with school staff or liaison
  with a specialist service (NO_ONE_REACHED_TYPES): those are work *about* children, and a
  consultation's staff member or a liaison's specialist is not someone the team "reached".

Every change is audited: create (the fields), update (the changed fields), delete (what it was).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit

from .. import access
from ..models import Activity, ActivityType, Function, Practitioner
from .schools import member_schools

FIELDS = (
    "date",
    "school",
    "practitioner",
    "function",
    "type",
    "duration_minutes",
    "children_reached",
    "adults_reached",
)
MIN_MINUTES, MAX_MINUTES = 1, 600
MAX_REACHED = 5000
NO_ONE_REACHED_TYPES = frozenset({ActivityType.CONSULTATION, ActivityType.LIAISON})

REFUSED_TEAM = "Only the team's manager and practitioners can record its activity."
REFUSED_OTHERS = "You can only change or delete activity you recorded yourself. Ask your team's manager."


# --- who may do what ------------------------------------------------------------------------------


def can_record(user, team) -> bool:
    return access.can_manage_team(user, team, Permission.RECORD_MHST_ACTIVITY)


def is_manager(user, team) -> bool:
    return access.can_manage_team(user, team, Permission.MANAGE_MHST)


def can_change(user, activity: Activity) -> bool:
    """A team's manager: any of its activities; a practitioner: only what they recorded."""
    team = activity.team
    if not can_record(user, team):
        return False
    return is_manager(user, team) or activity.recorded_by_id == user.pk


# --- the rules --------------------------------------------------------------------------------------


def schools(team):
    """The schools activity can be recorded at: the partnership's member schools."""
    return member_schools(team.partnership)


def problems(team, fields: dict, *, today: date | None = None) -> dict[str, str]:
    """{field: message} for every rule `fields` break (empty when they can be saved). `fields` holds
    model instances for school and practitioner, ints for the numbers, a date for date."""
    today = today or timezone.localdate()
    found = {}
    day = fields.get("date")
    if not isinstance(day, date):
        found["date"] = "Enter the date of the activity"
    elif day > today:
        found["date"] = "The date of the activity must be today or in the past"
    elif day < team.started_on:
        found["date"] = f"The date must be on or after {team.started_on:%-d %B %Y}, when the team started"

    school = fields.get("school")
    if school is None:
        found["school"] = "Select the school"
    elif not schools(team).filter(pk=school.pk).exists():
        found["school"] = "Select a school that is an active member of the partnership"

    practitioner = fields.get("practitioner")
    if practitioner is None:
        found["practitioner"] = "Select the practitioner"
    elif practitioner.team_id != team.pk:
        found["practitioner"] = "Select a practitioner of this team"
    elif isinstance(day, date) and not practitioner.is_active_on(day):
        found["practitioner"] = f"{practitioner.name} was not in post on {day:%-d %B %Y}"

    if fields.get("function") not in Function.values:
        found["function"] = "Select the function: 1, 2 or 3"
    if fields.get("type") not in ActivityType.values:
        found["type"] = "Select the type of activity"

    minutes = fields.get("duration_minutes")
    if minutes is None:
        found["duration_minutes"] = "Enter how long the activity took, in minutes"
    elif not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        found["duration_minutes"] = f"Duration must be between {MIN_MINUTES} and {MAX_MINUTES} minutes"

    counts_ok = True
    for name, who in (("children_reached", "Children"), ("adults_reached", "Adults")):
        value = fields.get(name)
        if value is None:
            value = 0
        if not isinstance(value, int) or not 0 <= value <= MAX_REACHED:
            found[name] = f"{who} reached must be a whole number from 0 to {MAX_REACHED:,}"
            counts_ok = False
    if (
        counts_ok
        and fields.get("type") in ActivityType.values
        and fields.get("type") not in NO_ONE_REACHED_TYPES
        and not (fields.get("children_reached") or 0) + (fields.get("adults_reached") or 0)
    ):
        found["children_reached"] = (
            "Enter how many children or adults the activity reached: at least one "
            "(only a consultation or liaison with a specialist service can reach no one)"
        )
    return found


def _clean(team, fields: dict) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown activity fields: {sorted(unknown)}")
    data = {name: fields.get(name) for name in FIELDS}
    for name in ("children_reached", "adults_reached"):
        if data[name] is None:
            data[name] = 0
    found = problems(team, data)
    if found:
        raise ValidationError(found)
    return data


def snapshot(activity: Activity) -> dict:
    """The activity's fields as strings, for the audit log (no child's details exist to leak)."""
    return {
        "date": activity.date.isoformat(),
        "school": activity.school_id,
        "practitioner": activity.practitioner_id,
        "function": activity.function,
        "type": activity.type,
        "duration_minutes": activity.duration_minutes,
        "children_reached": activity.children_reached,
        "adults_reached": activity.adults_reached,
    }


# --- writes ---------------------------------------------------------------------------------------


def record(team, by, *, audit_detail: dict | None = None, **fields) -> Activity:
    """Record one activity. `audit_detail` adds to the audit event (the API's idempotency key)."""
    if not can_record(by, team):
        raise PermissionDenied(REFUSED_TEAM)
    data = _clean(team, fields)
    with transaction.atomic():
        activity = Activity.objects.create(team=team, recorded_by=by, **data)
        detail = {"team": team.pk, **snapshot(activity), **(audit_detail or {})}
        audit.record(actor=by, action=AuditAction.CREATE, obj=activity, detail=detail)
    return activity


def update(activity: Activity, by, **fields) -> Activity:
    """Correct an activity: `fields` are the ones to change (the others stay as they are)."""
    if not can_change(by, activity):
        raise PermissionDenied(REFUSED_OTHERS)
    current = {name: getattr(activity, name) for name in FIELDS}
    data = _clean(activity.team, {**current, **fields})
    with transaction.atomic():
        before = snapshot(Activity.objects.select_for_update().get(pk=activity.pk))
        for name, value in data.items():
            setattr(activity, name, value)
        activity.save()
        changes = audit.changed_fields(before, snapshot(activity))
        if changes:
            audit.record(actor=by, action=AuditAction.UPDATE, obj=activity, detail=changes)
    return activity


def delete(activity: Activity, by) -> None:
    if not can_change(by, activity):
        raise PermissionDenied(REFUSED_OTHERS)
    with transaction.atomic():
        detail = {"team": activity.team_id, **snapshot(activity)}
        pk = activity.pk
        audit.record(actor=by, action=AuditAction.DELETE, obj=activity, detail=detail)
        Activity.objects.filter(pk=pk).delete()


# --- defaults for quick entry -----------------------------------------------------------------------


def own_post(user, team, on: date | None = None) -> Practitioner | None:
    """The user's own practitioner post in the team, in post on `on` (today by default)."""
    on = on or timezone.localdate()
    return Practitioner.objects.filter(team=team, user=user).active_on(on).order_by("-started_on", "pk").first()


def last_recorded(user, team) -> Activity | None:
    return Activity.objects.filter(team=team, recorded_by=user).order_by("-created_at", "-pk").first()
