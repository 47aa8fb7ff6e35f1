"""Meetings of a group: a year's schedule from the terms of reference cadence, agenda, attendance
and quorum, minutes, decisions with stable references (D0001), and actions raised at a meeting."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Action, Attendance, Decision, Group, GroupMember, Meeting, Membership, Sector, TermsOfReference
from ..models.audit import AuditAction
from ..roles import Permission
from . import audit
from .actions import create_action
from .numbering import next_number
from .permissions import require

Frequency = TermsOfReference.Frequency

#: how far apart meetings are, and how many make a year
CADENCE: dict[str, tuple[relativedelta, int]] = {
    Frequency.MONTHLY: (relativedelta(months=1), 12),
    Frequency.SIX_WEEKLY: (relativedelta(weeks=6), 9),
    Frequency.BIMONTHLY: (relativedelta(months=2), 6),
    Frequency.TERMLY: (relativedelta(months=4), 3),
    Frequency.QUARTERLY: (relativedelta(months=3), 4),
}

#: an existing meeting of the group this close to a proposed date already fills that slot
SAME_SLOT_DAYS = 7


def _require_manager(by, group: Group) -> None:
    require(by, group.partnership_id, Permission.MANAGE_PARTNERSHIP)


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)


def _require_not_cancelled(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled, so it cannot be changed.")


def _require_held(meeting: Meeting, what: str) -> None:
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(f"Record attendance first: {what} are recorded for a meeting that has been held.")


# --- the year's schedule -----------------------------------------------------------------------


def weekday_on_or_after(day: datetime.date) -> datetime.date:
    """A Saturday or Sunday moves to the Monday after it."""
    if day.weekday() >= 5:
        return day + datetime.timedelta(days=7 - day.weekday())
    return day


def nominal_dates(frequency: str, first_date: datetime.date) -> list[datetime.date]:
    """A year of dates from `first_date` at the cadence, each counted from the first (not from the
    one before it), so a month-end start or a weekend move does not drift."""
    step, count = CADENCE[frequency]
    return [first_date + step * i for i in range(count)]


def cadence_dates(frequency: str, first_date: datetime.date) -> list[datetime.date]:
    """The year's meeting dates, each moved off the weekend to the Monday."""
    return [weekday_on_or_after(day) for day in nominal_dates(frequency, first_date)]


@dataclass(frozen=True)
class ProposedMeeting:
    nominal: datetime.date  # the date at the cadence, before any weekend move
    date: datetime.date
    starts_at: datetime.datetime
    existing: Meeting | None  # a meeting of the group already in this slot: not duplicated

    @property
    def moved_from_weekend(self) -> bool:
        return self.nominal != self.date


def schedule_frequency(group: Group) -> str:
    terms = group.published_terms()
    if terms is None:
        raise ValidationError(
            f"{group.name} has no published terms of reference, so there is no meeting frequency to "
            "schedule from. Publish its terms of reference first."
        )
    return terms.meeting_frequency


def propose_schedule(
    *, group: Group, first_date: datetime.date, time: datetime.time, frequency: str | None = None
) -> list[ProposedMeeting]:
    """The year's meetings the schedule would create (a preview: nothing is saved)."""
    frequency = frequency or schedule_frequency(group)
    proposed = []
    for nominal in nominal_dates(frequency, first_date):
        day = weekday_on_or_after(nominal)
        starts_at = timezone.make_aware(datetime.datetime.combine(day, time))
        window = datetime.timedelta(days=SAME_SLOT_DAYS)
        existing = (
            Meeting.objects.filter(group=group, starts_at__gte=starts_at - window, starts_at__lte=starts_at + window)
            .order_by("starts_at")
            .first()
        )
        proposed.append(ProposedMeeting(nominal=nominal, date=day, starts_at=starts_at, existing=existing))
    return proposed


@transaction.atomic
def schedule_year(
    *,
    group: Group,
    by,
    first_date: datetime.date,
    time: datetime.time,
    location: str = "",
    frequency: str | None = None,
) -> list[Meeting]:
    """Create the year's meetings at the group's published cadence (or `frequency`, for seeding a
    group without terms). Slots that already have a meeting are skipped: running twice creates
    nothing the second time."""
    if by is not audit.SYSTEM:
        _require_manager(by, group)
    Group.objects.select_for_update().filter(pk=group.pk).first()  # one scheduler at a time per group
    frequency = frequency or schedule_frequency(group)
    created = []
    for slot in propose_schedule(group=group, first_date=first_date, time=time, frequency=frequency):
        if slot.existing is not None:
            continue
        meeting = Meeting.objects.create(group=group, starts_at=slot.starts_at, location=location.strip())
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            obj=meeting,
            detail={"group": group.pk, "starts_at": meeting.starts_at.isoformat(), "frequency": frequency},
        )
        created.append(meeting)
    return created


# --- agenda, cancellation ----------------------------------------------------------------------


def _update_text(*, meeting: Meeting, by, field: str, value: str) -> Meeting:
    before = {field: getattr(meeting, field)}
    setattr(meeting, field, value.strip())
    meeting.save(update_fields=[field, "updated_at"])
    diff = audit.changed_fields(before, {field: getattr(meeting, field)})
    if diff:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=meeting, detail={"changed": diff})
    return meeting


@transaction.atomic
def update_agenda(*, meeting: Meeting, by, agenda: str) -> Meeting:
    locked = _locked(meeting)
    _require_manager(by, locked.group)
    _require_not_cancelled(locked)
    return _update_text(meeting=locked, by=by, field="agenda", value=agenda)


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by) -> Meeting:
    locked = _locked(meeting)
    _require_manager(by, locked.group)
    if locked.status != Meeting.Status.SCHEDULED:
        raise ValidationError(
            f"Only a scheduled meeting can be cancelled; this one is {locked.get_status_display().lower()}."
        )
    locked.status = Meeting.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=locked,
        detail={"from": Meeting.Status.SCHEDULED, "to": Meeting.Status.CANCELLED},
    )
    return locked


# --- attendance and quorum ---------------------------------------------------------------------


def current_seats(group: Group):
    return (
        GroupMember.objects.filter(group=group)
        .current()
        .select_related("user", "organisation")
        .order_by("user__full_name", "pk")
    )


def _people(count: int) -> str:
    return f"{count} member{'' if count == 1 else 's'} present"


def check_quorum(terms: TermsOfReference | None, present_organisations: list) -> tuple[bool | None, str]:
    """Quorate when the members present reach terms.quorum and every sector in
    terms.quorum_sectors has at least one member present. Returns (quorate, note)."""
    if terms is None:
        return None, "Quorum not checked: the group has no published terms of reference."
    count = len(present_organisations)
    sectors_present = {org.sector for org in present_organisations}
    missing = [Sector(s).label for s in terms.quorum_sectors if s not in sectors_present]
    note = f"{_people(count)}; {terms.quorum} needed."
    if missing:
        note += f" No one from {' or '.join(missing)} present."
    quorate = count >= terms.quorum and not missing
    note = ("Quorate: " if quorate else "Not quorate: ") + note
    return quorate, note[:300]


@transaction.atomic
def record_attendance(*, meeting: Meeting, by, statuses: dict[int, str], guests: list[Membership] = ()) -> Meeting:
    """Record who came: a status for every current seat of the group (by seat pk), and any other
    partnership members present (not counted towards quorum). Checks quorum against the group's
    published terms in force and marks the meeting held. Recording again corrects it."""
    locked = _locked(meeting)
    group = locked.group
    _require_manager(by, group)
    _require_not_cancelled(locked)
    if timezone.localdate(locked.starts_at) > timezone.localdate():
        raise ValidationError("Attendance can be recorded on the day of the meeting or after it.")
    seats = list(current_seats(group))
    unknown = set(statuses) - {seat.pk for seat in seats}
    if unknown:
        raise ValidationError("Attendance can only be recorded for the group's current members.")
    for seat in seats:
        if statuses.get(seat.pk) not in Attendance.Status.values:
            raise ValidationError(f"Select whether {seat.user} was present, sent apologies or was absent.")
    locked.attendance.all().delete()
    seen = set()
    present_orgs = []
    for seat in seats:
        if seat.user_id in seen:
            continue
        seen.add(seat.user_id)
        status = statuses[seat.pk]
        Attendance.objects.create(
            meeting=locked, user=seat.user, organisation=seat.organisation, status=status, is_member=True
        )
        if status == Attendance.Status.PRESENT:
            present_orgs.append(seat.organisation)
    guest_count = 0
    for membership in guests:
        if membership.partnership_id != group.partnership_id or not membership.is_active:
            raise ValidationError("Other attendees must be active members of the partnership.")
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        Attendance.objects.create(
            meeting=locked,
            user=membership.user,
            organisation=membership.organisation,
            status=Attendance.Status.PRESENT,
            is_member=False,
        )
        guest_count += 1
    terms = group.published_terms()
    quorate, note = check_quorum(terms, present_orgs)
    was = locked.status
    locked.terms = terms
    locked.quorate = quorate
    locked.quorum_note = note
    locked.status = Meeting.Status.HELD
    locked.save(update_fields=["terms", "quorate", "quorum_note", "status", "updated_at"])
    counts = {s: sum(1 for seat in seats if statuses[seat.pk] == s) for s in Attendance.Status.values}
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE if was != Meeting.Status.HELD else AuditAction.UPDATE,
        obj=locked,
        detail={
            "attendance": counts,
            "others_present": guest_count,
            "quorate": quorate,
            "terms": terms.pk if terms else None,
            "from": was,
            "to": Meeting.Status.HELD,
        },
    )
    return locked


# --- minutes, decisions, actions ---------------------------------------------------------------


@transaction.atomic
def update_minutes(*, meeting: Meeting, by, minutes: str) -> Meeting:
    locked = _locked(meeting)
    _require_manager(by, locked.group)
    _require_held(locked, "minutes")
    return _update_text(meeting=locked, by=by, field="minutes", value=minutes)


@transaction.atomic
def add_decision(*, meeting: Meeting, by, text: str) -> Decision:
    """Record a decision with the partnership's next number (D0001...). Never renumbered or deleted."""
    locked = _locked(meeting)
    _require_manager(by, locked.group)
    _require_held(locked, "decisions")
    partnership = locked.group.partnership
    decision = Decision.objects.create(
        meeting=locked,
        partnership=partnership,
        number=next_number(Decision, partnership),
        text=text.strip(),
        created_by=by,
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=decision,
        detail={"reference": decision.reference, "meeting": locked.pk},
    )
    return decision


@transaction.atomic
def edit_decision(*, decision: Decision, by, text: str) -> Decision:
    """Correct a decision's wording; its number and reference never change."""
    locked = Decision.objects.select_for_update().select_related("meeting__group").get(pk=decision.pk)
    _require_manager(by, locked.meeting.group)
    before = {"text": locked.text}
    locked.text = text.strip()
    locked.save(update_fields=["text"])
    diff = audit.changed_fields(before, {"text": locked.text})
    if diff:
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"reference": locked.reference, "changed": diff},
        )
    return locked


def raise_action(
    *,
    meeting: Meeting,
    by,
    title: str,
    owner: Membership,
    due_date: datetime.date,
    description: str = "",
) -> Action:
    """An action raised at the meeting: `owner` is the membership (person and the organisation
    they act for) of an active member of the partnership."""
    _require_manager(by, meeting.group)
    _require_not_cancelled(meeting)
    return create_action(
        partnership=meeting.group.partnership,
        by=by,
        title=title.strip(),
        owner=owner.user,
        owner_organisation=owner.organisation,
        due_date=due_date,
        description=description.strip(),
        source_meeting=meeting,
    )
